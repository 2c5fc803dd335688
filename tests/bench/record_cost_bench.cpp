// What recording one event costs a worker: the same Interpreter runs the same
// program traced (ring set) and untraced (ring null) in this one process, over
// a memfd segment laid out like a real run's, and the per-event difference is
// the price of the observer. Target: at most 10 ns per event.
//
//   one benchmark iteration (order alternates so neither side always runs warm)
//
//   untraced.run(kPasses)   traced.run(kPasses)   drain ring (not timed)
//   |---- t_untraced ----|  |---- t_traced ----|  check: no drops, no spins
//
// The ring holds more than one timed run's events and is drained after each,
// so it never fills: a full ring drops events and would flatter the number.
// Times are this thread's CPU time: the VM's two cores are shared, and being
// descheduled is not recording cost. Two ring sizes: one that stays in L2 (best
// case) and the 1 Mi-event ring a real two-worker run gets (cold lines).
//
// The micro-benchmarks below split the cost into its parts (the clock read,
// the ring push) and price cheaper timestamps in a stripped-down model
// (BM_StampModel), so a reader can see what dominates and what a change buys.
#include "ipc/machine_clock.hpp"
#include "ipc/shared_segment.hpp"
#include "lab/interpreter.hpp"
#include "lab/scenario.hpp"
#include "lab/segment_layout.hpp"
#include "trace/trace_ring.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace racetrace {
namespace {

// Eight counters, each incremented by load + add + store: 16 shared accesses per
// pass, no delays, and no access repeats the one before it (which would fold
// into a Spin event and make the traced run record less than it accessed).
constexpr std::string_view kScenarioText = R"toml(
name = "record-cost"
title = "Record cost"

[[variable]]
name = "a"
kind = "word"
[[variable]]
name = "b"
kind = "word"
[[variable]]
name = "c"
kind = "word"
[[variable]]
name = "d"
kind = "word"
[[variable]]
name = "e"
kind = "word"
[[variable]]
name = "f"
kind = "word"
[[variable]]
name = "g"
kind = "word"
[[variable]]
name = "h"
kind = "word"

[[program]]
role = "worker"
lines = [
  { text = "a = a + 1", ops = ["load r0 a", "add r0 1", "store a r0"] },
  { text = "b = b + 1", ops = ["load r1 b", "add r1 1", "store b r1"] },
  { text = "c = c + 1", ops = ["load r2 c", "add r2 1", "store c r2"] },
  { text = "d = d + 1", ops = ["load r3 d", "add r3 1", "store d r3"] },
  { text = "e = e + 1", ops = ["load r4 e", "add r4 1", "store e r4"] },
  { text = "f = f + 1", ops = ["load r5 f", "add r5 1", "store f r5"] },
  { text = "g = g + 1", ops = ["load r6 g", "add r6 1", "store g r6"] },
  { text = "h = h + 1", ops = ["load r7 h", "add r7 1", "store h r7"] },
]
)toml";

constexpr std::uint64_t kAccessesPerPass = 16;
constexpr std::uint64_t kPasses = 512; ///< passes per timed run: 8192 accesses
/// Events one traced run records: every access plus WorkerStart and WorkerExit.
constexpr std::uint64_t kEventsPerRun = kPasses * kAccessesPerPass + 2;
/// Two timed runs' worth (512 KiB of slots): the ring stays in L2, the best case.
constexpr std::uint64_t kSmallRing = std::uint64_t{1} << 14;
/// What Run gives each of 2 workers (32 MiB of slots): every push writes a line
/// that is not in the cache, as in a real run.
constexpr std::uint64_t kRunRing = std::uint64_t{1} << 20;
static_assert(kEventsPerRun <= kSmallRing, "one timed run must fit the ring, or events drop");

/// One process's stand-in for a run: a segment laid out by initialiseSegment
/// (variables, two worker slots, two rings), the parsed scenario, and the
/// clock. Worker 0 records into ring 0; worker 1 records nothing.
class RecordBench {
  public:
    /// Empty string on success, else why the bench could not be set up.
    /// `ringCapacity` must be a power of two.
    std::string setUp(std::uint64_t ringCapacity) {
        auto scenario = parseScenario(kScenarioText, "record-cost.toml");
        if (!scenario) return scenario.error();
        m_scenario = std::move(*scenario);

        SegmentPlan plan;
        plan.wordCount = m_scenario.totalWords;
        plan.ringCapacity = ringCapacity;
        plan.parameters.workerCount = 2;
        const std::uint64_t bytes = layoutFor(plan).totalBytes;
        auto segment = SharedSegment::create(bytes, "racetrace-bench");
        if (!segment) return segment.error();
        m_segment = std::move(*segment);
        auto view = initialiseSegment(m_segment.data(), bytes, plan);
        if (!view) return view.error();

        SharedWord* words = view->words();
        m_control = view->ringControl(0);
        Event* events = view->ringSlots(0);
        m_producer = RingProducer(m_control, events, ringCapacity);
        m_consumer = RingConsumer(m_control, events, ringCapacity);

        InterpreterContext context;
        context.program = &m_scenario.programOf(0);
        context.scenario = &m_scenario.info;
        context.words = words;
        context.stop = &m_stop;
        context.clock = calibrateClock();
        m_clock = context.clock;

        context.slot = &view->slot(0);
        context.worker = 0;
        context.ring = &m_producer;
        m_traced.emplace(context);

        context.slot = &view->slot(1);
        context.worker = 1;
        context.ring = nullptr;
        m_untraced.emplace(context);
        return {};
    }

    Interpreter& traced() { return *m_traced; }
    Interpreter& untraced() { return *m_untraced; }
    const ClockCalibration& clock() const { return m_clock; }

    /// Takes every recorded event out of the ring; returns how many there were.
    std::size_t drain() {
        m_drained.clear();
        return m_consumer.drain(m_drained);
    }
    std::uint64_t dropped() const { return m_consumer.dropped(); }
    /// Events published but not yet drained (safe to call from the producer's thread).
    std::uint64_t backlog() const {
        return m_control->head.load(std::memory_order_acquire) - m_control->tail.load(std::memory_order_acquire);
    }
    bool corrupt() const { return m_consumer.corrupt(); }
    /// True if any drained event is a Spin: the program folded and recorded less.
    bool sawSpin() const {
        for (const auto& event : m_drained)
            if (event.kind == EventKind::Spin) return true;
        return false;
    }

  private:
    Scenario m_scenario;
    SharedSegment m_segment;
    RingControl* m_control = nullptr;
    RingProducer m_producer;
    RingConsumer m_consumer;
    std::atomic<std::uint32_t> m_stop{0};
    ClockCalibration m_clock;
    std::optional<Interpreter> m_traced;
    std::optional<Interpreter> m_untraced;
    std::vector<Event> m_drained;
};

/// CPU time of this thread: the VM has two cores shared with builds and other
/// runs, and being descheduled must not count as recording cost.
double threadSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double secondsOf(Interpreter& interpreter) {
    const double start = threadSeconds();
    benchmark::DoNotOptimize(interpreter.run(kPasses));
    return threadSeconds() - start;
}

void reportPerEvent(benchmark::State& state, const char* name, double seconds) {
    const double events = static_cast<double>(state.iterations()) * static_cast<double>(kEventsPerRun);
    state.counters[name] = seconds * 1e9 / events;
}

/// Arg: ring capacity in events (kSmallRing: L2-resident; kRunRing: a real run's).
void BM_RecordCost(benchmark::State& state) {
    RecordBench bench;
    if (const auto error = bench.setUp(static_cast<std::uint64_t>(state.range(0))); !error.empty()) {
        state.SkipWithError(error.c_str());
        return;
    }
    // One untimed warm-up of each (code, variables, the first ring pages).
    bench.untraced().run(kPasses);
    bench.traced().run(kPasses);
    bench.drain();

    double tracedSeconds = 0;
    double untracedSeconds = 0;
    std::uint64_t recorded = 0;
    bool tracedFirst = false;
    for (auto _ : state) {
        double traced = 0;
        double untraced = 0;
        if (tracedFirst) {
            traced = secondsOf(bench.traced());
            untraced = secondsOf(bench.untraced());
        } else {
            untraced = secondsOf(bench.untraced());
            traced = secondsOf(bench.traced());
        }
        tracedFirst = !tracedFirst;
        state.SetIterationTime(traced + untraced);
        tracedSeconds += traced;
        untracedSeconds += untraced;

        const auto events = bench.drain();
        recorded += events;
        if (events != kEventsPerRun || bench.sawSpin()) {
            state.SkipWithError("the traced run recorded a different number of events than it made accesses "
                                "(spin folding or drops): the per-event figure would be wrong");
            return;
        }
    }
    if (bench.dropped() != 0 || bench.corrupt()) {
        state.SkipWithError("the ring dropped events or was corrupt: the per-event figure would be flattered");
        return;
    }
    reportPerEvent(state, "traced_ns", tracedSeconds);
    reportPerEvent(state, "untraced_ns", untracedSeconds);
    reportPerEvent(state, "record_ns", tracedSeconds - untracedSeconds);
    state.counters["events"] = static_cast<double>(recorded);
    state.counters["dropped"] = static_cast<double>(bench.dropped());
    state.SetLabel(std::string("clock=") + std::string(clockKindName(bench.clock().kind)) +
                   ", ns per event, thread CPU time");
}
BENCHMARK(BM_RecordCost)->Arg(kSmallRing)->Arg(kRunRing)->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(1.0);

/// BM_RecordCost's traced side with a real run's ring, while another thread
/// drains it every 2 ms as Run::pump does: the slot and head cache lines then
/// move between cores. Compare traced_ns with BM_RecordCost/1048576.
void BM_RecordCostLiveDrain(benchmark::State& state) {
    RecordBench bench;
    if (const auto error = bench.setUp(kRunRing); !error.empty()) {
        state.SkipWithError(error.c_str());
        return;
    }
    bench.traced().run(kPasses);
    bench.drain();

    std::atomic<bool> done{false};
    std::uint64_t drained = 0;
    std::thread consumer([&] {
        while (!done.load(std::memory_order_acquire)) {
            drained += bench.drain();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        drained += bench.drain();
    });

    double tracedSeconds = 0;
    for (auto _ : state) {
        const double traced = secondsOf(bench.traced());
        state.SetIterationTime(traced);
        tracedSeconds += traced;
        // On a loaded VM the drain thread can be starved for longer than the ring
        // lasts (~25 ms); wait for it, untimed, rather than let events drop.
        while (bench.backlog() > kRunRing / 2)
            std::this_thread::yield();
    }
    done.store(true, std::memory_order_release);
    consumer.join();

    if (bench.dropped() != 0 || bench.corrupt()) {
        state.SkipWithError("the ring dropped events or was corrupt: the per-event figure would be flattered");
        return;
    }
    reportPerEvent(state, "traced_ns", tracedSeconds);
    state.counters["events"] = static_cast<double>(drained);
    state.counters["dropped"] = static_cast<double>(bench.dropped());
    state.SetLabel("ns per event, thread CPU time");
}
BENCHMARK(BM_RecordCostLiveDrain)->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(1.0);

// ---- the parts of one recorded event, one at a time -----------------------

/// The clock read the interpreter makes per event: readClock(), i.e. rdtscp
/// (or clock_gettime + sched_getcpu where there is no invariant TSC).
void BM_ReadClock(benchmark::State& state) {
    const auto clock = calibrateClock();
    std::uint32_t cpu = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(readClock(clock.kind, cpu));
        benchmark::DoNotOptimize(cpu);
    }
    state.SetLabel(std::string("clock=") + std::string(clockKindName(clock.kind)));
}
BENCHMARK(BM_ReadClock)->MinTime(0.3);

#if RACETRACE_HAVE_TSC
/// Plain rdtsc, not ordered against earlier loads, without the CPU number:
/// what a cheaper timestamp would cost (for comparison only; the engine uses rdtscp).
void BM_ReadTscPlain(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(__rdtsc());
}
BENCHMARK(BM_ReadTscPlain)->MinTime(0.3);

/// rdpid alone: the CPU number without a timestamp (for comparison only).
__attribute__((target("rdpid"))) void BM_ReadCpuRdpid(benchmark::State& state) {
    if (!__builtin_cpu_supports("rdpid")) {
        state.SkipWithError("this CPU has no rdpid");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(_rdpid_u32());
}
BENCHMARK(BM_ReadCpuRdpid)->MinTime(0.3);

/// How one shared access is stamped in StampModel (for comparison only: the
/// engine always uses readClock, i.e. StampKind::Rdtscp).
enum class StampKind : int {
    None = 0,             ///< no stamp and no push: the bare access, the baseline
    Rdtscp = 1,           ///< rdtscp: time and CPU, after earlier loads (the engine today)
    RdtscRdpid = 2,       ///< rdtsc + rdpid: time and CPU, not ordered after earlier loads
    Rdtsc = 3,            ///< rdtsc only, CPU read elsewhere (e.g. once per pass)
    LfenceRdtscRdpid = 4, ///< lfence + rdtsc + rdpid: ordered after earlier loads, like rdtscp
};

/// A stripped-down model of one traced access (relaxed load of a shared word,
/// stamp, 32-byte push) to price cheaper stamps without touching the engine.
/// Arg: StampKind. Compare ns per access against Arg 0.
__attribute__((target("rdpid"))) void BM_StampModel(benchmark::State& state) {
    const auto kind = static_cast<StampKind>(state.range(0));
    if ((kind == StampKind::RdtscRdpid || kind == StampKind::LfenceRdtscRdpid) && !__builtin_cpu_supports("rdpid")) {
        state.SkipWithError("this CPU has no rdpid");
        return;
    }
    constexpr std::uint64_t kCapacity = kSmallRing;
    constexpr std::uint64_t kAccesses = 1024;
    auto storage = std::make_unique<Event[]>(kCapacity);
    auto control = std::make_unique<RingControl>();
    control->head.store(0);
    control->tail.store(0);
    control->dropped.store(0);
    RingProducer producer(control.get(), storage.get(), kCapacity);
    std::array<SharedWord, 64> words{}; // 8 variables, one cache line each, like the scenario
    std::uint64_t pushed = 0;
    for (auto _ : state) {
        for (std::uint64_t i = 0; i < kAccesses; ++i) {
            Event event{};
            event.value = words[(i % 8) * 8].load(std::memory_order_relaxed);
            event.seq = static_cast<std::uint32_t>(i);
            event.kind = EventKind::Load;
            unsigned int cpu = 0;
            switch (kind) {
            case StampKind::None: benchmark::DoNotOptimize(event); continue;
            case StampKind::Rdtscp: event.timestamp = __rdtscp(&cpu); break;
            case StampKind::RdtscRdpid:
                event.timestamp = __rdtsc();
                cpu = _rdpid_u32();
                break;
            case StampKind::Rdtsc: event.timestamp = __rdtsc(); break;
            case StampKind::LfenceRdtscRdpid:
                _mm_lfence();
                event.timestamp = __rdtsc();
                cpu = _rdpid_u32();
                break;
            }
            event.cpu = static_cast<std::uint16_t>(cpu & 0xFFFu);
            producer.push(event);
            ++pushed;
        }
        control->tail.store(pushed, std::memory_order_release); // drain: the ring never fills
    }
    state.counters["ns_per_access"] = benchmark::Counter(static_cast<double>(state.iterations() * kAccesses),
                                                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["dropped"] = static_cast<double>(control->dropped.load());
    static constexpr const char* kNames[] = {"bare access", "rdtscp (engine)", "rdtsc+rdpid", "rdtsc only",
                                             "lfence+rdtsc+rdpid"};
    state.SetLabel(kNames[state.range(0)]);
}
BENCHMARK(BM_StampModel)->DenseRange(0, 4)->MinTime(0.3);
#endif

/// The ring push alone (32-byte copy plus a release store of head), into an
/// L2-sized ring drained in bulk when full, so no event is dropped.
void BM_RingPush(benchmark::State& state) {
    constexpr std::uint64_t kCapacity = kSmallRing;
    auto storage = std::make_unique<Event[]>(kCapacity);
    auto control = std::make_unique<RingControl>();
    control->head.store(0);
    control->tail.store(0);
    control->dropped.store(0);
    RingProducer producer(control.get(), storage.get(), kCapacity);
    Event event{};
    event.kind = EventKind::Load;
    std::uint64_t pushed = 0;
    for (auto _ : state) {
        event.seq = static_cast<std::uint32_t>(pushed);
        benchmark::DoNotOptimize(producer.push(event));
        if (++pushed % kCapacity == 0) control->tail.store(pushed, std::memory_order_release);
    }
    state.counters["dropped"] = static_cast<double>(control->dropped.load());
}
BENCHMARK(BM_RingPush)->MinTime(0.3);

} // namespace
} // namespace racetrace
