#include "analysis/finders.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

namespace {

// In the no-sync scenario counter is word 0 and X words 1-4.
InvariantResult checkCounter(std::int64_t actual, std::int64_t expected) {
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(expected).finalWords({actual, 0, 0, 0, 0});
    const auto results = checkInvariants(b.build());
    REQUIRE(results.size() == 1);
    return results[0];
}

} // namespace

TEST_CASE("analysis: invariants hold or fail with the right numbers", "[analysis][invariants]") {
    auto result = checkCounter(20000, 20000);
    CHECK(result.holds);
    CHECK(result.actual == 20000);
    CHECK(result.invariant.expected == 20000);
    CHECK(result.sentence == "counter = 20,000 as expected.");

    result = checkCounter(19874, 20000);
    CHECK_FALSE(result.holds);
    CHECK(result.actual == 19874);
    CHECK(result.sentence == "counter = 19,874 but 20,000 were expected: 126 updates were lost.");

    result = checkCounter(1999999, 2000000);
    CHECK(result.sentence == "counter = 1,999,999 but 2,000,000 were expected: 1 update was lost.");

    result = checkCounter(20010, 20000);
    CHECK_FALSE(result.holds);
    CHECK(result.sentence == "counter = 20,010 but 20,000 were expected: 10 too many.");
}

TEST_CASE("analysis: a trace without final memory takes the last value written", "[analysis][invariants]") {
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(3).finalWords({});
    b.increment(A, 100);
    b.increment(B, 200);
    const auto results = checkInvariants(b.build());
    REQUIRE(results.size() == 1);
    CHECK(results[0].actual == 2);
    CHECK_FALSE(results[0].holds);
    CHECK(results[0].sentence == "counter = 2 but 3 were expected: 1 update was lost.");
}

TEST_CASE("analysis: every invariant of the scenario is checked", "[analysis][invariants]") {
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(1).expectCounter(2);
    b.increment(A, 100);
    const auto results = checkInvariants(b.build());
    REQUIRE(results.size() == 2);
    CHECK(results[0].holds);
    CHECK(results[0].sentence == "counter = 1 as expected.");
    CHECK_FALSE(results[1].holds);
}
