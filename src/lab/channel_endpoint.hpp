// A worker's ends of one channel and the system calls on them. Every end comes
// twice: a description that waits and one opened O_NONBLOCK (ipc/pipe.hpp,
// ipc/message_queue.hpp). A call first tries the non-blocking one, so the
// interpreter knows exactly when a call has to wait and can record the wait's
// beginning and end (BlockedBegin, BlockedEnd) around the blocking call that
// follows. For a queue the read and write descriptors are the same two.
#pragma once

#include "trace/channel_info.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace racetrace {

/// The child's descriptor numbers for one channel; -1 where it has no such end.
struct ChannelFds {
    int readWaiting = -1;
    int readNonBlocking = -1;
    int writeWaiting = -1;
    int writeNonBlocking = -1;
    std::array<int, 4> all() const { return {readWaiting, readNonBlocking, writeWaiting, writeNonBlocking}; }
};

enum class ChannelOutcome : std::uint8_t {
    Done,       ///< the whole message went through
    WouldBlock, ///< it would have to wait (a pipe may have taken or given part of a large message)
    EndOfFile,  ///< receive: every write end closed and nothing left
    Broken,     ///< send: nobody holds the read end (EPIPE)
    Failed,     ///< anything else: error() says what
};

/// What a channel call would find if it were made now (ChannelEndpoint::look).
enum class CallOutlook : std::uint32_t {
    NotACall = 0, ///< a shared access, not a channel call
    GoesThrough,  ///< data or space is there
    MustWait,     ///< empty (receive) or full (send): it will block, or a try fails
    EndOfFile,    ///< a receive finds the pipe empty with no write end left
    Broken,       ///< a send finds nobody holding the read end (EPIPE)
    /// A pipe with room in bytes but no free page: a small write goes through
    /// if it fits into the last page written, and the kernel does not say.
    MayWait,
};

class ChannelEndpoint {
  public:
    ChannelEndpoint(ChannelKind kind, std::uint32_t messageBytes, const ChannelFds& fds)
        : m_kind(kind), m_messageBytes(messageBytes), m_fds(fds) {}

    bool canSend() const { return m_fds.writeWaiting >= 0; }
    bool canReceive() const { return m_fds.readWaiting >= 0; }
    std::uint32_t messageBytes() const { return m_messageBytes; }

    /// Sends `message` from byte `done` on: without waiting, or waiting until
    /// all of it is written. `done` advances by what went through.
    ChannelOutcome send(std::span<const std::byte> message, std::size_t& done, bool wait);
    /// Receives into `buffer` (messageBytes) from byte `done` on, likewise.
    ChannelOutcome receive(std::span<std::byte> buffer, std::size_t& done, bool wait);
    /// What a send (or receive) would find if it were made now: poll() without
    /// a timeout, which takes and gives nothing.
    CallOutlook look(bool sending) const;
    /// Closes this worker's ends (readers of a pipe see end-of-file once every
    /// writer closed its ends or ended).
    void close();
    /// The system's words for the latest Failed.
    const std::string& error() const { return m_error; }

  private:
    ChannelOutcome pipeSend(std::span<const std::byte> message, std::size_t& done, bool wait);
    ChannelOutcome pipeReceive(std::span<std::byte> buffer, std::size_t& done, bool wait);
    ChannelOutcome queueSend(std::span<const std::byte> message, std::size_t& done, bool wait);
    ChannelOutcome queueReceive(std::span<std::byte> buffer, std::size_t& done, bool wait);
    ChannelOutcome failed(const char* call);

    ChannelKind m_kind;
    std::uint32_t m_messageBytes;
    ChannelFds m_fds;
    std::string m_error;
};

} // namespace racetrace
