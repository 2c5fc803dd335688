// What each lock costs, as recorded: two real worker processes taking the lock
// `kIterations` times each with the race window at 0 (the most contention),
// traced and untraced. Per entry into the critical section:
//
//   ns_per_entry   = the race's duration / entries (both workers' entries)
//   wait_ns, hold_ns (traced) = the analysis's mean wait to get in and stay inside
//   spread         = the slower worker's waiting / the faster one's (1 = fair)
//
// BM_LockCostUncontended runs the same with both workers on one CPU (--pin
// same): each takes the lock while the other is descheduled, so almost no
// entry finds it taken (waited_pct says how many did): the uncontended cost.
// Peterson is left out there: its rendezvous each round needs a context switch.
//
// and for the locks that can fail (peterson), the entries that overlapped or
// lost an update per 100,000 rounds, traced and untraced (the observer effect
// on store buffering), and the store-buffering findings per 100,000 rounds. Every run is a real run: spawn, race,
// drain, analyse.
#include "analysis/critical_sections.hpp"
#include "analysis/findings.hpp"
#include "lab/run.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace racetrace {
namespace {

constexpr std::uint64_t kIterations = 20'000;
constexpr std::array<const char*, 7> kLocks = {"tas-mutex", "cas-lock",  "ticket-lock",  "peterson-fence",
                                               "peterson",  "semaphore", "pthread-mutex"};

struct LockRun {
    double nsPerEntry = 0, waitNs = 0, holdNs = 0, spread = 0;
    double lostPer100k = 0, overlapsPer100k = 0, storeBufferingPer100k = 0;
    double waitedPct = 0; ///< entries that waited while another was inside, in %
    std::string error;
};

LockRun runLock(const std::string& scenario, bool traced, PinMode pin) {
    RunOptions options;
    options.scenario = scenario;
    options.workers = 2;
    options.iterations = kIterations;
    options.windowNs = 0;
    options.traceEnabled = traced;
    options.pin = pin;
    LockRun out;
    auto trace = runToCompletion(options);
    if (!trace || !trace->stopReason.empty()) {
        out.error = trace ? trace->stopReason : trace.error();
        return out;
    }
    const double entries = static_cast<double>(kIterations * 2);
    out.nsPerEntry = static_cast<double>(trace->durationNs) / entries;
    const auto counter = trace->scenario.findVariable("counter");
    if (counter)
        out.lostPer100k =
            static_cast<double>(static_cast<std::int64_t>(kIterations * 2) - trace->finalValue(*counter)) * 100'000.0 /
            entries;
    if (!traced) return out;
    const Analysis analysis = analyse(*trace);
    out.overlapsPer100k = static_cast<double>(analysis.count(FindingKind::Overlap)) * 100'000.0 / kIterations;
    out.storeBufferingPer100k =
        static_cast<double>(analysis.count(FindingKind::StoreBuffering)) * 100'000.0 / kIterations;
    double wait = 0, hold = 0, least = 1e300, most = 0;
    for (const WorkerLockStats& row : analysis.locks) {
        wait += static_cast<double>(row.waitNs);
        hold += static_cast<double>(row.holdNs);
        least = std::min(least, static_cast<double>(row.waitNs));
        most = std::max(most, static_cast<double>(row.waitNs));
    }
    out.waitNs = wait / entries;
    out.holdNs = hold / entries;
    out.spread = least > 0 ? most / least : 0;
    std::uint64_t waited = 0;
    for (const CriticalSectionSpan& span : criticalSections(*trace))
        waited += span.waitedForOther;
    out.waitedPct = static_cast<double>(waited) * 100.0 / entries;
    return out;
}

void measureLock(benchmark::State& state, PinMode pin) {
    const std::string scenario = kLocks[static_cast<std::size_t>(state.range(0))];
    const bool traced = state.range(1) != 0;
    LockRun sum;
    for (auto _ : state) {
        const LockRun run = runLock(scenario, traced, pin);
        if (!run.error.empty()) {
            state.SkipWithError(run.error.c_str());
            return;
        }
        state.SetIterationTime(run.nsPerEntry * 1e-9 * static_cast<double>(kIterations * 2));
        sum.nsPerEntry += run.nsPerEntry;
        sum.waitNs += run.waitNs;
        sum.holdNs += run.holdNs;
        sum.spread += run.spread;
        sum.lostPer100k += run.lostPer100k;
        sum.overlapsPer100k += run.overlapsPer100k;
        sum.storeBufferingPer100k += run.storeBufferingPer100k;
        sum.waitedPct += run.waitedPct;
    }
    const auto runs = static_cast<double>(state.iterations());
    state.SetLabel(scenario + (traced ? " traced" : " untraced"));
    state.counters["ns_per_entry"] = sum.nsPerEntry / runs;
    state.counters["lost_per_100k"] = sum.lostPer100k / runs;
    if (traced) {
        state.counters["wait_ns"] = sum.waitNs / runs;
        state.counters["hold_ns"] = sum.holdNs / runs;
        state.counters["wait_spread"] = sum.spread / runs;
        state.counters["overlaps_per_100k"] = sum.overlapsPer100k / runs;
        state.counters["store_buffering_per_100k"] = sum.storeBufferingPer100k / runs;
        state.counters["waited_pct"] = sum.waitedPct / runs;
    }
}

void BM_LockCost(benchmark::State& state) {
    measureLock(state, PinMode::None);
}
BENCHMARK(BM_LockCost)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5, 6}, {0, 1}})
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

void BM_LockCostUncontended(benchmark::State& state) {
    measureLock(state, PinMode::Same);
}
BENCHMARK(BM_LockCostUncontended)
    ->ArgsProduct({{0, 1, 2, 5, 6}, {0, 1}}) // no peterson (see the top)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
