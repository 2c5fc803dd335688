#include "ipc/child_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace racetrace;
using Catch::Matchers::Contains;

namespace {
bool processExists(pid_t pid) {
    // A reaped child has no /proc entry; a zombie would still have one.
    struct stat info {};
    return stat(("/proc/" + std::to_string(pid)).c_str(), &info) == 0;
}
} // namespace

TEST_CASE("a spawned child's exit code is collected", "[ipc]") {
    auto child = ChildProcess::spawn({"/bin/sh", {"-c", "exit 7"}, {}});
    REQUIRE(child.has_value());
    const auto& status = child->wait();
    CHECK(status.exited);
    CHECK(status.code == 7);
    CHECK(describeExit(status) == "exit code 7");
    CHECK_FALSE(child->running());
}

TEST_CASE("a child killed by a signal is reported with the signal's name", "[ipc]") {
    auto child = ChildProcess::spawn({"/bin/sleep", {"30"}, {}});
    REQUIRE(child.has_value());
    CHECK(child->running());
    CHECK_FALSE(child->poll().has_value());
    child->signal(SIGKILL);
    const auto& status = child->wait();
    CHECK_FALSE(status.exited);
    CHECK(status.signal == SIGKILL);
    CHECK_THAT(describeExit(status), Contains("SIGKILL"));
}

TEST_CASE("destroying a ChildProcess kills and reaps the child", "[ipc]") {
    pid_t pid = 0;
    {
        auto child = ChildProcess::spawn({"/bin/sleep", {"30"}, {}});
        REQUIRE(child.has_value());
        pid = child->pid();
        CHECK(processExists(pid));
    }
    CHECK_FALSE(processExists(pid));
}

TEST_CASE("a program that cannot be started gives a sentence naming it", "[ipc]") {
    auto child = ChildProcess::spawn({"/nonexistent/racetrace-worker", {}, {}});
    REQUIRE_FALSE(child.has_value());
    CHECK_THAT(child.error(), Contains("/nonexistent/racetrace-worker"));
}

TEST_CASE("an fd passed to the child arrives at the number asked for", "[ipc]") {
    // The child checks that fd 5 is open: exit 0 if so.
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    auto child = ChildProcess::spawn({"/bin/sh", {"-c", "test -e /proc/self/fd/5"}, {{fd, 5}}});
    REQUIRE(child.has_value());
    CHECK(child->wait().code == 0);
    auto without = ChildProcess::spawn({"/bin/sh", {"-c", "test -e /proc/self/fd/5"}, {}});
    REQUIRE(without.has_value());
    CHECK(without->wait().code != 0);
    ::close(fd);
}
