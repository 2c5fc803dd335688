// The deadline merge (see deadline_merge.hpp): the whole-trace merge, and the
// windowed one that runs it only where backward edges say the stamps are wrong.
#include "trace/deadline_merge.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>
#include <queue>

namespace racetrace::merge {

namespace {

constexpr std::uint64_t kUnset = std::numeric_limits<std::uint64_t>::max();

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
            repair.noteConflict(m_events[waiting]);
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

/// A worker whose seq falls somewhere in stamp order (its clock went back):
/// each step of its program order that points backward spans a stretch too.
void addProgramInversions(const std::vector<Event>& events, std::vector<std::pair<Index, Index>>& spans) {
    std::array<std::uint32_t, kMaxWorkers> lastSeq{};
    std::array<bool, kMaxWorkers> seen{};
    std::array<bool, kMaxWorkers> inverted{};
    bool any = false;
    for (const Event& e : events) {
        if (seen[e.worker] && e.seq < lastSeq[e.worker]) inverted[e.worker] = any = true;
        seen[e.worker] = true;
        lastSeq[e.worker] = e.seq;
    }
    for (std::size_t w = 0; any && w < kMaxWorkers; ++w) {
        if (!inverted[w]) continue;
        std::vector<Index> chain;
        for (Index i = 0; i < events.size(); ++i)
            if (events[i].worker == w) chain.push_back(i);
        std::stable_sort(chain.begin(), chain.end(), [&](Index a, Index b) { return events[a].seq < events[b].seq; });
        for (std::size_t k = 1; k < chain.size(); ++k)
            if (chain[k] < chain[k - 1]) spans.emplace_back(chain[k], chain[k - 1]);
    }
}

/// The stretches to reorder: each backward edge's span [to, from], overlapping
/// spans joined. (Spans that only touch stay apart: every edge between them
/// points forward.)
std::vector<Reordering::Stretch> backwardStretches(const std::vector<Event>& events, const std::vector<Edge>& edges) {
    std::vector<std::pair<Index, Index>> spans;
    for (const Edge& e : edges)
        if (e.from > e.to) spans.emplace_back(e.to, e.from);
    addProgramInversions(events, spans);
    std::sort(spans.begin(), spans.end());
    std::vector<Reordering::Stretch> stretches;
    for (const auto& [first, last] : spans) {
        if (!stretches.empty() && first < stretches.back().end)
            stretches.back().end = std::max(stretches.back().end, last + 1);
        else
            stretches.push_back({first, last + 1, 0});
    }
    return stretches;
}

} // namespace

std::vector<Index> deadlineMerge(const std::vector<Event>& events, const std::vector<Edge>& edges,
                                 EventOrderRepair& repair) {
    const ProgramOrder program(events);
    const Adjacency into(events.size(), edges, true);
    const std::vector<std::uint64_t> deadline = deadlines(events, program, into);
    const Adjacency from(events.size(), edges, false);
    return DeadlineMerge(events, program, from, deadline).run(repair);
}

Reordering windowedDeadlineMerge(const std::vector<Event>& events, const std::vector<Edge>& edges,
                                 EventOrderRepair& repair) {
    Reordering result;
    result.stretches = backwardStretches(events, edges);
    result.m_inStretch.assign(events.size(), false);
    for (const Reordering::Stretch& s : result.stretches)
        std::fill(result.m_inStretch.begin() + s.begin, result.m_inStretch.begin() + s.end, true);
    // Per stretch, the edges with both ends in it, in the stretch's own indices
    // (an edge between two stretches points forward: it changes nothing).
    std::vector<std::vector<Edge>> within(result.stretches.size());
    for (const Edge& e : edges) {
        const Reordering::Stretch* s = result.stretchOf(e.from);
        if (s != nullptr && e.to >= s->begin && e.to < s->end)
            within[static_cast<std::size_t>(s - result.stretches.data())].push_back(
                {e.from - s->begin, e.to - s->begin});
    }
    for (std::size_t k = 0; k < result.stretches.size(); ++k) {
        Reordering::Stretch& s = result.stretches[k];
        s.first = static_cast<Index>(result.newOrder.size());
        const std::vector<Event> local(events.begin() + s.begin, events.begin() + s.end);
        for (const Index i : deadlineMerge(local, within[k], repair))
            result.newOrder.push_back(s.begin + i);
    }
    result.m_newPositions.assign(result.newOrder.size(), kNoIndex);
    for (const Reordering::Stretch& s : result.stretches)
        for (Index k = 0; k < s.end - s.begin; ++k)
            result.m_newPositions[s.first + (result.newOrder[s.first + k] - s.begin)] = s.begin + k;
    return result;
}

const Reordering::Stretch* Reordering::stretchOf(Index old) const {
    if (old >= m_inStretch.size() || !m_inStretch[old]) return nullptr;
    const auto it = std::upper_bound(stretches.begin(), stretches.end(), old,
                                     [](Index e, const Stretch& s) { return e < s.begin; });
    return &*(it - 1); // in a stretch: some stretch begins at or before it
}

Index Reordering::positionOf(Index old) const {
    const Stretch* s = stretchOf(old);
    return s == nullptr ? old : m_newPositions[s->first + (old - s->begin)];
}

void Reordering::apply(std::vector<Event>& events) const {
    std::vector<Event> buffer;
    for (const Stretch& s : stretches) {
        buffer.clear();
        for (Index k = 0; k < s.end - s.begin; ++k)
            buffer.push_back(events[newOrder[s.first + k]]);
        std::copy(buffer.begin(), buffer.end(), events.begin() + s.begin);
    }
}

std::vector<Index> Reordering::fullOrder(std::size_t eventCount) const {
    std::vector<Index> order(eventCount);
    std::iota(order.begin(), order.end(), Index{0});
    for (const Stretch& s : stretches)
        std::copy(newOrder.begin() + s.first, newOrder.begin() + s.first + (s.end - s.begin), order.begin() + s.begin);
    return order;
}

} // namespace racetrace::merge
