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
//    That is a topological sort with timestamps as tie-breaks: n log n. An
//    atomic read-modify-write (an exchange, a fetch-add) is also glued to its
//    source: no write of another value may come between them, so once the
//    source is placed it goes first (trace/location_write_merge.hpp).
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
// times, keeping the result with the fewest contradictions. Two read-modify-
// writes glued to one write, or one that cannot follow its source, count as
// a contradiction too. The reader's own writes are skipped in one step when
// looking for later candidates (a lock's holder that ran alone for a while
// wrote its value many times).
//
// Untrusted input: positions are bounds-checked, a value scribbled into the
// trace simply has no source, and the candidate search and the repair rounds
// are bounded, so any trace stays n log n.
#include "trace/galloping_search.hpp"
#include "trace/location_history.hpp"
#include "trace/location_write_merge.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <tuple>
#include <utility>

namespace racetrace::location {

namespace {

/// Writes of one value looked at, each way from a read, for candidates.
constexpr std::size_t kScanLimit = 16;
/// Candidates kept each way (before and after the read).
constexpr std::size_t kCandidatesEachWay = 2;
/// Times the merge is redone with doubtful choices changed; each is n log n.
constexpr std::size_t kRepairRounds = 4;

std::uint64_t distance(std::uint64_t later, std::uint64_t earlier) {
    return later > earlier ? later - earlier : 0;
}

/// A write a read may have returned, and how much clock error that needs.
struct Candidate {
    Position write = kNone; ///< position in History::writes; kNone with `initial` (32 bits: 16 bytes a candidate)
    bool initial = false;
    std::uint64_t cost = 0; ///< ns of clock error the choice needs
};

/// First index in [from, end) whose element is not less than `key` (trace/galloping_search.hpp).
template <typename Vector, typename Key>
std::size_t gallopLowerBound(const Vector& v, std::size_t from, std::size_t end, const Key& key) {
    return gallopFrom(from, end, [&](std::size_t k) { return v[k] < key; });
}

/// A location's writes grouped by value (positions ascending within a value),
/// for finding a read's writes of its value on either side of it. Reads are
/// looked up in trace order, so each value keeps a cursor at the read's place
/// among its writes, and the value's group is searched from the last one found:
/// both move a little each time, where binary searches over all the writes
/// missed the cache at every step.
class WritesByValue {
  public:
    /// A value's writes are positions[begin, end); those before the read end at split.
    struct Range {
        std::size_t begin, split, end;
    };

    explicit WritesByValue(const std::vector<Write>& writes) : values(writes.size()), positions(writes.size()) {
        if (!countingSort(writes)) comparisonSort(writes);
        for (std::size_t k = 0; k < values.size(); ++k)
            if (k == 0 || values[k] != values[k - 1]) {
                m_groupValue.push_back(values[k]);
                m_groupBegin.push_back(k);
            }
        m_cursor = m_groupBegin;
        m_groupBegin.push_back(values.size());
        linkOtherWorkers(writes);
    }

    /// The writes of `value`, split before position `before`. Calls must come
    /// with `before` never falling for the same value (reads in trace order).
    Range find(std::int64_t value, std::size_t before) {
        const std::size_t groups = m_groupValue.size();
        std::size_t g = 0;
        if (m_hint < groups && m_groupValue[m_hint] <= value)
            g = gallopLowerBound(m_groupValue, m_hint, groups, value);
        else
            g = static_cast<std::size_t>(std::lower_bound(m_groupValue.begin(), m_groupValue.end(), value) -
                                         m_groupValue.begin());
        if (g == groups || m_groupValue[g] != value) return {0, 0, 0};
        m_hint = g;
        const std::size_t end = m_groupBegin[g + 1];
        m_cursor[g] = gallopLowerBound(positions, m_cursor[g], end, before);
        return {m_groupBegin[g], m_cursor[g], end};
    }

    std::vector<std::int64_t> values;
    std::vector<std::size_t> positions;
    /// Per slot: the next slot of the same value written by another worker
    /// (or the value's end), so a read skips its own worker's writes at once:
    /// a worker that ran alone for a while wrote the value many times.
    std::vector<std::uint32_t> otherWorkerAfter;

  private:
    void linkOtherWorkers(const std::vector<Write>& writes) {
        otherWorkerAfter.resize(positions.size());
        for (std::size_t g = 0; g + 1 < m_groupBegin.size(); ++g) {
            const std::size_t end = m_groupBegin[g + 1];
            for (std::size_t k = end; k-- > m_groupBegin[g];) {
                const bool last = k + 1 == end;
                otherWorkerAfter[k] = static_cast<std::uint32_t>(
                    last || writes[positions[k + 1]].worker != writes[positions[k]].worker ? k + 1
                                                                                           : otherWorkerAfter[k + 1]);
            }
        }
    }

    /// Flags, locks and record words take a few values: a stable counting sort
    /// in two passes. False (and nothing done) past kMostValues of them.
    bool countingSort(const std::vector<Write>& writes) {
        constexpr std::size_t kMostValues = 16;
        std::vector<std::pair<std::int64_t, std::size_t>> counts; // (value, writes of it), sorted by value
        for (const Write& w : writes) {
            auto it = std::lower_bound(counts.begin(), counts.end(), std::pair{w.value, std::size_t{0}});
            if (it == counts.end() || it->first != w.value) {
                if (counts.size() == kMostValues) return false;
                it = counts.insert(it, {w.value, 0});
            }
            ++it->second;
        }
        std::size_t start = 0;
        for (auto& [value, count] : counts)
            start += std::exchange(count, start); // each value's first slot
        for (std::size_t p = 0; p < writes.size(); ++p) {
            auto it = std::lower_bound(counts.begin(), counts.end(), std::pair{writes[p].value, std::size_t{0}},
                                       [](const auto& a, const auto& b) { return a.first < b.first; });
            values[it->second] = writes[p].value;
            positions[it->second++] = p;
        }
        return true;
    }

    void comparisonSort(const std::vector<Write>& writes) {
        std::vector<std::pair<std::int64_t, std::size_t>> pairs(writes.size());
        for (std::size_t p = 0; p < writes.size(); ++p)
            pairs[p] = {writes[p].value, p};
        if (!std::is_sorted(pairs.begin(), pairs.end())) std::sort(pairs.begin(), pairs.end());
        for (std::size_t k = 0; k < pairs.size(); ++k)
            std::tie(values[k], positions[k]) = pairs[k];
    }

    std::vector<std::int64_t> m_groupValue; ///< each distinct value, ascending
    std::vector<std::size_t> m_groupBegin;  ///< where each value's writes begin (one more: the end)
    std::vector<std::size_t> m_cursor;      ///< per value: the first of its writes not before the last read
    std::size_t m_hint = 0;                 ///< the group found last
};

/// Step 1: appends the writes `r` may have returned to `found`, the likeliest first (see the top of the file).
void addCandidates(const History& h, WritesByValue& byValue, const Read& r, std::int64_t initial, const EventGaps& gaps,
                   std::vector<Candidate>& found) {
    const auto& writes = h.writes;
    const WritesByValue::Range range = byValue.find(r.value, r.before);
    const auto at = [&](std::size_t k) { return byValue.positions.begin() + static_cast<std::ptrdiff_t>(k); };
    const auto lo = at(range.begin);
    const auto split = at(range.split);

    const std::size_t first = found.size();
    // The latest allowed writes of the value stamped before the read.
    std::size_t scanned = 0;
    std::size_t kept = 0;
    for (auto it = split; it != lo && scanned < kScanLimit && kept < kCandidatesEachWay; ++scanned) {
        const std::size_t p = *--it;
        if (writes[p].worker == r.worker && p != r.ownLast) continue; // hidden behind the reader's latest write
        const std::size_t q = r.before - 1;                           // the last write stamped before the read
        // Past writes between them, or events missing in between: a dropped write
        // may be the source, and choosing this one would move events for nothing.
        if (p != q && gaps.touches(writes[p].ns, r.ns)) break;
        std::uint64_t cost = 0;
        if (p != q) {
            // Either the writes after p move behind it, or the read moves before them.
            cost = distance(writes[q].ns, writes[p].ns);
            if (r.ownLast == kNone || r.ownLast <= p) cost = std::min(cost, distance(r.ns, writes[p + 1].ns));
        }
        found.push_back({p, false, cost});
        ++kept;
    }
    if (r.value == initial && !r.wroteBefore && (r.before == 0 || !gaps.touches(0, r.ns)))
        found.push_back({kNone, true, r.before == 0 ? 0 : distance(r.ns, writes[0].ns)});
    // The earliest other workers' writes of the value stamped after the read.
    scanned = 0;
    kept = 0;
    for (std::size_t k = range.split; k < range.end && scanned < kScanLimit && kept < kCandidatesEachWay;
         ++k, ++scanned) {
        const std::size_t p = byValue.positions[k];
        if (writes[p].worker == r.worker) {      // the reader's own later writes come after the read
            k = byValue.otherWorkerAfter[k] - 1; // the loop's ++k lands on another worker's write
            continue;
        }
        // A later write is the source only if its stamp was late (its worker was
        // interrupted before its clock read); with events missing in between, a
        // dropped write of the value before the read is the likelier source.
        if (gaps.touches(r.ns, writes[p].ns)) break;
        found.push_back({p, false, distance(writes[p].ns, r.ns)});
        ++kept;
    }
    // Both workers wrote the same value (both read 4 and wrote 5): memory held
    // it from the reader's own write to the other one, so either is what the
    // read returned as far as values go. The reader's own constrains nothing.
    const std::size_t own = r.ownLast;
    for (auto c = found.begin() + static_cast<std::ptrdiff_t>(first); c != found.end(); ++c)
        if (c->write != kNone && own != kNone && writes[own].value == r.value &&
            h.runStart[std::max<std::size_t>(c->write, own)] <= std::min<std::size_t>(c->write, own))
            c->write = own;
    // Ties go to the earlier candidate: a trace whose clocks agree with its values keeps its order.
    // (At most five: an insertion sort, stable and without allocating.)
    for (std::size_t k = first + 1; k < found.size(); ++k)
        for (std::size_t j = k; j > first && found[j].cost < found[j - 1].cost; --j)
            std::swap(found[j], found[j - 1]);
}

/// A read that returned its own worker's write `own`: no other worker's write
/// of another value came between them. Such a write stamped in between moves
/// to the nearer side: before `own` here, or after the read (which the event
/// merge does: trace/event_order.cpp places a read before its source's overwriter).
///
///   stamped:  B: X[0] = 2   A: X[0] = 1   B: check X[0] -> 2
///   so:       A: X[0] = 1   B: X[0] = 2   B: check X[0] -> 2
///
/// Not when `own` is an atomic read-modify-write: it stands right after the
/// write its read returned (see Glue), so a write of another value moved
/// before it would have to come before that source too, where it breaks the
/// read. (A tas-mutex spinner's exchange stamped 31 ns before the holder's
/// release and its spin 50 ns after: the release belongs after the spin.)
void addOwnReadEdges(const History& h, const Read& read, std::size_t own, std::size_t r, std::vector<Edge>& edges) {
    const auto& writes = h.writes;
    if (writes[own].atomic) return;
    for (std::size_t p = own + 1, scanned = 0; p < read.before && scanned < kScanLimit; ++p, ++scanned) {
        if (writes[p].worker == read.worker || writes[p].value == read.value) continue;
        if (distance(writes[p].ns, writes[own].ns) <= distance(read.ns, writes[p].ns)) edges.push_back({p, own, r});
    }
}

/// Steps 1 and 2 for one location's history: each read's candidate sources,
/// then the merge of the writes, again with doubtful choices changed while
/// that removes contradictions (at most kRepairRounds times).
class LocationOrder {
  public:
    LocationOrder(const History& h, std::int64_t initial, const EventGaps& gaps)
        : m_h(h), m_initial(initial), m_chosen(h.reads.size(), 0) {
        WritesByValue byValue(h.writes);
        // Most reads get one to three candidates: room for two each, so the list rarely copies itself.
        m_candidates.reserve(2 * h.reads.size());
        // Step 1: every read's candidates, flat; m_chosen[r] indexes the one in use.
        m_firstCandidate.assign(h.reads.size() + 1, 0);
        for (std::size_t r = 0; r < h.reads.size(); ++r) {
            addCandidates(h, byValue, h.reads[r], initial, gaps, m_candidates);
            m_firstCandidate[r + 1] = m_candidates.size();
        }
    }

    ModificationOrder solve() {
        std::vector<std::uint64_t> readCost(m_h.reads.size(), 0);
        std::vector<bool> canChange(m_h.reads.size(), false);
        Merge best;
        std::vector<std::uint32_t> bestChosen;
        for (std::size_t round = 0; round <= kRepairRounds; ++round) {
            Merge merged = mergeWrites(m_h, m_initial, constraints(readCost, canChange), readCost, canChange);
            const bool better = round == 0 || merged.conflicts < best.conflicts;
            // No worse goes on: a read's next candidate may be as wrong as its
            // first (the initial value, then the late write that was the source).
            const bool worse = round > 0 && merged.conflicts > best.conflicts;
            const std::vector<std::size_t> doubtful = std::move(merged.doubtful);
            if (better) {
                best = std::move(merged);
                bestChosen = m_chosen;
            }
            if (best.conflicts == 0 || worse || doubtful.empty()) break;
            for (const std::size_t r : doubtful)
                if (canChange[r]) {
                    ++m_chosen[r];
                    canChange[r] = false;
                }
        }
        return result(best, bestChosen);
    }

  private:
    /// The constraints the current choice of sources puts on the writes.
    Constraints constraints(std::vector<std::uint64_t>& readCost, std::vector<bool>& canChange) const {
        Constraints made;
        std::vector<Edge>& out = made.edges;
        out.reserve(2 * m_h.reads.size()); // at most two a read, but for own-write reads
        for (std::size_t r = 0; r < m_h.reads.size(); ++r) {
            const std::size_t count = m_firstCandidate[r + 1] - m_firstCandidate[r];
            canChange[r] = m_chosen[r] + 1u < count;
            if (count == 0) continue;
            const Candidate& c = m_candidates[m_firstCandidate[r] + m_chosen[r]];
            readCost[r] = c.cost;
            const Read& read = m_h.reads[r];
            if (read.ownNext != kNone && m_h.writes[read.ownNext].event == read.event)
                made.glues.push_back({c.write, read.ownNext, r}); // an atomic read-modify-write
            if (c.write == kNone) continue;
            if (m_h.writes[c.write].worker == read.worker) {
                addOwnReadEdges(m_h, read, c.write, r, out);
                continue;
            }
            if (read.ownLast != kNone) out.push_back({read.ownLast, c.write, r});
            if (read.ownNext != kNone) out.push_back({c.write, read.ownNext, r});
        }
        return made;
    }

    ModificationOrder result(const Merge& best, const std::vector<std::uint32_t>& chosen) const {
        ModificationOrder order;
        for (const std::size_t p : best.order)
            order.writes.push_back(m_h.writes[p].event);
        order.moved = best.moved;
        order.conflicts = best.conflicts;
        order.sources.reserve(m_h.reads.size());
        for (std::size_t r = 0; r < m_h.reads.size(); ++r) {
            std::uint64_t source = kNoEvent;
            if (m_firstCandidate[r + 1] > m_firstCandidate[r]) {
                const Candidate& c = m_candidates[m_firstCandidate[r] + chosen[r]];
                source = c.initial ? kInitialValue : m_h.writes[c.write].event;
            } else {
                ++order.unsourced;
            }
            order.sources.emplace_back(m_h.reads[r].event, source);
        }
        return order;
    }

    const History& m_h;
    std::int64_t m_initial;
    std::vector<Candidate> m_candidates;
    std::vector<std::size_t> m_firstCandidate;
    std::vector<std::uint32_t> m_chosen;
};

} // namespace

ModificationOrder orderLocation(const History& history, std::int64_t initial, const EventGaps& gaps) {
    return LocationOrder(history, initial, gaps).solve();
}

} // namespace racetrace::location
