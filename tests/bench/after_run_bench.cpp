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
#include "recorded_run.hpp"
#include "session/document.hpp"
#include "trace/event_order.hpp"
#include "trace/rtrace_file.hpp"

#include <benchmark/benchmark.h>

namespace racetrace {
namespace {

void BM_AfterRunProcessing(benchmark::State& state) {
    processCopies(state, [](Trace& trace) {
        benchmark::DoNotOptimize(finalizeEventOrder(trace));
        const auto document = buildDocument(std::move(trace), "", "", DocumentUse::Summary);
        benchmark::DoNotOptimize(encodeRtrace(document->trace).size());
    });
}
BENCHMARK(BM_AfterRunProcessing)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

} // namespace
} // namespace racetrace
