#include "ipc/pipe.hpp"

#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/ioctl.h>

namespace racetrace {

Result<Pipe> Pipe::create(std::size_t capacityBytes) {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return fail(errnoSentence("cannot create a pipe"));
    Pipe pipe;
    pipe.m_read.reset(ends[0]);
    pipe.m_write.reset(ends[1]);
    if (capacityBytes > 0 && fcntl(ends[1], F_SETPIPE_SZ, static_cast<int>(capacityBytes)) < 0)
        return fail(errnoSentence("cannot make a pipe hold " + std::to_string(capacityBytes) +
                                  " bytes (the most an unprivileged process may ask for is "
                                  "/proc/sys/fs/pipe-max-size)"));
    const int size = fcntl(ends[1], F_GETPIPE_SZ);
    if (size < 0) return fail(errnoSentence("cannot read a pipe's capacity"));
    pipe.m_capacity = static_cast<std::size_t>(size);
    return pipe;
}

Result<UniqueFd> Pipe::reopenNonBlocking(int end, const char* which) {
    if (end < 0) return fail(std::string("this pipe's ") + which + " end is closed.");
    const std::string path = "/proc/self/fd/" + std::to_string(end);
    const int flags = (std::string_view(which) == "read" ? O_RDONLY : O_WRONLY) | O_NONBLOCK | O_CLOEXEC;
    UniqueFd reopened(open(path.c_str(), flags));
    if (!reopened)
        return fail(errnoSentence(std::string("cannot open a non-blocking copy of a pipe's ") + which +
                                  " end through /proc/self/fd (is /proc mounted?)"));
    return reopened;
}

Result<std::size_t> Pipe::fill() const {
    int bytes = 0;
    if (!m_read) return fail("this pipe's read end is closed, so its fill cannot be read.");
    if (ioctl(m_read.get(), FIONREAD, &bytes) != 0) return fail(errnoSentence("cannot read how full a pipe is"));
    return static_cast<std::size_t>(bytes);
}

} // namespace racetrace
