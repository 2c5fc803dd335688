// The racetrace CLI as a child process, its output captured: for tests that
// drive the real binary (integration, golden). Needs only POSIX and Catch2, so
// a test that links nothing of racetrace can use it. RACETRACE_CLI_PATH names
// the binary.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace racetrace::testing {

struct CliResult {
    int exitCode = -1; ///< exit status, or -1 when it died of a signal or timed out
    bool timedOut = false;
    std::string out;
    std::string err;
};

/// Lines of `text` that are not empty.
inline std::vector<std::string> nonEmptyLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

/// Starts `program args...` with stdin from /dev/null and, if given, stdout and
/// stderr onto `outFd` / `errFd` (else /dev/null). Returns the pid.
inline pid_t spawnProgram(const std::string& program, const std::vector<std::string>& args, int outFd = -1,
                          int errFd = -1) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (outFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, outFd, 1);
    else
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (errFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, errFd, 2);
    else
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);

    std::vector<std::string> storage{program};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    return pid;
}

/// Runs the racetrace CLI with `args` and captures everything it says. A CLI
/// still running after `timeout` is killed (and the result says so).
inline CliResult runCli(const std::vector<std::string>& args, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    int outPipe[2];
    int errPipe[2];
    REQUIRE(pipe2(outPipe, O_CLOEXEC) == 0);
    REQUIRE(pipe2(errPipe, O_CLOEXEC) == 0);
    const pid_t pid = spawnProgram(RACETRACE_CLI_PATH, args, outPipe[1], errPipe[1]);
    close(outPipe[1]);
    close(errPipe[1]);

    CliResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open = 2;
    while (open > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            result.timedOut = true;
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000))) < 0 && errno != EINTR) break;
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || fds[k].revents == 0) continue;
            char buffer[65536];
            const ssize_t n = read(fds[k].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[k]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[k].fd);
                fds[k].fd = -1;
                --open;
            }
        }
    }
    for (auto& fd : fds)
        if (fd.fd >= 0) close(fd.fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// The one JSON object a CLI that succeeded printed, and nothing else
/// (parse() refuses trailing text).
inline nlohmann::json parseJsonOutput(const CliResult& result) {
    INFO("stdout: " << result.out << "\nstderr: " << result.err);
    REQUIRE_FALSE(result.timedOut);
    REQUIRE(result.exitCode == 0);
    nlohmann::json object;
    REQUIRE_NOTHROW(object = nlohmann::json::parse(result.out));
    REQUIRE(object.is_object());
    return object;
}

} // namespace racetrace::testing
