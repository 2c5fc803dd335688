// What several benchmarks measure on: one real racing naive-flag run (2
// workers x 50,000 iterations, ~1.5 M events), made once per process, and the
// "per event" figure they print.
#pragma once

#include "lab/run.hpp"

#include <benchmark/benchmark.h>

#include <optional>

namespace racetrace {

/// The run, or nullptr when it failed (the benchmark then reports an error).
inline const Trace* recordedNaiveFlagRun() {
    static const std::optional<Trace> trace = [] {
        RunOptions options;
        options.scenario = "naive-flag";
        options.workers = 2;
        options.iterations = 50'000;
        options.windowNs = 200;
        auto run = runToCompletion(options);
        return run ? std::optional<Trace>(std::move(*run)) : std::nullopt;
    }();
    return trace ? &*trace : nullptr;
}

/// Times `process` on a fresh copy of the run each iteration (the copy is not
/// timed), and prints "events" and "per_event": seconds per event, with an SI
/// prefix ("300n" = 300 ns).
template <typename Process> void processCopies(benchmark::State& state, Process process) {
    const Trace* recorded = recordedNaiveFlagRun();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    for (auto _ : state) {
        state.PauseTiming();
        Trace trace = *recorded;
        state.ResumeTiming();
        process(trace);
        benchmark::DoNotOptimize(trace.events.data());
    }
    const auto events = static_cast<double>(recorded->events.size());
    state.counters["events"] = events;
    state.counters["per_event"] = benchmark::Counter(events * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

} // namespace racetrace
