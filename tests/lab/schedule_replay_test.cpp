// Counting a trace's steps without building them, spins repeated or as one
// step (schedule_replay.hpp).
#include "lab/schedule_replay.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

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
    CHECK(accessCount(trace, Spins::Repeated) == steps);
    CHECK(accessCount(trace, Spins::Repeated, 10) == 10);
    // As one step, the spin adds nothing to B's failed test-and-set it repeats.
    const auto replaySteps = accessSequence(trace, Spins::OneStep);
    CHECK(replaySteps.size() == steps - 25);
    CHECK(accessCount(trace, Spins::OneStep) == replaySteps.size());
    CHECK(std::count_if(replaySteps.begin(), replaySteps.end(), [](const ScheduledAccess& access) {
              return access.worker == B && access.kind == EventKind::Exchange && access.value == 1;
          }) == 1);
}

TEST_CASE("replay steps: a spin claiming four billion repeats is counted up to the limit, at once", "[lab][replay]") {
    TraceBuilder b(Shape::TasMutex);
    b.exchange(A, 100, b.guard(), 1);
    b.exchange(B, 110, b.guard(), 1);
    b.spin(B, 400, 0xFFFF'FFFFu);
    b.spin(B, 500, 0xFFFF'FFFFu);
    const Trace trace = b.build();
    CHECK(accessCount(trace, Spins::Repeated, 200'001) == 200'001);
    CHECK(accessCount(trace, Spins::Repeated) == 2 + 2 * std::uint64_t{0xFFFF'FFFFu});
    CHECK(accessCount(trace, Spins::OneStep) == 2); // a replay's steps: the two test-and-sets
    CHECK(accessSequence(trace, Spins::OneStep).size() == 2);
}
