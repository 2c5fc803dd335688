// Lost updates on counters. The writes to a counter, in timestamp order, are its
// modification order. A plain store S paired with its worker's read R just
// before it (no write of that worker in between) is a read-modify-write done in
// two steps; if the write P just before S came from another worker and R did
// not see P, P's update is lost:
//
//   B: load 4 ─────────────────────────── store 5   <- S (over A's 5)
//   A:          load 4 ── store 5                    <- P (A's increment, lost)
//
// Whether R saw P is decided by values first: a read that returned something
// other than P's value did not see P, whatever the clocks say. Conclusions that
// span missing events (a full ring) are not drawn.
#include "analysis/lost_update_finder.hpp"

#include "analysis/event_gaps.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"

#include <algorithm>
#include <optional>

namespace racetrace {

namespace {

/// A worker's latest plain read of one counter, not yet paired with a write.
struct ReadMemo {
    std::uint64_t event = kNoEvent;
    std::int64_t value = 0;
    std::int64_t memoryAtRead = 0;   ///< what the counter held, in timestamp order, when the read happened
    std::uint64_t memorySinceNs = 0; ///< when that value was written (0: the initial value)
};

/// One counter's modification order so far.
struct CounterState {
    std::uint16_t variable = 0;
    std::uint64_t lastWrite = kNoEvent;
    std::int64_t current = 0;                   ///< the value lastWrite left
    std::int64_t beforeLast = 0;                ///< the value lastWrite replaced
    std::uint64_t currentSinceNs = 0;           ///< lastWrite's time
    std::optional<std::int64_t> lastWriteDelta; ///< what lastWrite added, when known
    std::vector<ReadMemo> reads;                ///< per worker
};

/// Why a store loses the write before it; nothing if it does not.
enum class Loss { None, NotSeen, SeenOlderEqualValue };

Loss lossOf(const CounterState& counter, const ReadMemo& read) {
    if (read.value != counter.current) return Loss::NotSeen;
    if (read.event > counter.lastWrite) return Loss::None;
    // The read is stamped before P yet returned P's value. If memory did not
    // hold that value then, it can only have come from P: the clocks are off
    // and the values win.
    if (read.memoryAtRead != read.value) return Loss::None;
    // Memory held that value already, so the read saw an older write. If P
    // wrote what was already there, P added nothing and overwriting it loses
    // nothing (P's own store was the loss, reported there). Otherwise memory
    // went away from the value and back (down and up): those updates are lost.
    return counter.beforeLast == counter.current ? Loss::None : Loss::SeenOlderEqualValue;
}

std::string changeWord(const std::optional<std::int64_t>& delta) {
    if (!delta || *delta == 0) return "update";
    return *delta > 0 ? "increment" : "decrement";
}

std::string lostUpdateSentence(const Trace& trace, const CounterState& counter, const Event& store, const Event& read) {
    const Event& previous = trace.events[counter.lastWrite];
    const std::string w = workerName(store.worker);
    const std::string p = workerName(previous.worker);
    const std::int64_t erased = wrappingDifference(counter.current, read.value);
    std::string sentence = w + " wrote " + variableName(trace, counter.variable) + " = " + groupedNumber(store.value) +
                           " over " + p + "'s " + groupedNumber(counter.current) + ": ";
    if (erased > 1)
        return sentence + w + " had read " + groupedNumber(read.value) + ", so " +
               countOf(static_cast<std::uint64_t>(erased), "update was", "updates were") + " lost.";
    if (read.timestamp < previous.timestamp)
        sentence += w + " had read " + groupedNumber(read.value) + " before " + p + "'s write";
    else
        sentence += w + "'s read (" + groupedNumber(read.value) + ") did not see " + p + "'s write";
    // A stale write (it added one to an old value) overwritten by a fresher
    // one: the updates it had erased come back. A decrement overwritten is lost.
    const bool decrement = counter.lastWriteDelta && *counter.lastWriteDelta < 0;
    if (erased < 0 && !decrement) return sentence + ", so " + p + "'s write was undone.";
    return sentence + ", so " + p + "'s " + changeWord(counter.lastWriteDelta) + " was lost.";
}

Finding makeLostUpdate(const Trace& trace, const CounterState& counter, std::uint64_t storeIndex,
                       const ReadMemo& read) {
    const Event& store = trace.events[storeIndex];
    const Event& previous = trace.events[counter.lastWrite];
    Finding finding;
    finding.kind = FindingKind::LostUpdate;
    finding.workers = {std::min<std::uint32_t>(store.worker, previous.worker),
                       std::max<std::uint32_t>(store.worker, previous.worker)};
    finding.events = {storeIndex, counter.lastWrite, read.event};
    finding.variable = counter.variable;
    finding.beginNs = previous.timestamp;
    finding.endNs = store.timestamp;
    finding.sentence = lostUpdateSentence(trace, counter, store, trace.events[read.event]);
    return finding;
}

} // namespace

std::int64_t updatesErased(const Trace& trace, const Finding& finding) {
    if (finding.kind != FindingKind::LostUpdate || finding.events.size() < 3) return 0;
    const auto previous = finding.events[1];
    const auto read = finding.events[2];
    if (previous >= trace.events.size() || read >= trace.events.size()) return 0;
    return wrappingDifference(writtenValue(trace.events[previous]), trace.events[read].value);
}

std::size_t findLostUpdates(const Trace& trace, std::vector<Finding>& out) {
    // Only counters are watched; slotOf maps a variable to its CounterState.
    const auto& variables = trace.scenario.variables;
    std::vector<std::int32_t> slotOf(variables.size(), -1);
    std::vector<CounterState> counters;
    for (std::size_t v = 0; v < variables.size(); ++v) {
        if (variables[v].kind != VariableKind::Counter) continue;
        slotOf[v] = static_cast<std::int32_t>(counters.size());
        CounterState state;
        state.variable = static_cast<std::uint16_t>(v);
        state.current = state.beforeLast = variables[v].initial;
        state.reads.resize(kMaxWorkers);
        counters.push_back(std::move(state));
    }
    if (counters.empty()) return 0;

    const EventGaps gaps(trace);
    SequenceWatch sequence;
    const std::size_t before = out.size();
    const auto& events = trace.events;
    for (std::uint64_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        // The worker's real read may be among its missing events: forget the one we saw.
        if (sequence.gapBefore(e))
            for (auto& counter : counters)
                counter.reads[e.worker].event = kNoEvent;
        if (e.variable >= slotOf.size() || slotOf[e.variable] < 0) continue;
        CounterState& counter = counters[static_cast<std::size_t>(slotOf[e.variable])];
        ReadMemo& ownRead = counter.reads[e.worker];
        if (e.kind == EventKind::Load || e.kind == EventKind::Spin) {
            ownRead = {i, e.value, counter.current, counter.currentSinceNs};
            continue;
        }
        if (!changesMemory(e)) continue;
        if (e.kind == EventKind::Store && ownRead.event != kNoEvent && counter.lastWrite != kNoEvent &&
            events[counter.lastWrite].worker != e.worker) {
            const Loss loss = lossOf(counter, ownRead);
            // A missing write between the read and this store could be what the read saw.
            std::uint64_t fromNs = std::min(events[ownRead.event].timestamp, events[counter.lastWrite].timestamp);
            if (loss == Loss::SeenOlderEqualValue) fromNs = std::min(fromNs, ownRead.memorySinceNs);
            if (loss != Loss::None && !gaps.touches(fromNs, e.timestamp))
                out.push_back(makeLostUpdate(trace, counter, i, ownRead));
        }
        // Record what this write added, so a later finding can call it an increment.
        if (e.kind == EventKind::FetchAdd)
            counter.lastWriteDelta = static_cast<std::int32_t>(e.aux);
        else if (e.kind == EventKind::Store && ownRead.event != kNoEvent)
            counter.lastWriteDelta = wrappingDifference(e.value, ownRead.value);
        else
            counter.lastWriteDelta.reset();
        counter.lastWrite = i;
        counter.beforeLast = counter.current;
        counter.current = writtenValue(e);
        counter.currentSinceNs = e.timestamp;
        // A read pairs with the worker's next write only: a later store without a
        // fresh read is a blind overwrite, not a read-modify-write.
        ownRead.event = kNoEvent;
    }
    return out.size() - before;
}

} // namespace racetrace
