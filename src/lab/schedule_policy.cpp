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

} // namespace racetrace
