// What `racetrace stats` costs per run (session/race_stats.hpp) against one
// run as `racetrace run` makes it (run, then analyse), on the same scenario:
// naive-flag, 2 workers x 1,000 iterations, a 500 ns window.
//
//   BM_RunAndAnalyse      one iteration = one run and its analysis
//   BM_StatsPerRun        one iteration = a sweep of one point and 10 runs;
//                         per_run is its time divided by the runs
//
// The difference per run is what the sweep adds (parsing, the sums, the
// Wilson interval): it should be nothing next to the run itself.
#include "analysis/findings.hpp"
#include "lab/run.hpp"
#include "session/race_stats.hpp"

#include <benchmark/benchmark.h>

namespace racetrace {
namespace {

RunOptions statsOptions() {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 1000;
    options.windowNs = 500;
    return options;
}

void BM_RunAndAnalyse(benchmark::State& state) {
    const RunOptions options = statsOptions();
    for (auto _ : state) {
        auto trace = runToCompletion(options);
        if (!trace) {
            state.SkipWithError(trace.error().c_str());
            return;
        }
        const Analysis analysis = analyse(*trace);
        benchmark::DoNotOptimize(analysis.counts.data());
    }
}
BENCHMARK(BM_RunAndAnalyse)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

void BM_StatsPerRun(benchmark::State& state) {
    constexpr std::uint32_t kRuns = 10;
    StatsPlan plan;
    plan.base = statsOptions();
    auto sweep = parseSweep("window-ns=500", plan.base);
    if (!sweep) {
        state.SkipWithError(sweep.error().c_str());
        return;
    }
    plan.sweep = *sweep;
    plan.runs = kRuns;
    const std::atomic<bool> never{false};
    for (auto _ : state) {
        auto report = runStats(plan, never);
        if (!report) {
            state.SkipWithError(report.error().c_str());
            return;
        }
        benchmark::DoNotOptimize(report->points.data());
    }
    state.counters["per_run"] = benchmark::Counter(static_cast<double>(state.iterations() * kRuns),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_StatsPerRun)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

} // namespace
} // namespace racetrace
