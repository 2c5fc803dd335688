// A pipe that ties workers' lives to their parent process. The parent keeps the
// write end and never writes; each worker watches the read end from a small
// thread. When the parent process dies, however it dies (even kill -9), the
// kernel closes the write end, the read returns end-of-file, and the worker
// exits at once.
//
// Why not PR_SET_PDEATHSIG alone: it fires when the *thread* that spawned the
// child exits, so a run started from a short-lived thread would lose its
// workers while the parent process is still alive.
#pragma once

#include "ipc/result.hpp"

namespace racetrace {

class LifeLine {
  public:
    LifeLine() = default;
    LifeLine(LifeLine&& other) noexcept;
    LifeLine& operator=(LifeLine&& other) noexcept;
    LifeLine(const LifeLine&) = delete;
    LifeLine& operator=(const LifeLine&) = delete;
    ~LifeLine();

    /// Both ends close-on-exec: a child gets the read end only by an explicit dup2.
    static Result<LifeLine> create();
    /// The end to hand to each worker.
    int workerEnd() const { return m_read; }
    /// Cuts the line: every worker watching it exits.
    void cut();

  private:
    int m_read = -1;
    int m_write = -1;
};

/// In a worker: starts a thread that ends the process (with `exitCode`) as
/// soon as `fd` reports end-of-file or an error. Takes ownership of `fd`.
void exitWhenLifeLineBreaks(int fd, int exitCode);

} // namespace racetrace
