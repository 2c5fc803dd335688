// Store buffering: the one reordering x86 allows. A CPU puts its stores in a
// store buffer and lets its later loads read memory before those stores reach
// it. So two workers that each store to one location and then load the other's
// can both miss both stores:
//
//   A: store flag[0] = 1 ── load flag[1] → 0      (B's store not there yet)
//   B: store flag[1] = 1 ── load flag[0] → 0      (A's store not there yet)
//
// No single order of the four accesses gives both loads 0: each load would have
// to come before the other worker's store, and each store comes before its own
// worker's load. The trace's order (trace/event_order.hpp) keeps program order,
// so it has to put at least one of the loads after the store it missed: a stale
// read. The finder starts from those. For a stale plain load R of worker X that
// missed W, a plain store of worker Y, it looks at X's plain stores just before
// R and Y's plain loads just after W. A fence, a locked instruction (exchange,
// compare-and-swap, fetch-add) or a kernel lock in between drains the store
// buffer, and a gap in the sequence numbers may hide one, so the search stops
// there. When one of those loads missed one of those stores, the four accesses
// form a cycle that no interleaving explains: one finding. "Missed" needs
// certainty: the load returned the initial value or an earlier write of the
// store's own worker (Peterson's flags have one writer each); two workers'
// stores to one location are ordered by a guess from stamps, which is no proof.
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "trace/event_text.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace racetrace {

namespace {

/// How far the search for the other half of a cycle goes: events of the whole
/// trace, and accesses of the worker concerned (Peterson's are one or two apart).
constexpr std::size_t kScanEvents = 1024;
constexpr std::size_t kScanAccesses = 16;

/// A plain access: a store buffer holds plain stores, and only plain loads read past it.
bool isPlainLoad(EventKind kind) {
    return kind == EventKind::Load || kind == EventKind::RecordCheck;
}
bool isPlainStore(EventKind kind) {
    return kind == EventKind::Store || kind == EventKind::RecordWordWrite;
}
/// Events the search may pass: plain accesses, a spin repeating one, and the
/// critical-section markers (which touch no memory). Anything else may drain
/// the store buffer (a fence, a locked instruction, a system call).
bool keepsStoreBuffer(EventKind kind) {
    return isPlainLoad(kind) || isPlainStore(kind) || kind == EventKind::Spin || kind == EventKind::CsEnter ||
           kind == EventKind::CsExit;
}

/// The locations' modification orders, by (variable, word).
class Locations {
  public:
    explicit Locations(const AnalysisInput& input) : m_input(input) {
        for (std::size_t k = 0; k < input.orders.size(); ++k)
            m_byLocation[key(input.orders[k].variable, input.orders[k].word)] = k;
    }

    const ModificationOrder* orderOf(const Event& e) const {
        const auto it = m_byLocation.find(key(e.variable, wordOf(e)));
        return it == m_byLocation.end() ? nullptr : &m_input.orders[it->second];
    }

    /// True when `read` certainly returned a value older than `write`'s: it
    /// returned another value, from the initial value or from an earlier write
    /// of the same worker. Where two workers wrote, which write went first is
    /// the order's best guess from stamps (a load may also have read its own
    /// store early from its store buffer), so that is no evidence.
    bool missed(std::uint64_t read, std::uint64_t write) const {
        const auto& events = m_input.trace.events;
        const ModificationOrder* order = orderOf(events[read]);
        if (order == nullptr || events[read].value == events[write].value) return false;
        const std::uint64_t source = order->sourceOf(read);
        if (source == kInitialValue) return true;
        if (source >= events.size()) return false;
        return events[source].worker == events[write].worker && events[source].seq < events[write].seq;
    }

  private:
    static std::uint64_t key(std::uint16_t variable, std::uint32_t word) {
        return (std::uint64_t{variable} << 32) | word;
    }
    const AnalysisInput& m_input;
    std::map<std::uint64_t, std::size_t> m_byLocation;
};

/// Reads placed after a write of their location that they did not return: for
/// each, the latest such write (by another worker, of another value).
std::vector<std::pair<std::uint64_t, std::uint64_t>> staleReads(const AnalysisInput& input) {
    const auto& events = input.trace.events;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> stale;
    for (const ModificationOrder& order : input.orders) {
        // The writes in trace order: their modification order, unless a conflict moved one.
        std::vector<std::uint64_t> sorted;
        if (!std::is_sorted(order.writes.begin(), order.writes.end())) {
            sorted = order.writes;
            std::sort(sorted.begin(), sorted.end());
        }
        const std::vector<std::uint64_t>& writes = sorted.empty() ? order.writes : sorted;
        auto next = writes.begin();
        for (const auto& [read, source] : order.sources) {
            while (next != writes.end() && *next < read)
                ++next;
            if (next == writes.begin() || source == kNoEvent || !isPlainLoad(events[read].kind)) continue;
            const std::uint64_t latest = *std::prev(next);
            const Event& w = events[latest];
            if (latest != source && isPlainStore(w.kind) && w.worker != events[read].worker &&
                w.value != events[read].value)
                stale.emplace_back(read, latest);
        }
    }
    std::sort(stale.begin(), stale.end());
    return stale;
}

/// Steps through one worker's events from `from` (excluded), backwards or
/// forwards, while its store buffer may still hold what it held at `from`.
template <class Visit>
void scanWorker(const std::vector<Event>& events, std::uint64_t from, int direction, Visit&& visit) {
    const Event& start = events[from];
    std::uint32_t expectedSeq = start.seq;
    std::size_t accesses = 0;
    for (std::size_t step = 1; step <= kScanEvents && accesses < kScanAccesses; ++step) {
        const auto at = static_cast<std::int64_t>(from) + direction * static_cast<std::int64_t>(step);
        if (at < 0 || at >= static_cast<std::int64_t>(events.size())) return;
        const Event& e = events[static_cast<std::size_t>(at)];
        if (e.worker != start.worker) continue;
        expectedSeq += static_cast<std::uint32_t>(direction);
        if (e.seq != expectedSeq || !keepsStoreBuffer(e.kind)) return;
        ++accesses;
        if (!visit(static_cast<std::uint64_t>(at))) return;
    }
}

struct Cycle {
    std::uint64_t storeX, readX, storeY, readY;
};

/// The cycle through stale read `readX` (which missed `storeY`), if there is one.
std::optional<Cycle> cycleThrough(const AnalysisInput& input, const Locations& locations, std::uint64_t readX,
                                  std::uint64_t storeY) {
    const auto& events = input.trace.events;
    // X's latest plain store to each other location, before readX.
    std::vector<std::uint64_t> storesX;
    std::set<const ModificationOrder*> seen{locations.orderOf(events[readX])};
    scanWorker(events, readX, -1, [&](std::uint64_t e) {
        if (isPlainStore(events[e].kind) && seen.insert(locations.orderOf(events[e])).second) storesX.push_back(e);
        return true;
    });
    if (storesX.empty() || !locations.missed(readX, storeY)) return std::nullopt;
    std::optional<Cycle> cycle;
    std::set<const ModificationOrder*> looked;
    scanWorker(events, storeY, +1, [&](std::uint64_t e) {
        if (!isPlainLoad(events[e].kind) || !looked.insert(locations.orderOf(events[e])).second) return true;
        for (const std::uint64_t storeX : storesX)
            if (locations.orderOf(events[storeX]) == locations.orderOf(events[e]) && locations.missed(e, storeX))
                cycle = Cycle{storeX, readX, storeY, e};
        return !cycle;
    });
    return cycle;
}

std::string access(const Trace& trace, const Event& e) {
    return locationName(trace.scenario, e.variable, wordOf(e)) + " = " + groupedNumber(e.value);
}

Finding storeBufferingFinding(const Trace& trace, Cycle c) {
    const auto& events = trace.events;
    if (events[c.readY].worker < events[c.readX].worker) c = Cycle{c.storeY, c.readY, c.storeX, c.readX};
    const Event &sx = events[c.storeX], &rx = events[c.readX], &sy = events[c.storeY], &ry = events[c.readY];
    Finding f;
    f.kind = FindingKind::StoreBuffering;
    f.workers = {sx.worker, sy.worker};
    f.events = {c.storeX, c.readX, c.storeY, c.readY};
    f.variable = rx.variable;
    f.beginNs = std::min(sx.timestamp, sy.timestamp);
    f.endNs = std::max({rx.timestamp, ry.timestamp, f.beginNs});
    const std::string x = workerName(sx.worker), y = workerName(sy.worker);
    f.sentence = x + " wrote " + access(trace, sx) + " and then read " + access(trace, rx) + ", while " + y +
                 " wrote " + access(trace, sy) + " and then read " + access(trace, ry) +
                 ": no single order of these four accesses gives both reads; each store was still in its CPU's "
                 "store buffer when the other CPU read.";
    return f;
}

} // namespace

void findStoreBuffering(const AnalysisInput& input, std::vector<Finding>& out) {
    const Locations locations(input);
    std::set<std::pair<std::uint64_t, std::uint64_t>> found; // the two reads: a cycle can be stale at both
    std::vector<Finding> findings;
    for (const auto& [read, write] : staleReads(input)) {
        const auto cycle = cycleThrough(input, locations, read, write);
        if (!cycle) continue;
        if (!found.insert(std::minmax(cycle->readX, cycle->readY)).second) continue;
        findings.push_back(storeBufferingFinding(input.trace, *cycle));
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.beginNs < b.beginNs; });
    out.insert(out.end(), findings.begin(), findings.end());
}

} // namespace racetrace
