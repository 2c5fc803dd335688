// Step mode: real worker processes that make each shared access or channel
// call only when the user (or a saved schedule) says which worker goes next.
// Built on the Run controller with every worker's step gate closed from the start.
//
//   StepController::start ──► every worker runs to its first access and waits
//   next(A)  "A will read Y at line 1"       step(A)  A reads Y, runs on to its
//   next(B)  "B will read Y at line 1"                next access and waits there
//   ...                                      runFreely() opens every gate
//
// A worker stepped into a channel call that must wait is Blocked: it cannot be
// stepped until another step gives it data or space. After every step the
// controller lets each blocked worker try again (in worker order, so a replay
// wakes the same one), and asks every announced call for its fresh outlook.
#pragma once

#include "lab/run.hpp"
#include "lab/step_gate.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

/// Where a worker is, between two steps.
enum class WorkerStep : std::uint8_t {
    AtGate,   ///< waits at its gate with its next access announced
    Blocked,  ///< inside a channel call that must wait for another worker
    Finished, ///< its process has ended
    Running,  ///< on its way (only ever seen for a moment)
};

class StepController {
  public:
    /// Starts the workers with their gates closed (options.stepping is forced on).
    static Result<std::unique_ptr<StepController>> start(RunOptions options,
                                                         const std::string& workerExecutable = "/proc/self/exe");

    std::uint32_t workers() const { return m_run->settings().workers; }
    const Scenario& scenario() const { return m_run->scenario(); }

    /// The access worker `worker` will make next, or nothing once it has
    /// finished or while it is blocked. Waits (bounded) for a worker on its way.
    std::optional<PendingAccess> next(std::uint32_t worker);
    /// Where `worker` is (settled: waits, bounded, for a worker on its way).
    WorkerStep where(std::uint32_t worker);
    /// The channel call a blocked worker waits in (its channel, and whether it sends).
    std::optional<std::pair<std::uint16_t, bool>> blockedIn(std::uint32_t worker);
    /// Lets `worker` make its next access (or its next `count`, where a
    /// replay knows they cannot block), waits until it has announced the one
    /// after (or finished, or blocked), then (unless told otherwise) lets
    /// blocked workers try again, so steps never overlap.
    Result<void> step(std::uint32_t worker, std::uint32_t count = 1);
    /// Which blocked workers step() lets try again. Every (what a user
    /// expects: "stepping A's write wakes B") or OnQueues: a replay says
    /// itself when a wait on a pipe ended (retry), because when a woken reader
    /// reads changes how the kernel packs the pipe's pages, and so whether a
    /// later write fits; a queue hands a message to a waiting receiver (and
    /// takes a waiting sender's) within the call that ends the wait, so there
    /// waking at once is what the kernel did.
    enum class Wake : std::uint8_t { Every, OnQueues };
    void setWakeAfterSteps(Wake wake) { m_wake = wake; }
    /// Lets a blocked worker try its call again; true if it went through.
    Result<bool> retry(std::uint32_t worker);
    /// Lets every worker blocked on `channel` try again, then refreshes the outlooks.
    Result<void> retryBlockedOn(std::uint16_t channel);
    /// Opens every gate: the workers race freely from here on.
    void runFreely();
    /// Kills the worker now, wherever it waits (SIGKILL from the parent, as
    /// the window's "Kill A now"), and waits until it is gone.
    Result<void> kill(std::uint32_t worker);
    bool finished(std::uint32_t worker);
    bool allFinished();
    /// One sentence when no step is possible any more although some worker has
    /// not finished (every one of them is blocked); empty otherwise.
    std::string stuck();

    /// The workers chosen so far, one per step.
    const std::vector<std::uint32_t>& schedule() const { return m_schedule; }
    /// The trace so far (for live findings).
    Trace snapshot() { return m_run->snapshot(); }
    /// Lets every worker finish (runFreely) and returns the whole trace.
    Trace finish();

  private:
    explicit StepController(std::unique_ptr<Run> run);
    WorkerStep state(std::uint32_t worker);
    Result<void> settle(std::uint32_t worker);
    /// Drains the rings and reaps ended workers, at most once a millisecond.
    void pumpNowAndThen();
    /// Asks `worker` (at its gate or blocked) to look again, and waits for the answer.
    Result<void> check(std::uint32_t worker);
    Result<void> wakeBlocked();
    bool wakesAfterSteps(std::uint32_t worker);
    Result<void> refreshOutlooks();

    std::unique_ptr<Run> m_run;
    bool m_killed = false;                ///< kill() was used: running freely may hang on a dead holder's lock
    std::vector<std::uint32_t> m_granted; ///< permits granted per worker
    std::vector<std::uint32_t> m_schedule;
    bool m_free = false;
    Wake m_wake = Wake::Every;
    std::chrono::steady_clock::time_point m_nextPump{};
};

/// "read Y", "write Y = 0", "test-and-set L", "write X[2] = 1", "enter the
/// critical section", "read from pipe P (empty: will block)".
std::string describeAccess(const ScenarioInfo& scenario, const PendingAccess& access);

/// "blocked in read from pipe P (empty)".
std::string describeBlocked(const ScenarioInfo& scenario, std::uint16_t channel, bool sending);

} // namespace racetrace
