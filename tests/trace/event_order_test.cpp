// The value-consistent merge of the workers' events (trace/event_order.hpp).
// The TraceBuilder simulates memory in the order its methods are called (the
// true order) while each event gets the stamp it is given, so a test can stamp
// events the wrong way round, as a clock read late does, and see the merge put
// them back in the order the values prove.
#include "trace/event_order.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

using namespace racetrace;
using namespace racetrace::test;

namespace {

/// Reads whose value differs from what the latest write before them in the
/// trace's order left in their location (word-level, spins included).
std::size_t inconsistentReads(const Trace& trace) {
    std::map<std::pair<std::uint16_t, std::uint32_t>, std::int64_t> memory;
    std::map<std::uint32_t, std::uint32_t> lastWord;
    std::size_t bad = 0;
    for (const Event& e : trace.events) {
        if (e.variable >= trace.scenario.variables.size()) continue;
        const bool wordInAux = e.kind == EventKind::Load || e.kind == EventKind::Store ||
                               e.kind == EventKind::RecordWordWrite || e.kind == EventKind::RecordCheck;
        const std::uint32_t word = wordInAux ? e.aux : e.kind == EventKind::Spin ? lastWord[e.worker] : 0;
        lastWord[e.worker] = word;
        const auto key = std::pair{e.variable, word};
        const auto found = memory.find(key);
        const std::int64_t now = found != memory.end() ? found->second : trace.scenario.variables[e.variable].initial;
        const bool reads = isRead(e.kind) || e.kind == EventKind::Spin;
        const bool failedCas = e.kind == EventKind::CompareExchange && e.aux == 1;
        if (reads && !failedCas && e.value != now) ++bad;
        if (changesMemory(e)) memory[key] = writtenValue(e);
    }
    return bad;
}

bool sortedByTime(const Trace& trace) {
    return std::is_sorted(trace.events.begin(), trace.events.end(),
                          [](const Event& a, const Event& b) { return a.timestamp < b.timestamp; });
}

/// (worker, seq) of each event, in the trace's order.
std::vector<std::pair<std::uint32_t, std::uint32_t>> identities(const Trace& trace) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ids;
    for (const Event& e : trace.events)
        ids.emplace_back(e.worker, e.seq);
    return ids;
}

} // namespace

TEST_CASE("event order: a trace whose stamps agree with its values is left as it is", "[trace][order]") {
    TraceBuilder b(Shape::NaiveFlag);
    std::uint64_t ns = 100;
    for (int round = 0; round < 3; ++round)
        for (const std::uint32_t w : {A, B})
            ns = b.serialIteration(w, ns) + 10;
    // Both workers store the same counter value (a lost update): a later read of
    // that value is explained by either store, and neither must move.
    b.load(A, ns += 10, b.counter());
    b.load(B, ns += 10, b.counter());
    b.store(A, ns += 10, b.counter(), 7);
    b.store(B, ns += 10, b.counter(), 7);
    b.load(A, ns += 10, b.counter());
    Trace trace = b.build();
    const auto before = identities(trace);
    const EventOrderRepair repair = finalizeEventOrder(trace);
    CHECK(repair.moved == 0);
    CHECK(repair.restamped == 0);
    CHECK(repair.conflicts == 0);
    CHECK(identities(trace) == before);
}

TEST_CASE("event order: a read stamped before the write it returned comes after it", "[trace][order]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.load(A, 100, b.guard());     // A sees Y = 1 (free)
    b.store(A, 130, b.guard(), 0); // A sets Y = 0 ...
    b.load(B, 120, b.guard());     // ... and B reads that 0, stamped 10 ns before the store
    Trace trace = b.build();
    REQUIRE(inconsistentReads(trace) == 1);
    const EventOrderRepair repair = finalizeEventOrder(trace);
    CHECK(inconsistentReads(trace) == 0);
    CHECK(sortedByTime(trace));
    CHECK(repair.moved == 1);
    CHECK(repair.restamped == 1);
    CHECK(repair.maxShiftNs == 10);
    CHECK(repair.conflicts == 0);
    // A's store now stands before B's load, lowered to B's stamp.
    REQUIRE(trace.events.size() == 3);
    CHECK(trace.events[1].worker == A);
    CHECK(trace.events[1].kind == EventKind::Store);
    CHECK(trace.events[1].timestamp == 120);
    CHECK(trace.events[2].worker == B);
}

TEST_CASE("event order: a stamp read long after its access moves only that event", "[trace][order]") {
    // B reads the counter at 1,000 but is interrupted before reading the clock
    // and stamps it at 5,000,000; meanwhile A keeps incrementing. B's read
    // returned 1, so it happened before A's first increment stored 2.
    TraceBuilder b(Shape::NoSync);
    b.store(A, 500, b.counter(), 1);
    b.load(B, 5'000'000, b.counter()); // returned 1
    std::uint64_t ns = 2'000;
    for (int k = 0; k < 50; ++k)
        ns = b.increment(A, ns, 10) + 10;
    Trace trace = b.build();
    REQUIRE(inconsistentReads(trace) == 1);
    const EventOrderRepair repair = finalizeEventOrder(trace);
    CHECK(inconsistentReads(trace) == 0);
    CHECK(sortedByTime(trace));
    CHECK(repair.restamped == 1); // B's read, not A's fifty increments
    // Its latest possible moment: just before A's store of 2 (A's load of 1 may come first).
    CHECK(repair.maxShiftNs == 5'000'000 - 2'010);
    CHECK(trace.events[2].worker == B);
    CHECK(trace.events[3].value == 2);
}

TEST_CASE("event order: a record word a worker read back as its own puts the other's write before it",
          "[trace][order]") {
    // B wrote X[0] = 2 and read 2 back; A's X[0] = 1 is stamped between them but
    // must have come before B's write (it is nearer that side).
    TraceBuilder b(Shape::NoSync, 2, 1);
    b.recordWrite(A, 120, 0); // really first
    b.recordWrite(B, 100, 0); // stamped 20 ns early
    b.recordCheck(B, 5'000, 0);
    b.recordCheck(A, 5'100, 0);
    Trace trace = b.build();
    REQUIRE(inconsistentReads(trace) == 2);
    finalizeEventOrder(trace);
    CHECK(inconsistentReads(trace) == 0);
    CHECK(sortedByTime(trace));
    CHECK(trace.events[0].worker == A);
}

TEST_CASE("event order: reads no single order explains keep every event, in program order", "[trace][order]") {
    // Store buffering: each worker's load passes its own earlier store to the
    // other word (x86 allows it), so both read 0. No interleaving gives that.
    TraceBuilder b(Shape::NoSync, 2, 2);
    b.recordWrite(A, 100, 0);
    b.recordCheck(A, 110, 1); // 0: B's write is not there yet
    b.recordWrite(B, 105, 1);
    b.recordCheck(B, 115, 0); // the builder says 1; the store buffer said 0
    Trace trace = b.build();
    for (Event& e : trace.events)
        if (e.worker == B && e.kind == EventKind::RecordCheck) e.value = 0;
    const std::size_t count = trace.events.size();
    const EventOrderRepair repair = finalizeEventOrder(trace);
    CHECK(repair.conflicts >= 1);
    // Each time, the event placed against the values is listed by worker and
    // seq (what a replay diverging there names): one of the four accesses.
    REQUIRE(repair.conflictEvents.size() == repair.conflicts);
    for (const EventOrderRepair::EventId& id : repair.conflictEvents) {
        CHECK((id.worker == A || id.worker == B));
        CHECK(id.seq <= 1);
    }
    CHECK(trace.events.size() == count);
    CHECK(sortedByTime(trace));
    for (const std::uint32_t w : {A, B}) {
        std::vector<std::uint32_t> seqs;
        for (const Event& e : trace.events)
            if (e.worker == w) seqs.push_back(e.seq);
        CHECK(seqs == std::vector<std::uint32_t>{0, 1});
    }
}

TEST_CASE("event order: where some workers' reads contradict each other, another worker's later events stay later",
          "[trace][order]") {
    // A and B: store buffering, a cycle no order resolves. C's mark, stamped
    // long after, has nothing to do with it: resolving the cycle must not pull
    // it ahead (after dropped events this once put a worker into another's
    // critical section that it entered a millisecond later).
    TraceBuilder b(Shape::NoSync, 3, 2);
    b.recordWrite(A, 100, 0);
    b.recordCheck(A, 110, 1);
    b.recordWrite(B, 105, 1);
    b.recordCheck(B, 115, 0);
    b.csEnter(C, 1000);
    Trace trace = b.build();
    for (Event& e : trace.events)
        if (e.worker == B && e.kind == EventKind::RecordCheck) e.value = 0;
    const EventOrderRepair repair = finalizeEventOrder(trace);
    CHECK(repair.conflicts >= 1);
    REQUIRE_FALSE(trace.events.empty());
    CHECK(trace.events.back().worker == C);
    CHECK(trace.events.back().timestamp == 1000);
    CHECK(sortedByTime(trace));
}

TEST_CASE("event order: merging the workers' runs gives the stamp order sorting gives, for any number of workers",
          "[trace][order]") {
    std::mt19937 random(42);
    // With room for every event in the first run (as a Run reserves), two runs
    // are merged inside it, from the back: also when one of them is empty.
    const bool roomInFirst = GENERATE(false, true);
    const std::size_t emptyRun = GENERATE(std::size_t{99}, std::size_t{0}, std::size_t{1});
    for (const std::size_t workers : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{8}}) {
        INFO(workers << " workers, room in the first: " << roomInFirst << ", empty run " << emptyRun);
        std::vector<std::vector<Event>> runs(workers);
        if (roomInFirst && workers > 0) runs[0].reserve(600 * workers);
        std::vector<Event> all;
        for (std::size_t w = 0; w < workers; ++w) {
            std::uint64_t clock = 0;
            const std::uint32_t length = w == emptyRun ? 0 : 500 + static_cast<std::uint32_t>(w) * 37;
            for (std::uint32_t seq = 0; seq < length; ++seq) {
                Event e{};
                clock += random() % 4; // equal stamps across workers are common
                e.timestamp = clock;
                e.seq = seq;
                e.worker = static_cast<std::uint8_t>(w);
                runs[w].push_back(e);
                all.push_back(e);
            }
        }
        std::vector<Event> merged;
        mergeStampedRuns(runs, merged);
        Trace sorted;
        sorted.events = all;
        sortEventsByTimestamp(sorted);
        REQUIRE(merged.size() == sorted.events.size());
        for (std::size_t k = 0; k < merged.size(); ++k)
            REQUIRE((merged[k].worker == sorted.events[k].worker && merged[k].seq == sorted.events[k].seq));
        CHECK(std::all_of(runs.begin(), runs.end(), [](const auto& run) { return run.empty(); }));
    }
}
