// What the parent pays to drain the rings during a run. On a two-core machine
// the parent shares the CPUs with the workers, so its drain cost is part of the
// observer effect too: CPU time it takes is CPU time a worker may not get.
//
//   one benchmark iteration = one simulated run of one worker:
//   kDrains times { producer pushes kBatch events ; consumer drains them into
//                   the run's per-worker vector }   (Run::pump every 2 ms)
//
// The naive-flag at 20000 iterations records ~300000 events per worker, about
// 300 per 2 ms pump. The reference variant appends the same events with plain
// push_back (geometric growth), to show what the vector growth policy costs.
#include "trace/trace_ring.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace racetrace {
namespace {

constexpr std::uint64_t kBatch = 300;   ///< events per pump, per worker
constexpr std::uint64_t kDrains = 1000; ///< pumps in a ~2 s run
constexpr std::uint64_t kCapacity = std::uint64_t{1} << 12;

/// Arg 0: RingConsumer::drain as the engine has it; Arg 1: the same copy with
/// plain push_back, no reserve (reference).
void BM_DrainIntoRunVector(benchmark::State& state) {
    const bool reference = state.range(0) == 1;
    auto slots = std::make_unique<Event[]>(kCapacity);
    std::uint64_t drained = 0;
    for (auto _ : state) {
        auto control = std::make_unique<RingControl>();
        control->head.store(0);
        control->tail.store(0);
        control->dropped.store(0);
        RingProducer producer(control.get(), slots.get(), kCapacity);
        RingConsumer consumer(control.get(), slots.get(), kCapacity);
        std::vector<Event> events; // Run::m_events[k]: one run's events of one worker
        Event event{};
        event.kind = EventKind::Load;
        std::uint64_t tail = 0;
        for (std::uint64_t d = 0; d < kDrains; ++d) {
            state.PauseTiming();
            for (std::uint64_t i = 0; i < kBatch; ++i)
                producer.push(event);
            state.ResumeTiming();
            if (!reference) {
                consumer.drain(events);
                continue;
            }
            const std::uint64_t head = control->head.load(std::memory_order_acquire);
            for (; tail < head; ++tail)
                events.push_back(slots[tail & (kCapacity - 1)]);
            control->tail.store(tail, std::memory_order_release);
        }
        drained += events.size();
        benchmark::DoNotOptimize(events.data());
    }
    state.counters["ns_per_event"] =
        benchmark::Counter(static_cast<double>(drained), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.SetLabel(reference ? "push_back, geometric growth (reference)" : "RingConsumer::drain (engine)");
}
BENCHMARK(BM_DrainIntoRunVector)->Arg(0)->Arg(1)->Iterations(3)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
