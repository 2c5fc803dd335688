// Counting a trace's replay steps without building them (schedule_replay.hpp).
#include "lab/schedule_replay.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

TEST_CASE("replay steps: accessCount agrees with accessSequence", "[lab][replay]") {
    TraceBuilder b(Shape::TasMutex);
    b.exchange(A, 100, b.guard(), 1); // A takes L
    b.exchange(B, 110, b.guard(), 1); // B finds it held ...
    b.spin(B, 400, 25);               // ... 25 more times
    std::uint64_t ns = b.serialIteration(A, 500);
    b.serialIteration(B, ns + 10);
    const Trace trace = b.build();
    const auto steps = accessSequence(trace).size();
    CHECK(steps > 25);
    CHECK(accessCount(trace) == steps);
    CHECK(accessCount(trace, 10) == 10);
}

TEST_CASE("replay steps: a spin claiming four billion repeats is counted up to the limit, at once", "[lab][replay]") {
    TraceBuilder b(Shape::TasMutex);
    b.exchange(A, 100, b.guard(), 1);
    b.exchange(B, 110, b.guard(), 1);
    b.spin(B, 400, 0xFFFF'FFFFu);
    b.spin(B, 500, 0xFFFF'FFFFu);
    const Trace trace = b.build();
    CHECK(accessCount(trace, 200'001) == 200'001);
    CHECK(accessCount(trace) == 2 + 2 * std::uint64_t{0xFFFF'FFFFu});
}
