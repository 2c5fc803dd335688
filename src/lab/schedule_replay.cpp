#include "lab/schedule_replay.hpp"

#include "lab/step_controller.hpp"

#include <algorithm>

namespace racetrace {

namespace {

/// Where a schedule step and what the replay did disagree, or nothing.
std::optional<std::string> compareAccess(const ScenarioInfo& scenario, std::uint64_t step, const ScheduledAccess& want,
                                         const ScheduledAccess& got) {
    const PendingAccess wanted{want.kind, want.line, want.variable, want.word, want.value};
    const PendingAccess actual{got.kind, got.line, got.variable, got.word, got.value};
    const std::string who = workerName(want.worker);
    if (got.worker != want.worker || got.kind != want.kind || got.line != want.line || got.variable != want.variable ||
        got.word != want.word)
        return "Step " + std::to_string(step + 1) + ": the schedule has " + who + " " +
               describeAccess(scenario, wanted) + " at line " + std::to_string(want.line + 1) + ", but in the replay " +
               workerName(got.worker) + " " + describeAccess(scenario, actual) + " at line " +
               std::to_string(got.line + 1) + ".";
    if (got.value != want.value)
        return "Step " + std::to_string(step + 1) + ": " + who + " " + (isWrite(want.kind) ? "wrote " : "read ") +
               (want.variable < scenario.variables.size() ? scenario.variables[want.variable].name : "?") + " = " +
               std::to_string(got.value) + " in the replay but " + std::to_string(want.value) + " in the original.";
    return std::nullopt;
}

} // namespace

std::vector<ScheduledAccess> accessSequence(const Trace& trace) {
    std::vector<ScheduledAccess> sequence;
    std::vector<std::optional<ScheduledAccess>> lastOf(trace.workers.size());
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& event = trace.events[i];
        if (event.worker >= lastOf.size()) continue;
        if (event.kind == EventKind::Spin) {
            // A spin is the worker's previous access repeated `aux` more times.
            if (!lastOf[event.worker]) continue;
            ScheduledAccess repeat = *lastOf[event.worker];
            repeat.event = i;
            for (std::uint32_t r = 0; r < event.aux; ++r)
                sequence.push_back(repeat);
            continue;
        }
        if (!eventKindInfo(event.kind).gated) continue;
        ScheduledAccess access{
            event.worker, event.kind, event.line, event.variable, auxIsWord(event.kind) ? event.aux : 0u,
            event.value,  i};
        sequence.push_back(access);
        lastOf[event.worker] = access;
    }
    return sequence;
}

std::uint64_t accessCount(const Trace& trace, std::uint64_t limit) {
    std::uint64_t count = 0;
    std::vector<bool> accessed(trace.workers.size(), false);
    for (const Event& event : trace.events) {
        if (count >= limit) return limit;
        if (event.worker >= accessed.size()) continue;
        if (event.kind == EventKind::Spin) {
            if (accessed[event.worker]) count += std::min<std::uint64_t>(event.aux, limit - count);
        } else if (eventKindInfo(event.kind).gated) {
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

/// Makes step `i` of the schedule: checks the worker announces the access the
/// schedule has (and, for a write, its value), then lets it make it. The
/// divergence, if it could not.
std::optional<std::string> followStep(StepController& steps, const ScenarioInfo& scenario, std::uint64_t i,
                                      const ScheduledAccess& want) {
    const std::string step = "Step " + std::to_string(i + 1);
    if (want.worker >= steps.workers())
        return step + " names worker " + workerName(want.worker) + ", but the run has only " +
               std::to_string(steps.workers()) + " workers.";
    const auto pending = steps.next(want.worker);
    if (!pending)
        return step + ": the schedule has " + workerName(want.worker) + " " +
               describeAccess(scenario, {want.kind, want.line, want.variable, want.word, want.value}) +
               ", but in the replay it has already finished its program.";
    // Writes announce their value; reads are checked after the run.
    const ScheduledAccess announced{want.worker,
                                    pending->kind,
                                    pending->line,
                                    pending->variable,
                                    pending->word,
                                    isPlainWrite(pending->kind) ? pending->value : want.value,
                                    0};
    if (auto mismatch = compareAccess(scenario, i, want, announced)) return mismatch;
    if (auto stepped = steps.step(want.worker); !stepped) return step + ": " + stepped.error();
    return std::nullopt;
}

/// Reads are only known once made: the whole replayed sequence against the schedule.
std::optional<std::string> compareSequences(const ScenarioInfo& scenario, const std::vector<ScheduledAccess>& schedule,
                                            const std::vector<ScheduledAccess>& replayed) {
    for (std::uint64_t i = 0; i < schedule.size(); ++i) {
        if (i >= replayed.size())
            return "The replay made only " + std::to_string(replayed.size()) + " of the " +
                   std::to_string(schedule.size()) + " accesses (some were not recorded).";
        if (auto mismatch = compareAccess(scenario, i, schedule[i], replayed[i])) return mismatch;
    }
    if (replayed.size() > schedule.size())
        return "The replay made " + std::to_string(replayed.size() - schedule.size()) +
               " more accesses than the original trace holds.";
    return std::nullopt;
}

} // namespace

Result<ReplayResult> replayTrace(const Trace& original, const std::string& workerExecutable) {
    if (original.scenario.source.empty())
        return fail("the trace does not contain its scenario's source, so it cannot be replayed.");
    RunOptions options = optionsToRepeat(original.settings, original.scenario.source);
    options.scenario = original.scenario.name;
    options.traceEnabled = true;
    const auto schedule = accessSequence(original);

    auto controller = StepController::start(options, workerExecutable);
    if (!controller) return fail(controller.error());
    StepController& steps = **controller;
    ReplayResult result;
    for (std::uint64_t i = 0; i < schedule.size() && !result.divergence; ++i) {
        result.divergence = followStep(steps, original.scenario, i, schedule[i]);
        if (!result.divergence) result.steps = i + 1;
    }
    // A run that was stopped (or whose workers died) ends where its schedule
    // ends: letting the workers finish their iterations would replay more than
    // the original holds, maybe for a long time.
    result.trace = result.divergence || !ranToTheEnd(original) ? steps.snapshot() : steps.finish();
    if (!result.divergence)
        result.divergence = compareSequences(original.scenario, schedule, accessSequence(result.trace));
    return result;
}

Result<Trace> runSchedule(RunOptions options, const std::vector<std::uint32_t>& schedule,
                          const std::string& workerExecutable) {
    auto controller = StepController::start(std::move(options), workerExecutable);
    if (!controller) return fail(controller.error());
    for (std::size_t i = 0; i < schedule.size(); ++i) {
        const std::uint32_t worker = schedule[i];
        if ((*controller)->finished(worker)) continue; // a finished worker's turns are skipped
        if (auto stepped = (*controller)->step(worker); !stepped)
            return fail("step " + std::to_string(i + 1) + ": " + stepped.error());
    }
    return (*controller)->finish();
}

} // namespace racetrace
