// A child process started with posix_spawn, owned by exactly one object. The
// destructor kills and reaps a child that is still there, so no worker can
// outlive the object that started it (workers also ask the kernel to kill them
// when their parent dies: see lab/worker_main.cpp).
#pragma once

#include "ipc/result.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace racetrace {

struct ExitStatus {
    bool exited = false; ///< true: exited with `code`; false: killed by `signal`
    int code = 0;
    int signal = 0;
};

struct SpawnRequest {
    std::string executable;
    std::vector<std::string> args;               ///< argv[1..]; argv[0] is the executable
    std::vector<std::pair<int, int>> inheritFds; ///< (fd in the parent, fd number in the child)
};

class ChildProcess {
  public:
    ChildProcess() = default;
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    static Result<ChildProcess> spawn(const SpawnRequest& request);

    pid_t pid() const { return m_pid; }
    bool running() const { return m_pid > 0 && !m_status; }
    /// Sends `signal` unless the child was already reaped. Until it is reaped its
    /// pid cannot be reused, so a plain kill() cannot hit a stranger.
    void signal(int signal) const;
    /// Reaps the child if it has ended; returns its status once it has.
    const std::optional<ExitStatus>& poll();
    /// Blocks until the child ends.
    const ExitStatus& wait();
    const std::optional<ExitStatus>& status() const { return m_status; }

  private:
    explicit ChildProcess(pid_t pid) : m_pid(pid) {}
    void killAndReap();

    pid_t m_pid = -1;
    std::optional<ExitStatus> m_status;
};

/// "exit code 3", "killed by SIGKILL", "segmentation fault (SIGSEGV)".
std::string describeExit(const ExitStatus& status);

} // namespace racetrace
