// Lost updates on counters. The writes to a counter, in timestamp order, are its
// modification order. A plain store paired with its worker's read just before it
// (no write of that worker in between) is a read-modify-write done in two steps; if the write just before it in that
// order came from another worker and the read did not see it, that write is lost.
//
//   B: load 4 ─────────────────────────── store 5   <- S (over A's 5)
//   A:          load 4 ── store 5                    <- P (A's increment, lost)
//
// Whether the read saw P is decided by values first: a read that returned
// something other than P's value did not see P, whatever the clocks say.
#include "analysis/findings.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"

#include <optional>

namespace racetrace {

namespace {

/// A worker's latest plain read of one counter.
struct ReadMemo {
    std::uint64_t event = kNoEvent;
    std::int64_t value = 0;
    /// What the counter held, in timestamp order, when the read happened.
    std::int64_t memoryAtRead = 0;
};

/// One counter's modification order so far.
struct CounterState {
    std::uint16_t variable = 0;
    std::uint64_t lastWrite = kNoEvent;
    std::int64_t current = 0;
    std::optional<std::int64_t> lastWriteDelta; ///< what lastWrite added, when known
    std::vector<ReadMemo> reads;                ///< per worker
};

/// True when `read` (made before `store`) saw the write `previous`.
bool sawWrite(const ReadMemo& read, const Event& previous, std::uint64_t previousIndex) {
    if (read.value != writtenValue(previous)) return false;
    if (read.event > previousIndex) return true;
    // The read is timestamped before P yet returned P's value. If memory held
    // that value already (an older write, or a counter that went down and up
    // again) the read saw the older write and P is lost. If not, the value can
    // only have come from P: the clocks are off and the values win.
    return read.memoryAtRead != read.value;
}

std::string changeWord(const std::optional<std::int64_t>& delta) {
    if (!delta || *delta == 0) return "update";
    return *delta > 0 ? "increment" : "decrement";
}

Finding makeLostUpdate(const Trace& trace, const CounterState& counter, std::uint64_t storeIndex,
                       const ReadMemo& read) {
    const Event& store = trace.events[storeIndex];
    const Event& previous = trace.events[counter.lastWrite];
    const Event& readEvent = trace.events[read.event];
    Finding finding;
    finding.kind = FindingKind::LostUpdate;
    finding.workers = {std::min<std::uint32_t>(store.worker, previous.worker),
                       std::max<std::uint32_t>(store.worker, previous.worker)};
    finding.events = {storeIndex, counter.lastWrite, read.event};
    finding.variable = counter.variable;
    finding.beginNs = previous.timestamp;
    finding.endNs = store.timestamp;

    const std::string w = workerName(store.worker);
    const std::string p = workerName(previous.worker);
    const std::string pValue = groupedNumber(writtenValue(previous));
    std::string why;
    if (readEvent.timestamp < previous.timestamp)
        why = w + " had read " + groupedNumber(read.value) + " before " + p + "'s write";
    else
        why = w + "'s read (" + groupedNumber(read.value) + ") did not see " + p + "'s write";
    finding.sentence = w + " wrote " + variableName(trace, counter.variable) + " = " + groupedNumber(store.value) +
                       " over " + p + "'s " + pValue + ": " + why + ", so " + p + "'s " +
                       changeWord(counter.lastWriteDelta) + " was lost.";
    return finding;
}

} // namespace

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
        state.current = variables[v].initial;
        state.reads.resize(kMaxWorkers);
        counters.push_back(std::move(state));
    }
    if (counters.empty()) return 0;

    const std::size_t before = out.size();
    const auto& events = trace.events;
    for (std::uint64_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        if (e.variable >= slotOf.size() || slotOf[e.variable] < 0) continue;
        CounterState& counter = counters[static_cast<std::size_t>(slotOf[e.variable])];
        ReadMemo& ownRead = counter.reads[e.worker];
        if (e.kind == EventKind::Load || e.kind == EventKind::Spin) {
            ownRead = {i, e.value, counter.current};
            continue;
        }
        if (!changesMemory(e)) continue;
        if (e.kind == EventKind::Store && ownRead.event != kNoEvent && counter.lastWrite != kNoEvent) {
            const Event& previous = events[counter.lastWrite];
            if (previous.worker != e.worker && !sawWrite(ownRead, previous, counter.lastWrite))
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
        counter.current = writtenValue(e);
        // A read pairs with the worker's next write only: a later store without a
        // fresh read is a blind overwrite, not a read-modify-write.
        ownRead.event = kNoEvent;
    }
    return out.size() - before;
}

} // namespace racetrace
