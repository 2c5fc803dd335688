// The workers' life line (ipc/life_line.hpp): a pipe the parent never writes to,
// whose end-of-file makes a watching worker exit. The workers here are forked
// children of the test. A real worker is exec'd, so the line's close-on-exec
// write end never reaches it; a forked child inherits every descriptor, so it
// closes all but the ones it needs first, as exec would.
//
// Every child sets an alarm: should the watcher never fire, the child dies of
// SIGALRM and the test fails on its status instead of hanging.
#include "ipc/life_line.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace racetrace;

namespace {

constexpr int kLineFd = 3;           ///< where a child keeps its end of the line
constexpr int kReportFd = 4;         ///< where a child keeps its end of the report pipe
constexpr int kControlFd = 5;        ///< where a child keeps its end of the control pipe, if any
constexpr unsigned kChildAlarm = 30; ///< seconds a child lives at most

/// In a forked child: keeps `lineFd` as fd 3, `reportFd` as fd 4 and
/// `controlFd` (if any) as fd 5, and closes every other descriptor above 2,
/// as exec closes the close-on-exec ones.
void keepOnly(int lineFd, int reportFd, int controlFd = -1) {
    // Copies out of the way first, so no dup2 overwrites a descriptor still to be moved.
    const int line = fcntl(lineFd, F_DUPFD, 10);
    const int report = fcntl(reportFd, F_DUPFD, 10);
    const int control = controlFd >= 0 ? fcntl(controlFd, F_DUPFD, 10) : -1;
    if (line < 0 || report < 0 || (controlFd >= 0 && control < 0)) _exit(90);
    if (dup2(line, kLineFd) < 0 || dup2(report, kReportFd) < 0) _exit(91);
    if (control >= 0 && dup2(control, kControlFd) < 0) _exit(91);
    if (close_range(control >= 0 ? kControlFd + 1 : kReportFd + 1, ~0u, 0) != 0) _exit(92);
}

/// In a forked child: starts the watcher on fd 3, says so with one byte on
/// fd 4, then answers every byte on fd 5 (if kept) with one on fd 4, until the
/// process ends. Fd 4 stays open until then.
[[noreturn]] void watchAndWait(int exitCode) {
    alarm(kChildAlarm);
    exitWhenLifeLineBreaks(kLineFd, exitCode);
    const char ready = 'r';
    if (write(kReportFd, &ready, 1) != 1) _exit(93);
    for (;;) {
        char byte = 0;
        if (read(kControlFd, &byte, 1) == 1) {
            if (write(kReportFd, &byte, 1) != 1) _exit(94);
        } else {
            pause();
        }
    }
}

/// Reads one byte from `fd`, waiting at most `timeoutMs`: 1 for a byte, 0 for
/// end-of-file, -1 for nothing in time.
int readByte(int fd, int timeoutMs) {
    pollfd p{fd, POLLIN, 0};
    int ready = 0;
    do {
        ready = poll(&p, 1, timeoutMs);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0) return -1;
    char byte = 0;
    ssize_t got = 0;
    do {
        got = read(fd, &byte, 1);
    } while (got < 0 && errno == EINTR);
    return got > 0 ? 1 : 0;
}

int waitFor(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

/// SIGPIPE ignored while it lives: a write to a child that died early fails
/// the test with EPIPE instead of killing the test process.
struct IgnoreSigpipe {
    struct sigaction previous {};
    IgnoreSigpipe() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &ignore, &previous);
    }
    ~IgnoreSigpipe() { sigaction(SIGPIPE, &previous, nullptr); }
    IgnoreSigpipe(const IgnoreSigpipe&) = delete;
    IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;
};

struct Pipe {
    int read = -1;
    int write = -1;
    Pipe() {
        int fds[2];
        REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        closeRead();
        closeWrite();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void closeRead() {
        if (read >= 0) close(read);
        read = -1;
    }
    void closeWrite() {
        if (write >= 0) close(write);
        write = -1;
    }
};

} // namespace

TEST_CASE("life line: create gives a close-on-exec worker end that cut closes", "[ipc][life-line]") {
    auto line = LifeLine::create();
    REQUIRE(line.has_value());
    const int fd = line->workerEnd();
    REQUIRE(fd >= 0);
    const int flags = fcntl(fd, F_GETFD);
    REQUIRE(flags >= 0);
    CHECK((flags & FD_CLOEXEC) != 0); // a child gets it only by an explicit dup2
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);

    // Moving hands the line over; the moved-from one holds nothing.
    LifeLine moved = std::move(*line);
    CHECK(moved.workerEnd() == fd);
    CHECK(line->workerEnd() == -1);

    moved.cut();
    CHECK(moved.workerEnd() == -1);
    errno = 0;
    CHECK(fcntl(fd, F_GETFD) == -1); // closed: nothing else in this test opened a descriptor since
    CHECK(errno == EBADF);
    moved.cut(); // twice is harmless
}

TEST_CASE("life line: a watching worker exits with its code when the parent's end closes", "[ipc][life-line]") {
    auto line = LifeLine::create();
    REQUIRE(line.has_value());
    Pipe report;
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        keepOnly(line->workerEnd(), report.write);
        watchAndWait(42);
    }
    report.closeWrite();

    // The watcher is running and the line is whole: the worker lives on.
    REQUIRE(readByte(report.read, 10'000) == 1);
    CHECK(waitpid(child, nullptr, WNOHANG) == 0);

    line->cut();
    const int status = waitFor(child);
    INFO("status " << status);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 42);
}

TEST_CASE("life line: a byte on the line is not a break", "[ipc][life-line]") {
    // The watcher reads on until end-of-file. The parent never writes, but a
    // byte must not end the worker, nor must the watcher stop watching after it.
    const IgnoreSigpipe quiet;
    Pipe line;
    Pipe report;
    Pipe control;
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        keepOnly(line.read, report.write, control.read);
        watchAndWait(42);
    }
    report.closeWrite();
    control.closeRead();
    REQUIRE(readByte(report.read, 10'000) == 1);

    const char byte = 'x';
    REQUIRE(write(line.write, &byte, 1) == 1);
    // Wait until the watcher has taken the byte (our own read end sees it gone).
    int waiting = 1;
    for (int tries = 0; tries < 10'000 && waiting > 0; ++tries) {
        REQUIRE(ioctl(line.read, FIONREAD, &waiting) == 0);
        if (waiting > 0) usleep(1000);
    }
    REQUIRE(waiting == 0);
    // A watcher that took the byte for a break would have ended the process
    // (end-of-file on the report pipe) instead of letting it answer.
    const char ping = 'p';
    REQUIRE(write(control.write, &ping, 1) == 1);
    CHECK(readByte(report.read, 10'000) == 1);
    CHECK(waitpid(child, nullptr, WNOHANG) == 0);

    // The watcher still watches: closing the write end ends the worker.
    line.closeWrite();
    const int status = waitFor(child);
    INFO("status " << status);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 42);
}

TEST_CASE("life line: workers exit when their parent is killed with SIGKILL", "[ipc][life-line]") {
    // test -> parent (holds the line, then is killed) -> worker (watches it).
    // The worker is not our child, so we see it end by its end of `report`
    // closing: it holds the only write end left.
    Pipe report;
    const pid_t parent = fork();
    REQUIRE(parent >= 0);
    if (parent == 0) {
        alarm(kChildAlarm);
        auto line = LifeLine::create();
        if (!line) _exit(80);
        const pid_t worker = fork();
        if (worker < 0) _exit(81);
        if (worker == 0) {
            keepOnly(line->workerEnd(), report.write);
            watchAndWait(42);
        }
        close(report.write);
        for (;;)
            pause(); // holds the write end of the line until it is killed
    }
    report.closeWrite();

    REQUIRE(readByte(report.read, 10'000) == 1); // the worker watches
    REQUIRE(kill(parent, SIGKILL) == 0);
    const int status = waitFor(parent);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    // The kernel closed the parent's write end; the worker exits and its end
    // of the report pipe closes (well before its own alarm would end it).
    CHECK(readByte(report.read, 10'000) == 0);
}
