// A POSIX message queue between workers. It has a name only for the moment it
// takes to open it: created O_CREAT|O_EXCL, mode 0600, under a random name and
// unlinked at once, so nothing is ever left in the mqueue file system and
// nobody else can open it. Its descriptor is inherited like the shared
// segment's (close-on-exec here; a worker gets it by an explicit dup2).
#pragma once

#include "ipc/result.hpp"

#include <cstddef>
#include <string>

#include <mqueue.h>

namespace racetrace {

class MessageQueue {
  public:
    MessageQueue() = default;
    MessageQueue(MessageQueue&& other) noexcept;
    MessageQueue& operator=(MessageQueue&& other) noexcept;
    MessageQueue(const MessageQueue&) = delete;
    MessageQueue& operator=(const MessageQueue&) = delete;
    ~MessageQueue();

    /// What this system allows a queue without privileges (/proc/sys/fs/mqueue).
    struct Limits {
        long maxMessages = 0;  ///< msg_max
        long messageBytes = 0; ///< msgsize_max
    };
    static Limits systemLimits();

    /// A queue of up to `maxMessages` messages of up to `messageBytes` each.
    /// Where queues are unavailable (a kernel without them, the per-user
    /// memory limit RLIMIT_MSGQUEUE used up, a size beyond the system's
    /// limits) the error says which, in one sentence.
    static Result<MessageQueue> create(long maxMessages, long messageBytes);

    /// The descriptor whose calls wait (a full queue blocks mq_send).
    mqd_t descriptor() const { return m_queue; }
    /// A second descriptor of the same queue opened O_NONBLOCK: its calls
    /// return EAGAIN instead of waiting. (O_NONBLOCK belongs to the open
    /// description, which every worker shares, so it is never switched.)
    mqd_t nonBlockingDescriptor() const { return m_nonBlocking; }
    /// The name it had while it was being opened (unlinked since).
    const std::string& formerName() const { return m_name; }
    long maxMessages() const { return m_maxMessages; }
    long messageBytes() const { return m_messageBytes; }
    /// Messages in the queue now.
    Result<long> depth() const;
    /// Closes both descriptors (the queue goes when the last process closes its copies).
    void close();

  private:
    mqd_t m_queue = static_cast<mqd_t>(-1);
    mqd_t m_nonBlocking = static_cast<mqd_t>(-1);
    std::string m_name;
    long m_maxMessages = 0;
    long m_messageBytes = 0;
};

} // namespace racetrace
