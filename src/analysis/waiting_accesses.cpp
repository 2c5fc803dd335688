#include "analysis/waiting_accesses.hpp"

#include "analysis/trace_queries.hpp"

namespace racetrace {

namespace {

/// True when `event` is an access that found the way barred (see waitingAccesses).
bool isWaiting(const Trace& trace, const Event& event) {
    if (!isGuardVariable(trace, event.variable)) return false;
    if (eventKindInfo(event.kind).value == ValueMeaning::StoredOrSeen) return event.aux == 0; // the swap failed
    return valueWasRead(event) && !isFreeValue(trace, event.variable, event.value);
}

} // namespace

std::vector<std::uint64_t> waitingAccesses(const Trace& trace) {
    std::vector<std::uint64_t> waits(trace.workers.size(), 0);
    std::vector<bool> lastWasWaiting(trace.workers.size(), false);
    for (const Event& event : trace.events) {
        if (event.worker >= waits.size()) continue;
        if (event.kind == EventKind::Spin) { // the worker's previous access, repeated `aux` more times
            if (lastWasWaiting[event.worker]) waits[event.worker] += event.aux;
            continue;
        }
        if (event.variable == kNoVariable) continue; // markers do not change what a spin repeats
        lastWasWaiting[event.worker] = isWaiting(trace, event);
        if (lastWasWaiting[event.worker]) ++waits[event.worker];
    }
    return waits;
}

} // namespace racetrace
