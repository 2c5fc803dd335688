// The windowed deadline merge (trace/deadline_merge.hpp) must give the order the
// whole-trace merge gives, event for event, with the same counts: it only
// skips the work where the stamp order already is the answer.
#include "trace/deadline_merge.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace racetrace;
using namespace racetrace::merge;

namespace {

/// `workers` chains of events with rising stamps (now and then equal, and for
/// one worker now and then falling: a clock that went back), sorted by stamp
/// as the merge receives them.
std::vector<Event> stampedEvents(std::mt19937& random, std::size_t count, std::uint8_t workers) {
    std::vector<Event> events(count);
    std::vector<std::uint64_t> clock(workers, 1000);
    std::vector<std::uint32_t> seq(workers, 0);
    std::uniform_int_distribution<int> step(0, 40);
    for (Event& e : events) {
        e = Event{};
        e.worker = static_cast<std::uint8_t>(random() % workers);
        const int jump = step(random);
        clock[e.worker] = e.worker == 0 && jump == 0 ? clock[e.worker] - 30 : clock[e.worker] + jump;
        e.timestamp = clock[e.worker];
        e.seq = seq[e.worker]++;
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return a.timestamp != b.timestamp ? a.timestamp < b.timestamp
               : a.worker != b.worker     ? a.worker < b.worker
                                          : a.seq < b.seq;
    });
    return events;
}

/// Edges between other workers' events: most point forward a little, some
/// backward (a late stamp), a few far back (they make cycles with program order).
std::vector<Edge> randomEdges(std::mt19937& random, const std::vector<Event>& events, std::size_t count) {
    std::vector<Edge> edges;
    const auto n = static_cast<Index>(events.size());
    while (edges.size() < count) {
        const Index from = static_cast<Index>(random() % n);
        const int kind = static_cast<int>(random() % 100);
        const std::int64_t reach = kind < 80   ? 1 + random() % 20
                                   : kind < 97 ? -(1 + std::int64_t(random() % 15))
                                               : -(1 + std::int64_t(random() % 200));
        const std::int64_t to = std::int64_t{from} + reach;
        if (to < 0 || to >= n || events[from].worker == events[static_cast<Index>(to)].worker) continue;
        edges.push_back({from, static_cast<Index>(to)});
    }
    return edges;
}

} // namespace

TEST_CASE("deadline merge: the windowed merge orders every event as the whole-trace merge does", "[trace][order]") {
    std::mt19937 random(20261204);
    std::size_t movedSomewhere = 0;
    std::size_t conflictsSomewhere = 0;
    for (int trial = 0; trial < 300; ++trial) {
        INFO("trial " << trial);
        const std::size_t count = 50 + random() % 2000;
        const std::vector<Event> events = stampedEvents(random, count, static_cast<std::uint8_t>(2 + random() % 4));
        const std::vector<Edge> edges = randomEdges(random, events, random() % (count / 4 + 1));
        EventOrderRepair whole;
        const std::vector<Index> expected = deadlineMerge(events, edges, whole);
        EventOrderRepair windowed;
        const Reordering reordering = windowedDeadlineMerge(events, edges, windowed);
        REQUIRE(reordering.fullOrder(events.size()) == expected);
        CHECK(windowed.moved == whole.moved);
        CHECK(windowed.conflicts == whole.conflicts);
        movedSomewhere += whole.moved > 0;
        conflictsSomewhere += whole.conflicts > 0;
        // positionOf is the inverse of the order, and apply puts the events there.
        for (Index k = 0; k < expected.size(); ++k)
            REQUIRE(reordering.positionOf(expected[k]) == k);
        std::vector<Event> applied = events;
        reordering.apply(applied);
        for (Index k = 0; k < expected.size(); ++k)
            REQUIRE((applied[k].worker == events[expected[k]].worker && applied[k].seq == events[expected[k]].seq));
    }
    // The trials must have exercised what they are about.
    CHECK(movedSomewhere > 200);
    CHECK(conflictsSomewhere > 50);
}

TEST_CASE("deadline merge: a trace whose edges all point forward is left as it is, with nothing to reorder",
          "[trace][order]") {
    std::mt19937 random(7);
    std::vector<Event> events = stampedEvents(random, 500, 2);
    for (std::uint32_t i = 0; i < events.size(); ++i)
        events[i].timestamp = 1000 + i, events[i].seq = i; // one clock, no inversions
    std::vector<Edge> edges;
    for (Index i = 0; i + 3 < events.size(); i += 3)
        edges.push_back({i, i + 3});
    EventOrderRepair repair;
    const Reordering reordering = windowedDeadlineMerge(events, edges, repair);
    CHECK(reordering.stretches.empty());
    CHECK(repair.moved == 0);
    CHECK(repair.conflicts == 0);
}
