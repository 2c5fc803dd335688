// Step mode: real worker processes that make each shared access only when the
// user (or a saved schedule) says which worker goes next. Built on the Run
// controller with every worker's step gate closed from the start.
//
//   StepController::start ──► every worker runs to its first access and waits
//   next(A)  "A will read Y at line 1"       step(A)  A reads Y, runs on to its
//   next(B)  "B will read Y at line 1"                next access and waits there
//   ...                                      runFreely() opens every gate
#pragma once

#include "lab/run.hpp"
#include "lab/step_gate.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

class StepController {
  public:
    /// Starts the workers with their gates closed (options.stepping is forced on).
    static Result<std::unique_ptr<StepController>> start(RunOptions options,
                                                         const std::string& workerExecutable = "/proc/self/exe");

    std::uint32_t workers() const { return m_run->settings().workers; }
    const Scenario& scenario() const { return m_run->scenario(); }

    /// The access worker `worker` will make next, or nothing once it has finished.
    /// Waits (bounded) for a worker that is still on its way to its next access.
    std::optional<PendingAccess> next(std::uint32_t worker);
    /// Lets `worker` make its next access, then waits until it has announced the
    /// one after (or finished), so steps never overlap.
    Result<void> step(std::uint32_t worker);
    /// Opens every gate: the workers race freely from here on.
    void runFreely();
    bool finished(std::uint32_t worker);
    bool allFinished();

    /// The workers chosen so far, one per step.
    const std::vector<std::uint32_t>& schedule() const { return m_schedule; }
    /// The trace so far (for live findings).
    Trace snapshot() { return m_run->snapshot(); }
    /// Lets every worker finish (runFreely) and returns the whole trace.
    Trace finish();

  private:
    explicit StepController(std::unique_ptr<Run> run);
    Result<void> awaitAnnouncement(std::uint32_t worker, std::uint32_t beyond);

    std::unique_ptr<Run> m_run;
    std::vector<std::uint32_t> m_granted; ///< permits granted per worker
    std::vector<std::uint32_t> m_schedule;
    bool m_free = false;
};

/// "read Y", "write Y = 0", "test-and-set L", "write X[2] = 1", "enter the critical section".
std::string describeAccess(const ScenarioInfo& scenario, const PendingAccess& access);

} // namespace racetrace
