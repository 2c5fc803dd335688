#include "support/trace_builder.hpp"
#include "trace/event_gaps.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

TEST_CASE("analysis: event gaps: a jump in a worker's sequence numbers is a gap in time", "[analysis][dropped]") {
    TraceBuilder b(Shape::NoSync);
    b.csEnter(A, 100);
    b.drop(A, 4);
    b.csExit(A, 500);
    b.csEnter(B, 200);
    b.csExit(B, 300);
    const EventGaps gaps(b.build());
    REQUIRE(gaps.size() == 1);
    CHECK(gaps.touches(0, 100));   // touches the gap's start
    CHECK(gaps.touches(250, 260)); // inside it
    CHECK(gaps.touches(500, 900)); // touches its end
    CHECK_FALSE(gaps.touches(0, 99));
    CHECK_FALSE(gaps.touches(501, 900));
    CHECK_FALSE(gaps.endsInGap(A));
    CHECK_FALSE(gaps.endsInGap(B));
}

TEST_CASE("analysis: event gaps: drops at the start and at the end are gaps too", "[analysis][dropped]") {
    TraceBuilder b(Shape::NoSync);
    b.drop(A, 2); // A's first events missing: its first seq is 2
    b.csEnter(A, 1000);
    b.csEnter(B, 100);
    b.csExit(B, 200);
    b.drop(B, 3); // B's last events missing: only its drop count tells
    const EventGaps gaps(b.build());
    CHECK(gaps.size() == 2);
    CHECK(gaps.touches(500, 600)); // A's leading gap spans 0 .. 1000
    CHECK(gaps.endsInGap(B));
    CHECK_FALSE(gaps.endsInGap(A));
    CHECK(gaps.touches(5000, 6000)); // B's trailing gap never ends
}

TEST_CASE("analysis: event gaps: a complete trace has none", "[analysis][dropped]") {
    TraceBuilder b(Shape::NaiveFlag);
    std::uint64_t ns = 0;
    for (int k = 0; k < 20; ++k)
        ns = b.serialIteration(static_cast<std::uint32_t>(k % 2), ns + 10);
    const EventGaps gaps(b.build());
    CHECK(gaps.empty());
    CHECK_FALSE(gaps.touches(0, ~std::uint64_t{0}));
}

TEST_CASE("analysis: sequence watch flags the first event after a jump, once", "[analysis][dropped]") {
    SequenceWatch watch;
    Event e{};
    e.worker = 3;
    e.seq = 0;
    CHECK_FALSE(watch.gapBefore(e));
    e.seq = 1;
    CHECK_FALSE(watch.gapBefore(e));
    e.seq = 5;
    CHECK(watch.gapBefore(e));
    e.seq = 6;
    CHECK_FALSE(watch.gapBefore(e));
    e.worker = 4;
    e.seq = 1; // another worker whose seq 0 is missing
    CHECK(watch.gapBefore(e));
}
