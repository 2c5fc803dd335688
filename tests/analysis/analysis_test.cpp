#include "analysis/finders.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace racetrace;
using namespace racetrace::test;

TEST_CASE("analysis: finding kinds have stable names", "[analysis]") {
    CHECK(findingKindName(FindingKind::Overlap) == "overlap");
    CHECK(findingKindName(FindingKind::LostUpdate) == "lost-update");
    CHECK(findingKindName(FindingKind::TornRecord) == "torn-record");
}

TEST_CASE("analysis: the naive flag race gives an overlap, a lost update and a torn record", "[analysis]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.expectCounter(2);
    b.load(A, 100, b.guard());
    b.load(B, 150, b.guard());
    b.store(A, 200, b.guard(), 0);
    b.store(B, 210, b.guard(), 0);
    b.csEnter(A, 300);
    b.csEnter(B, 310);
    b.load(A, 400, b.counter()); // 0
    b.load(B, 410, b.counter()); // 0
    b.store(A, 420, b.counter(), 1);
    b.store(B, 430, b.counter(), 1); // A's increment lost
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordWrite(A, 500 + k, k);
    b.recordWrite(B, 510, 2);
    b.recordWrite(B, 511, 3);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordCheck(A, 600 + k, k); // A A B B
    b.recordWrite(B, 700, 0);
    b.recordWrite(B, 701, 1);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordCheck(B, 710 + k, k); // B B B B: clean
    b.csExit(A, 800);
    b.store(A, 810, b.guard(), 1);
    b.csExit(B, 900);
    b.store(B, 910, b.guard(), 1);
    b.exited(A, 1000);
    b.exited(B, 1000);

    const Analysis analysis = analyse(b.build());
    CHECK(analysis.count(FindingKind::Overlap) == 1);
    CHECK(analysis.count(FindingKind::LostUpdate) == 1);
    CHECK(analysis.count(FindingKind::TornRecord) == 1);
    REQUIRE(analysis.findings.size() == 3);
    CHECK(analysis.findings[0].kind == FindingKind::Overlap);
    CHECK(analysis.findings[1].kind == FindingKind::LostUpdate);
    CHECK(analysis.findings[2].kind == FindingKind::TornRecord);
    for (std::size_t k = 1; k < analysis.findings.size(); ++k)
        CHECK(analysis.findings[k - 1].beginNs <= analysis.findings[k].beginNs);
    CHECK(analysis.findings[1].sentence ==
          "B wrote counter = 1 over A's 1: B had read 0 before A's write, so A's increment was lost.");
    CHECK(analysis.headline == analysis.findings[0].sentence);
    CHECK(analysis.headline.find("Y = 1 (free)") != std::string::npos);

    REQUIRE(analysis.invariants.size() == 1);
    CHECK_FALSE(analysis.invariants[0].holds);
    CHECK(analysis.invariants[0].sentence == "counter = 1 but 2 were expected: 1 update was lost.");
    REQUIRE(analysis.records.size() == 1);
    CHECK(analysis.records[0].lastWriter == std::vector<std::int32_t>{B, B, B, B});
    CHECK_FALSE(analysis.records[0].torn);
}

namespace {

/// A and B both read the flag free, `gap` ns apart, then both enter: one overlap.
void flagRace(TraceBuilder& b, std::uint64_t at, std::uint64_t gap) {
    b.load(A, at, b.guard());
    b.load(B, at + gap, b.guard());
    b.store(A, at + gap + 10, b.guard(), 0);
    b.store(B, at + gap + 20, b.guard(), 0);
    b.csEnter(A, at + gap + 30);
    b.csEnter(B, at + gap + 40);
    b.csExit(A, at + gap + 50);
    b.store(A, at + gap + 60, b.guard(), 1);
    b.csExit(B, at + gap + 70);
    b.store(B, at + gap + 80, b.guard(), 1);
}

/// The finding the window opens on (Analysis::openingFinding); there must be one.
const Finding& openingOf(const Trace& trace, const Analysis& analysis) {
    const int opening = analysis.openingFinding(trace);
    REQUIRE(opening >= 0);
    return analysis.findings[static_cast<std::size_t>(opening)];
}

} // namespace

TEST_CASE("analysis: the window opens on a race it can frame, not on one stretched by a preemption", "[analysis]") {
    TraceBuilder b(Shape::NaiveFlag);
    flagRace(b, 100, 5'700'000);  // B was preempted: its read comes 5.7 ms after A's
    flagRace(b, 10'000'000, 200); // both reads within 0.2 µs
    const Trace trace = b.build();
    const Analysis analysis = analyse(trace);
    REQUIRE(analysis.count(FindingKind::Overlap) == 2);
    const Finding& shown = openingOf(trace, analysis);
    CHECK(shown.kind == FindingKind::Overlap);
    CHECK(shown.beginNs >= 10'000'000);
    // The headline (CLI, JSON) stays the first race: files are summed up as before.
    CHECK(analysis.headline == analysis.firstRace()->sentence);
    CHECK(analysis.firstRace()->beginNs < 10'000'000);
}

TEST_CASE("analysis: the window opens on a race that shows both workers, not on a torn record seen from one lane",
          "[analysis]") {
    TraceBuilder b(Shape::NaiveFlag);
    flagRace(b, 100, 5'700'000); // B was preempted: not compact
    // B writes three words of X, is preempted, and A writes the last word and
    // checks X: a torn record whose events (A's four checks) span 30 ns.
    for (std::uint32_t word = 0; word < 3; ++word)
        b.recordWrite(B, 6'000'000 + 10 * word, word);
    b.recordWrite(A, 9'000'000, 3);
    for (std::uint32_t word = 0; word < 4; ++word)
        b.recordCheck(A, 9'000'010 + 10 * word, word);
    flagRace(b, 10'000'000, 200); // both workers' reads within 0.2 µs
    const Trace trace = b.build();
    const Analysis analysis = analyse(trace);
    REQUIRE(analysis.count(FindingKind::TornRecord) == 1);
    REQUIRE(analysis.count(FindingKind::Overlap) == 2);
    const Finding& shown = openingOf(trace, analysis);
    CHECK(shown.kind == FindingKind::Overlap);
    CHECK(shown.beginNs >= 10'000'000);
}

TEST_CASE("analysis: serial runs of every scenario have no findings", "[analysis]") {
    for (auto scenario : {Shape::NaiveFlag, Shape::TasMutex, Shape::NoSync}) {
        TraceBuilder b(scenario, 3);
        b.expectCounter(150);
        std::uint64_t ns = 0;
        for (int k = 0; k < 150; ++k)
            ns = b.serialIteration(static_cast<std::uint32_t>(k % 3), ns + 10);
        const Analysis analysis = analyse(b.build());
        CHECK(analysis.findings.empty());
        CHECK(analysis.count(FindingKind::Overlap) + analysis.count(FindingKind::LostUpdate) +
                  analysis.count(FindingKind::TornRecord) ==
              0);
        REQUIRE(analysis.invariants.size() == 1);
        CHECK(analysis.invariants[0].holds);
        CHECK(analysis.headline == "No race: the critical section was never shared and counter = 150 as expected.");
    }
}

TEST_CASE("analysis: with events dropped, 'never shared' speaks only of what was recorded", "[analysis]") {
    TraceBuilder b(Shape::TasMutex, 2);
    b.expectCounter(4);
    std::uint64_t ns = b.serialIteration(A, 10);
    ns = b.serialIteration(B, ns + 10);
    b.drop(A, 1234);
    ns = b.serialIteration(A, ns + 10);
    b.serialIteration(B, ns + 10);
    const Analysis analysis = analyse(b.build());
    CHECK(analysis.findings.empty());
    CHECK(analysis.headline == "No race: the critical section was never shared in the recorded events (1,234 events "
                               "were dropped) and counter = 4 as expected.");
}

TEST_CASE("analysis: a broken invariant without findings is the headline", "[analysis]") {
    // As after a run with --no-trace: no events, only the final memory.
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(20000).finalWords({19874, 0, 0, 0, 0});
    const Analysis analysis = analyse(b.build());
    CHECK(analysis.findings.empty());
    CHECK(analysis.headline == "counter = 19,874 but 20,000 were expected: 126 updates were lost.");
}

TEST_CASE("analysis: an empty trace of an unknown scenario says no race", "[analysis]") {
    const Analysis analysis = analyse(Trace{});
    CHECK(analysis.findings.empty());
    CHECK(analysis.headline == "No race found.");
}

TEST_CASE("analysis: events naming unknown variables or workers do not crash it", "[analysis]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.csEnter(A, 100);
    Trace trace = b.build();
    Event odd = trace.events.back();
    odd.kind = EventKind::RecordCheck;
    odd.variable = 999; // not a variable
    odd.worker = 200;   // not a worker
    odd.aux = 70000;
    trace.events.push_back(odd);
    odd.kind = EventKind::Store;
    trace.events.push_back(odd);
    odd.kind = EventKind::RecordWordWrite;
    odd.variable = b.record();
    trace.events.push_back(odd);
    const Analysis analysis = analyse(trace);
    CHECK(analysis.findings.empty());
    REQUIRE(analysis.records.size() == 1);
    CHECK(analysis.records[0].lastWriter == std::vector<std::int32_t>{-1, -1, -1, -1});
}

TEST_CASE("analysis: a serial trace of 1,000,000 events is quick and clean", "[analysis][performance]") {
    TraceBuilder b(Shape::NaiveFlag, 2);
    std::uint64_t ns = 0;
    std::int64_t iterations = 0;
    while (b.size() < 1'000'000) {
        ns = b.serialIteration(static_cast<std::uint32_t>(iterations % 2), ns + 10);
        ++iterations;
    }
    b.expectCounter(iterations);
    const Trace trace = b.build();
    REQUIRE(trace.events.size() >= 1'000'000);

    const auto start = std::chrono::steady_clock::now();
    const Analysis analysis = analyse(trace);
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    CHECK(analysis.findings.empty());
    REQUIRE(analysis.invariants.size() == 1);
    CHECK(analysis.invariants[0].holds);
    CHECK(analysis.invariants[0].actual == iterations);
    // Well under a second in an optimised build; the bound leaves room for -O0 and sanitizers.
    CHECK(elapsed < 3.0);
}

TEST_CASE("analysis: random damaged traces never crash it", "[analysis][robustness]") {
    // A saved trace is untrusted input: any kind, worker, variable, word, value or
    // sequence number may be garbage. Deterministic, so a failure reproduces.
    std::uint64_t state = 0x2545F4914F6CDD1Dull;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int round = 0; round < 200; ++round) {
        TraceBuilder b(round % 2 ? Shape::NaiveFlag : Shape::TasMutex, 1 + round % 4);
        Trace trace = b.build();
        std::uint64_t ns = 0;
        for (int k = 0; k < 2000; ++k) {
            Event e{};
            ns += next() % 50;
            e.timestamp = ns;
            e.kind = static_cast<EventKind>(next() % (kEventKindCount + 2));
            e.worker = static_cast<std::uint8_t>(next() % 6 == 0 ? next() : next() % 4);
            e.variable = static_cast<std::uint16_t>(next() % 8 == 0 ? next() : next() % 4);
            e.value = static_cast<std::int64_t>(next() % 4 == 0 ? next() : next() % 4);
            e.aux = static_cast<std::uint32_t>(next() % 4 == 0 ? next() : next() % 5);
            e.seq = static_cast<std::uint32_t>(next() % 16 == 0 ? next() : static_cast<std::uint64_t>(k));
            trace.events.push_back(e);
        }
        if (round % 3 == 0) trace.finalWords.clear();
        trace.durationNs = round % 5 == 0 ? 0 : ns;
        const Analysis analysis = analyse(trace);
        CHECK(!analysis.headline.empty());
        for (const Finding& finding : analysis.findings) {
            CHECK(!finding.sentence.empty());
            for (auto index : finding.events)
                CHECK(index < trace.events.size());
        }
    }
}
