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
#include "recorded_run.hpp"
#include "trace/event_order.hpp"
#include "trace/modification_order.hpp"

#include <benchmark/benchmark.h>

namespace racetrace {
namespace {

void BM_SortByTimestamp(benchmark::State& state) {
    processCopies(state, [](Trace& trace) { sortEventsByTimestamp(trace); });
}
BENCHMARK(BM_SortByTimestamp)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_FinalizeEventOrder(benchmark::State& state) {
    processCopies(state, [](Trace& trace) { benchmark::DoNotOptimize(finalizeEventOrder(trace)); });
}
BENCHMARK(BM_FinalizeEventOrder)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

/// The modification-order search alone, every location searched (what the
/// run does before its order repair, and what info does where a saved trace's
/// reads disagree with its order).
void BM_ModificationOrderSearch(benchmark::State& state) {
    processCopies(state, [](Trace& trace) {
        benchmark::DoNotOptimize(modificationOrders(trace, OrderFinding::SearchEveryLocation));
    });
}
BENCHMARK(BM_ModificationOrderSearch)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_FindStoreBuffering(benchmark::State& state) {
    processCopies(state, [](Trace& trace) {
        std::vector<Finding> found;
        benchmark::DoNotOptimize(findOnly(FindingKind::StoreBuffering, trace, found));
    });
}
BENCHMARK(BM_FindStoreBuffering)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

} // namespace
} // namespace racetrace
