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
//
// Finally stamps are lowered, never raised, where an event now stands before
// events stamped earlier (clock reads come after accesses, so a late stamp is
// the likely error). n log n overall; a trace without shared reads is untouched.
#include "trace/event_order.hpp"

#include "trace/channel_order.hpp"
#include "trace/modification_order.hpp"
#include "trace/phase_timer.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <set>

namespace racetrace {

namespace {

using Index = std::uint32_t;
constexpr Index kNoIndex = std::numeric_limits<Index>::max();
constexpr std::uint64_t kUnset = std::numeric_limits<std::uint64_t>::max();

struct Edge {
    Index from;
    Index to;
};

/// Step 1. `orders` are the trace's modification orders (event indices).
std::vector<Edge> valueEdges(const std::vector<Event>& events, const std::vector<ModificationOrder>& orders) {
    std::vector<Edge> edges;
    const auto add = [&](std::uint64_t from, std::uint64_t to) {
        if (from != to) edges.push_back({static_cast<Index>(from), static_cast<Index>(to)});
    };
    for (const ModificationOrder& order : orders) {
        const auto& writes = order.writes;
        for (std::size_t k = 1; k < writes.size(); ++k)
            add(writes[k - 1], writes[k]);
        // (write, its position in the order), to find what overwrote a read's source.
        std::vector<std::pair<std::uint64_t, std::size_t>> position(writes.size());
        for (std::size_t k = 0; k < writes.size(); ++k)
            position[k] = {writes[k], k};
        std::sort(position.begin(), position.end());
        // Per position, the next write of another value: writing the same value
        // again (two workers both stored 5) changes nothing a read can see.
        std::vector<std::uint64_t> changedBy(writes.size() + 1, kNoEvent);
        for (std::size_t k = writes.size(); k-- > 1;)
            changedBy[k - 1] =
                writtenValue(events[writes[k]]) != writtenValue(events[writes[k - 1]]) ? writes[k] : changedBy[k];
        const auto overwriterOf = [&](std::uint64_t write) {
            const auto it = std::lower_bound(position.begin(), position.end(), std::pair{write, std::size_t{0}});
            if (it == position.end() || it->first != write) return kNoEvent;
            return changedBy[it->second];
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
                next = overwriterOf(source);
            }
            if (next != kNoEvent) add(read, next);
        }
    }
    return edges;
}

/// Edges grouped by one end (compressed rows): the other ends of node i's edges
/// are ends[start[i] .. start[i + 1]).
struct Adjacency {
    std::vector<Index> start;
    std::vector<Index> ends;

    Adjacency(std::size_t nodes, const std::vector<Edge>& edges, bool byTarget)
        : start(nodes + 1, 0), ends(edges.size()) {
        for (const Edge& e : edges)
            ++start[(byTarget ? e.to : e.from) + 1];
        std::partial_sum(start.begin(), start.end(), start.begin());
        std::vector<Index> fill(start.begin(), start.end() - 1);
        for (const Edge& e : edges) {
            const Index key = byTarget ? e.to : e.from;
            ends[fill[key]++] = byTarget ? e.from : e.to;
        }
    }
};

/// Each worker's events in program order, as links between event indices.
struct ProgramOrder {
    std::vector<Index> previous;
    std::vector<Index> next;
    std::array<Index, kMaxWorkers> first;

    explicit ProgramOrder(const std::vector<Event>& events)
        : previous(events.size(), kNoIndex), next(events.size(), kNoIndex) {
        first.fill(kNoIndex);
        std::array<std::vector<Index>, kMaxWorkers> byWorker;
        for (Index i = 0; i < events.size(); ++i)
            byWorker[events[i].worker].push_back(i);
        for (auto& chain : byWorker) {
            // Stamp order is program order unless a clock went backwards; seq decides.
            std::stable_sort(chain.begin(), chain.end(),
                             [&](Index a, Index b) { return events[a].seq < events[b].seq; });
            if (chain.empty()) continue;
            first[events[chain.front()].worker] = chain.front();
            for (std::size_t k = 1; k < chain.size(); ++k) {
                next[chain[k - 1]] = chain[k];
                previous[chain[k]] = chain[k - 1];
            }
        }
    }
};

/// Step 2: deadline[i] = the smallest stamp among the events i must precede (and its own).
std::vector<std::uint64_t> deadlines(const std::vector<Event>& events, const ProgramOrder& program,
                                     const Adjacency& into) {
    // Visiting events in stamp order, each one's stamp is the deadline of every
    // not yet reached event that must precede it.
    std::vector<std::uint64_t> deadline(events.size(), kUnset);
    std::vector<Index> stack;
    for (Index v = 0; v < events.size(); ++v) {
        if (deadline[v] != kUnset) continue;
        const std::uint64_t stamp = events[v].timestamp;
        deadline[v] = stamp;
        stack.push_back(v);
        while (!stack.empty()) {
            const Index u = stack.back();
            stack.pop_back();
            const auto reach = [&](Index p) {
                if (p != kNoIndex && deadline[p] == kUnset) {
                    deadline[p] = stamp;
                    stack.push_back(p);
                }
            };
            reach(program.previous[u]);
            for (Index k = into.start[u]; k < into.start[u + 1]; ++k)
                reach(into.ends[k]);
        }
    }
    return deadline;
}

/// Step 3: the merged order, as event indices: Kahn's merge of the workers'
/// chains plus the value edges, the smallest deadline first.
class DeadlineMerge {
  public:
    DeadlineMerge(const std::vector<Event>& events, const ProgramOrder& program, const Adjacency& from,
                  const std::vector<std::uint64_t>& deadline)
        : m_events(events), m_program(program), m_from(from), m_deadline(deadline), m_waitingFor(events.size(), 0),
          m_placed(events.size(), false), m_head(program.first) {
        for (const Index to : from.ends)
            ++m_waitingFor[to];
        m_waitingKey.fill(kNoKey);
        for (std::size_t w = 0; w < m_head.size(); ++w)
            if (m_head[w] != kNoIndex) m_workers.push_back(static_cast<std::uint8_t>(w));
        for (const std::uint8_t w : m_workers)
            headChanged(w);
    }

    std::vector<Index> run(EventOrderRepair& repair) {
        const std::size_t n = m_events.size();
        std::vector<Index> order;
        order.reserve(n);
        Index firstUnplaced = 0;
        while (order.size() < n) {
            const Index x = next(repair);
            if (x == kNoIndex) break; // cannot happen: an unplaced event is some worker's head
            m_placed[x] = true;
            order.push_back(x);
            while (firstUnplaced < n && m_placed[firstUnplaced])
                ++firstUnplaced;
            if (x > firstUnplaced) ++repair.moved;
            release(x);
        }
        return order;
    }

  private:
    using Key = std::pair<std::uint64_t, Index>; // (deadline, stamp order)
    static constexpr Key kNoKey{kUnset, kNoIndex};

    /// The event to place next. Everything a waiting head waits for has a
    /// deadline no later than the head's own (deadlines only fall along the
    /// edges). So when nothing ready is due before the earliest waiting head,
    /// nothing ready can free it: the heads wait for each other, a cycle, and
    /// the earliest of them goes anyway. (Taking the ready event instead would
    /// move events of an unrelated worker, due much later, to here: after a
    /// worker's dropped events that once put its entry into another's
    /// critical section.)
    Index next(EventOrderRepair& repair) {
        while (!m_ready.empty() && m_placed[m_ready.top().second])
            m_ready.pop();
        const Index waiting = earliestWaitingHead();
        if (waiting != kNoIndex && (m_ready.empty() || m_deadline[m_ready.top().second] > m_deadline[waiting])) {
            ++repair.conflicts;
            return waiting;
        }
        if (m_ready.empty()) return kNoIndex;
        const Index x = m_ready.top().second;
        m_ready.pop();
        return x;
    }

    /// The head with the earliest deadline among those still waiting for an
    /// edge. Kept per worker (m_waitingKey) so that this looks at a few
    /// contiguous keys, not at the events' arrays (a cache miss each).
    Index earliestWaitingHead() const {
        Key best = kNoKey;
        for (const std::uint8_t w : m_workers)
            best = std::min(best, m_waitingKey[w]);
        return best.second;
    }

    /// Worker `w` has a new head: ready, waiting, or none.
    void headChanged(std::uint8_t w) {
        const Index h = m_head[w];
        m_waitingKey[w] = kNoKey;
        if (h == kNoIndex || m_placed[h]) return;
        if (m_waitingFor[h] > 0)
            m_waitingKey[w] = {m_deadline[h], h};
        else
            m_ready.push({m_deadline[h], h});
    }

    /// `x` is placed: what waited only for it, and its worker's next event, may go.
    void release(Index x) {
        const std::uint8_t worker = m_events[x].worker;
        m_head[worker] = m_program.next[x];
        for (Index k = m_from.start[x]; k < m_from.start[x + 1]; ++k) {
            const Index y = m_from.ends[k];
            const std::uint8_t other = m_events[y].worker;
            if (!m_placed[y] && m_waitingFor[y] > 0 && --m_waitingFor[y] == 0 && m_head[other] == y) headChanged(other);
        }
        headChanged(worker);
    }

    const std::vector<Event>& m_events;
    const ProgramOrder& m_program;
    const Adjacency& m_from;
    const std::vector<std::uint64_t>& m_deadline;
    std::vector<Index> m_waitingFor;
    std::vector<bool> m_placed;
    std::array<Index, kMaxWorkers> m_head;
    std::vector<std::uint8_t> m_workers;       ///< those with events: the heads worth looking at
    std::array<Key, kMaxWorkers> m_waitingKey; ///< per worker: its head's key while it waits for an edge
    std::priority_queue<Key, std::vector<Key>, std::greater<>> m_ready;
};

/// The orders' event indices after the merge put old event order[k] at k.
void renumber(std::vector<ModificationOrder>& orders, const std::vector<Index>& order) {
    std::vector<std::uint64_t> position(order.size());
    for (std::size_t k = 0; k < order.size(); ++k)
        position[order[k]] = k;
    const auto moved = [&](std::uint64_t event) { return event < position.size() ? position[event] : event; };
    for (ModificationOrder& location : orders) {
        for (std::uint64_t& write : location.writes)
            write = moved(write);
        for (auto& [read, source] : location.sources)
            read = moved(read), source = moved(source); // kInitialValue and kNoEvent stay as they are
        std::sort(location.sources.begin(), location.sources.end());
    }
}

/// events[k] = old events[order[k]], cycle by cycle: no second copy of the
/// events (192 MB of fresh memory for 6 M of them, ~0.2 s on these machines).
void permuteInPlace(std::vector<Event>& events, const std::vector<Index>& order) {
    std::vector<bool> done(events.size(), false);
    for (std::size_t start = 0; start < events.size(); ++start) {
        if (done[start] || order[start] == start) continue;
        const Event first = events[start];
        std::size_t k = start;
        while (order[k] != start) {
            events[k] = events[order[k]];
            done[k] = true;
            k = order[k];
        }
        events[k] = first;
        done[k] = true;
    }
}

/// Sorts by stamp (ties: worker, then seq). The events arrive as one rising
/// run per worker (a worker's stamps rise in program order), so merging the
/// runs takes one pass per doubling of the workers where sorting took ~20
/// (6 M events: 0.7 s).
void sortByStamp(std::vector<Event>& events) {
    const auto earlier = [](const Event& a, const Event& b) {
        if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
        if (a.worker != b.worker) return a.worker < b.worker;
        return a.seq < b.seq;
    };
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

} // namespace

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
    const ProgramOrder program(events);
    const Adjacency into(events.size(), edges, true);
    const std::vector<std::uint64_t> deadline = deadlines(events, program, into);
    const Adjacency from(events.size(), edges, false);
    const std::vector<Index> order = DeadlineMerge(events, program, from, deadline).run(repair);
    if (repair.moved == 0 && repair.conflicts == 0) return repair;

    phase.next("ordering the events: moving them");
    renumber(*orders, order);
    permuteInPlace(events, order);
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
