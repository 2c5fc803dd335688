#include "analysis/trace_index.hpp"
#include "support/synthetic_traces.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace racetrace;
using namespace racetrace::test;

namespace {

/// Replays from the start up to and including `upTo` (kNoEvent: nothing).
MemorySnapshot bruteForce(const Trace& trace, std::uint64_t upTo) {
    MemorySnapshot memory = initialMemory(trace);
    if (upTo == kNoEvent || trace.events.empty()) return memory;
    const std::uint64_t last = std::min<std::uint64_t>(upTo, trace.events.size() - 1);
    for (std::uint64_t i = 0; i <= last; ++i)
        replayOne(trace, trace.events[i], memory);
    return memory;
}

void requireSame(const MemorySnapshot& got, const MemorySnapshot& want, std::uint64_t cursor) {
    INFO("cursor " << (cursor == kNoEvent ? std::string("before the first event") : std::to_string(cursor)));
    REQUIRE(got.words.size() == want.words.size());
    REQUIRE(got.lastWriter.size() == want.lastWriter.size());
    const bool same = got.words == want.words && got.lastWriter == want.lastWriter;
    CHECK(same);
    if (same) return;
    // Different: name every word that differs.
    for (std::size_t w = 0; w < want.words.size(); ++w) {
        INFO("word " << w);
        CHECK(got.words[w] == want.words[w]);
        CHECK(got.lastWriter[w] == want.lastWriter[w]);
    }
}

} // namespace

TEST_CASE("the initial memory holds each variable's initial value and no writer", "[memory]") {
    const Trace trace = jumble(0);
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    const MemorySnapshot memory = timeline.at(trace, kNoEvent);
    CHECK(memory.words == std::vector<std::int64_t>{1, 0, 0, 0, 0, 0, 0, 7, 7, 7, 0, 0});
    CHECK(memory.lastWriter == std::vector<std::int32_t>(12, -1));
    // With no events, any cursor is the initial state.
    CHECK(timeline.at(trace, 0).words == memory.words);

    // Without final memory the area ends with the last variable.
    Trace bare = trace;
    bare.finalWords.clear();
    CHECK(MemoryTimeline::build(bare).at(bare, kNoEvent).words.size() == 10);
}

TEST_CASE("memory at any cursor matches a replay from the start", "[memory]") {
    const Trace trace = jumble(20'000);
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    REQUIRE(timeline.stride() == MemoryTimeline::kStride);
    const std::uint64_t n = trace.events.size();

    SECTION("from scratch at checkpoint boundaries, the ends and in between") {
        std::vector<std::uint64_t> cursors{kNoEvent, 0, 1, n - 2, n - 1, n, n + 1000};
        for (std::uint64_t k = 1; k * MemoryTimeline::kStride < n; ++k)
            for (std::uint64_t d : {MemoryTimeline::kStride - 1, MemoryTimeline::kStride, MemoryTimeline::kStride + 1})
                cursors.push_back((k - 1) * MemoryTimeline::kStride + d);
        for (std::uint64_t i = 0; cursors.size() < 200; ++i)
            cursors.push_back((i * 7919 + 13) % n);
        for (std::uint64_t cursor : cursors)
            requireSame(timeline.at(trace, cursor), bruteForce(trace, cursor), cursor);
    }
    SECTION("at every cursor, against one replay carried along") {
        // A checkpoint taken one event off shows at only a few cursors near the
        // checkpoints, and only when those events matter: compare them all.
        MemorySnapshot expected = initialMemory(trace);
        std::uint64_t mismatches = 0;
        for (std::uint64_t i = 0; i < n; ++i) {
            replayOne(trace, trace.events[i], expected);
            const MemorySnapshot got = timeline.at(trace, i);
            if (got.words != expected.words || got.lastWriter != expected.lastWriter) {
                if (mismatches++ == 0) requireSame(got, expected, i); // show the first one in full
            }
        }
        CHECK(mismatches == 0);
    }
}

TEST_CASE("two counters bumped in turn read the cursor at every event", "[memory]") {
    // Every event records what it wrote, so replaying one twice is harmless; a
    // checkpoint one event late is not: it lets the next event, on the other
    // word, show early. Alternating words makes every event matter.
    Trace trace;
    trace.workers.resize(3);
    trace.scenario.variables.push_back(declareVariable("even", VariableRole::Counter, 1, 0, 0));
    trace.scenario.variables.push_back(declareVariable("odd", VariableRole::Counter, 1, 0, 1));
    trace.finalWords.assign(2, 0);
    constexpr std::uint64_t kCount = 3 * MemoryTimeline::kStride + 17;
    const auto workerOf = [](std::uint64_t i) { return static_cast<std::int32_t>(i % 3); };
    for (std::uint64_t i = 0; i < kCount; ++i)
        trace.events.push_back(rawEvent(10 * i, static_cast<std::uint32_t>(workerOf(i)), EventKind::FetchAdd,
                                        static_cast<std::uint16_t>(i % 2), static_cast<std::int64_t>(i), 1));
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < kCount; ++i) {
        // After event i: its word holds i + 1, the other word i (event i - 1's), or 0 at the start.
        const MemorySnapshot memory = timeline.at(trace, i);
        const std::size_t mine = i % 2, other = 1 - mine;
        const bool right = memory.words[mine] == static_cast<std::int64_t>(i + 1) &&
                           memory.lastWriter[mine] == workerOf(i) &&
                           memory.words[other] == static_cast<std::int64_t>(i) &&
                           memory.lastWriter[other] == (i == 0 ? -1 : workerOf(i - 1));
        if (!right) ++wrong;
    }
    CHECK(wrong == 0);
    CHECK(timeline.at(trace, kNoEvent).words == std::vector<std::int64_t>{0, 0});
}

TEST_CASE("the state after the last event is the final memory", "[memory]") {
    TraceBuilder b(Shape::TasMutex, 3);
    std::uint64_t ns = 100;
    for (int round = 0; round < 3; ++round)
        for (std::uint32_t w : {A, B, C})
            ns = b.serialIteration(w, ns) + 10;
    const Trace trace = b.build();
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    CHECK(timeline.at(trace, trace.events.size() - 1).words == trace.finalWords);
    CHECK(timeline.at(trace, kNoEvent - 1).words == trace.finalWords);
}

TEST_CASE("a test-and-set that finds the lock taken does not steal its owner", "[memory]") {
    TraceBuilder b(Shape::TasMutex);
    const auto lock = b.guard();
    const auto aTakes = b.exchange(A, 100, lock, 1);    // 0 -> 1: A holds it
    const auto bSpins = b.exchange(B, 110, lock, 1);    // 1 -> 1: B only looked
    const auto bSpinsOn = b.spin(B, 150, 40);           // ... 40 more times
    const auto aFrees = b.store(A, 200, lock, 0);       // A lets go
    const auto bTakes = b.exchange(B, 210, lock, 1);    // 0 -> 1: now B holds it
    const auto aStoresAgain = b.store(A, 220, lock, 1); // a plain store: A claims it outright
    const Trace trace = b.build();
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    const auto owner = [&](std::uint64_t cursor) { return timeline.at(trace, cursor).lastWriter[0]; };
    const auto text = [&](std::uint64_t cursor) { return guardStateText(trace, lock, timeline.at(trace, cursor)); };

    CHECK(text(kNoEvent) == "free");
    CHECK(owner(aTakes) == static_cast<std::int32_t>(A));
    CHECK(text(aTakes) == "held by A");
    CHECK(owner(bSpins) == static_cast<std::int32_t>(A));
    CHECK(text(bSpins) == "held by A");
    CHECK(text(bSpinsOn) == "held by A");
    CHECK(text(aFrees) == "free");
    CHECK(owner(aFrees) == static_cast<std::int32_t>(A));
    CHECK(text(bTakes) == "held by B");
    CHECK(text(aStoresAgain) == "held by A");
}

TEST_CASE("a plain store of the same value makes its worker the flag's setter", "[memory]") {
    TraceBuilder b(Shape::NaiveFlag);
    const auto flag = b.guard();
    b.load(A, 100, flag);
    b.load(B, 105, flag); // both saw Y = true
    const auto aSets = b.store(A, 110, flag, 0);
    const auto bSets = b.store(B, 120, flag, 0); // 0 over A's 0: B wrote it too
    const auto aFrees = b.store(A, 200, flag, 1);
    const Trace trace = b.build();
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    const auto text = [&](std::uint64_t cursor) { return guardStateText(trace, flag, timeline.at(trace, cursor)); };

    CHECK(text(kNoEvent) == "free");
    CHECK(text(0) == "free");
    CHECK(text(aSets) == "in use (set by A)");
    CHECK(text(bSets) == "in use (set by B)");
    CHECK(text(aFrees) == "free");
}

TEST_CASE("guard text without a known writer and for other kinds", "[memory]") {
    TraceBuilder b(Shape::TasMutex);
    b.fetchAdd(A, 100, b.counter(), 41);
    b.fetchAdd(B, 110, b.counter(), 1);
    const Trace trace = b.build();
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    CHECK(guardStateText(trace, b.counter(), timeline.at(trace, 1)) == "42");
    CHECK(guardStateText(trace, 99, timeline.at(trace, 1)) == "unknown");
    CHECK(guardStateText(trace, b.guard(), MemorySnapshot{}) == "unknown");
    CHECK(guardStateText(trace, b.guard(), MemorySnapshot{{5}, {-1}}) == "held");

    TraceBuilder f(Shape::NaiveFlag);
    const Trace flagTrace = f.build();
    CHECK(guardStateText(flagTrace, f.guard(), MemorySnapshot{{0}, {-1}}) == "in use");
    CHECK(guardStateText(flagTrace, f.guard(), MemorySnapshot{{0}, {27}}) == "in use (set by W27)");
}

TEST_CASE("a torn record shows two writers at the right cursor", "[memory]") {
    TraceBuilder b(Shape::NoSync);
    b.recordWrite(A, 100, 0);                     // 0
    b.recordWrite(A, 110, 1);                     // 1
    b.recordWrite(B, 120, 0);                     // 2
    const auto bHalf = b.recordWrite(B, 130, 1);  // 3
    b.recordWrite(B, 140, 2);                     // 4
    const auto bDone = b.recordWrite(B, 150, 3);  // 5
    const auto aThird = b.recordWrite(A, 160, 2); // 6
    const auto aDone = b.recordWrite(A, 170, 3);  // 7
    const Trace trace = b.build();
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    const std::size_t first = trace.scenario.variables[b.record()].firstWord;
    const auto record = [&](std::uint64_t cursor) {
        const MemorySnapshot m = timeline.at(trace, cursor);
        return std::pair{std::vector<std::int64_t>(m.words.begin() + first, m.words.begin() + first + 4),
                         std::vector<std::int32_t>(m.lastWriter.begin() + first, m.lastWriter.begin() + first + 4)};
    };
    using Words = std::vector<std::int64_t>;
    using Writers = std::vector<std::int32_t>;
    CHECK(record(bHalf) == std::pair{Words{2, 2, 0, 0}, Writers{1, 1, -1, -1}});
    CHECK(record(bDone) == std::pair{Words{2, 2, 2, 2}, Writers{1, 1, 1, 1}});
    CHECK(record(aThird) == std::pair{Words{2, 2, 1, 2}, Writers{1, 1, 0, 1}});
    CHECK(record(aDone) == std::pair{Words{2, 2, 1, 1}, Writers{1, 1, 0, 0}});
}

TEST_CASE("writes outside the variables or their words are skipped", "[memory]") {
    Trace trace;
    trace.workers.resize(2);
    trace.scenario.variables.push_back(declareVariable("counter", VariableRole::Counter, 1, 5, 0));
    trace.scenario.variables.push_back(declareVariable("X", VariableRole::Record, 2, 0, 1));
    trace.finalWords.assign(3, 0);
    trace.events = {
        rawEvent(10, A, EventKind::Store, 7, 99, 0),                   // no variable 7
        rawEvent(20, A, EventKind::Store, kNoVariable, 99, 0),         // no variable at all
        rawEvent(30, A, EventKind::Store, 0, 99, 1),                   // counter has one word
        rawEvent(40, B, EventKind::RecordWordWrite, 1, 2, 2),          // X has two words
        rawEvent(50, B, EventKind::RecordWordWrite, 1, 2, 0xFFFFFFFF), // far out
        rawEvent(60, B, EventKind::RecordWordWrite, 1, 2, 1),          // the one good write
    };
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    CHECK(timeline.at(trace, 4).words == std::vector<std::int64_t>{5, 0, 0});
    CHECK(timeline.at(trace, 4).lastWriter == std::vector<std::int32_t>{-1, -1, -1});
    CHECK(timeline.at(trace, 5).words == std::vector<std::int64_t>{5, 0, 2});
    CHECK(timeline.at(trace, 5).lastWriter == std::vector<std::int32_t>{-1, -1, 1});

    // Asked with a trace shorter than the one it was built from, it clamps.
    Trace shorter = trace;
    shorter.events.resize(2);
    CHECK(timeline.at(shorter, 5).words == std::vector<std::int64_t>{5, 0, 0});
}

TEST_CASE("a variable claiming a huge area is clipped, not allocated", "[memory]") {
    Trace trace;
    trace.workers.resize(1);
    trace.scenario.variables.push_back(declareVariable("counter", VariableRole::Counter, 1, 3, 0));
    trace.scenario.variables.push_back(declareVariable("huge", VariableRole::Record, 0xFFFFFFFF, 0, 0xFFFFFFFF));
    trace.events = {rawEvent(10, A, EventKind::RecordWordWrite, 1, 1, 5), rawEvent(20, A, EventKind::Store, 0, 4, 0)};
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    const MemorySnapshot memory = timeline.at(trace, 1);
    CHECK(memory.words.size() <= (std::size_t{1} << 20));
    REQUIRE_FALSE(memory.words.empty());
    CHECK(memory.words[0] == 4);
    CHECK(memory.lastWriter[0] == 0);
}

TEST_CASE("a huge area spreads the checkpoints and stays exact", "[memory]") {
    Trace trace = jumble(100'000);
    trace.finalWords.assign(std::size_t{1} << 20, 0); // 12 MiB a checkpoint
    const MemoryTimeline timeline = MemoryTimeline::build(trace);
    CHECK(timeline.stride() > MemoryTimeline::kStride);
    for (std::uint64_t cursor :
         {std::uint64_t{0}, timeline.stride() - 1, timeline.stride(), std::uint64_t{77'777}, std::uint64_t{99'999}})
        requireSame(timeline.at(trace, cursor), bruteForce(trace, cursor), cursor);
}
