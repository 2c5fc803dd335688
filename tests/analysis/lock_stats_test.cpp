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
