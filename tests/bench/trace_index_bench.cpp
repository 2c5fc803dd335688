// What the window's per-trace lookups cost on a 1,000,000-event trace
// (analysis/trace_index.hpp): building the TraceIndex and the MemoryTimeline
// once per trace, and the lookups every frame makes.
//
//   BM_TraceIndexBuild        one iteration = TraceIndex::build of 1M loads and
//                             stores by 4 workers in a scattered order
//   BM_TraceIndexLastEventOf  one iteration = one lastEventOf at a scattered index
//   BM_MemoryTimelineBuild    one iteration = MemoryTimeline::build of 1M events
//                             of every kind on five variables (tests' jumble)
//   BM_MemoryTimelineAt       one iteration = one at() at the worst cursor, the
//                             event just before a checkpoint: a whole stride replayed
//
// The traces are the ones the unit tests build (tests/support/synthetic_traces.hpp),
// made once per process. These were hidden timing test cases that asserted
// nothing; the figures are for notes, not for pass or fail.
#include "analysis/trace_index.hpp"
#include "support/synthetic_traces.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>

namespace racetrace {
namespace {

constexpr std::uint64_t kEvents = 1'000'000;

const Trace& laneTrace() {
    static const Trace trace = test::interleavedAccesses(kEvents);
    return trace;
}

const Trace& jumbleTrace() {
    static const Trace trace = test::jumble(kEvents);
    return trace;
}

void BM_TraceIndexBuild(benchmark::State& state) {
    const Trace& trace = laneTrace();
    for (auto _ : state) {
        TraceIndex index = TraceIndex::build(trace);
        benchmark::DoNotOptimize(index);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kEvents));
}
BENCHMARK(BM_TraceIndexBuild)->Unit(benchmark::kMillisecond);

void BM_TraceIndexLastEventOf(benchmark::State& state) {
    const Trace& trace = laneTrace();
    const TraceIndex index = TraceIndex::build(trace);
    std::uint64_t i = 0;
    for (auto _ : state) {
        const auto worker = static_cast<std::uint32_t>(i % 4);
        const std::uint64_t at = (i * 2654435761u) % trace.events.size();
        benchmark::DoNotOptimize(index.lastEventOf(worker, at));
        ++i;
    }
}
BENCHMARK(BM_TraceIndexLastEventOf);

void BM_MemoryTimelineBuild(benchmark::State& state) {
    const Trace& trace = jumbleTrace();
    for (auto _ : state) {
        MemoryTimeline timeline = MemoryTimeline::build(trace);
        benchmark::DoNotOptimize(timeline);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kEvents));
}
BENCHMARK(BM_MemoryTimelineBuild)->Unit(benchmark::kMillisecond);

void BM_MemoryTimelineAt(benchmark::State& state) {
    const Trace& trace = jumbleTrace();
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    const std::uint64_t stride = timeline.stride();
    const std::uint64_t checkpoints = trace.events.size() / stride; // cursors below the last checkpoint
    std::uint64_t i = 0;
    for (auto _ : state) {
        // The worst cursor: just before a checkpoint, a whole stride of replay.
        const std::uint64_t cursor = (i * 37 % checkpoints + 1) * stride - 1;
        MemorySnapshot memory = timeline.at(trace, cursor);
        benchmark::DoNotOptimize(memory);
        ++i;
    }
    state.SetLabel("stride " + std::to_string(stride) + " events");
}
BENCHMARK(BM_MemoryTimelineAt)->Unit(benchmark::kMicrosecond);

} // namespace
} // namespace racetrace
