// Schedule replay: re-run real processes forcing a saved trace's order of shared
// accesses, through the step gates. The replayed trace must show the same
// sequence of (worker, line, variable, value); where the schedule cannot be
// followed (an edited file, another scenario, a value that comes out
// differently) the replay stops at the first divergence and says where and why.
#pragma once

#include "ipc/result.hpp"
#include "lab/run_options.hpp"
#include "trace/trace.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

/// One step of a schedule: a gated access as the trace recorded it.
struct ScheduledAccess {
    std::uint32_t worker = 0;
    EventKind kind = EventKind::Invalid;
    std::uint16_t line = 0;
    std::uint16_t variable = kNoVariable;
    std::uint32_t word = 0;  ///< word within a record (record kinds, load, store)
    std::int64_t value = 0;  ///< what was read or written
    std::uint64_t event = 0; ///< index of the recorded event it comes from
    /// Not a call of its own: where a call that waited went through (its
    /// result after BlockedEnd). A replay lets the worker try again here.
    bool completes = false;
    /// A channel call that found no data or no room in the original (it
    /// waited, or a try failed).
    bool foundNoRoom = false;
};

/// What a spin (one event: the previous access repeated `aux` more times) is
/// in an access sequence.
enum class Spins : std::uint8_t {
    Repeated, ///< each repetition a step, as the worker made them (what a schedule policy chose)
    OneStep,  ///< the access it repeats only: how often a worker went round while the value
              ///< it waits on stayed the same is not the schedule's to force (a replay's steps)
};

/// The trace's gated accesses in its order, with the points where a waiting
/// call went through (`completes`); spins as `spins` says.
std::vector<ScheduledAccess> accessSequence(const Trace& trace, Spins spins = Spins::Repeated);

/// accessSequence(trace, spins).size(), counted without building it, and no
/// more than `limit` (a spin in a damaged file may claim four billion repeats).
std::uint64_t accessCount(const Trace& trace, Spins spins, std::uint64_t limit = ~std::uint64_t{0});

struct ReplayResult {
    Trace trace;                           ///< the replayed run (partial if it diverged)
    std::uint64_t steps = 0;               ///< steps that were followed
    std::optional<std::string> divergence; ///< one sentence, if the schedule could not be followed
    bool cancelled = false;                ///< stopped on request (ReplayControl::cancel) before the end
    /// The divergence comes at or after a place where no single order of the
    /// original's accesses gives every value it recorded (a conflict of its
    /// order repair, EventOrderRepair::conflictEvents): no replay can follow
    /// that, and `divergence` says which access it was.
    bool noSingleOrder = false;
};

/// What another thread can do while a replay runs: watch its steps and cancel it.
struct ReplayControl {
    std::atomic<std::uint64_t> stepsDone{0};
    std::atomic<bool> cancel{false};
};

/// Replays `original`'s schedule with fresh processes.
Result<ReplayResult> replayTrace(const Trace& original, const std::string& workerExecutable = "/proc/self/exe",
                                 ReplayControl* control = nullptr);

/// Runs `scenario` under a schedule given as worker indices (one per step), then
/// lets the workers finish freely. What the side-by-side view and the tests use.
Result<Trace> runSchedule(RunOptions options, const std::vector<std::uint32_t>& schedule,
                          const std::string& workerExecutable = "/proc/self/exe");

} // namespace racetrace
