// Lost updates on counters. The writes to a counter, in modification order, are
// its history. A plain store S paired with its worker's read R just before it
// (no write of that worker in between) is a read-modify-write done in two steps;
// if the write P just before S came from another worker and R did not see P,
// P's update is lost:
//
//   B: load 4 ─────────────────────────── store 5   <- S (over A's 5)
//   A:          load 4 ── store 5                    <- P (A's increment, lost)
//
// The modification order comes from values, not from timestamps alone (see
// modification_order.hpp): a store is stamped when its worker reads the clock,
// not when the memory takes it, and two stores a few tens of ns apart can be
// stamped the wrong way round. Whether R saw P is decided by values too: R saw
// P when P is the write R returned. Conclusions that span missing events (a
// full ring) are not drawn.
//
// Why the erased counts add up to the shortfall: every store erases (what memory
// held before it) - (what its worker had read), and over all stores of a run of
// increments that sum telescopes to (expected - final), whatever the order. The
// finder reports only some stores; the others erase nothing, provided nothing
// was dropped, every read has a source and the sources do not contradict each
// other (ModificationOrder::unsourced and ::conflicts are 0):
//  - predecessor P from another worker, not reported: R returned P's value;
//  - predecessor is the worker's own previous write P: the write R returned is
//    P, or another worker's write that the order puts between P and S, which
//    cannot be since P is just before S; so R returned P's value;
//  - no predecessor (S is the first write): R returned the initial value.
#include "analysis/lost_update_finder.hpp"

#include "analysis/finders.hpp"

#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"
#include "trace/event_gaps.hpp"
#include "trace/modification_order.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace racetrace {

namespace {

/// Why a store loses the write before it; nothing if it does not.
enum class Loss { None, NotSeen, SeenOlderEqualValue };

/// The write just before a store, in modification order.
struct Previous {
    std::uint64_t event = kNoEvent;
    std::int64_t value = 0;            ///< what it left
    std::int64_t replaced = 0;         ///< what it replaced
    std::optional<std::int64_t> delta; ///< what it added, when known
};

Loss lossOf(const Previous& previous, std::int64_t readValue, std::uint64_t source) {
    if (readValue != previous.value) return Loss::NotSeen;
    if (source == previous.event || source == kNoEvent) return Loss::None;
    // The read returned an older write of the same value. If P wrote what was
    // already there, P added nothing and overwriting it loses nothing (P's own
    // store was the loss, reported there). Otherwise memory went away from the
    // value and back (down and up): those updates are lost.
    return previous.replaced == previous.value ? Loss::None : Loss::SeenOlderEqualValue;
}

std::string changeWord(const std::optional<std::int64_t>& delta) {
    if (!delta || *delta == 0) return "update";
    return *delta > 0 ? "increment" : "decrement";
}

std::string lostUpdateSentence(const Trace& trace, std::uint16_t variable, const Previous& p, const Event& store,
                               const Event& read) {
    const Event& previous = trace.events[p.event];
    const std::string w = workerName(store.worker);
    const std::string o = workerName(previous.worker);
    const std::int64_t erased = wrappingDifference(p.value, read.value);
    std::string sentence = w + " wrote " + variableName(trace, variable) + " = " + groupedNumber(store.value) +
                           " over " + o + "'s " + groupedNumber(p.value) + ": ";
    if (erased > 1)
        return sentence + w + " had read " + groupedNumber(read.value) + ", so " +
               countOf(static_cast<std::uint64_t>(erased), "update was", "updates were") + " lost.";
    if (read.timestamp < previous.timestamp)
        sentence += w + " had read " + groupedNumber(read.value) + " before " + o + "'s write";
    else
        sentence += w + "'s read (" + groupedNumber(read.value) + ") did not see " + o + "'s write";
    // A stale write (it added one to an old value) overwritten by a fresher
    // one: the updates it had erased come back. A decrement overwritten is lost.
    const bool decrement = p.delta && *p.delta < 0;
    if (erased < 0 && !decrement) return sentence + ", so " + o + "'s write was undone.";
    return sentence + ", so " + o + "'s " + changeWord(p.delta) + " was lost.";
}

Finding makeLostUpdate(const Trace& trace, std::uint16_t variable, const Previous& previous, std::uint64_t storeIndex,
                       std::uint64_t readIndex) {
    const Event& store = trace.events[storeIndex];
    const Event& before = trace.events[previous.event];
    Finding finding;
    finding.kind = FindingKind::LostUpdate;
    finding.workers = {std::min<std::uint32_t>(store.worker, before.worker),
                       std::max<std::uint32_t>(store.worker, before.worker)};
    finding.events = {storeIndex, previous.event, readIndex};
    finding.variable = variable;
    // The values may have put P after S in timestamp terms (a few ns of clock error).
    finding.beginNs = std::min(before.timestamp, store.timestamp);
    finding.endNs = std::max(before.timestamp, store.timestamp);
    finding.sentence = lostUpdateSentence(trace, variable, previous, store, trace.events[readIndex]);
    return finding;
}

/// Each plain store of a counter with its worker's read just before it: (store, read) pairs, sorted by store.
using Pairs = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

std::uint64_t pairedRead(const Pairs& pairs, std::uint64_t store) {
    const auto it = std::lower_bound(pairs.begin(), pairs.end(), store,
                                     [](const auto& pair, std::uint64_t event) { return pair.first < event; });
    return it != pairs.end() && it->first == store ? it->second : kNoEvent;
}

std::vector<Pairs> readModifyWrites(const Trace& trace, const std::vector<ModificationOrder>& orders) {
    std::vector<std::int32_t> slotOf(trace.scenario.variables.size(), -1);
    for (std::size_t k = 0; k < orders.size(); ++k)
        slotOf[orders[k].variable] = static_cast<std::int32_t>(k);
    std::vector<Pairs> pairs(orders.size());
    std::vector<std::array<std::uint64_t, kMaxWorkers>> reads(orders.size());
    for (auto& perWorker : reads)
        perWorker.fill(kNoEvent);
    SequenceWatch sequence;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        // The worker's real read may be among its missing events: forget the one we saw.
        if (sequence.gapBefore(e))
            for (auto& perWorker : reads)
                perWorker[e.worker] = kNoEvent;
        if (e.variable >= slotOf.size() || slotOf[e.variable] < 0) continue;
        const auto slot = static_cast<std::size_t>(slotOf[e.variable]);
        std::uint64_t& ownRead = reads[slot][e.worker];
        if (e.kind == EventKind::Load || e.kind == EventKind::Spin) {
            ownRead = i;
            continue;
        }
        if (!changesMemory(e)) continue;
        if (e.kind == EventKind::Store && ownRead != kNoEvent) pairs[slot].emplace_back(i, ownRead);
        // A read pairs with the worker's next write only: a later store without a
        // fresh read is a blind overwrite, not a read-modify-write.
        ownRead = kNoEvent;
    }
    return pairs;
}

} // namespace

std::int64_t updatesErased(const Trace& trace, const Finding& finding) {
    if (finding.kind != FindingKind::LostUpdate || finding.events.size() < 3) return 0;
    const auto previous = finding.events[1];
    const auto read = finding.events[2];
    if (previous >= trace.events.size() || read >= trace.events.size()) return 0;
    return wrappingDifference(writtenValue(trace.events[previous]), trace.events[read].value);
}

std::uint64_t erasedUpdates(const AnalysisInput& input, const std::vector<Finding>& found) {
    // Signed sum: a store over a stale write gives back updates that write erased.
    // Unsigned arithmetic wraps instead of overflowing on scribbled values.
    std::uint64_t erased = 0;
    for (const Finding& finding : found)
        erased += static_cast<std::uint64_t>(updatesErased(input.trace, finding));
    return static_cast<std::int64_t>(erased) > 0 ? erased : 0;
}

void findLostUpdates(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    const std::vector<ModificationOrder> orders = counterModificationOrders(trace, input.orders);
    if (orders.empty()) return;
    const std::vector<Pairs> pairs = readModifyWrites(trace, orders);
    const EventGaps gaps(trace);
    const auto& events = trace.events;
    const std::size_t before = out.size();
    for (std::size_t slot = 0; slot < orders.size(); ++slot) {
        const ModificationOrder& order = orders[slot];
        Previous previous;
        previous.value = previous.replaced = trace.scenario.variables[order.variable].initial;
        for (const std::uint64_t i : order.writes) {
            const Event& e = events[i];
            const std::uint64_t read = e.kind == EventKind::Store ? pairedRead(pairs[slot], i) : kNoEvent;
            if (read != kNoEvent && previous.event != kNoEvent && events[previous.event].worker != e.worker) {
                const std::uint64_t source = order.sourceOf(read);
                const Loss loss = lossOf(previous, events[read].value, source);
                // A missing write between the read and this store could be what the read saw.
                const Event& p = events[previous.event];
                std::uint64_t fromNs = std::min({events[read].timestamp, p.timestamp, e.timestamp});
                if (loss == Loss::SeenOlderEqualValue)
                    fromNs = std::min(fromNs, source < events.size() ? events[source].timestamp : 0);
                if (loss != Loss::None && !gaps.touches(fromNs, std::max(p.timestamp, e.timestamp)))
                    out.push_back(makeLostUpdate(trace, order.variable, previous, i, read));
            }
            // Record what this write added, so a later finding can call it an increment.
            if (e.kind == EventKind::FetchAdd)
                previous.delta = static_cast<std::int32_t>(e.aux);
            else if (read != kNoEvent)
                previous.delta = wrappingDifference(e.value, events[read].value);
            else
                previous.delta.reset();
            previous.event = i;
            previous.replaced = previous.value;
            previous.value = writtenValue(e);
        }
    }
    // One counter's findings come in modification order; all of them go out in
    // the order of their stores, as a pass over the trace would find them.
    std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                     [](const Finding& a, const Finding& b) { return a.events[0] < b.events[0]; });
}

} // namespace racetrace
