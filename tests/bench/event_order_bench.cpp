// What the value-consistent merge (trace/event_order.hpp) adds to the end of a
// run, per event, on a real racing trace: BM_SortByTimestamp is the old merge
// (a stable sort by stamp), BM_FinalizeEventOrder the sort plus the
// modification orders of every location, the constraint graph and the merge.
//
//   one benchmark iteration = one copy of a real naive-flag trace put in order
//
// The trace comes from one real run (2 workers x 50,000 iterations, ~1.5 M
// events) made once; it is already in order, so this measures the steady cost
// (a real run moves well under 1 % of its events). BM_FindStoreBuffering is
// what looking for store buffering adds to the analysis of that trace (its
// modification orders already made, as after a run).
#include "analysis/finders.hpp"
#include "lab/run.hpp"
#include "trace/event_order.hpp"

#include <benchmark/benchmark.h>

#include <optional>

namespace racetrace {
namespace {

const Trace* recordedTrace() {
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

template <typename Order> void orderCopies(benchmark::State& state, Order order) {
    const Trace* recorded = recordedTrace();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    for (auto _ : state) {
        state.PauseTiming();
        Trace trace = *recorded;
        state.ResumeTiming();
        order(trace);
        benchmark::DoNotOptimize(trace.events.data());
    }
    const double events = static_cast<double>(recorded->events.size());
    state.counters["events"] = events;
    // Seconds per event, printed with an SI prefix ("300n" = 300 ns).
    state.counters["per_event"] = benchmark::Counter(events * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_SortByTimestamp(benchmark::State& state) {
    orderCopies(state, [](Trace& trace) { sortEventsByTimestamp(trace); });
}
BENCHMARK(BM_SortByTimestamp)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_FinalizeEventOrder(benchmark::State& state) {
    orderCopies(state, [](Trace& trace) { benchmark::DoNotOptimize(finalizeEventOrder(trace)); });
}
BENCHMARK(BM_FinalizeEventOrder)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_FindStoreBuffering(benchmark::State& state) {
    orderCopies(state, [](Trace& trace) {
        std::vector<Finding> found;
        benchmark::DoNotOptimize(findOnly(FindingKind::StoreBuffering, trace, found));
    });
}
BENCHMARK(BM_FindStoreBuffering)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

} // namespace
} // namespace racetrace
