#include "ipc/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace racetrace {

namespace {
ExitStatus decodeWaitStatus(int raw) {
    ExitStatus status;
    if (WIFEXITED(raw)) {
        status.exited = true;
        status.code = WEXITSTATUS(raw);
    } else if (WIFSIGNALED(raw)) {
        status.signal = WTERMSIG(raw);
    }
    return status;
}
} // namespace

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_status(std::exchange(other.m_status, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        killAndReap();
        m_pid = std::exchange(other.m_pid, -1);
        m_status = std::exchange(other.m_status, std::nullopt);
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    killAndReap();
}

void ChildProcess::killAndReap() {
    if (m_pid > 0 && !m_status) {
        ::kill(m_pid, SIGKILL);
        wait();
    }
    m_pid = -1;
}

Result<ChildProcess> ChildProcess::spawn(const SpawnRequest& request) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (const auto& [from, to] : request.inheritFds)
        posix_spawn_file_actions_adddup2(&actions, from, to);

    std::vector<std::string> storage;
    storage.reserve(request.args.size() + 1);
    storage.push_back(request.executable);
    storage.insert(storage.end(), request.args.begin(), request.args.end());
    std::vector<char*> argv;
    for (auto& arg : storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int rc = posix_spawn(&pid, request.executable.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return fail("cannot start " + request.executable + ": " + std::strerror(rc) + ".");
    return ChildProcess(pid);
}

void ChildProcess::signal(int signalNumber) const {
    if (m_pid > 0 && !m_status) ::kill(m_pid, signalNumber);
}

const std::optional<ExitStatus>& ChildProcess::poll() {
    if (m_pid > 0 && !m_status) {
        int raw = 0;
        const pid_t rc = waitpid(m_pid, &raw, WNOHANG);
        if (rc == m_pid)
            m_status = decodeWaitStatus(raw);
        else if (rc < 0 && errno == ECHILD)
            m_status = ExitStatus{}; // reaped elsewhere: nothing left to wait for
    }
    return m_status;
}

const ExitStatus& ChildProcess::wait() {
    while (m_pid > 0 && !m_status) {
        int raw = 0;
        const pid_t rc = waitpid(m_pid, &raw, 0);
        if (rc == m_pid)
            m_status = decodeWaitStatus(raw);
        else if (rc < 0 && errno != EINTR)
            m_status = ExitStatus{};
    }
    static const ExitStatus kNone{};
    return m_status ? *m_status : kNone;
}

std::string describeExit(const ExitStatus& status) {
    if (status.exited) return "exit code " + std::to_string(status.code);
    const char* name = sigabbrev_np(status.signal);
    const char* text = strsignal(status.signal);
    return std::string(text ? text : "signal") + " (SIG" + (name ? name : std::to_string(status.signal)) + ")";
}

} // namespace racetrace
