#include "analysis/critical_sections.hpp"
#include "analysis/findings.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

TEST_CASE("lock stats: entries, the wait from the first access of the entry code, and the stay, per worker",
          "[analysis][locks]") {
    TraceBuilder b(Shape::NaiveFlag);
    // In time order: A checks Y at 100, claims it, enters at 200, leaves at
    // 500 and frees Y; B checks Y at 150 (in use) and at 520 (free), enters at
    // 600, leaves at 650; A's release at 510 is no part of its next wait,
    // which starts when it checks Y again at 700.
    b.load(A, 100, b.guard());
    b.store(A, 110, b.guard(), 0);
    b.load(B, 150, b.guard());
    b.csEnter(A, 200);
    b.csExit(A, 500);
    b.store(A, 510, b.guard(), 1);
    b.load(B, 520, b.guard());
    b.store(B, 530, b.guard(), 0);
    b.csEnter(B, 600);
    b.csExit(B, 650);
    b.store(B, 660, b.guard(), 1);
    b.load(A, 700, b.guard());
    b.store(A, 710, b.guard(), 0);
    b.csEnter(A, 900);
    b.csExit(A, 1000);
    b.store(A, 1010, b.guard(), 1);
    const Analysis analysis = analyse(b.build());
    REQUIRE(analysis.locks.size() == 2);
    CHECK(analysis.locks[0].worker == A);
    CHECK(analysis.locks[0].acquired == 2);
    CHECK(analysis.locks[0].waitNs == (200 - 100) + (900 - 700));
    CHECK(analysis.locks[0].holdNs == (500 - 200) + (1000 - 900));
    CHECK(analysis.locks[1].acquired == 1);
    CHECK(analysis.locks[1].waitNs == 600 - 150);
    CHECK(analysis.locks[1].holdNs == 50);
}

TEST_CASE("lock stats: none without a critical section", "[analysis][locks]") {
    TraceBuilder b(Shape::NoSync);
    b.load(A, 100, b.counter());
    CHECK(analyse(b.build()).locks.empty());
}

TEST_CASE("lock states: a wait while another is inside is waiting, and the stay it waited on was contended",
          "[analysis][locks]") {
    TraceBuilder b(Shape::NaiveFlag);
    // A checks and claims Y, enters at 200 and stays until 500. B checks Y at
    // 150 and 300 (in use) and gets in at 600: B waited for A, A's stay was
    // contended. A's second entry (check at 700, in at 720) meets nobody.
    b.load(A, 100, b.guard());
    b.store(A, 110, b.guard(), 0);
    b.load(B, 150, b.guard());
    b.csEnter(A, 200);
    b.load(B, 300, b.guard());
    b.csExit(A, 500);
    b.store(A, 510, b.guard(), 1);
    b.load(B, 520, b.guard());
    b.store(B, 530, b.guard(), 0);
    b.csEnter(B, 600);
    b.csExit(B, 650);
    b.store(B, 660, b.guard(), 1);
    b.load(A, 700, b.guard());
    b.store(A, 710, b.guard(), 0);
    b.csEnter(A, 720);
    b.csExit(A, 800);
    const Trace trace = b.build();
    const auto spans = criticalSections(trace);
    REQUIRE(spans.size() == 3);
    const CriticalSectionSpan &first = spans[0], &waiter = spans[1], &last = spans[2];
    CHECK(first.worker == A);
    CHECK(first.waitBeginNs == 100);
    CHECK(trace.events[first.waitEvent].timestamp == 100);
    CHECK_FALSE(first.waitedForOther);
    CHECK(first.contended);
    CHECK(waiter.worker == B);
    CHECK(waiter.waitBeginNs == 150);
    CHECK(waiter.waitedForOther);
    CHECK_FALSE(waiter.contended);
    CHECK(last.waitBeginNs == 700);
    CHECK_FALSE(last.waitedForOther);
    CHECK_FALSE(last.contended);
}

TEST_CASE("lock states: a stay entered with no entry code has no wait", "[analysis][locks]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.csEnter(A, 100);
    b.csExit(A, 200);
    const auto spans = criticalSections(b.build());
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].waitBeginNs == 100);
    CHECK_FALSE(spans[0].waitedForOther);
    CHECK_FALSE(spans[0].contended);
}

TEST_CASE("lock stats: the longest run of entries in a row, per worker", "[analysis][locks]") {
    TraceBuilder b(Shape::NaiveFlag);
    // A, A, A, B, A, B, B: A's longest run is 3, B's 2.
    std::uint64_t ns = 100;
    for (const std::uint32_t w : {A, A, A, B, A, B, B}) {
        b.csEnter(w, ns += 10);
        b.csExit(w, ns += 10);
    }
    const Analysis analysis = analyse(b.build());
    REQUIRE(analysis.locks.size() == 2);
    CHECK(analysis.locks[0].acquired == 4);
    CHECK(analysis.locks[0].longestRun == 3);
    CHECK(analysis.locks[1].acquired == 3);
    CHECK(analysis.locks[1].longestRun == 2);
}
