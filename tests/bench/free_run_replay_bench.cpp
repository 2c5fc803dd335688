// How fast a free run replays (issue 15: at least 200,000 replayed accesses a
// second, whatever the spins). A free run of naive-flag or tas-mutex, 2
// workers, is recorded once (not timed); each iteration replays it on new
// processes through the step gates (lab/schedule_replay.hpp), as `racetrace
// replay` does, spins as one step each.
//
//   BM_ReplayFreeRun/SCENARIO/ITERATIONS   0 = naive-flag, 1 = tas-mutex
//
// Counters: steps (the schedule's length), steps_per_second, followed (1 when
// the replay made every step with the same values, 0 when it diverged: the
// figure is then for the part it made), spins_left_out (repetitions the
// original spun that the replay does not make one by one).
#include "lab/run.hpp"
#include "lab/schedule_replay.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <optional>
#include <utility>

namespace racetrace {
namespace {

const Trace* recordedFreeRun(int scenario, std::uint64_t iterations) {
    static std::map<std::pair<int, std::uint64_t>, std::optional<Trace>> runs;
    auto [it, fresh] = runs.try_emplace({scenario, iterations});
    if (fresh) {
        RunOptions options;
        options.scenario = scenario == 0 ? "naive-flag" : "tas-mutex";
        options.workers = 2;
        options.iterations = iterations;
        if (auto run = runToCompletion(options)) it->second = std::move(*run);
    }
    return it->second ? &*it->second : nullptr;
}

void BM_ReplayFreeRun(benchmark::State& state) {
    const Trace* original =
        recordedFreeRun(static_cast<int>(state.range(0)), static_cast<std::uint64_t>(state.range(1)));
    if (original == nullptr) {
        state.SkipWithError("the free run failed");
        return;
    }
    const std::uint64_t steps = accessCount(*original, Spins::OneStep);
    double seconds = 0, followed = 1, made = 0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        auto replay = replayTrace(*original);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!replay) {
            state.SkipWithError(replay.error().c_str());
            return;
        }
        made += static_cast<double>(replay->steps);
        if (replay->divergence) followed = 0;
        state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    state.counters["steps"] = static_cast<double>(steps);
    state.counters["steps_per_second"] = made / seconds;
    state.counters["followed"] = followed;
    state.counters["spins_left_out"] = static_cast<double>(accessCount(*original, Spins::Repeated) - steps);
}

BENCHMARK(BM_ReplayFreeRun)
    ->ArgsProduct({{0, 1}, {10'000, 100'000}})
    ->ArgNames({"scenario", "iterations"})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
