// The interpreter in-process: each instruction run against a real segment
// (memfd, as a run has it) and a real ring, checked by the memory it leaves
// and the events it records. No worker processes: lab/run.hpp's tests have those.
#include "ipc/shared_segment.hpp"
#include "lab/interpreter.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

using namespace racetrace;
using Catch::Matchers::Contains;

namespace {

/// A scenario with a flag Y, a 2-word flag F, a counter C, a lock L and a
/// 4-word record X, whose one program is `ops` on one pseudo-code line.
std::string scenarioWith(const std::string& ops) {
    return R"(
name = "ops"
[[variable]]
name = "Y"
kind = "flag"
[[variable]]
name = "F"
kind = "flag"
words = 2
[[variable]]
name = "C"
kind = "counter"
initial = 40
[[variable]]
name = "L"
kind = "lock"
[[variable]]
name = "X"
kind = "record"
words = 4
[[program]]
role = "worker"
lines = [ { text = "the ops", ops = [)" +
           ops + "] } ]\n";
}

/// One worker's interpreter on a real segment, in this process.
class Harness {
  public:
    explicit Harness(const std::string& ops, std::uint32_t workers = 2) {
        auto parsed = parseScenario(scenarioWith(ops), "ops.toml");
        REQUIRE(parsed);
        m_scenario = std::move(*parsed);
        SegmentPlan plan;
        plan.wordCount = m_scenario.totalWords;
        plan.ringCapacity = 1024;
        plan.parameters.workerCount = workers;
        const std::uint64_t bytes = layoutFor(plan).totalBytes;
        auto segment = SharedSegment::create(bytes, "racetrace-test");
        REQUIRE(segment);
        m_segment = std::move(*segment);
        auto view = initialiseSegment(m_segment.data(), bytes, plan);
        REQUIRE(view);
        m_view = *view;
        for (const VariableInfo& v : m_scenario.info.variables)
            for (std::uint32_t w = 0; w < v.words; ++w)
                m_view.words()[v.firstWord + w].store(v.initial);
    }

    /// Runs worker `worker` for `iterations` and returns what it recorded.
    std::vector<Event> run(std::uint32_t worker, std::uint64_t iterations = 1, std::uint64_t windowNs = 0) {
        RingProducer producer(m_view.ringControl(worker), m_view.ringSlots(worker), m_view.ringCapacity());
        RingConsumer consumer(m_view.ringControl(worker), m_view.ringSlots(worker), m_view.ringCapacity());
        InterpreterContext context;
        context.program = &m_scenario.programOf(worker);
        context.scenario = &m_scenario.info;
        context.words = m_view.words();
        context.slot = &m_view.slot(worker);
        context.stop = &m_stop;
        context.ring = &producer;
        context.clock = calibrateClock();
        context.worker = worker;
        context.workers = m_view.workerCount();
        context.windowNs = windowNs;
        context.seed = 7;
        m_interpreter.emplace(context);
        m_done = m_interpreter->run(iterations);
        std::vector<Event> events;
        consumer.drain(events);
        return events;
    }

    /// The accesses and markers among `events` (start and exit left out).
    static std::vector<Event> steps(const std::vector<Event>& events) {
        std::vector<Event> out;
        for (const Event& e : events)
            if (e.kind != EventKind::WorkerStart && e.kind != EventKind::WorkerExit) out.push_back(e);
        return out;
    }

    std::int64_t word(const std::string& variable, std::uint32_t word = 0) const {
        const auto v = m_scenario.info.findVariable(variable);
        REQUIRE(v);
        return m_view.words()[m_scenario.info.variables[*v].firstWord + word].load();
    }
    void set(const std::string& variable, std::int64_t value) {
        m_view.words()[m_scenario.info.variables[*m_scenario.info.findVariable(variable)].firstWord].store(value);
    }
    std::uint16_t variable(const std::string& name) const { return *m_scenario.info.findVariable(name); }
    std::atomic<std::uint32_t>& stop() { return m_stop; }
    const Interpreter& interpreter() const { return *m_interpreter; }
    std::uint64_t done() const { return m_done; }

  private:
    Scenario m_scenario;
    SharedSegment m_segment;
    SegmentView m_view;
    std::atomic<std::uint32_t> m_stop{0};
    std::optional<Interpreter> m_interpreter;
    std::uint64_t m_done = 0;
};

} // namespace

TEST_CASE("interpreter: store and load record what they wrote and read", "[lab][interpreter]") {
    Harness h(R"("store Y 5", "load r0 Y", "store C r0")");
    const auto events = h.run(0);
    const auto steps = Harness::steps(events);
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].kind == EventKind::Store);
    CHECK(steps[0].value == 5);
    CHECK(steps[1].kind == EventKind::Load);
    CHECK(steps[1].value == 5);
    CHECK(steps[2].value == 5); // r0 held what the load returned
    CHECK(h.word("C") == 5);
    CHECK(events.front().kind == EventKind::WorkerStart);
    CHECK(events.back().kind == EventKind::WorkerExit);
    CHECK(events.back().value == 1);
    for (std::size_t k = 0; k < events.size(); ++k)
        CHECK(events[k].seq == k);
}

TEST_CASE("interpreter: register arithmetic and branches record nothing", "[lab][interpreter]") {
    // r0 counts to 3 in a loop, r1 = 10 - 4; only the two stores are recorded.
    Harness h(R"("mov r0 0", "top: add r0 1", "bne r0 3 top", "beq r0 3 done", "store Y 99", "done: mov r1 10",
                 "sub r1 4", "store C r1", "store Y r0", "jmp end", "store Y 98", "end: yield")");
    const auto steps = Harness::steps(h.run(0));
    REQUIRE(steps.size() == 2);
    CHECK(h.word("C") == 6);
    CHECK(h.word("Y") == 3);
}

TEST_CASE("interpreter: exchange, compare-and-swap and fetch-add are atomic read-modify-writes", "[lab][interpreter]") {
    Harness h(R"("xchg r0 L 1", "xchg r1 L 1", "cas r2 L 1 0", "cas r3 L 1 0", "fetch_add r4 C 2")");
    const auto steps = Harness::steps(h.run(0));
    REQUIRE(steps.size() == 5);
    CHECK((steps[0].kind == EventKind::Exchange && steps[0].value == 0 && steps[0].aux == 1));        // took it
    CHECK((steps[1].kind == EventKind::Exchange && steps[1].value == 1));                             // found it held
    CHECK((steps[2].kind == EventKind::CompareExchange && steps[2].aux == 1 && steps[2].value == 0)); // released
    CHECK((steps[3].kind == EventKind::CompareExchange && steps[3].aux == 0 && steps[3].value == 0)); // saw 0
    CHECK((steps[4].kind == EventKind::FetchAdd && steps[4].value == 40 && steps[4].aux == 2));
    CHECK(h.word("L") == 0);
    CHECK(h.word("C") == 42);
}

TEST_CASE("interpreter: fences and critical-section marks are markers", "[lab][interpreter]") {
    Harness h(R"("cs_enter", "fence", "cs_exit")");
    const auto steps = Harness::steps(h.run(0));
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].kind == EventKind::CsEnter);
    CHECK(steps[1].kind == EventKind::Fence);
    CHECK(steps[2].kind == EventKind::CsExit);
    for (const Event& e : steps)
        CHECK(e.variable == kNoVariable);
}

TEST_CASE("interpreter: a record is written word by word with the signature and read back", "[lab][interpreter]") {
    Harness h(R"("write_record X", "check_record X")");
    const auto steps = Harness::steps(h.run(1)); // worker B: signature 2
    REQUIRE(steps.size() == 8);
    for (std::uint32_t w = 0; w < 4; ++w) {
        CHECK((steps[w].kind == EventKind::RecordWordWrite && steps[w].aux == w && steps[w].value == 2));
        CHECK((steps[4 + w].kind == EventKind::RecordCheck && steps[4 + w].aux == w && steps[4 + w].value == 2));
        CHECK(h.word("X", w) == 2);
    }
}

TEST_CASE("interpreter: delay busy-waits about its time", "[lab][interpreter]") {
    Harness h(R"("delay window")");
    const auto start = std::chrono::steady_clock::now();
    h.run(0, 1, 4'000'000);
    // The jitter is +-25 %: at least three quarters of 4 ms.
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(3));
}

TEST_CASE("interpreter: me, other and registers choose the word", "[lab][interpreter]") {
    Harness h(R"("store F[me] 7", "store Y other", "mov r2 0", "store F[r2] me", "load r5 F[other]")");
    const auto steps = Harness::steps(h.run(1)); // worker B: me = word 1, other = worker A (0)
    REQUIRE(steps.size() == 4);
    CHECK((steps[0].aux == 1 && steps[0].value == 7));
    CHECK(steps[1].value == 0);                        // `other` as a value: A's index
    CHECK((steps[2].aux == 0 && steps[2].value == 2)); // `me` as a value: B's signature
    CHECK((steps[3].kind == EventKind::Load && steps[3].aux == 0 && steps[3].value == 2));
    CHECK(h.word("F", 1) == 7);
}

TEST_CASE("interpreter: a word index from a register past the end stops the program with a reason",
          "[lab][interpreter]") {
    Harness h(R"("mov r1 5", "store F[r1] 1", "store Y 0")");
    h.set("Y", 3);
    const auto events = h.run(0, 3);
    CHECK(h.done() == 0);
    CHECK_THAT(h.interpreter().fault(), Contains("F[r1] is word 5, but F has 2 words"));
    CHECK(events.back().kind != EventKind::WorkerExit); // it did not finish its program
    CHECK(h.word("Y") == 3);                            // nothing after the fault ran
}

TEST_CASE("interpreter: repeated identical reads fold into one spin event", "[lab][interpreter]") {
    Harness h(R"("wait: load r0 Y", "beq r0 0 wait")");
    h.set("Y", 0);
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        h.set("Y", 1);
    });
    const auto steps = Harness::steps(h.run(0));
    release.join();
    // load 0, spin (0) x N, load 1.
    REQUIRE(steps.size() == 3);
    CHECK((steps[0].kind == EventKind::Load && steps[0].value == 0));
    CHECK((steps[1].kind == EventKind::Spin && steps[1].value == 0 && steps[1].aux > 10));
    CHECK((steps[2].kind == EventKind::Load && steps[2].value == 1));
}

TEST_CASE("interpreter: the stop flag ends a spin at its backward jump", "[lab][interpreter]") {
    Harness h(R"("wait: load r0 Y", "beq r0 0 wait")");
    h.set("Y", 0);
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        h.stop().store(1);
    });
    const auto events = h.run(0, 1000);
    stopper.join();
    CHECK(h.done() == 0);
    CHECK(events.back().kind == EventKind::WorkerExit);
    CHECK(events.back().value == 0);
}
