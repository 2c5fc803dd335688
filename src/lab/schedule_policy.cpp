#include "lab/schedule_policy.hpp"

#include "lab/step_controller.hpp"

#include <algorithm>
#include <cassert>

namespace racetrace {

SchedulePolicy alternateEveryAccess() {
    return takeTurns({});
}

SchedulePolicy takeTurns(std::vector<std::uint32_t> stepsPerTurn) {
    // `turn` is the first worker that may go next; `taken` counts the current
    // worker's steps in its turn. The turn passes on once its share is taken
    // (or it cannot go on: finished, or blocked).
    return [turn = std::uint32_t{0}, current = std::uint32_t{0}, taken = std::uint32_t{0},
            shares = std::move(stepsPerTurn)](std::span<const std::uint32_t> ready, std::uint64_t) mutable {
        const std::uint32_t share = current < shares.size() && shares[current] > 0 ? shares[current] : 1;
        if (taken > 0 && taken < share && std::find(ready.begin(), ready.end(), current) != ready.end()) {
            ++taken;
            return current;
        }
        const auto next = std::find_if(ready.begin(), ready.end(), [&](std::uint32_t k) { return k >= turn; });
        current = next != ready.end() ? *next : ready.front();
        turn = current + 1;
        taken = 1;
        return current;
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
        if (ready.empty()) {
            // Every worker finished, or the ones left all wait for each other.
            if (std::string stuck = controller.stuck(); !stuck.empty()) return fail(std::move(stuck));
            break;
        }
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
                                              const std::vector<std::uint32_t>& stepsPerTurn,
                                              const std::string& workerExecutable) {
    std::vector<PolicyRun> results;
    for (const RunOptions& options : runs) {
        auto run = runPolicy(options, takeTurns(stepsPerTurn), kMaxPolicySteps, workerExecutable);
        if (!run) return fail(options.scenario + ": " + run.error());
        results.push_back(std::move(*run));
    }
    return results;
}

} // namespace racetrace
