// Pipes as the channels will use them (ipc/pipe.hpp): capacity, fill, full,
// empty, end-of-file and EPIPE, all on real pipes.
#include "ipc/pipe.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace racetrace;

namespace {

void setNonBlocking(int fd) {
    REQUIRE(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
}

bool closeOnExec(int fd) {
    return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

} // namespace

TEST_CASE("pipe: both ends close-on-exec, the capacity asked for, and what it holds", "[ipc][pipe]") {
    auto pipe = Pipe::create(4096);
    REQUIRE(pipe);
    CHECK(closeOnExec(pipe->readEnd()));
    CHECK(closeOnExec(pipe->writeEnd()));
    CHECK(pipe->capacity() == 4096);
    CHECK(pipe->fill().value() == 0);
    const std::string message(100, 'x');
    REQUIRE(write(pipe->writeEnd(), message.data(), message.size()) == 100);
    CHECK(pipe->fill().value() == 100);
    char buffer[40];
    REQUIRE(read(pipe->readEnd(), buffer, sizeof buffer) == 40);
    CHECK(pipe->fill().value() == 60);
}

TEST_CASE("pipe: a full pipe refuses a non-blocking write, an empty one a non-blocking read", "[ipc][pipe]") {
    auto pipe = Pipe::create(4096);
    REQUIRE(pipe);
    setNonBlocking(pipe->readEnd());
    setNonBlocking(pipe->writeEnd());
    char byte = 0;
    errno = 0;
    CHECK(read(pipe->readEnd(), &byte, 1) == -1);
    CHECK(errno == EAGAIN);
    const std::vector<char> page(pipe->capacity(), 'y');
    REQUIRE(write(pipe->writeEnd(), page.data(), page.size()) == static_cast<ssize_t>(page.size()));
    CHECK(pipe->fill().value() == pipe->capacity());
    errno = 0;
    CHECK(write(pipe->writeEnd(), &byte, 1) == -1);
    CHECK(errno == EAGAIN);
}

TEST_CASE("pipe: closing the write end gives the reader end-of-file, closing the read end gives the writer EPIPE",
          "[ipc][pipe]") {
    auto pipe = Pipe::create();
    REQUIRE(pipe);
    CHECK(pipe->capacity() >= 4096);
    REQUIRE(write(pipe->writeEnd(), "ab", 2) == 2);
    pipe->closeWriteEnd();
    CHECK(pipe->writeEnd() == -1);
    char buffer[8];
    CHECK(read(pipe->readEnd(), buffer, sizeof buffer) == 2);
    CHECK(read(pipe->readEnd(), buffer, sizeof buffer) == 0); // end-of-file

    auto other = Pipe::create();
    REQUIRE(other);
    other->closeReadEnd();
    CHECK_FALSE(other->fill()); // no read end to ask
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    errno = 0;
    CHECK(write(other->writeEnd(), "a", 1) == -1);
    CHECK(errno == EPIPE);
    std::signal(SIGPIPE, previous);
}

TEST_CASE("pipe: a moved pipe owns its ends alone", "[ipc][pipe]") {
    auto created = Pipe::create();
    REQUIRE(created);
    const int readEnd = created->readEnd();
    Pipe moved = std::move(*created);
    CHECK(moved.readEnd() == readEnd);
    CHECK(created->readEnd() == -1);
    CHECK(fcntl(readEnd, F_GETFD) != -1); // still open, owned by `moved`
}
