#include "analysis/finders.hpp"
#include "analysis/lost_update_finder.hpp"
#include "support/trace_builder.hpp"
#include "trace/modification_order.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

using namespace racetrace;
using namespace racetrace::test;

namespace {

std::vector<Finding> lostUpdatesOf(const Trace& trace) {
    std::vector<Finding> found;
    const auto added = findOnly(FindingKind::LostUpdate, trace, found);
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
    TraceBuilder b(Shape::NoSync);
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
    TraceBuilder b(Shape::NoSync, 3);
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
    TraceBuilder b(Shape::NoSync);
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
        TraceBuilder b(Shape::NoSync);
        countUpTo(b, A, 4);
        b.load(B, 1000, b.counter());
        b.store(B, 1200, b.counter(), 5);
        b.load(A, 1190, b.counter()); // returns 5: its CPU's clock is behind
        b.store(A, 1300, b.counter(), 6);
        CHECK(lostUpdatesOf(b.build()).empty());
    }
    SECTION("the read is stamped after B's write but returned the old value") {
        TraceBuilder b(Shape::NoSync);
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
    TraceBuilder b(Shape::NoSync, 3);
    std::uint64_t ns = 0;
    for (int k = 0; k < 300; ++k)
        b.fetchAdd(static_cast<std::uint32_t>(k % 3), ns += 3, b.counter(), 1);
    const Trace trace = b.build();
    CHECK(trace.finalValue(b.counter()) == 300);
    CHECK(lostUpdatesOf(trace).empty());
}

TEST_CASE("analysis: a plain store over an unseen fetch-add loses that fetch-add", "[analysis][lost-update]") {
    TraceBuilder b(Shape::NoSync);
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
    TraceBuilder b(Shape::NoSync, 3);
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
    TraceBuilder b(Shape::NoSync);
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
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(10);
    countUpTo(b, A, 4);
    const auto readA = b.load(A, 1000, b.counter()); // 4, then A is preempted
    std::uint64_t ns = 1000;
    for (int k = 0; k < 5; ++k)
        ns = b.increment(B, ns + 10); // B: 5 .. 9
    const auto storeA = b.store(A, ns + 100, b.counter(), 5);
    const Trace trace = b.build();
    std::vector<Finding> found;
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 1);
    CHECK(found[0].events[0] == storeA);
    CHECK(found[0].events[2] == readA);
    CHECK(updatesErased(trace, found[0]) == 5);
    CHECK(found[0].sentence == "A wrote counter = 5 over B's 9: A had read 4, so 5 updates were lost.");
    // The total agrees with the memory: 10 increments, counter = 5.
    const Analysis analysis = analyse(trace);
    CHECK(analysis.count(FindingKind::LostUpdate) == 5);
    REQUIRE(analysis.invariants.size() == 1);
    CHECK(analysis.invariants[0].sentence == "counter = 5 but 10 were expected: 5 updates were lost.");
}

TEST_CASE("analysis: overwriting a stale write gives its erased updates back", "[analysis][lost-update]") {
    // A reads 4 and stalls; B counts on to 9 and reads 9; A writes 5 (erasing 4
    // of B's updates); B then writes 10 over A's 5, undoing A's stale write.
    TraceBuilder b(Shape::NoSync);
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
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 2);
    CHECK(updatesErased(trace, found[0]) == 5);
    CHECK(updatesErased(trace, found[1]) == -4);
    CHECK(found[1].sentence ==
          "B wrote counter = 10 over A's 5: B had read 9 before A's write, so A's write was undone.");
    const Analysis analysis = analyse(trace);
    CHECK(trace.finalValue(b.counter()) == 10);
    CHECK(analysis.count(FindingKind::LostUpdate) == 1); // 11 increments, counter = 10
}

TEST_CASE("analysis: a write of the value already there is not lost a second time", "[analysis][lost-update]") {
    // C read 4 and wrote 5 over A's 5 (one loss). B had read A's 5 before C's
    // write and writes 6: it overwrites C's 5, which added nothing.
    TraceBuilder b(Shape::NoSync, 3);
    countUpTo(b, A, 4);
    b.load(C, 990, b.counter());      // 4
    b.increment(A, 1000);             // 5
    b.load(B, 1100, b.counter());     // 5
    b.store(C, 1200, b.counter(), 5); // over A's 5: lost
    b.store(B, 1300, b.counter(), 6);
    const Trace trace = b.build();
    std::vector<Finding> found;
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 1);
    CHECK(found[0].workers == std::vector<std::uint32_t>{A, C});
    CHECK(analyse(trace).count(FindingKind::LostUpdate) == 1);
}

TEST_CASE("analysis: dropped events are not evidence of a lost update", "[analysis][lost-update][dropped]") {
    SECTION("another worker's write went missing between the read and the store") {
        TraceBuilder b(Shape::NoSync);
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
        TraceBuilder b(Shape::NoSync);
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
        TraceBuilder b(Shape::NoSync);
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

// ---- Clocks against values: the modification order comes from what was read ----
//
// A timestamp is taken next to an access, not at the instant memory took it: a
// worker can be interrupted between its store and its clock read (the stamp is
// late), and a store can wait in its CPU's store buffer after being stamped (the
// stamp is early). Measured on real runs (naive-flag 2 x 5,000): two stores of
// different CPUs 5 to 450 ns apart stamped the wrong way round, and stores
// stamped 9 to 30 us late or early. The builder below simulates memory in the
// order of the calls (the real order) while the stamps say otherwise.

namespace {

/// Index of the event stamped `ns` in the built trace (stamps are distinct in these tests).
std::uint64_t at(const Trace& trace, std::uint64_t ns) {
    for (std::uint64_t i = 0; i < trace.events.size(); ++i)
        if (trace.events[i].timestamp == ns) return i;
    FAIL("no event at " << ns);
    return kNoEvent;
}

std::uint64_t shortfall(const Trace& trace, std::uint16_t counter) {
    REQUIRE(trace.scenario.invariants.size() == 1);
    return static_cast<std::uint64_t>(trace.scenario.invariants[0].expected - trace.finalValue(counter));
}

/// The counter's writes in modification order, as their timestamps.
std::vector<std::uint64_t> writeStamps(const ModificationOrder& order, const Trace& trace) {
    std::vector<std::uint64_t> stamps;
    for (const auto i : order.writes)
        stamps.push_back(trace.events[i].timestamp);
    return stamps;
}

} // namespace

TEST_CASE("analysis: a store stamped late whose value the other worker had already read",
          "[analysis][lost-update][clock]") {
    // B stores 5 and is interrupted before it reads the clock; A reads B's 5
    // and stores 6. Nothing is lost, though B's store is stamped last.
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(6);
    countUpTo(b, A, 4);
    b.load(B, 1000, b.counter());     // 4
    b.store(B, 1400, b.counter(), 5); // really here; stamped after the interruption
    b.load(A, 1200, b.counter());     // 5
    b.store(A, 1300, b.counter(), 6);
    const Trace trace = b.build();
    REQUIRE(trace.finalValue(b.counter()) == 6);

    const auto orders = counterModificationOrders(trace);
    REQUIRE(orders.size() == 1);
    const auto stamps = writeStamps(orders[0], trace);
    REQUIRE(stamps.size() == 6);
    CHECK(stamps[4] == 1400); // B's 5 before A's 6
    CHECK(stamps[5] == 1300);
    CHECK(orders[0].moved == 1);
    CHECK(orders[0].conflicts == 0);
    CHECK(orders[0].sourceOf(at(trace, 1200)) == at(trace, 1400));

    // Timestamp order would have had B's 5 over A's 6, erasing 2 updates that were never lost.
    CHECK(lostUpdatesOf(trace).empty());
    CHECK(analyse(trace).count(FindingKind::LostUpdate) == 0);
}

TEST_CASE("analysis: a stale store stamped late after a preemption", "[analysis][lost-update][clock]") {
    // A read 2 long ago; B counts on to 6 and reads it. A stores 3 (erasing
    // B's 4 updates) and is preempted before it reads the clock; B stores 7
    // over A's 3 (undoing A's stale write), and A, back, reads B's 7 and
    // stores 8. In timestamp order A's 3 comes after B's 7.
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(9);
    std::uint64_t ns = countUpTo(b, A, 2);
    b.load(A, ns, b.counter()); // 2, then A stalls
    for (int k = 0; k < 4; ++k)
        ns = b.increment(B, ns + 10); // B: 3 .. 6
    b.load(B, 1000, b.counter());     // 6
    b.store(A, 1300, b.counter(), 3); // really before B's store of 7
    b.store(B, 1100, b.counter(), 7);
    b.load(A, 1400, b.counter()); // 7
    b.store(A, 1500, b.counter(), 8);
    const Trace trace = b.build();
    REQUIRE(shortfall(trace, b.counter()) == 1);

    const auto orders = counterModificationOrders(trace);
    REQUIRE(orders.size() == 1);
    const auto stamps = writeStamps(orders[0], trace);
    CHECK(std::vector<std::uint64_t>(stamps.end() - 3, stamps.end()) == std::vector<std::uint64_t>{1300, 1100, 1500});
    CHECK(orders[0].conflicts == 0);

    std::vector<Finding> found;
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 2); // in the order of their stores' stamps
    CHECK(found[0].events == std::vector<std::uint64_t>{at(trace, 1100), at(trace, 1300), at(trace, 1000)});
    CHECK(found[0].sentence ==
          "B wrote counter = 7 over A's 3: B had read 6 before A's write, so A's write was undone.");
    CHECK(updatesErased(trace, found[0]) == -3);
    CHECK(found[0].beginNs == 1100);
    CHECK(found[0].endNs == 1300);
    CHECK(found[1].events[0] == at(trace, 1300));
    CHECK(found[1].sentence == "A wrote counter = 3 over B's 6: A had read 2, so 4 updates were lost.");
    CHECK(updatesErased(trace, found[1]) == 4);
    // Timestamp order summed 5 here: A's 8 over its own 3 hid the 4 it gave back.
    CHECK(analyse(trace).count(FindingKind::LostUpdate) == 1);
}

TEST_CASE("analysis: a store stamped early, before a store that reached memory first",
          "[analysis][lost-update][clock]") {
    // The trace this was found in (naive-flag, A on CPU 1, B on CPU 0):
    //   A store counter = 1,065 at 7,659,579 ns (A read 1,064 665 us earlier)
    //   B store counter = 1,129 at 7,659,619 ns
    //   A load 1,065 at 7,668,322; B load 1,065 at 7,668,492
    // B read 1,065 after its own store of 1,129: A's store reached memory
    // second. Timestamp order summed 64 too few (B's next store, over its own
    // 1,129, erased them unseen). Here with small numbers:
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(13);
    std::uint64_t ns = countUpTo(b, A, 4);
    const std::uint64_t staleRead = ns;
    b.load(A, staleRead, b.counter()); // 4, then A stalls
    for (int k = 0; k < 5; ++k)
        ns = b.increment(B, ns + 10);  // B: 5 .. 9
    b.load(B, 1000, b.counter());      // 9
    b.store(B, 1240, b.counter(), 10); // reaches memory first
    b.store(A, 1200, b.counter(), 5);  // stamped 40 ns early
    b.load(A, 2000, b.counter());      // 5
    b.load(B, 2010, b.counter());      // 5: B's 10 was overwritten
    b.store(B, 2100, b.counter(), 6);
    b.store(A, 2200, b.counter(), 6);
    const Trace trace = b.build();
    REQUIRE(shortfall(trace, b.counter()) == 7);

    const auto orders = counterModificationOrders(trace);
    REQUIRE(orders.size() == 1);
    const auto stamps = writeStamps(orders[0], trace);
    CHECK(std::vector<std::uint64_t>(stamps.end() - 4, stamps.end()) ==
          std::vector<std::uint64_t>{1240, 1200, 2100, 2200});
    CHECK(orders[0].moved == 1);
    CHECK(orders[0].conflicts == 0);
    CHECK(orders[0].sourceOf(at(trace, 2010)) == at(trace, 1200));

    std::vector<Finding> found;
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 2);
    CHECK(found[0].events == std::vector<std::uint64_t>{at(trace, 1200), at(trace, 1240), at(trace, staleRead)});
    CHECK(found[0].sentence == "A wrote counter = 5 over B's 10: A had read 4, so 6 updates were lost.");
    CHECK(found[0].beginNs == 1200);
    CHECK(found[0].endNs == 1240);
    CHECK(found[1].events == std::vector<std::uint64_t>{at(trace, 2200), at(trace, 2100), at(trace, 2000)});
    CHECK(found[1].sentence ==
          "A wrote counter = 6 over B's 6: A had read 5 before B's write, so B's increment was lost.");
    CHECK(analyse(trace).count(FindingKind::LostUpdate) == 7);
}

TEST_CASE("analysis: two writes of one value: the reader's own one is as good as the other's",
          "[analysis][lost-update][clock]") {
    // Both read 3 and wrote 4; B's 4 reached memory only after A's next store
    // (5), and A read 4 both before and after that store. A's first read can
    // have returned either 4 as far as values go; only its own one is
    // consistent with the second read. (no-sync, A on CPU 1 and B on CPU 0:
    // B's store of 94 stamped 648,645 ns reached memory after A's 95 at 657,478.)
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(8);
    countUpTo(b, A, 3);
    b.load(A, 900, b.counter()); // 3
    b.load(B, 910, b.counter()); // 3
    b.store(A, 1000, b.counter(), 4);
    b.load(A, 1100, b.counter()); // 4: A's own
    b.store(A, 1200, b.counter(), 5);
    b.store(B, 1010, b.counter(), 4); // stamped before A's 5, reached memory after it
    b.load(A, 1300, b.counter());     // 4: B's
    b.store(A, 1400, b.counter(), 5);
    b.load(B, 1500, b.counter()); // 5
    b.store(B, 1600, b.counter(), 6);
    const Trace trace = b.build();
    REQUIRE(shortfall(trace, b.counter()) == 2);

    const auto orders = counterModificationOrders(trace);
    REQUIRE(orders.size() == 1);
    CHECK(orders[0].conflicts == 0);
    CHECK(orders[0].sourceOf(at(trace, 1100)) == at(trace, 1000));
    CHECK(orders[0].sourceOf(at(trace, 1300)) == at(trace, 1010));
    const auto stamps = writeStamps(orders[0], trace);
    CHECK(std::vector<std::uint64_t>(stamps.end() - 5, stamps.end()) ==
          std::vector<std::uint64_t>{1000, 1200, 1010, 1400, 1600});

    std::vector<Finding> found;
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 1);
    CHECK(found[0].events == std::vector<std::uint64_t>{at(trace, 1010), at(trace, 1200), at(trace, 910)});
    CHECK(found[0].sentence == "B wrote counter = 4 over A's 5: B had read 3, so 2 updates were lost.");
    CHECK(analyse(trace).count(FindingKind::LostUpdate) == 2);
}

TEST_CASE("analysis: a store stamped milliseconds late, with an older write of its value nearer in time",
          "[analysis][lost-update][clock]") {
    // Two workers on one CPU (no-sync): B stores 5 and loses the CPU before it
    // reads the clock; A runs on, reads B's 5 and counts up; B's store is
    // stamped when B runs again. By the clocks, B's older write of 5 (before A's
    // stale store set the counter back) is the nearer source of A's read, but
    // that contradicts B's read of A's 4; the values settle it.
    TraceBuilder b(Shape::NoSync);
    b.expectCounter(14);
    b.increment(B, 10);         // 1
    b.load(A, 30, b.counter()); // 1, then A stalls
    std::uint64_t ns = 30;
    for (int k = 0; k < 6; ++k)
        ns = b.increment(B, ns + 10); // B: 2 .. 7, the first 5 at 140
    b.store(A, 300, b.counter(), 2);  // stale: erases B's 2 .. 7
    b.increment(A, 400);              // 3
    b.increment(A, 500);              // 4
    b.load(B, 600, b.counter());      // 4
    b.store(B, 5000, b.counter(), 5); // really here; stamped when B ran again
    b.load(A, 700, b.counter());      // 5: B's new one
    b.store(A, 710, b.counter(), 6);
    b.increment(A, 800);          // 7
    b.load(B, 5100, b.counter()); // 7
    b.store(B, 5110, b.counter(), 8);
    const Trace trace = b.build();
    REQUIRE(shortfall(trace, b.counter()) == 6);

    const auto orders = counterModificationOrders(trace);
    REQUIRE(orders.size() == 1);
    CHECK(orders[0].conflicts == 0);
    CHECK(orders[0].sourceOf(at(trace, 700)) == at(trace, 5000));
    const auto stamps = writeStamps(orders[0], trace);
    CHECK(std::vector<std::uint64_t>(stamps.end() - 5, stamps.end()) ==
          std::vector<std::uint64_t>{510, 5000, 710, 810, 5110});

    std::vector<Finding> found;
    REQUIRE(findOnly(FindingKind::LostUpdate, trace, found) == 1);
    CHECK(found[0].sentence == "A wrote counter = 2 over B's 7: A had read 1, so 6 updates were lost.");
    // Timestamp order summed 9: B's late 5 over A's 7 looked like 3 more.
    CHECK(analyse(trace).count(FindingKind::LostUpdate) == 6);
}

TEST_CASE("analysis: contradictory values in a damaged trace neither hang nor lose writes",
          "[analysis][lost-update][clock][robustness]") {
    SECTION("each worker read the other's write after its own: no order satisfies both") {
        TraceBuilder b(Shape::NoSync);
        b.store(A, 100, b.counter(), 1);
        b.store(B, 110, b.counter(), 2);
        b.loadValue(A, 200, b.counter(), 2); // so B's 2 came after A's 1
        b.loadValue(B, 210, b.counter(), 1); // so A's 1 came after B's 2
        b.store(A, 300, b.counter(), 3);
        b.store(B, 310, b.counter(), 3);
        const Trace trace = b.build();
        const auto orders = counterModificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].conflicts >= 1);
        CHECK(writeStamps(orders[0], trace) == std::vector<std::uint64_t>{100, 110, 300, 310});
        std::vector<Finding> found;
        findOnly(FindingKind::LostUpdate, trace, found); // no crash, no hang
        for (const auto& finding : found)
            CHECK(finding.beginNs <= finding.endNs);
    }
    SECTION("scribbled values no write produced are read from nothing") {
        TraceBuilder b(Shape::NoSync);
        b.load(A, 100, b.counter());
        b.store(A, 110, b.counter(), 1);
        b.loadValue(B, 200, b.counter(), 0x7fff'ffff'ffff'ffff);
        b.store(B, 210, b.counter(), std::numeric_limits<std::int64_t>::min());
        const Trace trace = b.build();
        const auto orders = counterModificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].unsourced == 1);
        CHECK(orders[0].sourceOf(at(trace, 200)) == kNoEvent);
        CHECK(orders[0].sourceOf(at(trace, 100)) == kInitialValue);
        CHECK(writeStamps(orders[0], trace) == std::vector<std::uint64_t>{110, 210});
        CHECK(lostUpdatesOf(trace).size() == 1);
    }
    SECTION("ten thousand contradictions stay fast") {
        TraceBuilder b(Shape::NoSync);
        std::uint64_t ns = 0;
        for (std::int64_t k = 0; k < 10'000; ++k) {
            const std::int64_t v = 4 * k;
            b.store(A, ns += 10, b.counter(), v + 1);
            b.store(B, ns += 10, b.counter(), v + 2);
            b.loadValue(A, ns += 10, b.counter(), v + 2);
            b.loadValue(B, ns += 10, b.counter(), v + 1);
        }
        const Trace trace = b.build();
        const auto orders = counterModificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].conflicts >= 10'000);
        CHECK(orders[0].writes.size() == 20'000);
        std::vector<Finding> found;
        findOnly(FindingKind::LostUpdate, trace, found);
    }
    SECTION("one value written and read a hundred thousand times stays fast") {
        TraceBuilder b(Shape::NoSync);
        std::uint64_t ns = 0;
        for (int k = 0; k < 50'000; ++k) {
            b.store(static_cast<std::uint32_t>(k % 2), ns += 3, b.counter(), 7);
            b.loadValue(static_cast<std::uint32_t>(k % 2), ns += 3, b.counter(), 7);
        }
        const Trace trace = b.build();
        const auto orders = counterModificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].writes.size() == 50'000);
        CHECK(std::is_sorted(orders[0].writes.begin(), orders[0].writes.end()));
        CHECK(lostUpdatesOf(trace).empty());
    }
}
