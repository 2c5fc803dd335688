#include "analysis/trace_index.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace racetrace;
using namespace racetrace::test;

namespace {

/// A B A B A ... at 100, 110, 120 ...: each worker's events are every other index.
Trace alternating(std::uint64_t count) {
    TraceBuilder b(Shape::NoSync);
    for (std::uint64_t i = 0; i < count; ++i)
        b.load(i % 2 == 0 ? A : B, 100 + 10 * i, b.counter());
    return b.build();
}

} // namespace

TEST_CASE("each lane holds its worker's event indices in order", "[index]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.serialIteration(A, 100);
    b.serialIteration(B, 1000);
    b.serialIteration(A, 2000);
    const Trace trace = b.build();
    const TraceIndex index = TraceIndex::build(trace);

    REQUIRE(index.lanes().size() == 2);
    std::uint64_t total = 0;
    for (std::uint32_t w = 0; w < 2; ++w) {
        const auto& lane = index.lanes()[w];
        total += lane.events.size();
        CHECK(std::is_sorted(lane.events.begin(), lane.events.end()));
        for (auto i : lane.events)
            CHECK(trace.events[i].worker == w);
    }
    CHECK(total == trace.events.size());

    // Spans are split per worker and stay in CsEnter order.
    const auto& spansA = index.lanes()[A].spans;
    const auto& spansB = index.lanes()[B].spans;
    REQUIRE(spansA.size() == 2);
    REQUIRE(spansB.size() == 1);
    CHECK(spansA[0].worker == A);
    CHECK(spansA[1].worker == A);
    CHECK(spansA[0].enterEvent < spansA[1].enterEvent);
    CHECK(spansB[0].worker == B);
    CHECK(trace.events[spansB[0].enterEvent].kind == EventKind::CsEnter);
    CHECK(trace.events[spansB[0].enterEvent].worker == B);
}

TEST_CASE("lastEventOf, nextEventOf and lineAt at the lane's boundaries", "[index]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.load(A, 100, b.guard());     // 0: A line 0
    b.load(B, 110, b.guard());     // 1: B line 0
    b.store(A, 120, b.guard(), 0); // 2: A line 1
    b.csEnter(A, 130);             // 3: A line 2
    b.store(B, 140, b.guard(), 0); // 4: B line 1
    const Trace trace = b.build();
    const TraceIndex index = TraceIndex::build(trace);

    SECTION("before the first event") {
        CHECK(index.lastEventOf(A, kNoEvent) == kNoEvent);
        CHECK(index.lastEventOf(B, 0) == kNoEvent); // B's first event is 1
        CHECK(index.nextEventOf(A, kNoEvent) == 0);
        CHECK(index.nextEventOf(B, kNoEvent) == 1);
        CHECK(index.nextEventOf(B, 0) == 1);
        CHECK_FALSE(index.lineAt(trace, A, kNoEvent));
        CHECK_FALSE(index.lineAt(trace, B, 0));
    }
    SECTION("exactly on an event of the worker") {
        CHECK(index.lastEventOf(A, 2) == 2);
        CHECK(index.nextEventOf(A, 2) == 3); // strictly after
        CHECK(index.lineAt(trace, A, 2) == TraceBuilder::kClaimLine);
        CHECK(index.lastEventOf(B, 1) == 1);
        CHECK(index.lineAt(trace, B, 1) == TraceBuilder::kEntryLine);
    }
    SECTION("between two of its events") {
        CHECK(index.lastEventOf(B, 3) == 1);
        CHECK(index.nextEventOf(B, 3) == 4);
        CHECK(index.lineAt(trace, B, 3) == TraceBuilder::kEntryLine);
        CHECK(index.lineAt(trace, A, 1) == TraceBuilder::kEntryLine);
    }
    SECTION("on and after the last event") {
        CHECK(index.lastEventOf(A, 3) == 3);
        CHECK(index.nextEventOf(A, 3) == kNoEvent);
        CHECK(index.lastEventOf(A, 4) == 3);
        CHECK(index.lastEventOf(A, 1000) == 3);
        CHECK(index.lastEventOf(B, 4) == 4);
        CHECK(index.nextEventOf(B, 4) == kNoEvent);
        CHECK(index.lineAt(trace, A, 4) == TraceBuilder::kEnterLine);
        CHECK(index.lineAt(trace, B, 4) == TraceBuilder::kClaimLine);
    }
}

TEST_CASE("a worker with no events and a worker the trace does not know", "[index]") {
    TraceBuilder b(Shape::NoSync, 3);
    b.load(A, 100, b.counter());
    b.load(A, 110, b.counter());
    b.load(3, 120, b.counter()); // worker D: the trace has records for A, B, C only
    b.load(200, 130, b.counter());
    const Trace trace = b.build();
    const TraceIndex index = TraceIndex::build(trace);

    REQUIRE(index.lanes().size() == 3);
    CHECK(index.lanes()[A].events == std::vector<std::uint64_t>{0, 1});
    CHECK(index.lanes()[B].events.empty());
    CHECK(index.lanes()[C].events.empty());
    CHECK(index.lastEventOf(B, 3) == kNoEvent);
    CHECK(index.nextEventOf(B, kNoEvent) == kNoEvent);
    CHECK_FALSE(index.lineAt(trace, C, 3));
    CHECK(index.lastEventOf(3, 3) == kNoEvent);
    CHECK(index.nextEventOf(200, kNoEvent) == kNoEvent);
    CHECK_FALSE(index.lineAt(trace, 1000, 3));
}

TEST_CASE("lineAt with a trace shorter than the index's gives nothing", "[index]") {
    const Trace trace = alternating(10);
    const TraceIndex index = TraceIndex::build(trace);
    const Trace empty;
    CHECK_FALSE(index.lineAt(empty, A, 5));
    CHECK(index.lineAt(trace, A, 5) == TraceBuilder::kCounterLine);
}

TEST_CASE("firstEventAtOrAfter finds the first event at or after a time", "[index]") {
    TraceBuilder b(Shape::NoSync);
    b.load(A, 100, b.counter()); // 0
    b.load(B, 200, b.counter()); // 1
    b.load(A, 200, b.counter()); // 2: same time as 1
    b.load(B, 300, b.counter()); // 3
    const Trace trace = b.build();

    CHECK(TraceIndex::firstEventAtOrAfter(trace, 0) == 0);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, 100) == 0);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, 101) == 1);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, 200) == 1);
    CHECK(trace.events[1].timestamp == 200);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, 201) == 3);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, 300) == 3);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, 301) == 4);
    CHECK(TraceIndex::firstEventAtOrAfter(trace, ~std::uint64_t{0}) == 4);
    CHECK(TraceIndex::firstEventAtOrAfter(Trace{}, 5) == 0);
}

TEST_CASE("lookups on a long trace agree with a linear scan", "[index]") {
    const Trace trace = alternating(1001);
    const TraceIndex index = TraceIndex::build(trace);
    CHECK(index.lanes()[A].events.size() == 501);
    CHECK(index.lanes()[B].events.size() == 500);
    for (std::uint64_t i = 0; i < trace.events.size(); i += 37) {
        for (std::uint32_t w : {A, B}) {
            std::uint64_t last = kNoEvent, next = kNoEvent;
            for (std::uint64_t j = 0; j < trace.events.size(); ++j) {
                if (trace.events[j].worker != w) continue;
                if (j <= i) last = j;
                if (j > i && next == kNoEvent) next = j;
            }
            CHECK(index.lastEventOf(w, i) == last);
            CHECK(index.nextEventOf(w, i) == next);
        }
    }
}

TEST_CASE("trace index: who is inside the critical section after each event", "[analysis][index]") {
    TraceBuilder b(Shape::NaiveFlag);
    const auto enterA = b.csEnter(A, 100);
    const auto enterB = b.csEnter(B, 150);
    const auto exitA = b.csExit(A, 200);
    const auto exitB = b.csExit(B, 250);
    const Trace trace = b.build();
    const TraceIndex index = TraceIndex::build(trace);
    CHECK(index.hasStays());
    using Workers = std::vector<std::uint32_t>;
    CHECK(index.insideAfter(kNoEvent).empty());
    CHECK(index.insideAfter(enterA) == Workers{A});
    CHECK(index.insideAfter(enterB) == Workers{A, B});
    CHECK(index.insideAfter(exitA) == Workers{B});
    CHECK(index.insideAfter(exitB).empty());
    CHECK_FALSE(TraceIndex::build(TraceBuilder(Shape::NoSync).build()).hasStays());
}
