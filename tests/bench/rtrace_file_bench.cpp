// What saving and opening a trace file costs (trace/rtrace_file.hpp), per
// event, on the recorded naive-flag run (recorded_run.hpp):
//
//   BM_SaveRtraceV2   one iteration = the run encoded as a version 2 file
//   BM_LoadRtraceV1   one iteration = the run's version 1 file decoded and checked
//   BM_LoadRtraceV2   one iteration = the run's version 2 file decoded and checked
//
// In memory: the disk's speed is not the format's (`racetrace info` on a real
// file shows both). Items are events and bytes are their 32-byte records, so
// the bytes/s figure is of events, whichever way they are stored; issue 12
// asks at least 1 GB/s of decoding. bytes_per_event is the version 2 file's
// size per event (issue 12: at most 6).
#include "recorded_run.hpp"
#include "trace/rtrace_file.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace racetrace {
namespace {

void countEvents(benchmark::State& state, const Trace& trace) {
    const auto events = static_cast<std::int64_t>(trace.events.size()) * static_cast<std::int64_t>(state.iterations());
    state.SetItemsProcessed(events);
    state.SetBytesProcessed(events * static_cast<std::int64_t>(sizeof(Event)));
    state.counters["events"] = static_cast<double>(trace.events.size());
}

void BM_SaveRtraceV2(benchmark::State& state) {
    const Trace* recorded = recordedNaiveFlagRun();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    std::size_t fileBytes = 0;
    for (auto _ : state) {
        const std::vector<std::uint8_t> file = encodeRtrace(*recorded);
        fileBytes = file.size();
        benchmark::DoNotOptimize(file.data());
    }
    countEvents(state, *recorded);
    state.counters["bytes_per_event"] = static_cast<double>(fileBytes) / static_cast<double>(recorded->events.size());
}
BENCHMARK(BM_SaveRtraceV2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void loadBenchmark(benchmark::State& state, std::uint32_t version) {
    const Trace* recorded = recordedNaiveFlagRun();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    const std::vector<std::uint8_t> file = encodeRtrace(*recorded, version);
    for (auto _ : state) {
        auto trace = decodeRtrace(file.data(), file.size());
        if (!trace) {
            state.SkipWithError(trace.error().c_str());
            return;
        }
        benchmark::DoNotOptimize(trace->events.data());
    }
    countEvents(state, *recorded);
    state.counters["file_bytes_per_event"] =
        static_cast<double>(file.size()) / static_cast<double>(recorded->events.size());
}

void BM_LoadRtraceV1(benchmark::State& state) {
    loadBenchmark(state, 1);
}
BENCHMARK(BM_LoadRtraceV1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_LoadRtraceV2(benchmark::State& state) {
    loadBenchmark(state, 2);
}
BENCHMARK(BM_LoadRtraceV2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

} // namespace
} // namespace racetrace
