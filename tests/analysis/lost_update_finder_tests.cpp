#include "analysis/findings.hpp"
#include "analysis/lost_update_finder.hpp"
#include "trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

namespace {

std::vector<Finding> lostUpdatesOf(const Trace& trace) {
    std::vector<Finding> found;
    const auto added = findLostUpdates(trace, found);
    REQUIRE(added == found.size());
    return found;
}

/// counter goes 0 -> n by worker `w`'s undisturbed increments; returns the time after.
std::uint64_t countUpTo(TraceBuilder& b, std::uint32_t w, int n) {
    std::uint64_t ns = 0;
    for (int k = 0; k < n; ++k)
        ns = b.increment(w, ns + 10) + 10;
    return ns;
}

} // namespace

TEST_CASE("analysis: classic lost update: both read 4, both write 5", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync);
    countUpTo(b, A, 4);
    const auto readA = b.load(A, 1000, b.counter()); // 4
    const auto readB = b.load(B, 1100, b.counter()); // 4
    const auto storeB = b.store(B, 1200, b.counter(), 5);
    const auto storeA = b.store(A, 1300, b.counter(), 5); // over B's 5
    (void)readB;
    const auto found = lostUpdatesOf(b.build());
    REQUIRE(found.size() == 1);
    const Finding& lost = found[0];
    CHECK(lost.kind == FindingKind::LostUpdate);
    CHECK(lost.workers == std::vector<std::uint32_t>{A, B});
    CHECK(lost.events == std::vector<std::uint64_t>{storeA, storeB, readA});
    CHECK(lost.variable == b.counter());
    CHECK(lost.beginNs == 1200);
    CHECK(lost.endNs == 1300);
    CHECK(lost.sentence == "A wrote counter = 5 over B's 5: A had read 4 before B's write, so B's increment was lost.");
}

TEST_CASE("analysis: values coincide: a read of 5 before another 5 was written still lost it",
          "[analysis][lost-update]") {
    // counter = 5; A reads 5, then B takes one off and C adds one back (5 again),
    // then A writes 6. The value A read equals C's, but A read before C wrote:
    // C's increment (and B's decrement) vanished under A's store.
    TraceBuilder b(Scenario::NoSync, 3);
    countUpTo(b, A, 5);
    const auto readA = b.load(A, 1000, b.counter()); // 5
    b.load(B, 1100, b.counter());                    // 5
    b.store(B, 1110, b.counter(), 4);
    b.load(C, 1200, b.counter()); // 4
    const auto storeC = b.store(C, 1210, b.counter(), 5);
    const auto storeA = b.store(A, 1300, b.counter(), 6);
    const auto found = lostUpdatesOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].workers == std::vector<std::uint32_t>{A, C});
    CHECK(found[0].events == std::vector<std::uint64_t>{storeA, storeC, readA});
    CHECK(found[0].sentence ==
          "A wrote counter = 6 over C's 5: A had read 5 before C's write, so C's increment was lost.");
}

TEST_CASE("analysis: a decrement that is overwritten is called a decrement", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync);
    countUpTo(b, A, 3);
    b.load(A, 1000, b.counter()); // 3
    b.load(B, 1010, b.counter()); // 3
    b.store(B, 1020, b.counter(), 2);
    b.store(A, 1030, b.counter(), 4);
    const auto found = lostUpdatesOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].sentence ==
          "A wrote counter = 4 over B's 2: A had read 3 before B's write, so B's decrement was lost.");
}

TEST_CASE("analysis: values beat skewed clocks when deciding whether a read saw a write", "[analysis][lost-update]") {
    SECTION("the read is stamped before B's write but returned B's value, which nothing else wrote") {
        TraceBuilder b(Scenario::NoSync);
        countUpTo(b, A, 4);
        b.load(B, 1000, b.counter());
        b.store(B, 1200, b.counter(), 5);
        b.load(A, 1190, b.counter()); // returns 5: its CPU's clock is behind
        b.store(A, 1300, b.counter(), 6);
        CHECK(lostUpdatesOf(b.build()).empty());
    }
    SECTION("the read is stamped after B's write but returned the old value") {
        TraceBuilder b(Scenario::NoSync);
        countUpTo(b, A, 4);
        b.load(B, 1000, b.counter());
        const auto storeB = b.store(B, 1200, b.counter(), 5);
        const auto readA = b.loadValue(A, 1210, b.counter(), 4);
        const auto storeA = b.store(A, 1300, b.counter(), 5);
        const auto found = lostUpdatesOf(b.build());
        REQUIRE(found.size() == 1);
        CHECK(found[0].events == std::vector<std::uint64_t>{storeA, storeB, readA});
        CHECK(found[0].sentence ==
              "A wrote counter = 5 over B's 5: A's read (4) did not see B's write, so B's increment was lost.");
    }
}

TEST_CASE("analysis: fetch-add never loses an update, however it interleaves", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync, 3);
    std::uint64_t ns = 0;
    for (int k = 0; k < 300; ++k)
        b.fetchAdd(static_cast<std::uint32_t>(k % 3), ns += 3, b.counter(), 1);
    const Trace trace = b.build();
    CHECK(trace.finalValue(b.counter()) == 300);
    CHECK(lostUpdatesOf(trace).empty());
}

TEST_CASE("analysis: a plain store over an unseen fetch-add loses that fetch-add", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync);
    const auto readA = b.load(A, 100, b.counter()); // 0
    const auto addB = b.fetchAdd(B, 150, b.counter(), 1);
    const auto storeA = b.store(A, 200, b.counter(), 1);
    const auto found = lostUpdatesOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].events == std::vector<std::uint64_t>{storeA, addB, readA});
    CHECK(found[0].sentence ==
          "A wrote counter = 1 over B's 1: A had read 0 before B's write, so B's increment was lost.");
}

TEST_CASE("analysis: serial increments, own writes and blind stores lose nothing", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync, 3);
    std::uint64_t ns = 0;
    for (int k = 0; k < 90; ++k)
        ns = b.increment(static_cast<std::uint32_t>(k % 3), ns + 10);
    // A re-reads and writes twice in a row: its own earlier write is not lost.
    b.load(A, ns + 10, b.counter());
    b.store(A, ns + 20, b.counter(), 91);
    b.store(A, ns + 30, b.counter(), 92);
    // B stores without reading first: an overwrite, but not a read-modify-write.
    b.store(B, ns + 40, b.counter(), 93);
    CHECK(lostUpdatesOf(b.build()).empty());
}

TEST_CASE("analysis: compare-exchange failures are not writes, successes are", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync);
    b.load(A, 100, b.counter());                                    // 0
    b.compareExchange(B, 150, b.counter(), 5, 9);                   // fails: counter is 0
    b.store(A, 200, b.counter(), 1);                                // nothing unseen before it
    const auto readA = b.load(A, 300, b.counter());                 // 1
    const auto casB = b.compareExchange(B, 350, b.counter(), 1, 2); // succeeds
    const auto storeA = b.store(A, 400, b.counter(), 2);
    const auto found = lostUpdatesOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].events == std::vector<std::uint64_t>{storeA, casB, readA});
    CHECK(found[0].sentence ==
          "A wrote counter = 2 over B's 2: A had read 1 before B's write, so B's update was lost.");
}

TEST_CASE("analysis: a store after a long preemption erases every update since its read", "[analysis][lost-update]") {
    TraceBuilder b(Scenario::NoSync);
    b.expectCounter(10);
    countUpTo(b, A, 4);
    const auto readA = b.load(A, 1000, b.counter()); // 4, then A is preempted
    std::uint64_t ns = 1000;
    for (int k = 0; k < 5; ++k)
        ns = b.increment(B, ns + 10); // B: 5 .. 9
    const auto storeA = b.store(A, ns + 100, b.counter(), 5);
    const Trace trace = b.build();
    std::vector<Finding> found;
    REQUIRE(findLostUpdates(trace, found) == 1);
    CHECK(found[0].events[0] == storeA);
    CHECK(found[0].events[2] == readA);
    CHECK(updatesErased(trace, found[0]) == 5);
    CHECK(found[0].sentence == "A wrote counter = 5 over B's 9: A had read 4, so 5 updates were lost.");
    // The total agrees with the memory: 10 increments, counter = 5.
    const Analysis analysis = analyse(trace);
    CHECK(analysis.lostUpdates == 5);
    REQUIRE(analysis.invariants.size() == 1);
    CHECK(analysis.invariants[0].sentence == "counter = 5 but 10 were expected: 5 updates were lost.");
}

TEST_CASE("analysis: overwriting a stale write gives its erased updates back", "[analysis][lost-update]") {
    // A reads 4 and stalls; B counts on to 9 and reads 9; A writes 5 (erasing 4
    // of B's updates); B then writes 10 over A's 5, undoing A's stale write.
    TraceBuilder b(Scenario::NoSync);
    b.expectCounter(11);
    countUpTo(b, A, 4);
    b.load(A, 1000, b.counter());
    std::uint64_t ns = 1000;
    for (int k = 0; k < 5; ++k)
        ns = b.increment(B, ns + 10);
    b.load(B, ns + 10, b.counter());      // 9
    b.store(A, ns + 20, b.counter(), 5);  // erases 5 .. 9
    b.store(B, ns + 30, b.counter(), 10); // over A's 5
    const Trace trace = b.build();
    std::vector<Finding> found;
    REQUIRE(findLostUpdates(trace, found) == 2);
    CHECK(updatesErased(trace, found[0]) == 5);
    CHECK(updatesErased(trace, found[1]) == -4);
    CHECK(found[1].sentence ==
          "B wrote counter = 10 over A's 5: B had read 9 before A's write, so A's write was undone.");
    const Analysis analysis = analyse(trace);
    CHECK(trace.finalValue(b.counter()) == 10);
    CHECK(analysis.lostUpdates == 1); // 11 increments, counter = 10
}

TEST_CASE("analysis: a write of the value already there is not lost a second time", "[analysis][lost-update]") {
    // C read 4 and wrote 5 over A's 5 (one loss). B had read A's 5 before C's
    // write and writes 6: it overwrites C's 5, which added nothing.
    TraceBuilder b(Scenario::NoSync, 3);
    countUpTo(b, A, 4);
    b.load(C, 990, b.counter());      // 4
    b.increment(A, 1000);             // 5
    b.load(B, 1100, b.counter());     // 5
    b.store(C, 1200, b.counter(), 5); // over A's 5: lost
    b.store(B, 1300, b.counter(), 6);
    const Trace trace = b.build();
    std::vector<Finding> found;
    REQUIRE(findLostUpdates(trace, found) == 1);
    CHECK(found[0].workers == std::vector<std::uint32_t>{A, C});
    CHECK(analyse(trace).lostUpdates == 1);
}

TEST_CASE("analysis: dropped events are not evidence of a lost update", "[analysis][lost-update][dropped]") {
    SECTION("another worker's write went missing between the read and the store") {
        TraceBuilder b(Scenario::NoSync);
        countUpTo(b, A, 4);
        b.increment(B, 1000); // 5, recorded
        b.load(B, 1100, b.counter());
        b.drop(B, 1);                         // B's store of 6 is missing from the trace,
        b.loadValue(A, 1200, b.counter(), 6); // but A read it
        b.store(A, 1210, b.counter(), 7);
        b.load(B, 1300, b.counter()); // B's next event shows the gap
        CHECK(lostUpdatesOf(b.build()).empty());
    }
    SECTION("the worker's own read went missing: its older read must not pair with the store") {
        TraceBuilder b(Scenario::NoSync);
        b.load(A, 100, b.counter()); // 0
        b.store(A, 110, b.counter(), 1);
        b.load(A, 200, b.counter()); // 1, paired with nothing because...
        b.drop(A, 1);                // ... its store was dropped
        b.increment(B, 300);         // B: 1 -> 2
        b.drop(A, 1);                // A's next load dropped
        b.store(A, 400, b.counter(), 3);
        CHECK(lostUpdatesOf(b.build()).empty());
    }
    SECTION("a loss far from any gap is still found") {
        TraceBuilder b(Scenario::NoSync);
        b.increment(A, 100);
        b.drop(A, 3);
        b.increment(A, 200);
        b.load(A, 1000, b.counter());
        b.load(B, 1010, b.counter());
        b.store(A, 1020, b.counter(), 3);
        b.store(B, 1030, b.counter(), 3);
        const auto found = lostUpdatesOf(b.build());
        REQUIRE(found.size() == 1);
        CHECK(found[0].beginNs == 1020);
    }
}
