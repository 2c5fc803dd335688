// The value-consistent merge (see event_order.hpp). Three steps:
//
// 1. Constraints from values, as edges between events, per location (variable,
//    word), from its modification order (the order its writes took effect) and
//    each read's source (the write it returned):
//
//        W1 -> W2        consecutive writes of the location
//        W  -> R         R returned W
//        R  -> next(W)   R came before the next write of another value (for a
//                        read of the initial value: the first such write)
//
//    and from what each channel call found (trace/channel_order.hpp).
//
// 2. A deadline per event: the smallest stamp among the events it must precede
//    (through those edges and its own worker's later events). A stamp read late
//    (the worker was interrupted after the access) is larger than the deadline,
//    which is when the access must have happened at the latest.
//
// 3. Kahn's topological merge of the workers' program orders plus the edges,
//    the smallest deadline first (ties: the stamp order). A cycle means no
//    single memory order explains every read (x86 lets a load pass an earlier
//    store to another location, and a value written twice can be attributed to
//    the wrong write): the earliest head goes anyway and is counted.
//    Steps 2 and 3 run only on the stretches that backward edges span
//    (trace/deadline_merge.hpp): elsewhere the stamp order already is the answer.
//
// Finally stamps are lowered, never raised, where an event now stands before
// events stamped earlier (clock reads come after accesses, so a late stamp is
// the likely error). n log n overall; a trace without shared reads is untouched.
#include "trace/event_order.hpp"

#include "trace/channel_order.hpp"
#include "trace/deadline_merge.hpp"
#include "trace/modification_order.hpp"
#include "trace/parallel_tasks.hpp"
#include "trace/phase_timer.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <queue>
#include <set>

namespace racetrace {

namespace {

using merge::Edge;
using merge::Index;
using merge::kNoIndex;
constexpr std::uint64_t kUnset = std::numeric_limits<std::uint64_t>::max();

/// Step 1 for one location: its edges appended to `edges`. `positionOf` maps
/// each of the location's writes (an event index) to its position in
/// order.writes; this fills those entries (locations own disjoint writes).
void locationEdges(const std::vector<Event>& events, const ModificationOrder& order, std::vector<Index>& positionOf,
                   std::vector<Edge>& edges) {
    const auto add = [&](std::uint64_t from, std::uint64_t to) {
        if (from != to) edges.push_back({static_cast<Index>(from), static_cast<Index>(to)});
    };
    const auto& writes = order.writes;
    for (std::size_t k = 0; k < writes.size(); ++k) {
        positionOf[writes[k]] = static_cast<Index>(k);
        if (k > 0) add(writes[k - 1], writes[k]);
    }
    // Per position, the next write of another value: writing the same value
    // again (two workers both stored 5) changes nothing a read can see.
    std::vector<std::uint64_t> changedBy(writes.size() + 1, kNoEvent);
    for (std::size_t k = writes.size(); k-- > 1;)
        changedBy[k - 1] =
            writtenValue(events[writes[k]]) != writtenValue(events[writes[k - 1]]) ? writes[k] : changedBy[k];
    const auto overwriterOf = [&](std::uint64_t write) {
        const Index k = positionOf[write];
        return k < writes.size() && writes[k] == write ? changedBy[k] : kNoEvent;
    };
    std::uint64_t firstChange = kUnset; // position of the first write that changed the initial value
    for (const auto& [read, source] : order.sources) {
        if (source == kNoEvent) continue; // no write of that value: nothing to say
        std::uint64_t next = kNoEvent;
        if (source == kInitialValue) {
            // Before the first write of another value than the initial one
            // (every read of the initial value returned that same value).
            if (firstChange == kUnset)
                firstChange = static_cast<std::uint64_t>(
                    std::find_if(writes.begin(), writes.end(),
                                 [&](std::uint64_t w) { return writtenValue(events[w]) != events[read].value; }) -
                    writes.begin());
            if (firstChange < writes.size()) next = writes[firstChange];
        } else {
            add(source, read);
            next = source < events.size() ? overwriterOf(source) : kNoEvent;
        }
        if (next != kNoEvent) add(read, next);
    }
}

/// Step 1. `orders` are the trace's modification orders (event indices); the
/// locations' edges are worked out side by side and joined in location order.
std::vector<Edge> valueEdges(const std::vector<Event>& events, const std::vector<ModificationOrder>& orders) {
    std::vector<Index> positionOf(events.size());
    std::vector<std::vector<Edge>> perLocation(orders.size());
    runTasks(orders.size(), [&](std::size_t k) { locationEdges(events, orders[k], positionOf, perLocation[k]); });
    std::size_t total = 0;
    for (const auto& location : perLocation)
        total += location.size();
    std::vector<Edge> edges;
    edges.reserve(total);
    for (auto& location : perLocation) {
        edges.insert(edges.end(), location.begin(), location.end());
        location = {};
    }
    return edges;
}

/// The orders' event indices after the merge moved the events.
void renumber(std::vector<ModificationOrder>& orders, const merge::Reordering& reordering, std::size_t eventCount) {
    const auto moved = [&](std::uint64_t event) {
        return event < eventCount ? std::uint64_t{reordering.positionOf(static_cast<Index>(event))} : event;
    };
    for (ModificationOrder& location : orders) {
        for (std::uint64_t& write : location.writes)
            write = moved(write);
        for (auto& [read, source] : location.sources)
            read = moved(read), source = moved(source); // kInitialValue and kNoEvent stay as they are
        if (!std::is_sorted(location.sources.begin(), location.sources.end()))
            std::sort(location.sources.begin(), location.sources.end());
    }
}

/// Stamp order: ties go to the lower worker, then the lower seq.
bool stampedEarlier(const Event& a, const Event& b) {
    if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
    if (a.worker != b.worker) return a.worker < b.worker;
    return a.seq < b.seq;
}

/// Sorts by stamp (ties: worker, then seq). The events arrive as one rising
/// run per worker (a worker's stamps rise in program order), so merging the
/// runs takes one pass per doubling of the workers where sorting took ~20
/// (6 M events: 0.7 s).
void sortByStamp(std::vector<Event>& events) {
    const auto earlier = [](const Event& a, const Event& b) { return stampedEarlier(a, b); };
    std::vector<std::size_t> runs{0};
    for (std::size_t i = 1; i < events.size(); ++i)
        if (earlier(events[i], events[i - 1])) runs.push_back(i);
    runs.push_back(events.size());
    constexpr std::size_t kMostRuns = 64; // more: a clock jumping back and forth; sort
    if (runs.size() - 1 > kMostRuns) {
        std::stable_sort(events.begin(), events.end(), earlier);
    } else {
        while (runs.size() > 2) {
            std::vector<std::size_t> merged{0};
            for (std::size_t r = 0; r + 2 < runs.size(); r += 2) {
                std::inplace_merge(events.begin() + static_cast<std::ptrdiff_t>(runs[r]),
                                   events.begin() + static_cast<std::ptrdiff_t>(runs[r + 1]),
                                   events.begin() + static_cast<std::ptrdiff_t>(runs[r + 2]), earlier);
                merged.push_back(runs[r + 2]);
            }
            if (merged.back() != events.size()) merged.push_back(events.size());
            runs = std::move(merged);
        }
    }
}

/// Merges `second` into `first`, which has room for both: from the back, so
/// every write lands at or after the last unread event of `first` (fresh
/// memory costs more here than the merge: BM_FreshMemory). As std::merge, at
/// equal stamps `first`'s event comes first.
void mergeIntoFirst(std::vector<Event>& first, const std::vector<Event>& second) {
    std::size_t i = first.size(), j = second.size(), k = first.size() + second.size();
    first.resize(k);
    while (j > 0) {
        --k;
        if (i > 0 && stampedEarlier(second[j - 1], first[i - 1]))
            first[k] = first[--i];
        else
            first[k] = second[--j];
    }
}

} // namespace

void mergeStampedRuns(std::vector<std::vector<Event>>& runs, std::vector<Event>& out) {
    std::size_t total = out.size();
    for (const auto& run : runs)
        total += run.size();
    if (runs.size() == 2 && out.empty() && runs[0].capacity() >= total) {
        mergeIntoFirst(runs[0], runs[1]);
        out = std::move(runs[0]);
        runs = {};
        return;
    }
    out.reserve(total);
    if (runs.size() == 2) {
        std::merge(runs[0].begin(), runs[0].end(), runs[1].begin(), runs[1].end(), std::back_inserter(out),
                   [](const Event& a, const Event& b) { return stampedEarlier(a, b); });
    } else {
        // The earliest head of each run, in a heap; a run's next event replaces it.
        using Head = std::pair<std::size_t, std::size_t>; // (run, position)
        const auto later = [&](const Head& a, const Head& b) {
            return stampedEarlier(runs[b.first][b.second], runs[a.first][a.second]);
        };
        std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
        for (std::size_t r = 0; r < runs.size(); ++r)
            if (!runs[r].empty()) heads.push({r, 0});
        while (!heads.empty()) {
            const auto [r, k] = heads.top();
            heads.pop();
            out.push_back(runs[r][k]);
            if (k + 1 < runs[r].size()) heads.push({r, k + 1});
        }
    }
    for (auto& run : runs)
        run = {};
}

void sortEventsByTimestamp(Trace& trace) {
    auto& events = trace.events;
    sortByStamp(events);
    std::vector<std::set<std::uint16_t>> cpus(trace.workers.size());
    std::vector<std::uint32_t> lastCpu(trace.workers.size(), ~0u); // a worker stays on one CPU for long stretches
    for (const auto& event : events)
        if (event.worker < cpus.size() && event.kind != EventKind::WorkerKilled && event.cpu != lastCpu[event.worker]) {
            cpus[event.worker].insert(event.cpu);
            lastCpu[event.worker] = event.cpu;
        }
    for (std::size_t i = 0; i < trace.workers.size(); ++i)
        trace.workers[i].cpus.assign(cpus[i].begin(), cpus[i].end());
}

EventOrderRepair finalizeEventOrder(Trace& trace) {
    PhaseTimer phase("ordering the events: by their stamps");
    sortEventsByTimestamp(trace);
    trace.memoryOrders.reset();
    EventOrderRepair repair;
    auto& events = trace.events;
    if (events.size() >= kNoIndex) return repair;
    phase.next("ordering the events: each variable's writes");
    auto orders = std::make_shared<std::vector<ModificationOrder>>(modificationOrders(trace));
    trace.memoryOrders = orders; // still right if nothing moves below
    phase.next("ordering the events: what each read returned");
    std::vector<Edge> edges = valueEdges(events, *orders);
    for (const auto& [before, after] : channelOrderEdges(trace))
        edges.push_back({before, after});
    if (events.size() < 2 || edges.empty()) return repair;

    phase.next("ordering the events: merging the workers");
    const merge::Reordering reordering = merge::windowedDeadlineMerge(events, edges, repair);
    if (repair.moved == 0 && repair.conflicts == 0) return repair;

    phase.next("ordering the events: moving them");
    renumber(*orders, reordering, events.size());
    reordering.apply(events);
    // Lower stamps that now stand before smaller ones, from the end backwards.
    std::uint64_t later = kUnset;
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->timestamp > later) {
            repair.maxShiftNs = std::max(repair.maxShiftNs, it->timestamp - later);
            ++repair.restamped;
            it->timestamp = later;
        } else {
            later = it->timestamp;
        }
    }
    return repair;
}

} // namespace racetrace
