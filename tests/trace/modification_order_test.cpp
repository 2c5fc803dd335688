// Modification orders (trace/modification_order.hpp) on small hand-built traces:
// each location's writes in the order the values prove, and the write each read
// returned. The TraceBuilder simulates memory in the order its methods are
// called (the true order) while each event gets the stamp it is given, so a
// test can stamp events the wrong way round, as a clock read late does.
#include "trace/modification_order.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

using namespace racetrace;
using namespace racetrace::test;

namespace {

/// The index of the event stamped `ns` (stamps are unique in these traces).
std::uint64_t at(const Trace& trace, std::uint64_t ns) {
    for (std::uint64_t i = 0; i < trace.events.size(); ++i)
        if (trace.events[i].timestamp == ns) return i;
    FAIL("no event at " << ns);
    return kNoEvent;
}

/// The order's writes as their stamps.
std::vector<std::uint64_t> writeStamps(const ModificationOrder& order, const Trace& trace) {
    std::vector<std::uint64_t> stamps;
    for (const auto i : order.writes)
        stamps.push_back(trace.events[i].timestamp);
    return stamps;
}

/// The order of (variable, word), which must be there.
const ModificationOrder& orderOf(const std::vector<ModificationOrder>& orders, std::uint16_t variable,
                                 std::uint32_t word = 0) {
    const auto it = std::find_if(orders.begin(), orders.end(),
                                 [&](const ModificationOrder& o) { return o.variable == variable && o.word == word; });
    REQUIRE(it != orders.end());
    return *it;
}

bool mentions(const ModificationOrder& order, std::uint64_t event) {
    return std::find(order.writes.begin(), order.writes.end(), event) != order.writes.end() ||
           std::any_of(order.sources.begin(), order.sources.end(),
                       [&](const auto& source) { return source.first == event || source.second == event; });
}

} // namespace

TEST_CASE("modification order: writes follow the values, not misleading stamps", "[trace][modification-order]") {
    SECTION("a store stamped late, whose value the other worker had read before its own store") {
        TraceBuilder b(Shape::NoSync);
        b.store(A, 300, b.counter(), 1); // reached memory first; its clock was read late
        b.load(B, 200, b.counter());     // 1
        b.store(B, 250, b.counter(), 2);
        const Trace trace = b.build();
        REQUIRE(trace.finalValue(b.counter()) == 2);

        const auto orders = modificationOrders(trace);
        REQUIRE(orders.size() == 1);
        const ModificationOrder& counter = orders[0];
        CHECK(counter.variable == b.counter());
        CHECK(counter.word == 0);
        CHECK(writeStamps(counter, trace) == std::vector<std::uint64_t>{300, 250});
        CHECK(counter.moved == 1);
        CHECK(counter.conflicts == 0);
        CHECK(counter.unsourced == 0);
        CHECK(counter.sourceOf(at(trace, 200)) == at(trace, 300));
    }
    SECTION("a store stamped early, before the reader's own store it came after") {
        TraceBuilder b(Shape::NoSync);
        b.store(A, 100, b.counter(), 1);
        b.store(B, 50, b.counter(), 2); // reached memory after A's 1; its clock was read early
        b.load(A, 200, b.counter());    // 2: so B's store came after A's
        const Trace trace = b.build();

        const auto orders = modificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(writeStamps(orders[0], trace) == std::vector<std::uint64_t>{100, 50});
        CHECK(orders[0].moved == 1);
        CHECK(orders[0].conflicts == 0);
        CHECK(orders[0].sourceOf(at(trace, 200)) == at(trace, 50));
    }
    SECTION("the same accesses stamped in their true order keep it") {
        TraceBuilder b(Shape::NoSync);
        b.store(A, 100, b.counter(), 1);
        b.load(B, 200, b.counter()); // 1
        b.store(B, 250, b.counter(), 2);
        const Trace trace = b.build();

        const auto orders = modificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(writeStamps(orders[0], trace) == std::vector<std::uint64_t>{100, 250});
        CHECK(orders[0].moved == 0);
        CHECK(orders[0].conflicts == 0);
        CHECK(orders[0].sourceOf(at(trace, 200)) == at(trace, 100));
    }
}

TEST_CASE("modification order: a read's source is the latest write of its value", "[trace][modification-order]") {
    TraceBuilder b(Shape::NoSync);
    b.store(A, 100, b.counter(), 1);
    b.store(B, 200, b.counter(), 2);
    b.load(A, 300, b.counter()); // 2: B's
    b.store(B, 400, b.counter(), 1);
    b.load(A, 500, b.counter()); // 1: B's second write, not A's own older write of 1
    b.load(B, 600, b.counter()); // 1: B's own
    const Trace trace = b.build();

    const auto orders = modificationOrders(trace);
    REQUIRE(orders.size() == 1);
    const ModificationOrder& counter = orders[0];
    CHECK(writeStamps(counter, trace) == std::vector<std::uint64_t>{100, 200, 400});
    CHECK(counter.sourceOf(at(trace, 300)) == at(trace, 200));
    CHECK(counter.sourceOf(at(trace, 500)) == at(trace, 400));
    CHECK(counter.sourceOf(at(trace, 600)) == at(trace, 400));
    // Every read has one entry, sorted by read.
    CHECK(counter.sources == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{at(trace, 300), at(trace, 200)},
                                                                                  {at(trace, 500), at(trace, 400)},
                                                                                  {at(trace, 600), at(trace, 400)}});
    CHECK(counter.moved == 0);
    CHECK(counter.conflicts == 0);
    // A write is not a read: it has no source.
    CHECK(counter.sourceOf(at(trace, 100)) == kNoEvent);
}

TEST_CASE("modification order: a worker's older writes are hidden behind its latest one",
          "[trace][modification-order]") {
    TraceBuilder b(Shape::NoSync);
    b.store(A, 100, b.counter(), 1);
    b.store(A, 200, b.counter(), 2);
    b.store(B, 400, b.counter(), 1); // stamped late
    b.load(A, 250, b.counter());     // 1: not A's own first write, which its 2 had replaced
    const Trace trace = b.build();

    const auto orders = modificationOrders(trace);
    REQUIRE(orders.size() == 1);
    CHECK(orders[0].sourceOf(at(trace, 250)) == at(trace, 400));
    CHECK(writeStamps(orders[0], trace) == std::vector<std::uint64_t>{100, 200, 400});
    CHECK(orders[0].conflicts == 0);
}

TEST_CASE("modification order: reads of the initial value", "[trace][modification-order]") {
    TraceBuilder b(Shape::NaiveFlag); // Y starts at 1 (free)
    b.load(A, 100, b.guard());        // 1: the initial value
    b.store(A, 200, b.guard(), 0);
    b.loadValue(B, 210, b.guard(), 1); // 1, stamped after A's store: still the initial value (B never wrote Y)
    b.store(B, 220, b.guard(), 0);
    b.loadValue(A, 300, b.guard(), 1); // 1 after A's own store of 0: no write of 1 exists, and A's
                                       // own store hides the initial value from it
    const Trace trace = b.build();

    const auto orders = modificationOrders(trace);
    REQUIRE(orders.size() == 1);
    const ModificationOrder& flag = orders[0];
    CHECK(flag.variable == b.guard());
    CHECK(flag.sourceOf(at(trace, 100)) == kInitialValue);
    CHECK(flag.sourceOf(at(trace, 210)) == kInitialValue);
    CHECK(flag.sourceOf(at(trace, 300)) == kNoEvent);
    CHECK(flag.unsourced == 1);
    CHECK(writeStamps(flag, trace) == std::vector<std::uint64_t>{200, 220});
}

TEST_CASE("modification order: a read of a value nobody wrote is unsourced and counted",
          "[trace][modification-order]") {
    TraceBuilder b(Shape::NoSync);
    b.store(A, 100, b.counter(), 1);
    b.loadValue(B, 200, b.counter(), 42); // scribbled, or its write was dropped
    b.loadValue(B, 300, b.counter(), 43);
    b.load(A, 400, b.counter()); // 1
    const Trace trace = b.build();

    const auto orders = modificationOrders(trace);
    REQUIRE(orders.size() == 1);
    const ModificationOrder& counter = orders[0];
    CHECK(counter.unsourced == 2);
    REQUIRE(counter.sources.size() == 3); // listed all the same
    CHECK(counter.sources[0] == std::pair<std::uint64_t, std::uint64_t>{at(trace, 200), kNoEvent});
    CHECK(counter.sources[1] == std::pair<std::uint64_t, std::uint64_t>{at(trace, 300), kNoEvent});
    CHECK(counter.sourceOf(at(trace, 400)) == at(trace, 100));
    CHECK(writeStamps(counter, trace) == std::vector<std::uint64_t>{100});
    CHECK(counter.conflicts == 0);
}

TEST_CASE("modification order: atomics are reads and writes at once", "[trace][modification-order]") {
    SECTION("test-and-set: each exchange read the write before it") {
        TraceBuilder b(Shape::TasMutex);  // L starts at 0 (free)
        b.exchange(A, 100, b.guard(), 1); // read 0: the initial value
        b.exchange(B, 150, b.guard(), 1); // read 1: A's
        b.store(A, 200, b.guard(), 0);
        b.exchange(B, 300, b.guard(), 1); // read 0: A's release
        const Trace trace = b.build();

        const auto orders = modificationOrders(trace);
        REQUIRE(orders.size() == 1);
        const ModificationOrder& lock = orders[0];
        CHECK(writeStamps(lock, trace) == std::vector<std::uint64_t>{100, 150, 200, 300});
        CHECK(lock.sourceOf(at(trace, 100)) == kInitialValue);
        CHECK(lock.sourceOf(at(trace, 150)) == at(trace, 100));
        CHECK(lock.sourceOf(at(trace, 300)) == at(trace, 200));
        CHECK(lock.conflicts == 0);
    }
    SECTION("a failed compare-exchange only reads, a successful one only writes") {
        TraceBuilder b(Shape::NoSync);
        b.fetchAdd(A, 100, b.counter(), 1);           // read 0, wrote 1
        b.compareExchange(B, 200, b.counter(), 0, 5); // fails: saw 1
        b.compareExchange(B, 300, b.counter(), 1, 5); // succeeds: wrote 5
        b.load(A, 400, b.counter());                  // 5
        const Trace trace = b.build();
        REQUIRE(trace.finalValue(b.counter()) == 5);

        const auto orders = modificationOrders(trace);
        REQUIRE(orders.size() == 1);
        const ModificationOrder& counter = orders[0];
        CHECK(writeStamps(counter, trace) == std::vector<std::uint64_t>{100, 300});
        CHECK(counter.sources ==
              std::vector<std::pair<std::uint64_t, std::uint64_t>>{
                  {at(trace, 100), kInitialValue}, {at(trace, 200), at(trace, 100)}, {at(trace, 400), at(trace, 300)}});
    }
}

TEST_CASE("modification order: a spin reads what its worker's previous access read", "[trace][modification-order]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.store(A, 100, b.guard(), 0);
    b.load(B, 200, b.guard()); // 0
    b.spin(B, 300, 50);        // read 0 fifty more times
    b.store(A, 400, b.guard(), 1);
    b.load(B, 500, b.guard()); // 1
    const Trace trace = b.build();

    const auto orders = modificationOrders(trace);
    REQUIRE(orders.size() == 1);
    CHECK(orders[0].sourceOf(at(trace, 300)) == at(trace, 100));
    CHECK(orders[0].sourceOf(at(trace, 500)) == at(trace, 400));
    CHECK(orders[0].sources.size() == 3);
}

TEST_CASE("modification order: each word of a record is a location of its own", "[trace][modification-order]") {
    TraceBuilder b(Shape::NoSync, 2, 3); // X has 3 words
    // A writes X back to front, so the trace touches word 2 first.
    b.recordWrite(A, 100, 2);
    b.recordWrite(A, 110, 1);
    b.recordWrite(A, 120, 0);
    b.recordWrite(B, 130, 1);                                     // over A's word 1
    b.recordCheck(A, 200, 0);                                     // A's signature
    b.recordCheck(A, 210, 1);                                     // B's
    b.recordCheck(A, 220, 2);                                     // A's
    const std::uint64_t swap = b.exchange(B, 300, b.record(), 9); // which word? the event cannot say
    Trace trace = b.build();
    REQUIRE(trace.events[swap].kind == EventKind::Exchange);

    // Events a location cannot hold: a word past the record's end, a variable the scenario lacks.
    Event pastTheEnd = trace.events[at(trace, 130)];
    pastTheEnd.timestamp = 400;
    pastTheEnd.seq = trace.events[swap].seq + 1;
    pastTheEnd.aux = 3;
    Event noSuchVariable = pastTheEnd;
    noSuchVariable.timestamp = 410;
    noSuchVariable.seq = pastTheEnd.seq + 1;
    noSuchVariable.aux = 0;
    noSuchVariable.variable = 7;
    trace.events.push_back(pastTheEnd);
    trace.events.push_back(noSuchVariable);

    const auto orders = modificationOrders(trace);
    REQUIRE(orders.size() == 3); // X[0], X[1], X[2]; the counter was never touched
    for (std::uint32_t word = 0; word < 3; ++word) {
        INFO("word " << word);
        CHECK(orders[word].variable == b.record()); // in word order, whatever order the trace touched them in
        CHECK(orders[word].word == word);
        CHECK(orders[word].conflicts == 0);
        CHECK(orders[word].unsourced == 0);
    }
    CHECK(writeStamps(orders[0], trace) == std::vector<std::uint64_t>{120});
    CHECK(writeStamps(orders[1], trace) == std::vector<std::uint64_t>{110, 130});
    CHECK(writeStamps(orders[2], trace) == std::vector<std::uint64_t>{100});
    CHECK(orders[0].sourceOf(at(trace, 200)) == at(trace, 120));
    CHECK(orders[1].sourceOf(at(trace, 210)) == at(trace, 130));
    CHECK(orders[2].sourceOf(at(trace, 220)) == at(trace, 100));
    for (const auto& order : orders) {
        CHECK(order.sources.size() == 1); // each check is a read of its own word only
        CHECK_FALSE(mentions(order, swap));
        CHECK_FALSE(mentions(order, at(trace, 400)));
        CHECK_FALSE(mentions(order, at(trace, 410)));
    }
}

TEST_CASE("modification order: every counter gets one, touched or not", "[trace][modification-order]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.load(A, 100, b.guard());
    b.store(A, 110, b.guard(), 0);
    Trace trace = b.build();
    // A second counter after the record, which nothing touches either.
    const std::uint32_t end = static_cast<std::uint32_t>(trace.finalWords.size());
    trace.scenario.variables.push_back(declareVariable("other", VariableRole::Counter, 1, 0, end));
    trace.finalWords.push_back(0);
    const auto other = static_cast<std::uint16_t>(trace.scenario.variables.size() - 1);

    const auto all = modificationOrders(trace);
    REQUIRE(all.size() == 1); // only Y was accessed
    CHECK(all[0].variable == b.guard());

    const auto counters = counterModificationOrders(trace, all);
    REQUIRE(counters.size() == 2); // in variable order, the flag and the record left out
    CHECK(counters[0].variable == b.counter());
    CHECK(counters[1].variable == other);
    for (const auto& order : counters) {
        CHECK(order.word == 0);
        CHECK(order.writes.empty());
        CHECK(order.sources.empty());
        CHECK(order.moved == 0);
        CHECK(order.unsourced == 0);
        CHECK(order.conflicts == 0);
    }
    CHECK(counterModificationOrders(trace).size() == 2);
}

TEST_CASE("modification order: counter orders are the counters' word-0 orders", "[trace][modification-order]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.serialIteration(A, 100);
    b.serialIteration(B, 1000);
    const Trace trace = b.build();

    const auto all = modificationOrders(trace);
    const auto counters = counterModificationOrders(trace, all);
    REQUIRE(counters.size() == 1);
    const ModificationOrder& expected = orderOf(all, b.counter());
    CHECK(counters[0].variable == b.counter());
    CHECK(counters[0].writes == expected.writes);
    CHECK(counters[0].sources == expected.sources);
    CHECK(counters[0].writes.size() == 2);

    // The one-argument form works the orders out itself, to the same result.
    const auto computed = counterModificationOrders(trace);
    REQUIRE(computed.size() == 1);
    CHECK(computed[0].writes == expected.writes);
    CHECK(computed[0].sources == expected.sources);

    // Every location the iterations touched, in variable then word order.
    std::vector<std::pair<std::uint16_t, std::uint32_t>> locations;
    for (const auto& order : all)
        locations.emplace_back(order.variable, order.word);
    CHECK(std::is_sorted(locations.begin(), locations.end()));
    CHECK(locations.size() == 1 + 1 + 4); // Y, counter, X[0..3]
}

TEST_CASE("modification order: no source is chosen across events that went missing", "[trace][modification-order]") {
    // B's load of 5 is stamped 50 ns before A's store of 5. With nothing
    // missing, the store's stamp was late and it is the source. With C's
    // events dropped around that time, a dropped write of 5 is as likely: the
    // read has no source rather than one that moves A's store.
    const auto build = [](bool dropped) {
        TraceBuilder b(Shape::NoSync, 3);
        b.csEnter(C, 10);
        const std::uint64_t read = b.loadValue(B, 50, b.counter(), 5);
        const std::uint64_t write = b.store(A, 100, b.counter(), 5);
        b.csExit(C, 200);
        Trace trace = b.build();
        if (dropped)
            for (Event& e : trace.events)
                if (e.worker == C && e.kind == EventKind::CsExit) e.seq += 40; // seq 1..40 were dropped
        return std::tuple{trace, read, write};
    };
    {
        const auto [trace, read, write] = build(false);
        const auto orders = counterModificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].sourceOf(read) == write);
    }
    {
        const auto [trace, read, write] = build(true);
        const auto orders = counterModificationOrders(trace);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].sourceOf(read) == kNoEvent);
        CHECK(orders[0].unsourced == 1);
    }
}

// A saved trace keeps what of the run's orders its own order does not say
// (Trace::keptOrders): the reads whose source is not the latest write, the
// writes placed otherwise, a location's conflicts. modificationOrders takes
// them instead of searching, but only where they fit the trace: anything a
// file could say that is not a write of the read's value, or not the same
// writes in another order, sends the location back to the search.
TEST_CASE("modification order: what a file kept of the run's orders is used where it fits",
          "[trace][modification-order]") {
    TraceBuilder b(Shape::NoSync);
    b.store(A, 100, b.counter(), 1);
    b.load(A, 300, b.counter()); // 1, A's own: B's 2, stamped earlier, reached memory after this load
    b.store(B, 200, b.counter(), 2);
    b.load(B, 400, b.counter()); // 2
    Trace trace = b.build();
    const std::uint64_t a1 = at(trace, 100), b2 = at(trace, 200), aLoad = at(trace, 300);
    const auto searched = modificationOrders(trace, OrderFinding::SearchEveryLocation);
    REQUIRE(searched.size() == 1);
    REQUIRE(searched[0].sourceOf(aLoad) == a1);

    KeptMemoryOrders kept;
    kept.readsUnlikeTraceOrder = {{aLoad, a1}};
    // Conflicts are the one thing no search of this trace gives: they show whether the kept list was used.
    kept.locations = {{b.counter(), 0, 3, {}}};
    const auto withKept = [&](const KeptMemoryOrders& k) {
        trace.keptOrders = k;
        const auto orders = modificationOrders(trace);
        REQUIRE(orders.size() == 1);
        return orders[0];
    };
    SECTION("a kept source that is a write of the read's value is taken") {
        const ModificationOrder order = withKept(kept);
        CHECK(order.sources == searched[0].sources);
        CHECK(order.writes == std::vector<std::uint64_t>{a1, b2}); // the trace's order: none kept
        CHECK(order.conflicts == 3);
    }
    SECTION("writes kept in another order are placed so") {
        // The search puts B's 2 first (B then read its own 2 after A's 1): a run keeps that.
        REQUIRE(searched[0].writes == std::vector<std::uint64_t>{b2, a1});
        kept.locations[0].writesUnlikeTraceOrder = {{0, b2}, {1, a1}};
        const ModificationOrder order = withKept(kept);
        CHECK(order.writes == searched[0].writes);
        CHECK(order.sources == searched[0].sources);
        CHECK(order.conflicts == 3);
    }
    SECTION("what does not fit the trace sends the location to the search") {
        auto bad = kept;
        SECTION("a source that wrote another value") {
            bad.readsUnlikeTraceOrder = {{aLoad, b2}};
        }
        SECTION("a source that is no event") {
            bad.readsUnlikeTraceOrder = {{aLoad, trace.events.size() + 5}};
        }
        SECTION("the initial value, which the read did not return") {
            bad.readsUnlikeTraceOrder = {{aLoad, kInitialValue}};
        }
        SECTION("a disagreeing read with nothing kept for it") {
            bad.readsUnlikeTraceOrder.clear();
        }
        SECTION("a write placed twice") {
            bad.locations[0].writesUnlikeTraceOrder = {{0, b2}};
        }
        SECTION("a position past the writes") {
            bad.locations[0].writesUnlikeTraceOrder = {{0, b2}, {7, a1}};
        }
        SECTION("the location named as searched") {
            bad.searched = {{b.counter(), 0}};
        }
        const ModificationOrder order = withKept(bad);
        CHECK(order.sources == searched[0].sources);
        CHECK(order.writes == searched[0].writes);
        CHECK(order.conflicts == 0);
    }
}

TEST_CASE("modification order: an atomic exchange stands right after the write it read",
          "[trace][modification-order]") {
    SECTION("a release stamped between a spinner's exchange and its spin goes after the spin") {
        // The true order: A takes L; B's exchange reads A's 1, B spins on it; A releases; B takes L.
        TraceBuilder b(Shape::TasMutex);
        b.exchange(A, 100, b.guard(), 1); // read 0
        b.exchange(B, 200, b.guard(), 1); // read 1: A's
        b.spin(B, 270, 5);                // read 1 five more times, its clock read late
        b.store(A, 231, b.guard(), 0);    // nearer B's exchange than B's spin by the stamps
        b.exchange(B, 300, b.guard(), 1); // read 0: A's release
        const Trace trace = b.build();

        const auto orders = modificationOrders(trace);
        const ModificationOrder& lock = orderOf(orders, b.guard());
        CHECK(writeStamps(lock, trace) == std::vector<std::uint64_t>{100, 200, 231, 300});
        CHECK(lock.sourceOf(at(trace, 200)) == at(trace, 100));
        CHECK(lock.sourceOf(at(trace, 300)) == at(trace, 231));
        CHECK(lock.conflicts == 0);
    }
    SECTION("a release stamped late, after many of the other worker's own, is still found") {
        // A's second release was stamped late (A was preempted before its clock
        // read) while B took and released L twenty times, starting from it.
        TraceBuilder b(Shape::TasMutex);
        b.exchange(A, 100, b.guard(), 1); // read 0: the initial value
        b.store(A, 150, b.guard(), 0);
        b.exchange(A, 160, b.guard(), 1); // read 0: A's first release
        b.store(A, 5000, b.guard(), 0);   // reached memory at about 200
        std::uint64_t ns = 210;
        for (int k = 0; k < 20; ++k) {
            b.exchange(B, ns, b.guard(), 1); // read 0: A's late release first, then B's own
            b.store(B, ns + 10, b.guard(), 0);
            ns += 20;
        }
        const Trace trace = b.build();

        const auto orders = modificationOrders(trace);
        const ModificationOrder& lock = orderOf(orders, b.guard());
        CHECK(lock.sourceOf(at(trace, 160)) == at(trace, 150));
        CHECK(lock.sourceOf(at(trace, 210)) == at(trace, 5000));
        CHECK(lock.conflicts == 0);
        const auto stamps = writeStamps(lock, trace);
        REQUIRE(stamps.size() == 44);
        CHECK(std::vector<std::uint64_t>(stamps.begin(), stamps.begin() + 5) ==
              std::vector<std::uint64_t>{100, 150, 160, 5000, 210});
    }
}
