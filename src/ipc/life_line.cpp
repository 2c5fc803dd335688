#include "ipc/life_line.hpp"

#include <cerrno>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace racetrace {

LifeLine::LifeLine(LifeLine&& other) noexcept
    : m_read(std::exchange(other.m_read, -1)), m_write(std::exchange(other.m_write, -1)) {}

LifeLine& LifeLine::operator=(LifeLine&& other) noexcept {
    if (this != &other) {
        cut();
        m_read = std::exchange(other.m_read, -1);
        m_write = std::exchange(other.m_write, -1);
    }
    return *this;
}

LifeLine::~LifeLine() {
    cut();
}

Result<LifeLine> LifeLine::create() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return fail(errnoSentence("cannot create the workers' life line (pipe2)"));
    LifeLine line;
    line.m_read = fds[0];
    line.m_write = fds[1];
    return line;
}

void LifeLine::cut() {
    if (m_write >= 0) close(m_write);
    if (m_read >= 0) close(m_read);
    m_write = m_read = -1;
}

void exitWhenLifeLineBreaks(int fd, int exitCode) {
    std::thread([fd, exitCode] {
        char byte = 0;
        ssize_t got = 0;
        do {
            got = read(fd, &byte, 1); // blocks for the worker's whole life; nobody ever writes
        } while (got > 0 || (got < 0 && errno == EINTR));
        _exit(exitCode); // no destructors: the parent is gone, there is nothing to tidy
    }).detach();
}

} // namespace racetrace
