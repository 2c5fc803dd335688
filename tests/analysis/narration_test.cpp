#include "analysis/narration.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

TEST_CASE("narration: an event is told with its worker, what it did, its value's meaning and its line of code",
          "[analysis][narration]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.load(A, 100, b.guard());
    b.store(A, 200, b.guard(), 0);
    b.load(B, 300, b.counter());
    const Trace trace = b.build();
    CHECK(narrateEvent(trace, 0) == "Event 1 of 3: A read Y = 1 (free), on line 1: while (Y == 0) { }.");
    CHECK(narrateEvent(trace, 1) == "Event 2 of 3: A wrote Y = 0 (in use), on line 2: Y = 0.");
    CHECK(narrateEvent(trace, 2) == "Event 3 of 3: B read counter = 0, on line 4: counter = counter + 1.");
    CHECK(narrateEvent(trace, kNoEvent) == "Before the first of 3 events: Right steps to the first.");
}
