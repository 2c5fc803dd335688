#include "ipc/message_queue.hpp"

#include <cerrno>
#include <fstream>
#include <random>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace racetrace {

namespace {

long readLimit(const char* path, long fallback) {
    std::ifstream file(path);
    long value = 0;
    return file >> value ? value : fallback;
}

std::string randomName() {
    std::random_device entropy;
    const auto bits = (static_cast<unsigned long long>(entropy()) << 32) | entropy();
    char name[64];
    std::snprintf(name, sizeof name, "/racetrace-%d-%016llx", static_cast<int>(getpid()), bits);
    return name;
}

/// One sentence for why mq_open refused, naming the limit that was hit.
std::string openFailure(int error, long maxMessages, long messageBytes) {
    const MessageQueue::Limits limits = MessageQueue::systemLimits();
    const std::string size = std::to_string(maxMessages) + " messages of " + std::to_string(messageBytes) + " bytes";
    switch (error) {
    case ENOSYS:
        return "POSIX message queues are not available here: this kernel was built without them (CONFIG_POSIX_MQUEUE).";
    case EMFILE: // the kernel says EMFILE for RLIMIT_MSGQUEUE too
        return "cannot create a message queue of " + size +
               ": the memory this user may spend on message queues (RLIMIT_MSGQUEUE, 'ulimit -q') is used up, "
               "or this process has too many files open.";
    case EINVAL:
        return "cannot create a message queue of " + size + ": this system allows at most " +
               std::to_string(limits.maxMessages) + " messages of " + std::to_string(limits.messageBytes) +
               " bytes (/proc/sys/fs/mqueue/msg_max and msgsize_max).";
    case ENFILE:
    case ENOSPC: return "cannot create a message queue: the system's limit on message queues is reached.";
    default: errno = error; return errnoSentence("cannot create a message queue of " + size);
    }
}

} // namespace

MessageQueue::Limits MessageQueue::systemLimits() {
    return {readLimit("/proc/sys/fs/mqueue/msg_max", 10), readLimit("/proc/sys/fs/mqueue/msgsize_max", 8192)};
}

Result<MessageQueue> MessageQueue::create(long maxMessages, long messageBytes) {
    if (maxMessages < 1 || messageBytes < 1)
        return fail("a message queue holds at least one message of at least one byte.");
    mq_attr attributes{};
    attributes.mq_maxmsg = maxMessages;
    attributes.mq_msgsize = messageBytes;
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::string name = randomName();
        const mqd_t queue = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attributes);
        if (queue == static_cast<mqd_t>(-1)) {
            if (errno == EEXIST) continue; // somebody has that name: draw another
            return fail(openFailure(errno, maxMessages, messageBytes));
        }
        const mqd_t nonBlocking = mq_open(name.c_str(), O_RDWR | O_NONBLOCK);
        const int nonBlockingError = errno;
        mq_unlink(name.c_str()); // from here on only descriptors reach it
        MessageQueue result;
        result.m_queue = queue;
        if (nonBlocking == static_cast<mqd_t>(-1))
            return fail(openFailure(nonBlockingError, maxMessages, messageBytes));
        result.m_nonBlocking = nonBlocking;
        // mq_open takes no O_CLOEXEC; on Linux the descriptor is a file descriptor.
        fcntl(queue, F_SETFD, FD_CLOEXEC);
        fcntl(nonBlocking, F_SETFD, FD_CLOEXEC);
        result.m_name = std::move(name);
        result.m_maxMessages = maxMessages;
        result.m_messageBytes = messageBytes;
        return result;
    }
    return fail("cannot create a message queue: every random name tried was taken.");
}

MessageQueue::MessageQueue(MessageQueue&& other) noexcept
    : m_queue(std::exchange(other.m_queue, static_cast<mqd_t>(-1))),
      m_nonBlocking(std::exchange(other.m_nonBlocking, static_cast<mqd_t>(-1))), m_name(std::move(other.m_name)),
      m_maxMessages(other.m_maxMessages), m_messageBytes(other.m_messageBytes) {}

MessageQueue& MessageQueue::operator=(MessageQueue&& other) noexcept {
    if (this == &other) return *this;
    close();
    m_queue = std::exchange(other.m_queue, static_cast<mqd_t>(-1));
    m_nonBlocking = std::exchange(other.m_nonBlocking, static_cast<mqd_t>(-1));
    m_name = std::move(other.m_name);
    m_maxMessages = other.m_maxMessages;
    m_messageBytes = other.m_messageBytes;
    return *this;
}

MessageQueue::~MessageQueue() {
    close();
}

void MessageQueue::close() {
    if (m_queue != static_cast<mqd_t>(-1)) mq_close(m_queue);
    if (m_nonBlocking != static_cast<mqd_t>(-1)) mq_close(m_nonBlocking);
    m_queue = m_nonBlocking = static_cast<mqd_t>(-1);
}

Result<long> MessageQueue::depth() const {
    mq_attr attributes{};
    if (mq_getattr(m_queue, &attributes) != 0) return fail(errnoSentence("cannot read a message queue's depth"));
    return attributes.mq_curmsgs;
}

} // namespace racetrace
