#include "analysis/finders.hpp"
#include "support/trace_builder.hpp"
#include "trace/event_order.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

namespace {

/// The trace as a run leaves it: ordered by finalizeEventOrder, whose
/// modification orders the finder then uses.
std::vector<Finding> storeBufferingOf(TraceBuilder& b) {
    Trace trace = b.build();
    finalizeEventOrder(trace);
    std::vector<Finding> found;
    findOnly(FindingKind::StoreBuffering, trace, found);
    return found;
}

} // namespace

// Y starts at 1 (naive-flag's "free"), counter at 0. Each worker stores to one
// and then loads the other, and both loads return the old value: the four
// accesses form a cycle that only store buffers explain.
TEST_CASE("analysis: both loads miss the other's earlier store: one store-buffering finding",
          "[analysis][store-buffering]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.store(A, 100, b.guard(), 0);
    b.store(B, 110, b.counter(), 1);
    b.loadValue(A, 120, b.counter(), 0); // B's 1 not seen
    b.loadValue(B, 130, b.guard(), 1);   // A's 0 not seen
    const auto found = storeBufferingOf(b);
    REQUIRE(found.size() == 1);
    const Finding& f = found[0];
    CHECK(f.kind == FindingKind::StoreBuffering);
    CHECK(f.workers == std::vector<std::uint32_t>{A, B});
    CHECK(f.events.size() == 4);
    CHECK(f.beginNs == 100);
    CHECK(f.endNs >= 120);
    CHECK(f.sentence == "A wrote Y = 0 and then read counter = 0, while B wrote counter = 1 and then read Y = 1: no "
                        "single order of these four accesses gives both reads; each store was still in its CPU's "
                        "store buffer when the other CPU read.");
}

TEST_CASE("analysis: a fence between the store and the load rules store buffering out", "[analysis][store-buffering]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.store(A, 100, b.guard(), 0);
    b.store(B, 110, b.counter(), 1);
    b.fence(A, 115);
    b.loadValue(A, 120, b.counter(), 0);
    b.loadValue(B, 130, b.guard(), 1);
    CHECK(storeBufferingOf(b).empty());
}

TEST_CASE("analysis: a load stamped late is no store buffering when one order explains every value",
          "[analysis][store-buffering]") {
    // B's store is stamped before A's load of counter = 0, but A's load can
    // have come first: A stores, A loads 0, B stores, B loads A's 0.
    TraceBuilder b(Shape::NaiveFlag);
    b.store(B, 100, b.counter(), 1);
    b.store(A, 105, b.guard(), 0);
    b.loadValue(A, 110, b.counter(), 0);
    b.loadValue(B, 120, b.guard(), 0);
    CHECK(storeBufferingOf(b).empty());
}

TEST_CASE("analysis: one worker missing the other's store is not yet store buffering", "[analysis][store-buffering]") {
    // Sequentially consistent: A stores and loads, then B stores and loads what A stored.
    TraceBuilder b(Shape::NaiveFlag);
    b.store(A, 100, b.guard(), 0);
    b.loadValue(A, 110, b.counter(), 0);
    b.store(B, 120, b.counter(), 1);
    b.loadValue(B, 130, b.guard(), 0);
    CHECK(storeBufferingOf(b).empty());
}

TEST_CASE("analysis: events dropped between a store and its load leave store buffering undecided",
          "[analysis][store-buffering]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.store(A, 100, b.guard(), 0);
    b.store(B, 110, b.counter(), 1);
    b.drop(A, 3); // a fence, among others, may have been there
    b.loadValue(A, 120, b.counter(), 0);
    b.loadValue(B, 130, b.guard(), 1);
    CHECK(storeBufferingOf(b).empty());
}
