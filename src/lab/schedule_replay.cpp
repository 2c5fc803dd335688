#include "lab/schedule_replay.hpp"

#include "lab/step_controller.hpp"
#include "trace/event_text.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace racetrace {

namespace {

/// A step as words can describe it. A trace does not say whether a channel
/// call was the waiting form, so it is described as a plain call.
PendingAccess described(const ScheduledAccess& access) {
    return {access.kind, access.line, access.variable, onChannel(access.kind) ? 1u : access.word, access.value};
}

/// Why a replay can block where the original did not: ".", or for a pipe
/// whose messages are not a page each, how the kernel packs its pages.
std::string whyBlocked(const ScenarioInfo& scenario, const ScheduledAccess& want) {
    if (!onChannel(want.kind) || want.variable >= scenario.channels.size()) return ".";
    const ChannelInfo& channel = scenario.channels[want.variable];
    if (channel.holdsWholeMessages())
        return ": calls on " + channel.displayName() +
               " overlapped in time in the original, and their order cannot always be told from the stamps.";
    return ": " + channel.displayName() +
           " keeps bytes in pages, and whether a message fits depends on where earlier calls that overlapped in "
           "time left them, which a replay cannot force (with --message-bytes 4096, a page per message, it can).";
}

/// Where a schedule step and what the replay did disagree, or nothing.
std::optional<std::string> compareAccess(const ScenarioInfo& scenario, std::uint64_t step, const ScheduledAccess& want,
                                         const ScheduledAccess& got) {
    const PendingAccess wanted = described(want);
    const PendingAccess actual = described(got);
    const std::string who = workerName(want.worker);
    if (got.worker != want.worker || got.kind != want.kind || got.line != want.line || got.variable != want.variable ||
        got.word != want.word)
        return "Step " + std::to_string(step + 1) + ": the schedule has " + who + " " +
               describeAccess(scenario, wanted) + " at line " + std::to_string(want.line + 1) + ", but in the replay " +
               workerName(got.worker) + " " + describeAccess(scenario, actual) + " at line " +
               std::to_string(got.line + 1) + ".";
    if (got.value != want.value && onChannel(want.kind))
        return "Step " + std::to_string(step + 1) + ": " + who + " " +
               (want.kind == EventKind::Send ? "sent " : "received ") + messageName(got.value) + " in the replay but " +
               messageName(want.value) + " in the original.";
    if (got.value != want.value)
        return "Step " + std::to_string(step + 1) + ": " + who + " " + (isWrite(want.kind) ? "wrote " : "read ") +
               (want.variable < scenario.variables.size() ? scenario.variables[want.variable].name : "?") + " = " +
               std::to_string(got.value) + " in the replay but " + std::to_string(want.value) + " in the original.";
    return std::nullopt;
}

} // namespace

namespace {

enum class StepRole : std::uint8_t { None, Begins, Completes };

/// Tells the steps in a trace from the events that only complete one: after a
/// BlockedEnd, the worker's next gated event is the result of the call that
/// waited, whose step began at its BlockedBegin.
class StepScanner {
  public:
    explicit StepScanner(std::size_t workers) : m_completing(workers, false) {}

    /// The role of `event` (of a known worker).
    StepRole roleOf(const Event& event) {
        if (event.kind == EventKind::BlockedEnd) m_completing[event.worker] = true;
        if (!eventKindInfo(event.kind).gated) return StepRole::None;
        if (!m_completing[event.worker]) return StepRole::Begins;
        m_completing[event.worker] = false;
        return StepRole::Completes;
    }

  private:
    std::vector<bool> m_completing;
};

ScheduledAccess scheduledAccess(const Event& event, std::uint64_t index) {
    const bool channel = onChannel(event.kind);
    return {event.worker,
            announcedKind(event.kind, event.aux),
            event.line,
            event.variable,
            !channel && auxIsWord(event.kind) ? event.aux : 0u,
            event.value,
            index,
            false,
            event.kind == EventKind::BlockedBegin || event.kind == EventKind::WouldBlock};
}

} // namespace

std::vector<ScheduledAccess> accessSequence(const Trace& trace, Spins spins) {
    std::vector<ScheduledAccess> sequence;
    std::vector<std::optional<ScheduledAccess>> lastOf(trace.workers.size());
    std::vector<std::size_t> waitedStep(trace.workers.size(), 0);
    StepScanner scanner(trace.workers.size());
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& event = trace.events[i];
        if (event.worker >= lastOf.size()) continue;
        if (event.kind == EventKind::Spin) {
            // A spin is the worker's previous access repeated `aux` more times.
            if (spins == Spins::OneStep || !lastOf[event.worker]) continue;
            ScheduledAccess repeat = *lastOf[event.worker];
            repeat.event = i;
            for (std::uint32_t r = 0; r < event.aux; ++r)
                sequence.push_back(repeat);
            continue;
        }
        const StepRole role = scanner.roleOf(event);
        if (role == StepRole::None) continue;
        ScheduledAccess access = scheduledAccess(event, i);
        if (role == StepRole::Completes) {
            access.completes = true;
            // What the call that waited sent or received is its step's value too.
            if (waitedStep[event.worker] < sequence.size()) sequence[waitedStep[event.worker]].value = event.value;
        }
        if (event.kind == EventKind::BlockedBegin) waitedStep[event.worker] = sequence.size();
        sequence.push_back(access);
        if (!access.completes) lastOf[event.worker] = access;
    }
    return sequence;
}

std::uint64_t accessCount(const Trace& trace, Spins spins, std::uint64_t limit) {
    std::uint64_t count = 0;
    std::vector<bool> accessed(trace.workers.size(), false);
    StepScanner scanner(trace.workers.size());
    for (const Event& event : trace.events) {
        if (count >= limit) return limit;
        if (event.worker >= accessed.size()) continue;
        if (event.kind == EventKind::Spin) {
            if (accessed[event.worker] && spins == Spins::Repeated)
                count += std::min<std::uint64_t>(event.aux, limit - count);
        } else if (scanner.roleOf(event) != StepRole::None) {
            accessed[event.worker] = true;
            ++count;
        }
    }
    return std::min(count, limit);
}

/// True when every worker ran its program to the end by itself: a replay may
/// then let the workers finish after the schedule; otherwise it stops there.
bool ranToTheEnd(const Trace& trace) {
    if (!trace.stopReason.empty()) return false;
    return std::all_of(trace.workers.begin(), trace.workers.end(), [&](const WorkerRecord& worker) {
        return worker.exit.how == WorkerExit::How::Exited && worker.iterationsDone >= trace.settings.iterations;
    });
}

namespace {

/// Where the original killed a worker on purpose (--kill, or "Kill A now"):
/// before which step of `schedule`, and whom. A replay kills it there too.
struct ScheduledKill {
    std::uint64_t beforeStep = 0;
    std::uint32_t worker = 0;
};

std::optional<ScheduledKill> killInSchedule(const Trace& original, const std::vector<ScheduledAccess>& schedule) {
    const RunSettings& settings = original.settings;
    const bool killed = original.stopReason.find("(--kill)") != std::string::npos ||
                        original.stopReason.find("(kill now)") != std::string::npos;
    if (settings.killAtEntry == 0 || !killed) return std::nullopt;
    for (std::uint64_t i = 0; i < original.events.size(); ++i) {
        const Event& event = original.events[i];
        if (event.kind != EventKind::WorkerKilled || event.worker != settings.killWorker) continue;
        const auto after = std::partition_point(schedule.begin(), schedule.end(),
                                                [&](const ScheduledAccess& access) { return access.event < i; });
        return ScheduledKill{static_cast<std::uint64_t>(after - schedule.begin()), settings.killWorker};
    }
    return std::nullopt;
}

/// Kills the worker the original killed, once the schedule reaches that point.
std::optional<std::string> killIfDue(StepController& steps, const std::optional<ScheduledKill>& kill,
                                     std::uint64_t step) {
    if (!kill || kill->beforeStep != step) return std::nullopt;
    if (auto killed = steps.kill(kill->worker); !killed)
        return "Step " + std::to_string(step + 1) + ": the original killed " + workerName(kill->worker) +
               " here, but the replay could not: " + killed.error();
    return std::nullopt;
}

/// A worker asleep on a lock the original had it take: the wake comes a moment
/// after the release, or after the parent kills a holder (--kill), and the
/// replay waits for it (2 s at most) before calling it a divergence.
std::optional<PendingAccess> awaitLockWake(StepController& steps, std::uint32_t worker) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto retried = steps.retry(worker); !retried || *retried) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return steps.next(worker);
}

/// Makes step `i` of the schedule: checks the worker announces the access the
/// schedule has (and, for a write, its value), then lets it make it. The
/// divergence, if it could not.
std::optional<std::string> followStep(StepController& steps, const ScenarioInfo& scenario, std::uint64_t i,
                                      const ScheduledAccess& want, std::uint32_t run = 1) {
    const std::string step = "Step " + std::to_string(i + 1);
    if (want.worker >= steps.workers())
        return step + " names worker " + workerName(want.worker) + ", but the run has only " +
               std::to_string(steps.workers()) + " workers.";
    // Where the original's wait ended, or a call of a worker that the replay
    // left waiting longer than the original did: let it try again first.
    if (auto retried = steps.retry(want.worker); !retried) return step + ": " + retried.error();
    if (want.completes) return std::nullopt;
    auto pending = steps.next(want.worker);
    // The original call went through but here it would not: a wait on the same
    // channel ended earlier than its stamp says (stamps cannot order calls that
    // overlapped). Let those waits end first.
    if (pending && onChannel(pending->kind) && !want.foundNoRoom && pending->outlook == CallOutlook::MustWait) {
        if (auto retried = steps.retryBlockedOn(pending->variable); !retried) return step + ": " + retried.error();
        pending = steps.next(want.worker);
    }
    if (!pending && steps.where(want.worker) == WorkerStep::Blocked && !steps.blockedIn(want.worker))
        pending = awaitLockWake(steps, want.worker);
    if (!pending)
        return step + ": the schedule has " + workerName(want.worker) + " " +
               describeAccess(scenario, described(want)) + ", but in the replay it " +
               (steps.where(want.worker) != WorkerStep::Blocked ? std::string("has already finished its program.")
                : steps.blockedIn(want.worker) ? "is blocked in a channel call" + whyBlocked(scenario, want)
                                               : std::string("is asleep waiting for a lock another worker holds."));
    // Writes announce their value; reads and lock steps are checked after the run.
    // A channel call's step does not record whether it was the waiting form: the line says.
    const ScheduledAccess announced{want.worker,
                                    pending->kind,
                                    pending->line,
                                    pending->variable,
                                    onChannel(pending->kind) ? 0u : pending->word,
                                    valueKnownAtGate(pending->kind) ? pending->value : want.value,
                                    0};
    if (auto mismatch = compareAccess(scenario, i, want, announced)) return mismatch;
    if (auto stepped = steps.step(want.worker, run); !stepped) return step + ": " + stepped.error();
    return std::nullopt;
}

/// Accesses that never wait and wake nobody: a run of them by one worker can
/// be granted at once. Lock steps (a mutex may sleep, its release wakes a
/// sleeper) and channel calls are granted one by one.
bool neverWaits(const ScheduledAccess& access) {
    switch (access.kind) {
    case EventKind::Load:
    case EventKind::Store:
    case EventKind::Exchange:
    case EventKind::CompareExchange:
    case EventKind::FetchAdd:
    case EventKind::Fence:
    case EventKind::CsEnter:
    case EventKind::CsExit:
    case EventKind::RecordWordWrite:
    case EventKind::RecordCheck: return !access.completes;
    default: return false;
    }
}

/// How many steps from `i` on the worker of step i makes in a row, all of
/// them accesses that never wait, with no kill due among them: granted as one
/// handoff (a replay's schedule has ~9 of a worker's accesses in a row on
/// average). Only the first is checked against its announcement; the whole
/// replayed sequence is checked against the schedule at the end.
std::uint32_t runOfOneWorker(const std::vector<ScheduledAccess>& schedule, std::uint64_t i,
                             const std::optional<ScheduledKill>& kill) {
    constexpr std::uint32_t kLongestRun = 4096;
    std::uint32_t run = 1;
    if (!neverWaits(schedule[i])) return run;
    while (run < kLongestRun && i + run < schedule.size() && schedule[i + run].worker == schedule[i].worker &&
           neverWaits(schedule[i + run]) && !(kill && kill->beforeStep == i + run))
        ++run;
    return run;
}

/// The calls and accesses alone: where a wait ended depends on the run.
std::vector<ScheduledAccess> callsOnly(std::vector<ScheduledAccess> sequence) {
    std::erase_if(sequence, [](const ScheduledAccess& access) { return access.completes; });
    return sequence;
}

/// Where a replay and its schedule first differ: `step` (calls only) and the original `event`.
struct FirstDifference {
    std::uint64_t step = 0;
    std::uint64_t event = 0;
};

/// Reads are only known once made: the whole replayed sequence against the
/// schedule (or, with `prefixOnly`, as much of both as the replay made).
std::optional<std::string> compareSequences(const ScenarioInfo& scenario,
                                            const std::vector<ScheduledAccess>& fullSchedule,
                                            const std::vector<ScheduledAccess>& fullReplayed, FirstDifference& at,
                                            bool prefixOnly = false) {
    const auto schedule = callsOnly(fullSchedule);
    const auto replayed = callsOnly(fullReplayed);
    const std::uint64_t compared = prefixOnly ? std::min(schedule.size(), replayed.size()) : schedule.size();
    for (std::uint64_t i = 0; i < compared; ++i) {
        at = {i, schedule[i].event};
        if (i >= replayed.size())
            return "The replay made only " + std::to_string(replayed.size()) + " of the " +
                   std::to_string(schedule.size()) + " accesses (some were not recorded).";
        if (auto mismatch = compareAccess(scenario, i, schedule[i], replayed[i])) return mismatch;
    }
    if (!prefixOnly && replayed.size() > schedule.size())
        return "The replay made " + std::to_string(replayed.size() - schedule.size()) +
               " more accesses than the original trace holds.";
    return std::nullopt;
}

/// How far before a divergence a conflict may lie to be named as its cause: a
/// value the conflict put out of order shows at the next access of that
/// location, which in replays of the built-in scenarios came 21 to 258 events later.
constexpr std::uint64_t kConflictReach = 4096;

/// The last of the original's order-repair conflicts at most kConflictReach
/// events before event `diverged`, as a clause for the divergence sentence, or nothing.
std::optional<std::string> conflictBefore(const Trace& original, std::uint64_t diverged) {
    if (!original.orderRepair || original.orderRepair->conflictEvents.empty()) return std::nullopt;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> listed; // (worker, seq), sorted for the search
    for (const EventOrderRepair::EventId& id : original.orderRepair->conflictEvents)
        listed.emplace_back(id.worker, id.seq);
    std::sort(listed.begin(), listed.end());
    std::optional<std::uint64_t> nearest;
    for (std::uint64_t e = diverged > kConflictReach ? diverged - kConflictReach : 0;
         e <= diverged && e < original.events.size(); ++e) {
        const Event& event = original.events[e];
        if (std::binary_search(listed.begin(), listed.end(),
                               std::pair<std::uint32_t, std::uint32_t>{event.worker, event.seq}))
            nearest = e;
    }
    if (!nearest) return std::nullopt;
    const Event& conflict = original.events[*nearest];
    const PendingAccess access = described(scheduledAccess(conflict, *nearest));
    const std::uint64_t before = diverged - *nearest;
    // "Found no order", not "there is none": a wrong guess of the repair's
    // modification-order search looks the same as store buffering here.
    return " The order repair found no order of the original's accesses that gives every value it recorded there: " +
           workerName(conflict.worker) + "'s step '" + describeAccess(original.scenario, access) + "' at line " +
           std::to_string(conflict.line + 1) +
           (before == 0 ? std::string(" (this access)")
                        : " (" + groupedNumber(static_cast<std::int64_t>(before)) +
                              (before == 1 ? " event" : " events") + " earlier)") +
           " went against every one it found (store buffering, a load passing an earlier store, does that; so "
           "does an order the repair missed), and the replay cannot follow that.";
}

} // namespace

Result<ReplayResult> replayTrace(const Trace& original, const std::string& workerExecutable, ReplayControl* control) {
    if (original.scenario.source.empty())
        return fail("the trace does not contain its scenario's source, so it cannot be replayed.");
    RunOptions options = optionsToRepeat(original.settings, original.scenario.source);
    options.scenario = original.scenario.name;
    options.traceEnabled = true;
    const auto schedule = accessSequence(original, Spins::OneStep);
    const auto kill = killInSchedule(original, schedule);

    auto controller = StepController::start(options, workerExecutable);
    if (!controller) return fail(controller.error());
    StepController& steps = **controller;
    steps.setWakeAfterSteps(StepController::Wake::OnQueues); // the schedule says when a pipe's wait ended
    ReplayResult result;
    std::uint64_t divergedAt = 0;              // the original event where the replay first differed
    std::uint64_t stoppedAt = schedule.size(); // the step where a divergence stopped it
    for (std::uint64_t i = 0; i < schedule.size() && !result.divergence;) {
        divergedAt = schedule[i].event;
        stoppedAt = i;
        if (control != nullptr && control->cancel.load(std::memory_order_relaxed)) {
            result.cancelled = true;
            result.divergence = "The replay was cancelled after " + std::to_string(i) + " of " +
                                std::to_string(schedule.size()) + " steps.";
            break;
        }
        result.divergence = killIfDue(steps, kill, i);
        const std::uint32_t run = runOfOneWorker(schedule, i, kill);
        if (!result.divergence) result.divergence = followStep(steps, original.scenario, i, schedule[i], run);
        if (!result.divergence) result.steps = i + run;
        i += run;
        if (control != nullptr) control->stepsDone.store(result.steps, std::memory_order_relaxed);
    }
    if (!result.divergence) result.divergence = killIfDue(steps, kill, schedule.size());
    // A run that was stopped (or whose workers died) ends where its schedule
    // ends: letting the workers finish their iterations would replay more than
    // the original holds, maybe for a long time.
    result.trace = result.divergence || !ranToTheEnd(original) ? steps.snapshot() : steps.finish();
    FirstDifference at;
    if (!result.divergence) {
        result.divergence =
            compareSequences(original.scenario, schedule, accessSequence(result.trace, Spins::OneStep), at);
        divergedAt = at.event;
    } else if (!result.cancelled) {
        // Reads are only checked now: one before the step that could not be
        // followed may have differed first (a write's value then showed it).
        const std::vector<ScheduledAccess> before(schedule.begin(), schedule.begin() + stoppedAt);
        if (auto first =
                compareSequences(original.scenario, before, accessSequence(result.trace, Spins::OneStep), at, true)) {
            result.divergence = std::move(first);
            result.steps = std::min(result.steps, at.step);
            divergedAt = at.event;
        }
    }
    if (result.divergence && !result.cancelled)
        if (const auto why = conflictBefore(original, divergedAt)) {
            result.noSingleOrder = true;
            *result.divergence += *why;
        }
    return result;
}

Result<Trace> runSchedule(RunOptions options, const std::vector<std::uint32_t>& schedule,
                          const std::string& workerExecutable) {
    auto controller = StepController::start(std::move(options), workerExecutable);
    if (!controller) return fail(controller.error());
    for (std::size_t i = 0; i < schedule.size(); ++i) {
        const std::uint32_t worker = schedule[i];
        // A finished or blocked worker's turns are skipped.
        if ((*controller)->where(worker) != WorkerStep::AtGate) continue;
        if (auto stepped = (*controller)->step(worker); !stepped)
            return fail("step " + std::to_string(i + 1) + ": " + stepped.error());
    }
    return (*controller)->finish();
}

} // namespace racetrace
