// What Undo in step mode costs: the window's Undo (StepPanel::undo) kills the
// stepped workers, starts fresh ones and replays the schedule minus its last
// step, so the user lands on the same values and the same lines. The issue
// asks that this "feel instant for schedules of a few hundred steps".
//
//   one benchmark iteration (wall time: the user waits for all of it)
//
//   StepController::start   step(w0) step(w1) ... step(wN-1)   next(k) for all k   ~StepController
//   |-- spawn, barrier --|  |----- replay: one futex round trip each -----|  |- announce -|  |- kill, reap -|
//
// The schedule is made once, outside the timing, by stepping a live run with
// the chosen pattern among the workers that still have accesses to make (a
// pattern that picks a finished worker would make an invalid schedule).
// Patterns: alternating A, B, A, B (the interleaving diagram of the lecture)
// and irregular runs of one worker (xorshift), which spin more on the flag.
//
// Counters split the time: spawn_ms (start, up to every worker waiting at its
// first access), us_per_step (replay / steps), teardown_ms (destroying the
// controller: killing and reaping the workers, unmapping the segment).
// The window keeps step runs to 20 iterations; 100 here so that 1000 steps
// fit. The cost of a step does not depend on the iteration count.
#include "lab/step_controller.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace racetrace {
namespace {

constexpr std::uint64_t kIterations = 100;

enum class Pattern : int { Alternating = 0, Irregular = 1 };

/// What StepPanel::start runs: naive-flag, 2 workers, window 0, traced.
RunOptions undoOptions() {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = kIterations;
    options.windowNs = 0;
    options.traceEnabled = true;
    options.stepping = true;
    return options;
}

/// Steps a live run `steps` times with `pattern`; the workers it chose, or an
/// error sentence in `error`.
std::vector<std::uint32_t> makeSchedule(std::size_t steps, Pattern pattern, std::string& error) {
    auto controller = StepController::start(undoOptions());
    if (!controller) {
        error = controller.error();
        return {};
    }
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (std::size_t step = 0; step < steps; ++step) {
        std::vector<std::uint32_t> ready;
        for (std::uint32_t k = 0; k < (*controller)->workers(); ++k)
            if ((*controller)->next(k)) ready.push_back(k);
        if (ready.empty()) {
            error = "the workers finished after " + std::to_string(step) + " steps; raise kIterations";
            return {};
        }
        std::size_t pick = step % ready.size();
        if (pattern == Pattern::Irregular) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            pick = static_cast<std::size_t>((state >> 8) % ready.size());
        }
        if (auto stepped = (*controller)->step(ready[pick]); !stepped) {
            error = stepped.error();
            return {};
        }
    }
    return (*controller)->schedule();
}

double millisecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void BM_UndoReplay(benchmark::State& state) {
    const auto steps = static_cast<std::size_t>(state.range(0));
    const auto pattern = static_cast<Pattern>(state.range(1));
    std::string error;
    const std::vector<std::uint32_t> schedule = makeSchedule(steps, pattern, error);
    if (!error.empty()) {
        state.SkipWithError(error.c_str());
        return;
    }
    double spawnMs = 0, replayMs = 0, teardownMs = 0;
    for (auto _ : state) {
        auto begin = std::chrono::steady_clock::now();
        auto controller = StepController::start(undoOptions());
        if (!controller) {
            state.SkipWithError(controller.error().c_str());
            return;
        }
        // Every worker waits at its first access: Run::start returns before that.
        for (std::uint32_t k = 0; k < (*controller)->workers(); ++k)
            benchmark::DoNotOptimize((*controller)->next(k));
        spawnMs += millisecondsSince(begin);

        begin = std::chrono::steady_clock::now();
        for (const std::uint32_t worker : schedule)
            if (auto stepped = (*controller)->step(worker); !stepped) {
                state.SkipWithError(("the replay diverged: " + stepped.error()).c_str());
                return;
            }
        // Where Undo leaves the user: every worker's next access announced (StepPanel::refresh).
        for (std::uint32_t k = 0; k < (*controller)->workers(); ++k)
            benchmark::DoNotOptimize((*controller)->next(k));
        replayMs += millisecondsSince(begin);

        begin = std::chrono::steady_clock::now();
        controller->reset(); // the next Undo kills these workers first
        teardownMs += millisecondsSince(begin);
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["spawn_ms"] = spawnMs / n;
    state.counters["us_per_step"] = replayMs * 1000.0 / n / static_cast<double>(steps);
    state.counters["teardown_ms"] = teardownMs / n;
    state.SetLabel(pattern == Pattern::Alternating ? "alternating" : "irregular");
}

BENCHMARK(BM_UndoReplay)
    ->ArgNames({"steps", "irregular"})
    ->ArgsProduct({{100, 300, 1000}, {0, 1}})
    ->UseRealTime()
    ->MinTime(1.0)
    ->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
