// Peak memory per event (issue 12, goal 4: at most 48 bytes, the event itself
// being 32): how far the process's resident high-water mark rises above where
// it stood before, divided by the events, for
//
//   BM_PeakMemoryAfterRun    a copy of the run put in order, analysed and
//                            encoded: what `run` does after its workers
//   BM_PeakMemoryOpenTrace   the run's version 2 file decoded and analysed:
//                            what `info` does (the bytes of the file count)
//   BM_PeakMemoryOpenWindow  the same, analysed for the window's views
//
// Linux resets the high-water mark when "5" is written to /proc/self/clear_refs.
// One iteration each, after malloc_trim: memory the allocator kept from an
// earlier iteration would hide what a fresh process pays. The trace comes from
// one real run (2 workers x 50,000 iterations, ~1.5 M events) made once.
#include "recorded_run.hpp"
#include "session/document.hpp"
#include "trace/event_order.hpp"
#include "trace/rtrace_file.hpp"

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <fstream>
#include <string>

namespace racetrace {
namespace {

/// A line of /proc/self/status ("VmRSS:", "VmHWM:") in bytes; 0 if absent.
double statusBytes(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string word;
    while (status >> word)
        if (word == key) {
            double kib = 0;
            status >> kib;
            return kib * 1024.0;
        }
    return 0.0;
}

/// Runs `work` once from a trimmed heap and a reset high-water mark; reports
/// the rise of the mark per event of the recorded run.
template <typename Work> void measurePeak(benchmark::State& state, Work work) {
    const Trace* recorded = recordedNaiveFlagRun();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    double rise = 0.0;
    for (auto _ : state) {
        malloc_trim(0);
        std::ofstream("/proc/self/clear_refs") << "5";
        const double before = statusBytes("VmRSS:");
        work(*recorded);
        rise = statusBytes("VmHWM:") - before;
    }
    const auto events = static_cast<double>(recorded->events.size());
    state.counters["events"] = events;
    state.counters["peak_bytes_per_event"] = rise / events;
}

void BM_PeakMemoryAfterRun(benchmark::State& state) {
    measurePeak(state, [](const Trace& recorded) {
        Trace trace = recorded;
        benchmark::DoNotOptimize(finalizeEventOrder(trace));
        const auto document = buildDocument(std::move(trace), "", "", DocumentUse::Summary);
        benchmark::DoNotOptimize(encodeRtrace(document->trace).size());
    });
}
BENCHMARK(BM_PeakMemoryAfterRun)->Unit(benchmark::kMillisecond)->Iterations(1);

void openTrace(const Trace& recorded, DocumentUse use) {
    std::vector<std::uint8_t> file = encodeRtrace(recorded);
    auto trace = decodeRtrace(file.data(), file.size());
    if (!trace) return;
    const auto document = buildDocument(std::move(*trace), "", "", use);
    benchmark::DoNotOptimize(document.get());
}

void BM_PeakMemoryOpenTrace(benchmark::State& state) {
    measurePeak(state, [](const Trace& recorded) { openTrace(recorded, DocumentUse::Summary); });
}
BENCHMARK(BM_PeakMemoryOpenTrace)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_PeakMemoryOpenWindow(benchmark::State& state) {
    measurePeak(state, [](const Trace& recorded) { openTrace(recorded, DocumentUse::Views); });
}
BENCHMARK(BM_PeakMemoryOpenWindow)->Unit(benchmark::kMillisecond)->Iterations(1);

} // namespace
} // namespace racetrace
