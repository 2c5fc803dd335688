#include "lab/schedule_policy.hpp"

#include "lab/step_controller.hpp"

#include <algorithm>
#include <cassert>

namespace racetrace {

SchedulePolicy alternateEveryAccess() {
    // `turn` is the worker whose turn it is; it passes on after every step.
    return [turn = std::uint32_t{0}](std::span<const std::uint32_t> ready, std::uint64_t) mutable {
        const auto next = std::find_if(ready.begin(), ready.end(), [&](std::uint32_t k) { return k >= turn; });
        const std::uint32_t chosen = next != ready.end() ? *next : ready.front();
        turn = chosen + 1;
        return chosen;
    };
}

Result<PolicyRun> runPolicy(RunOptions options, const SchedulePolicy& policy, std::uint64_t maxSteps,
                            const std::string& workerExecutable) {
    auto started = StepController::start(std::move(options), workerExecutable);
    if (!started) return fail(started.error());
    StepController& controller = **started;
    std::vector<std::uint32_t> ready;
    for (std::uint64_t step = 0;; ++step) {
        ready.clear();
        for (std::uint32_t k = 0; k < controller.workers(); ++k)
            if (controller.next(k)) ready.push_back(k);
        if (ready.empty()) break;
        if (step == maxSteps)
            return fail("the workers had not finished after " + std::to_string(maxSteps) +
                        " steps of the schedule; the program may wait for something that never happens.");
        const std::uint32_t chosen = policy(ready, step);
        assert(std::find(ready.begin(), ready.end(), chosen) != ready.end() && "a policy must pick a ready worker");
        if (auto stepped = controller.step(chosen); !stepped)
            return fail("step " + std::to_string(step + 1) + ": " + stepped.error());
    }
    PolicyRun run;
    run.schedule = controller.schedule();
    run.trace = controller.finish(); // every worker has finished: nothing runs freely
    return run;
}

RunOptions comparisonOptions(const std::string& scenario, std::uint32_t workers, std::uint64_t iterations) {
    RunOptions options;
    options.scenario = scenario;
    options.workers = workers;
    options.iterations = iterations;
    options.windowNs = 0;
    options.traceEnabled = true;
    return options;
}

Result<std::vector<PolicyRun>> runAlternating(const std::vector<RunOptions>& runs,
                                              const std::string& workerExecutable) {
    std::vector<PolicyRun> results;
    for (const RunOptions& options : runs) {
        auto run = runPolicy(options, alternateEveryAccess(), kMaxPolicySteps, workerExecutable);
        if (!run) return fail(options.scenario + ": " + run.error());
        results.push_back(std::move(*run));
    }
    return results;
}

namespace {

/// True when `event` is an access that found the way barred (see waitingAccesses).
bool isWaiting(const Trace& trace, const Event& event) {
    if (event.variable >= trace.scenario.variables.size()) return false;
    const VariableKind kind = trace.scenario.variables[event.variable].kind;
    if (kind == VariableKind::Flag) return event.kind == EventKind::Load && event.value == 0;
    if (kind != VariableKind::Lock) return false;
    if (event.kind == EventKind::Exchange) return event.value != 0;      // the old value: it was held
    if (event.kind == EventKind::CompareExchange) return event.aux == 0; // the swap failed
    return false;
}

} // namespace

std::vector<std::uint64_t> waitingAccesses(const Trace& trace) {
    std::vector<std::uint64_t> waits(trace.workers.size(), 0);
    std::vector<bool> lastWasWaiting(trace.workers.size(), false);
    for (const Event& event : trace.events) {
        if (event.worker >= waits.size()) continue;
        if (event.kind == EventKind::Spin) { // the worker's previous access, repeated `aux` more times
            if (lastWasWaiting[event.worker]) waits[event.worker] += event.aux;
            continue;
        }
        if (event.variable == kNoVariable) continue; // markers do not change what a spin repeats
        lastWasWaiting[event.worker] = isWaiting(trace, event);
        if (lastWasWaiting[event.worker]) ++waits[event.worker];
    }
    return waits;
}

} // namespace racetrace
