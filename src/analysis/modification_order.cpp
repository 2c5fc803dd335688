// Counter writes in the order the values allow. Two steps per counter:
//
// 1. Each read gets a source: a write of the value it returned. Candidates are
//    the writes of that value just before the read in timestamp order and just
//    after it (one each way), and the initial value. The reader's own program
//    order rules some out: its own earlier writes are hidden behind its latest
//    one, and its later writes come after the read. The candidate that needs the
//    smaller clock error wins (an earlier candidate overwritten since then needs
//    either the overwriting writes moved after it or the read moved before
//    them; a later candidate needs to move before the read), ties to the
//    earlier one, so a trace whose clocks agree with its values keeps its order.
//
// 2. The writes are merged from the workers' program orders, the earliest
//    timestamp first, but a write that some read needs before (or after)
//    another write waits for it:
//
//      read R of worker X returned W (another worker's write):
//          X's write before R  ->  W  ->  X's write after R
//
//    That is a topological sort with timestamps as tie-breaks: n log n. A real
//    trace satisfies every constraint (the hardware produced one such order);
//    only a damaged trace can contradict itself, and then the earliest blocked
//    write goes next anyway and the contradiction is counted.
//
// Untrusted input: positions are bounds-checked, a value scribbled into the
// trace simply has no source, and the candidate search is bounded, so a trace
// full of one repeated value stays linear.
#include "analysis/modification_order.hpp"

#include "analysis/event_gaps.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>

namespace racetrace {

namespace {

constexpr std::size_t kNone = ~std::size_t{0};
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
/// Writes of one value by the reader itself skipped at most, each way, looking for a candidate.
constexpr std::size_t kScanLimit = 16;

struct Write {
    std::uint64_t event = 0;
    std::uint64_t ns = 0;
    std::int64_t value = 0;
    std::uint8_t worker = 0;
};

struct Read {
    std::uint64_t event = 0;
    std::uint64_t ns = 0;
    std::int64_t value = 0;
    std::uint8_t worker = 0;
    bool wroteBefore = false;    ///< the worker had written this variable before (the initial value is hidden)
    std::size_t before = 0;      ///< writes earlier in timestamp order (positions < before)
    std::size_t ownLast = kNone; ///< the worker's previous write, if recorded with no gap since
    std::size_t ownNext = kNone; ///< the worker's next write, if recorded with no gap before it
    std::size_t link = kNone;    ///< next read of the same worker still waiting for its ownNext
};

/// What an event read, if it reads: loads, spins, failed compare-exchanges,
/// and the old value of an exchange or fetch-add.
bool readsValue(const Event& e) {
    switch (e.kind) {
    case EventKind::Load:
    case EventKind::Spin:
    case EventKind::Exchange:
    case EventKind::FetchAdd: return true;
    case EventKind::CompareExchange: return e.aux == 0;
    default: return false;
    }
}

std::uint64_t distance(std::uint64_t later, std::uint64_t earlier) { return later > earlier ? later - earlier : 0; }

/// One variable's reads and writes in trace order, with each worker's program order.
struct History {
    std::vector<Write> writes;
    std::vector<Read> reads;
};

History historyOf(const Trace& trace, const std::vector<std::uint64_t>& accesses,
                  const std::vector<std::uint32_t>& epochs) {
    History h;
    std::array<std::size_t, kMaxWorkers> lastWrite;
    std::array<std::size_t, kMaxWorkers> waiting; // head of the worker's reads waiting for ownNext
    std::array<std::uint32_t, kMaxWorkers> epoch{};
    std::array<bool, kMaxWorkers> wrote{};
    lastWrite.fill(kNone);
    waiting.fill(kNone);
    for (std::size_t k = 0; k < accesses.size(); ++k) {
        const Event& e = trace.events[accesses[k]];
        const std::uint8_t w = e.worker;
        if (epochs[k] != epoch[w]) { // events of w went missing: its program order is broken here
            epoch[w] = epochs[k];
            lastWrite[w] = kNone;
            waiting[w] = kNone;
        }
        const bool writes = changesMemory(e);
        if (readsValue(e)) {
            Read r;
            r.event = accesses[k];
            r.ns = e.timestamp;
            r.value = e.value;
            r.worker = w;
            r.wroteBefore = wrote[w];
            r.before = h.writes.size();
            r.ownLast = lastWrite[w];
            if (writes) {
                r.ownNext = h.writes.size(); // an atomic read-modify-write: its own write follows
            } else {
                r.link = waiting[w];
                waiting[w] = h.reads.size();
            }
            h.reads.push_back(r);
        }
        if (!writes) continue;
        const std::size_t position = h.writes.size();
        h.writes.push_back({accesses[k], e.timestamp, writtenValue(e), w});
        for (std::size_t r = waiting[w]; r != kNone; r = h.reads[r].link)
            h.reads[r].ownNext = position;
        waiting[w] = kNone;
        lastWrite[w] = position;
        wrote[w] = true;
    }
    return h;
}

struct Source {
    std::size_t write = kNone; ///< position in History::writes
    bool initial = false;
};

/// Step 1: the write each read returned (see the top of the file).
Source sourceOf(const History& h, const std::vector<std::size_t>& byValue, const Read& r, std::int64_t initial) {
    const auto& writes = h.writes;
    const auto lo = std::lower_bound(byValue.begin(), byValue.end(), r.value,
                                     [&](std::size_t p, std::int64_t value) { return writes[p].value < value; });
    const auto hi = std::upper_bound(lo, byValue.end(), r.value,
                                     [&](std::int64_t value, std::size_t p) { return value < writes[p].value; });
    // Within one value, positions ascend: split them at the read.
    const auto split = std::lower_bound(lo, hi, r.before);

    Source best;
    std::uint64_t bestCost = kNever;
    // The latest allowed write of the value stamped before the read.
    std::size_t scanned = 0;
    for (auto it = split; it != lo && scanned < kScanLimit; ++scanned) {
        const std::size_t p = *--it;
        if (writes[p].worker == r.worker && p != r.ownLast) continue; // hidden behind the reader's latest write
        const std::size_t q = r.before - 1;                            // the last write stamped before the read
        std::uint64_t cost = 0;
        if (p != q) {
            // Either the writes after p move behind it, or the read moves before them.
            cost = distance(writes[q].ns, writes[p].ns);
            if (r.ownLast == kNone || r.ownLast <= p) cost = std::min(cost, distance(r.ns, writes[p + 1].ns));
        }
        best = {p, false};
        bestCost = cost;
        break;
    }
    if (r.value == initial && !r.wroteBefore) {
        const std::uint64_t cost = r.before == 0 ? 0 : distance(r.ns, writes[0].ns);
        if (cost < bestCost) {
            best = {kNone, true};
            bestCost = cost;
        }
    }
    // The earliest other worker's write of the value stamped after the read.
    scanned = 0;
    for (auto it = split; it != hi && scanned < kScanLimit; ++it, ++scanned) {
        const std::size_t p = *it;
        if (writes[p].worker == r.worker) continue; // the reader's own later writes come after the read
        if (distance(writes[p].ns, r.ns) < bestCost) best = {p, false};
        break;
    }
    return best;
}

} // namespace

std::uint64_t ModificationOrder::sourceOf(std::uint64_t read) const {
    const auto it = std::lower_bound(sources.begin(), sources.end(), read,
                                     [](const auto& pair, std::uint64_t event) { return pair.first < event; });
    return it != sources.end() && it->first == read ? it->second : kNoEvent;
}

std::vector<ModificationOrder> counterModificationOrders(const Trace& trace) {
    const auto& variables = trace.scenario.variables;
    std::vector<std::int32_t> slotOf(variables.size(), -1);
    std::vector<ModificationOrder> orders;
    for (std::size_t v = 0; v < variables.size(); ++v) {
        if (variables[v].kind != VariableKind::Counter) continue;
        slotOf[v] = static_cast<std::int32_t>(orders.size());
        orders.emplace_back().variable = static_cast<std::uint16_t>(v);
    }
    if (orders.empty()) return orders;

    // Each counter's accesses, and for each the number of gaps its worker had
    // so far: program order holds only between accesses with the same count.
    std::vector<std::vector<std::uint64_t>> accesses(orders.size());
    std::vector<std::vector<std::uint32_t>> epochs(orders.size());
    SequenceWatch sequence;
    std::array<std::uint32_t, kMaxWorkers> gaps{};
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (sequence.gapBefore(e)) ++gaps[e.worker];
        if (e.variable >= slotOf.size() || slotOf[e.variable] < 0) continue;
        if (!readsValue(e) && !changesMemory(e)) continue;
        const auto slot = static_cast<std::size_t>(slotOf[e.variable]);
        accesses[slot].push_back(i);
        epochs[slot].push_back(gaps[e.worker]);
    }

    for (std::size_t slot = 0; slot < orders.size(); ++slot) {
        ModificationOrder& order = orders[slot];
        const std::int64_t initial = variables[order.variable].initial;
        const History h = historyOf(trace, accesses[slot], epochs[slot]);
        const std::size_t n = h.writes.size();

        std::vector<std::size_t> byValue(n);
        std::iota(byValue.begin(), byValue.end(), std::size_t{0});
        std::sort(byValue.begin(), byValue.end(), [&](std::size_t a, std::size_t b) {
            return h.writes[a].value != h.writes[b].value ? h.writes[a].value < h.writes[b].value : a < b;
        });

        // Step 1, and the constraints it implies, as edges between write positions.
        std::vector<std::pair<std::size_t, std::size_t>> edges;
        order.sources.reserve(h.reads.size());
        for (const Read& r : h.reads) {
            const Source s = sourceOf(h, byValue, r, initial);
            order.sources.emplace_back(r.event, s.initial ? kInitialValue
                                                : s.write == kNone ? kNoEvent
                                                                   : h.writes[s.write].event);
            if (s.write == kNone || h.writes[s.write].worker == r.worker) continue;
            if (r.ownLast != kNone) edges.emplace_back(r.ownLast, s.write);
            if (r.ownNext != kNone) edges.emplace_back(s.write, r.ownNext);
        }

        // Step 2: Kahn's topological sort over the workers' chains plus those
        // edges, the earliest stamped ready write first.
        std::vector<std::size_t> edgeStart(n + 1, 0);
        std::vector<std::uint32_t> waitingFor(n, 0);
        for (const auto& [from, to] : edges) {
            ++edgeStart[from + 1];
            ++waitingFor[to];
        }
        std::partial_sum(edgeStart.begin(), edgeStart.end(), edgeStart.begin());
        std::vector<std::size_t> edgeTo(edges.size());
        {
            std::vector<std::size_t> fill(edgeStart.begin(), edgeStart.end() - 1);
            for (const auto& [from, to] : edges)
                edgeTo[fill[from]++] = to;
        }
        std::vector<std::size_t> nextOfWorker(n, kNone);
        std::array<std::size_t, kMaxWorkers> head;
        head.fill(kNone);
        {
            std::array<std::size_t, kMaxWorkers> tail;
            tail.fill(kNone);
            for (std::size_t p = 0; p < n; ++p) {
                const auto w = h.writes[p].worker;
                (tail[w] == kNone ? head[w] : nextOfWorker[tail[w]]) = p;
                tail[w] = p;
            }
        }
        std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
        for (const std::size_t p : head)
            if (p != kNone && waitingFor[p] == 0) ready.push(p);
        std::vector<bool> placed(n, false);
        std::size_t firstUnplaced = 0;
        order.writes.reserve(n);
        while (order.writes.size() < n) {
            std::size_t x = kNone;
            if (ready.empty()) {
                // A cycle: the requirements contradict each other. Keep timestamp order for the earliest head.
                for (const std::size_t p : head)
                    if (p != kNone && (x == kNone || p < x)) x = p;
                ++order.conflicts;
            } else {
                x = ready.top();
                ready.pop();
            }
            if (x == kNone) break; // cannot happen: an unplaced write always has its worker's head
            if (placed[x]) continue;
            placed[x] = true;
            order.writes.push_back(h.writes[x].event);
            while (firstUnplaced < n && placed[firstUnplaced]) ++firstUnplaced;
            if (x > firstUnplaced) ++order.moved;
            for (std::size_t k = edgeStart[x]; k < edgeStart[x + 1]; ++k) {
                const std::size_t y = edgeTo[k];
                if (placed[y] || waitingFor[y] == 0) continue;
                if (--waitingFor[y] == 0 && head[h.writes[y].worker] == y) ready.push(y);
            }
            const auto w = h.writes[x].worker;
            head[w] = nextOfWorker[x];
            if (head[w] != kNone && waitingFor[head[w]] == 0) ready.push(head[w]);
        }
    }
    return orders;
}

} // namespace racetrace
