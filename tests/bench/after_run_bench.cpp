// Everything `racetrace run -o FILE` does after the workers end, per event, on
// a real racing trace: put the events in order (trace/event_order.hpp), find
// the races (the summary's analysis), and encode the file. Issue 12's goal is
// 50 ns per event. Collecting the events from the rings is left out (it is
// measured by BM_DrainIntoRunVector); so is writing the bytes to disk.
//
//   one benchmark iteration = one copy of a real naive-flag trace processed
//
// The trace comes from one real run (2 workers x 50,000 iterations, ~1.5 M
// events) made once. Per-phase times of a real command: RACETRACE_PHASES=1.
#include "lab/run.hpp"
#include "session/document.hpp"
#include "trace/event_order.hpp"
#include "trace/rtrace_file.hpp"

#include <benchmark/benchmark.h>

#include <optional>

namespace racetrace {
namespace {

const Trace* naiveFlagRun() {
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

void BM_AfterRunProcessing(benchmark::State& state) {
    const Trace* recorded = naiveFlagRun();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    for (auto _ : state) {
        state.PauseTiming();
        Trace trace = *recorded;
        state.ResumeTiming();
        benchmark::DoNotOptimize(finalizeEventOrder(trace));
        const auto document = buildDocument(std::move(trace), "", "", DocumentUse::Summary);
        benchmark::DoNotOptimize(encodeRtrace(document->trace).size());
    }
    const double events = static_cast<double>(recorded->events.size());
    state.counters["events"] = events;
    // Seconds per event, printed with an SI prefix ("300n" = 300 ns).
    state.counters["per_event"] = benchmark::Counter(events * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_AfterRunProcessing)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

} // namespace
} // namespace racetrace
