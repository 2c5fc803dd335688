// Step 2 of trace/location_order.cpp (see location_write_merge.hpp).
#include "trace/location_write_merge.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>
#include <queue>

namespace racetrace::location {

namespace {

/// Contradictions looked into per merge, and edges looked at per write there.
constexpr std::size_t kDoubtsPerMerge = 256;
constexpr std::size_t kEdgesLookedAt = 64;

class WriteMerge {
  public:
    WriteMerge(const History& h, std::int64_t initial, const Constraints& constraints,
               const std::vector<std::uint64_t>& readCost, const std::vector<bool>& canChange)
        : m_h(h), m_initial(initial), m_edges(constraints.edges), m_glues(constraints.glues), m_readCost(readCost),
          m_canChange(canChange), m_n(h.writes.size()), m_waitingFor(m_n, 0), m_nextOfWorker(m_n, kNone),
          m_placed(m_n, false) {
        buildAdjacency();
        buildGlues(m_glues);
        buildChains();
    }

    Merge run() {
        Merge m;
        for (const std::size_t p : m_head)
            if (p != kNone && m_waitingFor[p] == 0) m_ready.push(p);
        std::size_t firstUnplaced = 0;
        std::int64_t value = m_initial; // memory's value after the writes placed so far
        addGlued(m_n);                  // the read-modify-writes that returned the initial value
        m.order.reserve(m_n);
        while (m.order.size() < m_n) {
            std::size_t x = readyGlued();
            if (x == kNone) x = m_ready.empty() ? forcedHead(m) : popReady();
            if (x == kNone) break; // cannot happen: an unplaced write always has its worker's head
            if (m_placed[x]) continue;
            m_placed[x] = true;
            m.order.push_back(x);
            while (firstUnplaced < m_n && m_placed[firstUnplaced])
                ++firstUnplaced;
            if (x > firstUnplaced) ++m.moved;
            if (m_h.writes[x].value != value) breakGlues(m);
            value = m_h.writes[x].value;
            addGlued(x);
            release(x);
        }
        return m;
    }

  private:
    /// Each source's glued read-modify-writes (slot m_n: the initial value's), as m_outStart/m_outTo are.
    void buildGlues(const std::vector<Glue>& glues) {
        m_glueStart.assign(m_n + 2, 0);
        const auto slot = [this](const Glue& g) { return g.source == kNone ? m_n : std::size_t{g.source}; };
        for (const Glue& g : glues)
            ++m_glueStart[slot(g) + 1];
        std::partial_sum(m_glueStart.begin(), m_glueStart.end(), m_glueStart.begin());
        m_glueTo.resize(glues.size());
        std::vector<std::size_t> fill(m_glueStart.begin(), m_glueStart.end() - 1);
        for (std::size_t k = 0; k < glues.size(); ++k)
            m_glueTo[fill[slot(glues[k])]++] = k;
    }

    std::size_t popReady() {
        const std::size_t x = m_ready.top();
        m_ready.pop();
        return x;
    }

    /// `source` is placed (m_n: the start): its read-modify-writes should follow.
    void addGlued(std::size_t source) {
        for (std::size_t k = m_glueStart[source]; k < m_glueStart[source + 1]; ++k)
            m_glued.push_back(m_glueTo[k]);
    }

    /// A glued read-modify-write that may go now, or kNone. The list is short:
    /// the read-modify-writes that returned memory's current value.
    std::size_t readyGlued() {
        std::erase_if(m_glued, [this](std::size_t k) { return m_placed[m_glues[k].rmw]; });
        for (const std::size_t k : m_glued) {
            const std::size_t p = m_glues[k].rmw;
            if (m_waitingFor[p] == 0 && m_head[m_h.writes[p].worker] == p) return p;
        }
        return kNone;
    }

    /// Memory's value changed with glued read-modify-writes still waiting: each
    /// is a contradiction (two returned one write, or one waits for a write
    /// placed after its source), its read's choice a doubt to choose again.
    void breakGlues(Merge& m) {
        for (const std::size_t k : m_glued) {
            if (m_placed[m_glues[k].rmw]) continue;
            ++m.conflicts;
            if (m.doubtful.size() < kDoubtsPerMerge && m_canChange[m_glues[k].read])
                m.doubtful.push_back(m_glues[k].read);
        }
        m_glued.clear();
    }

    void buildAdjacency() {
        m_outStart.assign(m_n + 1, 0);
        m_inStart.assign(m_n + 1, 0);
        for (const Edge& e : m_edges) {
            ++m_outStart[e.from + 1];
            ++m_inStart[e.to + 1];
            ++m_waitingFor[e.to];
        }
        std::partial_sum(m_outStart.begin(), m_outStart.end(), m_outStart.begin());
        std::partial_sum(m_inStart.begin(), m_inStart.end(), m_inStart.begin());
        m_outTo.resize(m_edges.size());
        m_inEdge.resize(m_edges.size());
        std::vector<std::size_t> outFill(m_outStart.begin(), m_outStart.end() - 1);
        std::vector<std::size_t> inFill(m_inStart.begin(), m_inStart.end() - 1);
        for (std::size_t k = 0; k < m_edges.size(); ++k) {
            m_outTo[outFill[m_edges[k].from]++] = m_edges[k].to;
            m_inEdge[inFill[m_edges[k].to]++] = k;
        }
    }

    /// Each worker's writes as a chain, its first one its head.
    void buildChains() {
        m_head.fill(kNone);
        std::array<std::size_t, kMaxWorkers> tail;
        tail.fill(kNone);
        for (std::size_t p = 0; p < m_n; ++p) {
            const auto w = m_h.writes[p].worker;
            (tail[w] == kNone ? m_head[w] : m_nextOfWorker[tail[w]]) = p;
            tail[w] = p;
        }
    }

    /// A contradiction. Keep timestamp order for the earliest head, and name
    /// the least certain read among those holding the heads back.
    std::size_t forcedHead(Merge& m) const {
        std::size_t x = kNone, doubtful = kNone;
        const bool lookInto = m.conflicts < kDoubtsPerMerge;
        for (const std::size_t p : m_head) {
            if (p == kNone) continue;
            if (x == kNone || p < x) x = p;
            if (!lookInto) continue;
            for (std::size_t k = m_inStart[p], seen = 0; k < m_inStart[p + 1] && seen < kEdgesLookedAt; ++k, ++seen) {
                const Edge& e = m_edges[m_inEdge[k]];
                if (m_placed[e.from] || !m_canChange[e.read]) continue;
                if (doubtful == kNone || m_readCost[e.read] > m_readCost[doubtful]) doubtful = e.read;
            }
        }
        if (doubtful != kNone) m.doubtful.push_back(doubtful);
        ++m.conflicts;
        return x;
    }

    /// `x` is placed: what waited only for it, and its worker's next write, may go.
    void release(std::size_t x) {
        for (std::size_t k = m_outStart[x]; k < m_outStart[x + 1]; ++k) {
            const std::size_t y = m_outTo[k];
            if (m_placed[y] || m_waitingFor[y] == 0) continue;
            if (--m_waitingFor[y] == 0 && m_head[m_h.writes[y].worker] == y) m_ready.push(y);
        }
        const auto w = m_h.writes[x].worker;
        m_head[w] = m_nextOfWorker[x];
        if (m_head[w] != kNone && m_waitingFor[m_head[w]] == 0) m_ready.push(m_head[w]);
    }

    const History& m_h;
    std::int64_t m_initial;
    const std::vector<Edge>& m_edges;
    const std::vector<Glue>& m_glues;
    const std::vector<std::uint64_t>& m_readCost;
    const std::vector<bool>& m_canChange;
    std::size_t m_n;
    std::vector<std::size_t> m_outStart, m_inStart, m_outTo, m_inEdge;
    std::vector<std::uint32_t> m_waitingFor;
    std::vector<std::size_t> m_nextOfWorker;
    std::array<std::size_t, kMaxWorkers> m_head{};
    std::vector<bool> m_placed;
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> m_ready;
    std::vector<std::size_t> m_glueStart, m_glueTo; ///< per source slot, indices into m_glues
    std::vector<std::size_t> m_glued;               ///< m_glues whose source is memory's current value
};

} // namespace

Merge mergeWrites(const History& h, std::int64_t initial, const Constraints& constraints,
                  const std::vector<std::uint64_t>& readCost, const std::vector<bool>& canChange) {
    return WriteMerge(h, initial, constraints, readCost, canChange).run();
}

} // namespace racetrace::location
