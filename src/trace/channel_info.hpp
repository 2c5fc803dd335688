// What a trace knows about a scenario's channels (pipes and message queues)
// and how a message identifies itself. Channels have their own namespace in
// events: for a kind whose row says `onChannel` (trace/event_kinds.hpp),
// Event::variable indexes ScenarioInfo::channels, not the shared variables.
//
// Every message a worker sends carries a tag: its sender and that sender's
// sequence number on the channel. The tag is the message's first 8 bytes and
// is repeated in every 8 bytes after its payload, so a reader can tell a
// message that arrived whole from one whose bytes came from several sends:
//
//   bytes  0       8        16      24 ...  messageBytes
//         +-------+--------+-------+-------+
//         | tag   | payload| tag   | tag   |   tag = (sender + 1) << 40 | sequence
//         +-------+--------+-------+-------+
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace racetrace {

enum class ChannelKind : std::uint8_t {
    Pipe,  ///< a Unix pipe: a stream of bytes, capacity in bytes
    Queue, ///< a POSIX message queue: whole messages, capacity in messages
};

/// "pipe", "queue": stable names for scenario files, traces and JSON.
std::string_view channelKindName(ChannelKind kind);
std::optional<ChannelKind> channelKindFromName(std::string_view name);

/// The page a pipe keeps its bytes in (x86-64 and arm64 Linux alike), and
/// PIPE_BUF: a write of at most this many bytes is never torn.
inline constexpr std::uint32_t kPipePageBytes = 4096;

struct ChannelInfo {
    std::string name = "P";
    ChannelKind kind = ChannelKind::Pipe;
    /// What it holds at most: bytes for a pipe (as the kernel granted it),
    /// messages for a queue.
    std::uint64_t capacity = 0;
    std::uint32_t messageBytes = 64; ///< every message's size, a multiple of 8, at least 16

    /// Capacity in messages (a pipe's bytes divided by the message size).
    std::uint64_t capacityInMessages() const {
        return kind == ChannelKind::Queue ? capacity : capacity / (messageBytes == 0 ? 1 : messageBytes);
    }
    /// True when it holds whole messages, so that "full" means capacityInMessages()
    /// of them: a queue, or a pipe whose messages are one page each (a pipe
    /// keeps bytes in pages, and a smaller message may or may not fit into the
    /// page the last write began; the kernel does not say).
    bool holdsWholeMessages() const {
        return kind == ChannelKind::Queue || (messageBytes == kPipePageBytes && capacity % kPipePageBytes == 0);
    }
    /// "pipe P", "queue Q".
    std::string displayName() const { return std::string(channelKindName(kind)) + " " + name; }
};

/// Smallest and largest message (a tag and a payload; the largest is what a
/// worker's buffer holds, 1 MiB, well above PIPE_BUF so tearing can be shown).
inline constexpr std::uint32_t kMinMessageBytes = 16;
inline constexpr std::uint32_t kMaxMessageBytes = 1u << 20;
/// Channels a scenario may declare.
inline constexpr std::uint32_t kMaxChannels = 8;

inline constexpr unsigned kTagSenderShift = 40;
inline constexpr std::uint64_t kTagSequenceMask = (std::uint64_t{1} << kTagSenderShift) - 1;

/// The tag of `sender`'s message number `sequence` (0-based).
constexpr std::int64_t messageTag(std::uint32_t sender, std::uint64_t sequence) {
    return static_cast<std::int64_t>((std::uint64_t{sender} + 1) << kTagSenderShift | (sequence & kTagSequenceMask));
}
/// The sender a tag names, or nothing for bytes that are no tag (a zero word).
constexpr std::optional<std::uint32_t> tagSender(std::int64_t tag) {
    const auto high = static_cast<std::uint64_t>(tag) >> kTagSenderShift;
    if (high == 0 || high > 256) return std::nullopt;
    return static_cast<std::uint32_t>(high - 1);
}
constexpr std::uint64_t tagSequence(std::int64_t tag) {
    return static_cast<std::uint64_t>(tag) & kTagSequenceMask;
}

/// "A's message 3" (1-based for people), or "an unknown message".
std::string messageName(std::int64_t tag);

/// What a non-blocking channel call leaves in its status register.
enum class ChannelStatus : std::int64_t {
    Ok = 0,         ///< sent or received
    WouldBlock = 1, ///< EAGAIN: no data (receive) or no space (send)
    EndOfFile = 2,  ///< receive: every write end is closed and the pipe is empty
    Broken = 3,     ///< send: EPIPE, nobody holds the read end any more
};

/// Which way a blocked or failed call went (Event::aux of WouldBlock, BlockedBegin, BlockedEnd).
enum class ChannelDirection : std::uint32_t { Receive = 0, Send = 1 };

} // namespace racetrace
