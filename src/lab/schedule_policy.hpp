// Scheduling policies: a rule that picks which worker makes the next shared
// access, applied through the step gates until every worker has finished. The
// side-by-side view (issue item 5) runs one policy, "alternate A and B at every
// access", under the naive flag and under the test-and-set lock: the schedule
// is the same, so the only difference between the two timelines is the
// synchronisation (where the flag let B in, the lock makes B wait).
//
// Why a policy and not a fixed list for runSchedule(): how many accesses a
// worker makes depends on what it reads (a worker that finds the lock taken
// tries again, one access per turn, until it is free), so the length of an
// alternating schedule is not known before the run. A policy is asked at every
// step which of the workers that still have an access to make goes next; the
// run ends exactly when the last worker has finished, never by running freely.
// The schedule it produced is returned, and runSchedule() replays it.
//
//   ready = {A, B}  policy -> A   A reads Y
//   ready = {A, B}  policy -> B   B reads Y
//   ...
//   ready = {B}     policy -> B   (A has finished: B takes every turn)
//   ready = {}      done
#pragma once

#include "ipc/result.hpp"
#include "lab/run_options.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace racetrace {

/// Picks the worker that makes the next access among `ready` (the workers that
/// still have one, ascending, never empty); `step` counts from 0. Must return
/// one of `ready`.
using SchedulePolicy = std::function<std::uint32_t(std::span<const std::uint32_t> ready, std::uint64_t step)>;

/// Round robin at every access: A, B, A, B, ... (A, B, C, A, ... for more
/// workers). A finished worker's turn goes to the next one that is ready, so
/// the last worker running takes every turn until it finishes too.
SchedulePolicy alternateEveryAccess();

/// Round robin in turns of several steps: worker k makes stepsPerTurn[k]
/// steps in a row (1 where the list says nothing), or fewer when it finishes
/// or blocks. {3, 1}: a producer three times as fast as its consumer.
SchedulePolicy takeTurns(std::vector<std::uint32_t> stepsPerTurn);

/// A guard against a program that never ends under a policy.
inline constexpr std::uint64_t kMaxPolicySteps = 1'000'000;

struct PolicyRun {
    Trace trace;                         ///< the whole run: every access made under the policy
    std::vector<std::uint32_t> schedule; ///< the worker of each step (what runSchedule() takes)
};

/// Starts real workers for `options` with their step gates closed and lets
/// `policy` choose every access until every worker has finished. Fails if a
/// worker does not reach its next access (10 s) or the workers have not
/// finished after `maxSteps` steps.
Result<PolicyRun> runPolicy(RunOptions options, const SchedulePolicy& policy, std::uint64_t maxSteps = kMaxPolicySteps,
                            const std::string& workerExecutable = "/proc/self/exe");

/// Iterations per worker in the side-by-side: three rounds each keep the
/// picture readable (a few dozen accesses per lane) and still show that the
/// race repeats in every round.
inline constexpr std::uint64_t kComparisonIterations = 3;

/// The options of one side of the comparison: `scenario` with `workers` x
/// `iterations` and no race window (the schedule decides who goes when, so
/// waiting inside the window would only make the run slower).
RunOptions comparisonOptions(const std::string& scenario, std::uint32_t workers = 2,
                             std::uint64_t iterations = kComparisonIterations);

/// Runs each of `runs` in turn under a fresh takeTurns(stepsPerTurn) policy
/// (every access in turn by default). The naive-flag vs tas-mutex comparison is
/// `runAlternating({comparisonOptions("naive-flag"), comparisonOptions("tas-mutex")})`.
Result<std::vector<PolicyRun>> runAlternating(const std::vector<RunOptions>& runs,
                                              const std::vector<std::uint32_t>& stepsPerTurn = {},
                                              const std::string& workerExecutable = "/proc/self/exe");

} // namespace racetrace
