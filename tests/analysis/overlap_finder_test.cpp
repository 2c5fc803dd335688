#include "analysis/finders.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

namespace {

std::vector<Finding> overlapsOf(const Trace& trace) {
    std::vector<Finding> found;
    const auto added = findOnly(FindingKind::Overlap, trace, found);
    REQUIRE(added == found.size());
    return found;
}

} // namespace

TEST_CASE("analysis: naive flag: both read Y free before either claims it, so both enter", "[analysis][overlap]") {
    TraceBuilder b(Shape::NaiveFlag);
    const auto readA = b.load(A, 100, b.guard()); // Y = 1
    const auto readB = b.load(B, 240, b.guard()); // Y = 1: A has not claimed it yet
    b.store(A, 300, b.guard(), 0);
    b.store(B, 350, b.guard(), 0);
    const auto enterA = b.csEnter(A, 400);
    const auto enterB = b.csEnter(B, 450);
    b.increment(A, 500);
    b.increment(B, 600);
    b.csExit(A, 800);
    b.store(A, 810, b.guard(), 1);
    b.csExit(B, 900);
    b.store(B, 910, b.guard(), 1);
    const Trace trace = b.build();
    REQUIRE(trace.events[readB].worker == B); // the builder's indices match the merged order

    const auto found = overlapsOf(trace);
    REQUIRE(found.size() == 1);
    const Finding& overlap = found[0];
    CHECK(overlap.kind == FindingKind::Overlap);
    CHECK(overlap.workers == std::vector<std::uint32_t>{A, B});
    CHECK(overlap.events == std::vector<std::uint64_t>{enterA, enterB, readA, readB});
    CHECK(overlap.beginNs == 450);
    CHECK(overlap.endNs == 800);
    CHECK(overlap.variable == b.guard());
    CHECK(overlap.sentence ==
          "B read Y = 1 (free) 140 ns after A did, before A set it to 0: both entered the critical section.");
}

TEST_CASE("analysis: naive flag: serial iterations with spinning never overlap", "[analysis][overlap]") {
    TraceBuilder b(Shape::NaiveFlag, 3);
    std::uint64_t ns = 0;
    for (int round = 0; round < 50; ++round) {
        for (std::uint32_t w : {A, B, C}) {
            ns = b.serialIteration(w, ns + 10);
            // The next worker found Y in use a moment ago and spun on it.
        }
        b.load(C, ns + 1, b.guard());
        b.spin(C, ns + 2, 7);
        ns += 2;
    }
    CHECK(overlapsOf(b.build()).empty());
}

TEST_CASE("analysis: a spin on Y = 0 is not the deciding read, the read of 1 is", "[analysis][overlap]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.load(A, 100, b.guard());
    b.store(A, 110, b.guard(), 0);
    b.csEnter(A, 120);
    b.load(B, 130, b.guard()); // 0: in use
    b.spin(B, 400, 25);
    b.csExit(A, 500);
    b.store(A, 510, b.guard(), 1);
    b.load(B, 520, b.guard()); // 1: free, B goes in properly
    b.store(B, 530, b.guard(), 0);
    b.csEnter(B, 540);
    b.csExit(B, 600);
    CHECK(overlapsOf(b.build()).empty());
}

TEST_CASE("analysis: no synchronisation: the overlap says nothing kept them apart", "[analysis][overlap]") {
    TraceBuilder b(Shape::NoSync);
    const auto enterA = b.csEnter(A, 100);
    const auto enterB = b.csEnter(B, 200);
    b.csExit(A, 1300);
    b.csExit(B, 1400);
    const auto found = overlapsOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].events == std::vector<std::uint64_t>{enterA, enterB});
    CHECK(found[0].variable == kNoVariable);
    CHECK(found[0].beginNs == 200);
    CHECK(found[0].endNs == 1300);
    CHECK(found[0].sentence ==
          "A and B were inside the critical section at the same time for 1.1 µs: nothing kept them apart.");
}

TEST_CASE("analysis: three workers that all read the flag free are named together", "[analysis][overlap]") {
    TraceBuilder b(Shape::NaiveFlag, 3);
    b.load(A, 100, b.guard());
    b.load(B, 130, b.guard());
    b.load(C, 160, b.guard());
    b.store(A, 200, b.guard(), 0);
    b.store(B, 210, b.guard(), 0);
    b.store(C, 220, b.guard(), 0);
    b.csEnter(A, 300);
    b.csEnter(B, 310);
    b.csEnter(C, 320);
    b.csExit(A, 400);
    b.csExit(B, 410);
    b.csExit(C, 420);
    const auto found = overlapsOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].workers == std::vector<std::uint32_t>{A, B, C});
    CHECK(found[0].events.size() == 6); // three enters, three deciding reads
    CHECK(found[0].beginNs == 310);
    CHECK(found[0].endNs == 410);
    CHECK(found[0].sentence == "B and C read Y = 1 (free) within 60 ns after A did, before A set it to 0: all 3 "
                               "entered the critical section.");
}

TEST_CASE("analysis: separate overlap periods are separate findings", "[analysis][overlap]") {
    TraceBuilder b(Shape::NoSync);
    b.csEnter(A, 100);
    b.csEnter(B, 150);
    b.csExit(A, 200);
    b.csExit(B, 250);
    b.csEnter(B, 1000);
    b.csEnter(A, 1020);
    b.csExit(A, 1050);
    b.csExit(B, 1100);
    const auto found = overlapsOf(b.build());
    REQUIRE(found.size() == 2);
    CHECK(found[0].beginNs == 150);
    CHECK(found[0].endNs == 200);
    CHECK(found[1].beginNs == 1020);
    CHECK(found[1].endNs == 1050);
}

TEST_CASE("analysis: a worker killed inside the critical section still overlaps", "[analysis][overlap]") {
    SECTION("killed: the stay ends when it died") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.increment(A, 150);
        b.killed(A, 500); // no CsExit
        b.csEnter(B, 300);
        b.csExit(B, 700);
        // Events are not added in time order here, so look the indices up.
        const Trace trace = b.build();
        const auto found = overlapsOf(trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0].workers == std::vector<std::uint32_t>{A, B});
        CHECK(found[0].beginNs == 300);
        CHECK(found[0].endNs == 500);
        CHECK(trace.events[found[0].events[0]].kind == EventKind::CsEnter);
        CHECK(trace.events[found[0].events[0]].worker == A);
    }
    SECTION("events just stop: the stay lasts to the end of the run") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.csEnter(B, 1500);
        b.csExit(B, 1700);
        b.durationNs(2000);
        const auto found = overlapsOf(b.build());
        REQUIRE(found.size() == 1);
        CHECK(found[0].beginNs == 1500);
        CHECK(found[0].endNs == 1700);
    }
    SECTION("a worker killed after it left is no longer inside") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.csExit(A, 200);
        b.killed(A, 250);
        b.csEnter(B, 300);
        b.csExit(B, 400);
        CHECK(overlapsOf(b.build()).empty());
    }
}

TEST_CASE("analysis: an exit and an enter at the same nanosecond: the trace's order decides", "[analysis][overlap]") {
    // Stamps can tie; the trace's order is the order memory saw (and the one a
    // replay reproduces), so the sweep follows positions, not stamps.
    SECTION("the exit comes first: no overlap") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.csExit(A, 500);
        b.csEnter(B, 500); // A sorts before B at equal times
        b.csExit(B, 900);
        CHECK(overlapsOf(b.build()).empty());
    }
    SECTION("the enter comes first: both were inside, for less than a nanosecond") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(B, 100);
        b.csExit(B, 500);
        b.csEnter(A, 500); // A sorts before B at equal times
        b.csExit(A, 900);
        const auto overlaps = overlapsOf(b.build());
        REQUIRE(overlaps.size() == 1);
        CHECK(overlaps[0].beginNs == 500);
        CHECK(overlaps[0].endNs == 500);
        CHECK_THAT(overlaps[0].sentence, Catch::Matchers::Contains("less than a nanosecond"));
    }
}

TEST_CASE("analysis: a worker entering twice without leaving does not overlap itself", "[analysis][overlap]") {
    // Only a damaged trace has this: the second enter ends the first stay.
    TraceBuilder b(Shape::NoSync);
    b.csEnter(A, 100);
    b.csEnter(A, 200);
    b.csExit(A, 300);
    CHECK(overlapsOf(b.build()).empty());
}

TEST_CASE("analysis: test-and-set: values, not skewed clocks, decide", "[analysis][overlap]") {
    SECTION("B's exchange found L free, so A had released it: no overlap despite the timestamps") {
        TraceBuilder b(Shape::TasMutex);
        b.exchange(A, 100, b.guard(), 1); // A takes L (old 0)
        b.csEnter(A, 110);
        b.csExit(A, 500);
        b.store(A, 510, b.guard(), 0); // release
        // B's CPU clock runs 30 ns behind A's: its acquisition looks earlier than A's exit.
        b.exchange(B, 480, b.guard(), 1);
        b.csEnter(B, 490);
        b.csExit(B, 800);
        b.store(B, 810, b.guard(), 0);
        CHECK(overlapsOf(b.build()).empty());
    }
    SECTION("a program that releases L before leaving really overlaps") {
        TraceBuilder b(Shape::TasMutex);
        b.exchange(A, 100, b.guard(), 1);
        b.csEnter(A, 110);
        b.store(A, 200, b.guard(), 0); // released too early
        b.exchange(B, 250, b.guard(), 1);
        b.csEnter(B, 260);
        b.csExit(A, 300);
        b.csExit(B, 400);
        b.store(B, 410, b.guard(), 0);
        const auto found = overlapsOf(b.build());
        REQUIRE(found.size() == 1);
        CHECK(found[0].beginNs == 260);
        CHECK(found[0].endNs == 300);
        CHECK(found[0].variable == b.guard());
        CHECK(found[0].sentence ==
              "A and B were inside the critical section at the same time for 40 ns, although L guarded it.");
    }
}

TEST_CASE("analysis: dropped events never stretch a stay into an overlap", "[analysis][overlap][dropped]") {
    SECTION("the exit went missing: the stay ends at the last event before the gap") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.increment(A, 150); // last recorded event inside: 160
        b.csEnter(B, 500);
        b.csExit(B, 600);
        b.drop(A, 3); // A's record words, checks ... and its CsExit
        b.csEnter(A, 1000);
        b.csExit(A, 1100);
        CHECK(overlapsOf(b.build()).empty());
    }
    SECTION("the worker's last events went missing: the stay does not last to the end of the run") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.increment(A, 150);
        b.drop(A, 5); // a trailing gap: only the ring's drop count shows it
        b.csEnter(B, 500);
        b.csExit(B, 600);
        b.durationNs(2000);
        CHECK(overlapsOf(b.build()).empty());
    }
    SECTION("an overlap before the gap is still found, cut at the gap") {
        TraceBuilder b(Shape::NoSync);
        b.csEnter(A, 100);
        b.csEnter(B, 120);
        b.increment(A, 150);
        b.drop(A, 3);
        b.csExit(B, 300);
        b.csEnter(A, 1000);
        b.csExit(A, 1100);
        const auto found = overlapsOf(b.build());
        REQUIRE(found.size() == 1);
        CHECK(found[0].beginNs == 120);
        CHECK(found[0].endNs == 160);
    }
}
