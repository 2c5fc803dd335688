// The observer effect, measured on the race itself: how many increments the
// naive flag loses with tracing on and with tracing off (`--no-trace`). If
// recording slowed the workers enough to change the interleavings, the two
// lost-update rates would differ; their ratio is the number to watch.
//
//   one benchmark iteration = one traced run + one untraced run, real worker
//   processes each (order alternates so neither side always goes first)
//
//   lost rate = (increments made - final counter) / increments made
//
// "Increments made" is the sum of the workers' finished iterations (each
// iteration increments once), which equals workers * iterations when the run
// completes; a run the watchdog stopped is reported as an error instead.
#include "lab/run.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

namespace racetrace {
namespace {

constexpr std::uint64_t kIterations = 20'000;
constexpr int kRunsPerSide = 5; ///< benchmark iterations; each makes one run per side

struct RunOutcome {
    double lostRate = 0;
    double seconds = 0;     ///< runToCompletion: spawn, race, drain, build the Trace
    double raceSeconds = 0; ///< the race alone (Trace::durationNs)
    std::uint64_t dropped = 0;
    std::string error; ///< non-empty: the run could not be used
};

RunOutcome runNaiveFlag(bool traced, std::uint64_t seed) {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = kIterations;
    options.traceEnabled = traced;
    options.seed = seed;

    RunOutcome outcome;
    const auto start = std::chrono::steady_clock::now();
    auto trace = runToCompletion(options);
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!trace) {
        outcome.error = trace.error();
        return outcome;
    }
    if (!trace->stopReason.empty()) {
        outcome.error = "the run was stopped: " + trace->stopReason;
        return outcome;
    }
    const auto counter = trace->scenario.findVariable("counter");
    if (!counter) {
        outcome.error = "the naive-flag scenario has no variable called counter";
        return outcome;
    }
    std::uint64_t made = 0;
    for (const auto& worker : trace->workers)
        made += worker.iterationsDone;
    if (made == 0) {
        outcome.error = "the workers made no increments";
        return outcome;
    }
    const auto final = trace->finalValue(*counter);
    outcome.lostRate = static_cast<double>(static_cast<std::int64_t>(made) - final) / static_cast<double>(made);
    outcome.dropped = trace->droppedTotal();
    outcome.raceSeconds = static_cast<double>(trace->durationNs) * 1e-9;
    return outcome;
}

void BM_NaiveFlagLostUpdates(benchmark::State& state) {
    double tracedRate = 0;
    double untracedRate = 0;
    double tracedSquares = 0;
    double untracedSquares = 0;
    double tracedSeconds = 0;
    double untracedSeconds = 0;
    double tracedRace = 0;
    double untracedRace = 0;
    std::uint64_t dropped = 0;
    std::uint64_t seed = 1;
    for (auto _ : state) {
        const bool tracedFirst = seed % 2 == 0;
        const auto first = runNaiveFlag(tracedFirst, seed);
        const auto second = runNaiveFlag(!tracedFirst, seed);
        ++seed;
        for (const auto* outcome : {&first, &second}) {
            if (!outcome->error.empty()) {
                state.SkipWithError(outcome->error.c_str());
                return;
            }
        }
        const auto& traced = tracedFirst ? first : second;
        const auto& untraced = tracedFirst ? second : first;
        state.SetIterationTime(traced.seconds + untraced.seconds);
        tracedRate += traced.lostRate;
        untracedRate += untraced.lostRate;
        tracedSquares += traced.lostRate * traced.lostRate;
        untracedSquares += untraced.lostRate * untraced.lostRate;
        tracedSeconds += traced.seconds;
        untracedSeconds += untraced.seconds;
        tracedRace += traced.raceSeconds;
        untracedRace += untraced.raceSeconds;
        dropped += traced.dropped;
    }
    const auto runs = static_cast<double>(state.iterations());
    tracedRate /= runs;
    untracedRate /= runs;
    // Spread between runs, to judge whether the two rates differ at all.
    const auto spread = [runs](double mean, double squares) {
        return runs > 1 ? std::sqrt(std::max(0.0, (squares - runs * mean * mean) / (runs - 1))) : 0.0;
    };
    state.counters["lost_rate_traced"] = tracedRate;
    state.counters["lost_rate_untraced"] = untracedRate;
    state.counters["lost_sd_traced"] = spread(tracedRate, tracedSquares);
    state.counters["lost_sd_untraced"] = spread(untracedRate, untracedSquares);
    state.counters["traced_over_untraced"] = untracedRate > 0 ? tracedRate / untracedRate : 0.0;
    state.counters["run_s_traced"] = tracedSeconds / runs;
    state.counters["run_s_untraced"] = untracedSeconds / runs;
    state.counters["race_s_traced"] = tracedRace / runs;
    state.counters["race_s_untraced"] = untracedRace / runs;
    state.counters["events_dropped"] = static_cast<double>(dropped);
}
BENCHMARK(BM_NaiveFlagLostUpdates)->UseManualTime()->Iterations(kRunsPerSide)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
