// Step mode as the application runs it: real workers that make each shared
// access only when the user says so, the steps taken, Undo (fresh processes
// re-run every step but the last), running freely, and after every change the
// live trace as a document for the views. The window's StepPanel only draws
// this and passes on the user's keys and clicks. No ImGui here.
#pragma once

#include "lab/step_controller.hpp"
#include "session/document.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

class StepSession {
  public:
    /// Keys 1-9 reach every worker.
    static constexpr std::uint32_t kMaxWorkers = 9;
    /// A few rounds each keep the lanes readable and still show the race repeat.
    static constexpr std::uint64_t kIterations = 3;

    /// Starts real workers for `options` with every gate closed (at most
    /// kMaxWorkers, a few iterations, window 0).
    static Result<std::unique_ptr<StepSession>> start(RunOptions options);

    const RunOptions& options() const { return m_options; }
    std::uint32_t workers() const { return m_controller->workers(); }
    const std::vector<std::uint32_t>& schedule() const { return m_schedule; }
    /// True once the workers ran freely to the end: only Undo remains.
    bool ranFreely() const { return m_free; }
    /// The access `worker` will make next, or nothing once it has finished.
    const std::optional<PendingAccess>& next(std::uint32_t worker) const { return m_next[worker]; }
    /// True while `worker` waits in a channel call for another worker's step.
    bool blocked(std::uint32_t worker) const { return worker < m_blocked.size() && m_blocked[worker]; }
    /// "read Y", "write Y = 0", "blocked in read from pipe P (empty)": the
    /// next access in words ("" when there is none).
    std::string describeNext(std::uint32_t worker) const;
    /// One sentence when the workers left are all blocked (no step is possible).
    const std::string& stuck() const { return m_stuck; }

    /// Lets `worker` make its next access.
    Result<void> step(std::uint32_t worker);
    /// Fresh processes replay every step but the last (after running freely:
    /// every step, back to before it ran freely). Returns the steps replayed.
    Result<std::size_t> undo();
    /// Kills the worker now ("Kill A now"): the others go on being stepped.
    /// Undo afterwards brings it back: fresh processes replay the steps before the kill.
    Result<void> kill(std::uint32_t worker);
    bool killedSomeone() const { return m_killedAt.has_value(); }
    bool killed(std::uint32_t worker) const { return m_killedAt && m_killedWorker == worker; }
    /// Fresh processes for `options`, with no step taken yet.
    Result<void> restart(const RunOptions& options);
    /// Opens every gate and waits for the workers to finish.
    std::shared_ptr<const TraceDocument> runFreely();
    /// The trace so far, analysed (its invariants left out: the run is half done).
    std::shared_ptr<const TraceDocument> liveDocument();

    /// The naive flag's race of the lecture, as steps: A reads Y, B reads Y,
    /// A sets it, B sets it, A enters, B enters.
    static std::vector<std::uint32_t> raceSchedule() { return {0, 1, 0, 1, 0, 1}; }

  private:
    StepSession(RunOptions options, std::unique_ptr<StepController> controller);
    /// Fresh processes replaying `schedule`.
    Result<void> replace(const RunOptions& options, const std::vector<std::uint32_t>& schedule);
    void readNextAccesses();
    std::string label() const;

    RunOptions m_options;
    std::unique_ptr<StepController> m_controller;
    std::vector<std::uint32_t> m_schedule;                                ///< steps taken (kept after running freely)
    std::vector<std::optional<PendingAccess>> m_next;                     ///< per worker; nothing: finished or blocked
    std::vector<std::optional<std::pair<std::uint16_t, bool>>> m_blocked; ///< per worker: its channel call
    std::string m_stuck;
    std::optional<std::size_t> m_killedAt; ///< steps taken when a worker was killed
    std::uint32_t m_killedWorker = 0;      ///< which one (while m_killedAt)
    bool m_free = false;
};

} // namespace racetrace
