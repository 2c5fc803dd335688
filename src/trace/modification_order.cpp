// A location's writes in the order the values allow. Two steps per location
// (a counter, a flag, a lock, one word of a record):
//
// 1. Each read gets a source: a write of the value it returned. Candidates are
//    the writes of that value just before the read in timestamp order and just
//    after it (two each way), and the initial value. The reader's own program
//    order rules some out: its own earlier writes are hidden behind its latest
//    one, and its later writes come after the read. The candidate that needs the
//    smaller clock error goes first (an earlier candidate overwritten since then
//    needs either the overwriting writes moved after it or the read moved before
//    them; a later candidate needs to move before the read), ties to the
//    earlier one, so a trace whose clocks agree with its values keeps its order.
//
// 2. The writes are merged from the workers' program orders, the earliest
//    timestamp first, but a write that some read needs before (or after)
//    another write waits for it:
//
//      read R of worker X returned W (another worker's write):
//          X's write before R  ->  W  ->  X's write after R
//      read R of worker X returned X's own write O: another worker's write
//      of another value stamped between O and R goes before O when nearer O
//      (the event merge puts it after R otherwise)
//
//    That is a topological sort with timestamps as tie-breaks: n log n.
//
// A real trace satisfies every constraint of its true sources (the hardware
// produced one such order), but a value can be written more than once, and the
// likeliest source by the clocks is then not always the true one: a worker
// preempted for 4 ms between its store and its clock read makes an older write
// of the same value look nearer. Such a wrong choice shows as a contradiction
// (every worker's next write waits for another). The merge then places the
// earliest stamped write anyway and names, among the reads holding the waiting
// writes back, the one whose choice needed the most clock error; those reads
// take their next candidate and the merge runs again, a bounded number of
// times, keeping the result with the fewest contradictions.
//
// Untrusted input: positions are bounds-checked, a value scribbled into the
// trace simply has no source, and the candidate search and the repair rounds
// are bounded, so any trace stays n log n.
#include "trace/modification_order.hpp"

#include "trace/sequence_watch.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>
#include <queue>
#include <unordered_map>

namespace racetrace {

namespace {

constexpr std::size_t kNone = ~std::size_t{0};
/// Writes of one value looked at, each way from a read, for candidates.
constexpr std::size_t kScanLimit = 16;
/// Candidates kept each way (before and after the read).
constexpr std::size_t kCandidatesEachWay = 2;
/// Times the merge is redone with doubtful choices changed; each is n log n.
constexpr std::size_t kRepairRounds = 4;
/// Contradictions looked into per merge, and edges looked at per write there.
constexpr std::size_t kDoubtsPerMerge = 256;
constexpr std::size_t kEdgesLookedAt = 64;

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

std::uint64_t distance(std::uint64_t later, std::uint64_t earlier) {
    return later > earlier ? later - earlier : 0;
}

/// One variable's reads and writes in trace order, with each worker's program order.
struct History {
    std::vector<Write> writes;
    std::vector<Read> reads;
    std::vector<std::size_t> runStart; ///< per write: the first of the writes of the same value just before it
};

/// Builds one variable's History from its accesses, in trace order.
class HistoryBuilder {
  public:
    HistoryBuilder() {
        m_lastWrite.fill(kNone);
        m_waiting.fill(kNone);
    }

    /// `gaps`: how many gaps the event's worker had so far; program order holds only within one count.
    void add(const Event& e, std::uint64_t index, std::uint32_t gaps) {
        const std::uint8_t w = e.worker;
        if (gaps != m_epoch[w]) { // events of w went missing: its program order is broken here
            m_epoch[w] = gaps;
            m_lastWrite[w] = kNone;
            m_waiting[w] = kNone;
        }
        const bool writes = changesMemory(e);
        if (valueWasRead(e)) {
            Read r;
            r.event = index;
            r.ns = e.timestamp;
            r.value = e.value;
            r.worker = w;
            r.wroteBefore = m_wrote[w];
            r.before = m_h.writes.size();
            r.ownLast = m_lastWrite[w];
            if (writes) {
                r.ownNext = m_h.writes.size(); // an atomic read-modify-write: its own write follows
            } else {
                r.link = m_waiting[w];
                m_waiting[w] = m_h.reads.size();
            }
            m_h.reads.push_back(r);
        }
        if (!writes) return;
        const std::size_t position = m_h.writes.size();
        m_h.writes.push_back({index, e.timestamp, writtenValue(e), w});
        for (std::size_t r = m_waiting[w]; r != kNone; r = m_h.reads[r].link)
            m_h.reads[r].ownNext = position;
        m_waiting[w] = kNone;
        m_lastWrite[w] = position;
        m_wrote[w] = true;
    }

    History finish() {
        auto& writes = m_h.writes;
        m_h.runStart.resize(writes.size());
        for (std::size_t p = 0; p < writes.size(); ++p)
            m_h.runStart[p] = p > 0 && writes[p - 1].value == writes[p].value ? m_h.runStart[p - 1] : p;
        return std::move(m_h);
    }

  private:
    History m_h;
    std::array<std::size_t, kMaxWorkers> m_lastWrite;
    std::array<std::size_t, kMaxWorkers> m_waiting; ///< head of the worker's reads waiting for ownNext
    std::array<std::uint32_t, kMaxWorkers> m_epoch{};
    std::array<bool, kMaxWorkers> m_wrote{};
};

/// A write a read may have returned, and how much clock error that needs.
struct Candidate {
    std::size_t write = kNone; ///< position in History::writes; kNone with `initial`
    bool initial = false;
    std::uint64_t cost = 0; ///< ns of clock error the choice needs
};

/// Step 1: appends the writes `r` may have returned to `found`, the likeliest first (see the top of the file).
void addCandidates(const History& h, const std::vector<std::size_t>& byValue, const Read& r, std::int64_t initial,
                   std::vector<Candidate>& found) {
    const auto& writes = h.writes;
    const auto lo = std::lower_bound(byValue.begin(), byValue.end(), r.value,
                                     [&](std::size_t p, std::int64_t value) { return writes[p].value < value; });
    const auto hi = std::upper_bound(lo, byValue.end(), r.value,
                                     [&](std::int64_t value, std::size_t p) { return value < writes[p].value; });
    // Within one value, positions ascend: split them at the read.
    const auto split = std::lower_bound(lo, hi, r.before);

    const std::size_t first = found.size();
    // The latest allowed writes of the value stamped before the read.
    std::size_t scanned = 0;
    std::size_t kept = 0;
    for (auto it = split; it != lo && scanned < kScanLimit && kept < kCandidatesEachWay; ++scanned) {
        const std::size_t p = *--it;
        if (writes[p].worker == r.worker && p != r.ownLast) continue; // hidden behind the reader's latest write
        const std::size_t q = r.before - 1;                           // the last write stamped before the read
        std::uint64_t cost = 0;
        if (p != q) {
            // Either the writes after p move behind it, or the read moves before them.
            cost = distance(writes[q].ns, writes[p].ns);
            if (r.ownLast == kNone || r.ownLast <= p) cost = std::min(cost, distance(r.ns, writes[p + 1].ns));
        }
        found.push_back({p, false, cost});
        ++kept;
    }
    if (r.value == initial && !r.wroteBefore)
        found.push_back({kNone, true, r.before == 0 ? 0 : distance(r.ns, writes[0].ns)});
    // The earliest other workers' writes of the value stamped after the read.
    scanned = 0;
    kept = 0;
    for (auto it = split; it != hi && scanned < kScanLimit && kept < kCandidatesEachWay; ++it, ++scanned) {
        const std::size_t p = *it;
        if (writes[p].worker == r.worker) continue; // the reader's own later writes come after the read
        found.push_back({p, false, distance(writes[p].ns, r.ns)});
        ++kept;
    }
    // Both workers wrote the same value (both read 4 and wrote 5): memory held
    // it from the reader's own write to the other one, so either is what the
    // read returned as far as values go. The reader's own constrains nothing.
    for (auto c = found.begin() + static_cast<std::ptrdiff_t>(first); c != found.end(); ++c)
        if (c->write != kNone && r.ownLast != kNone && writes[r.ownLast].value == r.value &&
            h.runStart[std::max(c->write, r.ownLast)] <= std::min(c->write, r.ownLast))
            c->write = r.ownLast;
    // Ties go to the earlier candidate: a trace whose clocks agree with its values keeps its order.
    // (At most five: an insertion sort, stable and without allocating.)
    for (std::size_t k = first + 1; k < found.size(); ++k)
        for (std::size_t j = k; j > first && found[j].cost < found[j - 1].cost; --j)
            std::swap(found[j], found[j - 1]);
}

/// "Write `from` before write `to`", because of read `read` (an index into History::reads).
struct Edge {
    std::size_t from;
    std::size_t to;
    std::size_t read;
};

/// A read that returned its own worker's write `own`: no other worker's write
/// of another value came between them. Such a write stamped in between moves
/// to the nearer side: before `own` here, or after the read (which the event
/// merge does: trace/event_order.cpp places a read before its source's overwriter).
///
///   stamped:  B: X[0] = 2   A: X[0] = 1   B: check X[0] -> 2
///   so:       A: X[0] = 1   B: X[0] = 2   B: check X[0] -> 2
void addOwnReadEdges(const History& h, const Read& read, std::size_t own, std::size_t r, std::vector<Edge>& edges) {
    const auto& writes = h.writes;
    for (std::size_t p = own + 1, scanned = 0; p < read.before && scanned < kScanLimit; ++p, ++scanned) {
        if (writes[p].worker == read.worker || writes[p].value == read.value) continue;
        if (distance(writes[p].ns, writes[own].ns) <= distance(read.ns, writes[p].ns)) edges.push_back({p, own, r});
    }
}

struct Merge {
    std::vector<std::size_t> order; ///< write positions, in modification order
    std::uint64_t moved = 0;
    std::uint64_t conflicts = 0;
    std::vector<std::size_t> doubtful; ///< reads whose choice stood in a contradiction, to choose again
};

/// Step 2: Kahn's topological sort over the workers' chains plus `edges`, the
/// earliest stamped ready write first. When every next write waits for another
/// (a contradiction), the earliest stamped one goes anyway; of the reads whose
/// requirements it broke, the least certain one is reported as doubtful.
Merge mergeWrites(const History& h, const std::vector<Edge>& edges, const std::vector<std::uint64_t>& readCost,
                  const std::vector<bool>& canChange) {
    const std::size_t n = h.writes.size();
    Merge m;
    std::vector<std::size_t> outStart(n + 1, 0);
    std::vector<std::size_t> inStart(n + 1, 0);
    std::vector<std::uint32_t> waitingFor(n, 0);
    for (const Edge& e : edges) {
        ++outStart[e.from + 1];
        ++inStart[e.to + 1];
        ++waitingFor[e.to];
    }
    std::partial_sum(outStart.begin(), outStart.end(), outStart.begin());
    std::partial_sum(inStart.begin(), inStart.end(), inStart.begin());
    std::vector<std::size_t> outTo(edges.size());
    std::vector<std::size_t> inEdge(edges.size());
    {
        std::vector<std::size_t> outFill(outStart.begin(), outStart.end() - 1);
        std::vector<std::size_t> inFill(inStart.begin(), inStart.end() - 1);
        for (std::size_t k = 0; k < edges.size(); ++k) {
            outTo[outFill[edges[k].from]++] = edges[k].to;
            inEdge[inFill[edges[k].to]++] = k;
        }
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
    m.order.reserve(n);
    while (m.order.size() < n) {
        std::size_t x = kNone;
        if (ready.empty()) {
            // A contradiction. Keep timestamp order for the earliest head, and
            // name the least certain read among those holding the heads back.
            std::size_t doubtful = kNone;
            const bool lookInto = m.conflicts < kDoubtsPerMerge;
            for (const std::size_t p : head) {
                if (p == kNone) continue;
                if (x == kNone || p < x) x = p;
                if (!lookInto) continue;
                for (std::size_t k = inStart[p], seen = 0; k < inStart[p + 1] && seen < kEdgesLookedAt; ++k, ++seen) {
                    const Edge& e = edges[inEdge[k]];
                    if (placed[e.from] || !canChange[e.read]) continue;
                    if (doubtful == kNone || readCost[e.read] > readCost[doubtful]) doubtful = e.read;
                }
            }
            if (doubtful != kNone) m.doubtful.push_back(doubtful);
            ++m.conflicts;
        } else {
            x = ready.top();
            ready.pop();
        }
        if (x == kNone) break; // cannot happen: an unplaced write always has its worker's head
        if (placed[x]) continue;
        placed[x] = true;
        m.order.push_back(x);
        while (firstUnplaced < n && placed[firstUnplaced])
            ++firstUnplaced;
        if (x > firstUnplaced) ++m.moved;
        for (std::size_t k = outStart[x]; k < outStart[x + 1]; ++k) {
            const std::size_t y = outTo[k];
            if (placed[y] || waitingFor[y] == 0) continue;
            if (--waitingFor[y] == 0 && head[h.writes[y].worker] == y) ready.push(y);
        }
        const auto w = h.writes[x].worker;
        head[w] = nextOfWorker[x];
        if (head[w] != kNone && waitingFor[head[w]] == 0) ready.push(head[w]);
    }
    return m;
}

/// Where events go: one slot per location (variable, word) that the trace touches.
class LocationSlots {
  public:
    explicit LocationSlots(const Trace& trace) : m_trace(trace) { m_lastWord.fill(0); }

    /// The slot of the location `e` accesses, or kNone for events that touch
    /// none (or none we can name). Call once per event, in trace order: a spin
    /// repeats its worker's previous access, so its word is remembered.
    std::size_t slotOf(const Event& e) {
        const auto& variables = m_trace.scenario.variables;
        if (e.variable >= variables.size()) return kNone;
        const VariableInfo& variable = variables[e.variable];
        std::uint32_t word = 0;
        if (auxIsWord(e.kind)) {
            word = e.aux;
        } else if (eventKindInfo(e.kind).aux == AuxMeaning::RepeatCount) {
            word = m_lastWord[e.worker]; // a spin repeats its worker's previous access
        } else if (variable.words != 1) {
            // Exchange, compare-exchange and fetch-add keep a value in aux, not
            // their word: only a one-word variable says where they went (and a
            // spin repeating one on a record cannot say either).
            m_lastWord[e.worker] = kUnknownWord;
            return kNone;
        }
        m_lastWord[e.worker] = word;
        if (word >= variable.words) return kNone;
        const std::uint64_t key = (std::uint64_t{e.variable} << 32) | word;
        const auto [it, added] = m_slots.try_emplace(key, locations.size());
        if (added) locations.push_back({e.variable, word});
        return it->second;
    }

    std::vector<std::pair<std::uint16_t, std::uint32_t>> locations; ///< (variable, word) of each slot

  private:
    const Trace& m_trace;
    std::unordered_map<std::uint64_t, std::size_t> m_slots;
    static constexpr std::uint32_t kUnknownWord = ~std::uint32_t{0};
    std::array<std::uint32_t, kMaxWorkers> m_lastWord;
};

/// Steps 1 and 2 for one location's history.
ModificationOrder orderLocation(const History& h, std::int64_t initial) {
    ModificationOrder order;
    const std::size_t n = h.writes.size();

    std::vector<std::size_t> byValue(n);
    std::iota(byValue.begin(), byValue.end(), std::size_t{0});
    std::sort(byValue.begin(), byValue.end(), [&](std::size_t a, std::size_t b) {
        return h.writes[a].value != h.writes[b].value ? h.writes[a].value < h.writes[b].value : a < b;
    });

    // Step 1: every read's candidates, flat; chosen[r] indexes the one in use.
    std::vector<Candidate> candidates;
    std::vector<std::size_t> firstCandidate(h.reads.size() + 1, 0);
    for (std::size_t r = 0; r < h.reads.size(); ++r) {
        addCandidates(h, byValue, h.reads[r], initial, candidates);
        firstCandidate[r + 1] = candidates.size();
    }
    std::vector<std::uint32_t> chosen(h.reads.size(), 0);
    std::vector<std::uint64_t> readCost(h.reads.size(), 0);
    std::vector<bool> canChange(h.reads.size(), false);

    // Step 2, again with the doubtful choices changed while that removes contradictions.
    Merge best;
    std::vector<std::uint32_t> bestChosen;
    for (std::size_t round = 0; round <= kRepairRounds; ++round) {
        std::vector<Edge> edges;
        for (std::size_t r = 0; r < h.reads.size(); ++r) {
            const std::size_t count = firstCandidate[r + 1] - firstCandidate[r];
            canChange[r] = chosen[r] + 1u < count;
            if (count == 0) continue;
            const Candidate& c = candidates[firstCandidate[r] + chosen[r]];
            readCost[r] = c.cost;
            const Read& read = h.reads[r];
            if (c.write == kNone) continue;
            if (h.writes[c.write].worker == read.worker) {
                addOwnReadEdges(h, read, c.write, r, edges);
                continue;
            }
            if (read.ownLast != kNone) edges.push_back({read.ownLast, c.write, r});
            if (read.ownNext != kNone) edges.push_back({c.write, read.ownNext, r});
        }
        Merge merged = mergeWrites(h, edges, readCost, canChange);
        const bool better = round == 0 || merged.conflicts < best.conflicts;
        if (better) {
            best = std::move(merged);
            bestChosen = chosen;
        }
        if (best.conflicts == 0 || !better || best.doubtful.empty()) break;
        for (const std::size_t r : best.doubtful)
            if (canChange[r]) {
                ++chosen[r];
                canChange[r] = false;
            }
    }

    for (const std::size_t p : best.order)
        order.writes.push_back(h.writes[p].event);
    order.moved = best.moved;
    order.conflicts = best.conflicts;
    order.sources.reserve(h.reads.size());
    for (std::size_t r = 0; r < h.reads.size(); ++r) {
        std::uint64_t source = kNoEvent;
        if (firstCandidate[r + 1] > firstCandidate[r]) {
            const Candidate& c = candidates[firstCandidate[r] + bestChosen[r]];
            source = c.initial ? kInitialValue : h.writes[c.write].event;
        } else {
            ++order.unsourced;
        }
        order.sources.emplace_back(h.reads[r].event, source);
    }
    return order;
}

} // namespace

std::uint64_t ModificationOrder::sourceOf(std::uint64_t read) const {
    const auto it = std::lower_bound(sources.begin(), sources.end(), read,
                                     [](const auto& pair, std::uint64_t event) { return pair.first < event; });
    return it != sources.end() && it->first == read ? it->second : kNoEvent;
}

std::vector<ModificationOrder> counterModificationOrders(const Trace& trace,
                                                         const std::vector<ModificationOrder>& all) {
    std::vector<ModificationOrder> orders;
    const auto& variables = trace.scenario.variables;
    for (std::size_t v = 0; v < variables.size(); ++v) {
        if (!variableRoleInfo(variables[v].role).countsUpdates) continue;
        const auto it = std::find_if(all.begin(), all.end(),
                                     [&](const ModificationOrder& o) { return o.variable == v && o.word == 0; });
        if (it != all.end())
            orders.push_back(*it);
        else
            orders.emplace_back().variable = static_cast<std::uint16_t>(v);
    }
    return orders;
}

std::vector<ModificationOrder> counterModificationOrders(const Trace& trace) {
    return counterModificationOrders(trace, modificationOrders(trace));
}

std::vector<ModificationOrder> modificationOrders(const Trace& trace) {
    // One pass over the trace collects each location's reads and writes.
    LocationSlots slots(trace);
    std::vector<HistoryBuilder> builders;
    SequenceWatch sequence;
    std::array<std::uint32_t, kMaxWorkers> gaps{};
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (sequence.gapBefore(e)) ++gaps[e.worker];
        if (!valueWasRead(e) && !changesMemory(e)) continue;
        const std::size_t slot = slots.slotOf(e);
        if (slot == kNone) continue;
        if (slot == builders.size()) builders.emplace_back();
        builders[slot].add(e, i, gaps[e.worker]);
    }

    std::vector<ModificationOrder> orders;
    orders.reserve(builders.size());
    for (std::size_t slot = 0; slot < builders.size(); ++slot) {
        const auto [variable, word] = slots.locations[slot];
        ModificationOrder& order =
            orders.emplace_back(orderLocation(builders[slot].finish(), trace.scenario.variables[variable].initial));
        order.variable = variable;
        order.word = word;
    }
    // Variable order, then word order, whatever order the trace first touched them in.
    std::sort(orders.begin(), orders.end(), [](const ModificationOrder& a, const ModificationOrder& b) {
        return a.variable != b.variable ? a.variable < b.variable : a.word < b.word;
    });
    return orders;
}

} // namespace racetrace
