#include "analysis/waiting_accesses.hpp"

#include "analysis/trace_queries.hpp"

#include <set>
#include <utility>

namespace racetrace {

namespace {

/// True when `event` is an access that found the way barred by its value: a
/// guard read "in use", a failed compare-and-swap.
bool foundBarred(const Trace& trace, const Event& event) {
    if (!isGuardVariable(trace, event.variable)) return false;
    if (eventKindInfo(event.kind).value == ValueMeaning::StoredOrSeen) return event.aux == 0; // the swap failed
    return valueWasRead(event) && !isFreeValue(trace, event.variable, event.value);
}

/// One worker on its way to the critical section. Repeats in the entry code
/// are only known to be waiting once the worker enters (a program without a
/// critical section repeats its lines every iteration without waiting).
struct EntryWalk {
    bool inside = false;
    bool lastWasWaiting = false; ///< what a Spin repeats
    bool lastInEntry = false;
    std::set<std::pair<std::uint16_t, std::uint16_t>> visited; ///< (line, variable) since the last exit
    std::uint64_t pending = 0;                                 ///< repeats in the entry code so far

    void reset() {
        visited.clear();
        pending = 0;
    }
};

} // namespace

std::vector<std::uint64_t> waitingAccesses(const Trace& trace) {
    std::vector<std::uint64_t> waits(trace.workers.size(), 0);
    std::vector<EntryWalk> walks(trace.workers.size());
    for (const Event& event : trace.events) {
        if (event.worker >= waits.size()) continue;
        EntryWalk& walk = walks[event.worker];
        switch (event.kind) {
        case EventKind::CsEnter:
            waits[event.worker] += walk.pending;
            walk.reset();
            walk.inside = true;
            continue;
        case EventKind::CsExit: walk.inside = false; continue;
        case EventKind::LockWait: ++waits[event.worker]; continue; // found the lock taken and slept
        case EventKind::Spin: // the worker's previous access, repeated `aux` more times
            if (walk.lastWasWaiting)
                waits[event.worker] += event.aux;
            else if (walk.lastInEntry)
                walk.pending += event.aux;
            continue;
        default: break;
        }
        if (event.variable == kNoVariable) continue; // markers do not change what a spin repeats
        walk.lastWasWaiting = foundBarred(trace, event);
        walk.lastInEntry = !walk.inside;
        if (walk.lastWasWaiting) {
            ++waits[event.worker];
        } else if (!walk.inside && !walk.visited.insert({event.line, event.variable}).second) {
            ++walk.pending; // the entry loop came round again: still waiting to be served
        }
    }
    return waits;
}

} // namespace racetrace
