#include "lab/channel_endpoint.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace racetrace {

ChannelOutcome ChannelEndpoint::send(std::span<const std::byte> message, std::size_t& done, bool wait) {
    if (!canSend()) {
        m_error = "it does not hold this channel's write end";
        return ChannelOutcome::Failed;
    }
    return m_kind == ChannelKind::Pipe ? pipeSend(message, done, wait) : queueSend(message, done, wait);
}

ChannelOutcome ChannelEndpoint::receive(std::span<std::byte> buffer, std::size_t& done, bool wait) {
    if (!canReceive()) {
        m_error = "it does not hold this channel's read end";
        return ChannelOutcome::Failed;
    }
    return m_kind == ChannelKind::Pipe ? pipeReceive(buffer, done, wait) : queueReceive(buffer, done, wait);
}

ChannelOutcome ChannelEndpoint::failed(const char* call) {
    m_error = std::string(call) + " failed: " + std::strerror(errno);
    return ChannelOutcome::Failed;
}

// A write of at most PIPE_BUF bytes is all or nothing; a larger one may go in
// pieces, and other writers' bytes may land between the pieces (a torn message).
ChannelOutcome ChannelEndpoint::pipeSend(std::span<const std::byte> message, std::size_t& done, bool wait) {
    while (done < message.size()) {
        const int fd = wait ? m_fds.writeWaiting : m_fds.writeNonBlocking;
        const ssize_t n = ::write(fd, message.data() + done, message.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return ChannelOutcome::WouldBlock;
        if (n < 0 && errno == EPIPE) return ChannelOutcome::Broken;
        return failed("write()");
    }
    return ChannelOutcome::Done;
}

ChannelOutcome ChannelEndpoint::pipeReceive(std::span<std::byte> buffer, std::size_t& done, bool wait) {
    while (done < buffer.size()) {
        const int fd = wait ? m_fds.readWaiting : m_fds.readNonBlocking;
        const ssize_t n = ::read(fd, buffer.data() + done, buffer.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) return ChannelOutcome::EndOfFile;
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return ChannelOutcome::WouldBlock;
        return failed("read()");
    }
    return ChannelOutcome::Done;
}

ChannelOutcome ChannelEndpoint::queueSend(std::span<const std::byte> message, std::size_t& done, bool wait) {
    const int queue = wait ? m_fds.writeWaiting : m_fds.writeNonBlocking;
    while (::mq_send(queue, reinterpret_cast<const char*>(message.data()), message.size(), 0) != 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return ChannelOutcome::WouldBlock;
        return failed("mq_send()");
    }
    done = message.size();
    return ChannelOutcome::Done;
}

ChannelOutcome ChannelEndpoint::queueReceive(std::span<std::byte> buffer, std::size_t& done, bool wait) {
    const int queue = wait ? m_fds.readWaiting : m_fds.readNonBlocking;
    for (;;) {
        const ssize_t n = ::mq_receive(queue, reinterpret_cast<char*>(buffer.data()), buffer.size(), nullptr);
        if (n >= 0) {
            done = static_cast<std::size_t>(n);
            return ChannelOutcome::Done;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return ChannelOutcome::WouldBlock;
        return failed("mq_receive()");
    }
}

CallOutlook ChannelEndpoint::look(bool sending) const {
    pollfd probe{sending ? m_fds.writeNonBlocking : m_fds.readNonBlocking,
                 static_cast<short>(sending ? POLLOUT : POLLIN), 0};
    if (probe.fd < 0 || ::poll(&probe, 1, 0) < 0) return CallOutlook::NotACall;
    if ((probe.revents & probe.events) != 0) return CallOutlook::GoesThrough;
    // A pipe with no write end left reports a hang-up; with no read end, an error.
    if (!sending && (probe.revents & POLLHUP) != 0) return CallOutlook::EndOfFile;
    if (sending && (probe.revents & POLLERR) != 0) return CallOutlook::Broken;
    if (!sending || m_kind != ChannelKind::Pipe) return CallOutlook::MustWait;
    // poll() says a pipe is full when no page is free, yet a small write still
    // goes into the last page if it fits there. Only when the bytes alone do
    // not fit is the outcome certain.
    int held = 0;
    const int capacity = ::fcntl(probe.fd, F_GETPIPE_SZ);
    if (capacity <= 0 || ::ioctl(probe.fd, FIONREAD, &held) != 0) return CallOutlook::MayWait;
    return static_cast<std::uint64_t>(held) + m_messageBytes > static_cast<std::uint64_t>(capacity)
               ? CallOutlook::MustWait
               : CallOutlook::MayWait;
}

void ChannelEndpoint::close() {
    // A queue's read and write descriptors are the same two: close each number once.
    std::array<int, 4> fds = m_fds.all();
    std::sort(fds.begin(), fds.end());
    for (std::size_t i = 0; i < fds.size(); ++i)
        if (fds[i] >= 0 && (i == 0 || fds[i] != fds[i - 1])) ::close(fds[i]);
    m_fds = {};
}

} // namespace racetrace
