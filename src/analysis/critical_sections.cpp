#include "analysis/critical_sections.hpp"

#include "analysis/event_gaps.hpp"
#include "analysis/trace_queries.hpp"

#include <algorithm>
#include <array>

namespace racetrace {

namespace {

/// What one pass over the events remembers about each worker.
struct WorkerState {
    std::uint64_t openSpan = kNoEvent; ///< index into the result while inside
    std::uint64_t lastGuardRead = kNoEvent;
    std::uint64_t guardWrite = kNoEvent; ///< first write after lastGuardRead to its variable
    std::uint64_t lastNs = 0;            ///< its last event, WorkerKilled included
    std::uint64_t lastOwnNs = 0;         ///< its last event it recorded itself (not WorkerKilled)
    std::uint64_t lastEvent = 0;         ///< index of the event lastNs comes from
    std::uint64_t lastOwnEvent = 0;      ///< index of the event lastOwnNs comes from
    bool finished = false;               ///< saw WorkerExit or WorkerKilled
};

/// True for an atomic read-modify-write that found a Lock free and took it.
bool acquiredLock(const Trace& trace, const Event& e) {
    if (!variableIs(trace, e.variable, VariableRole::Lock)) return false;
    if (e.kind == EventKind::Exchange) return e.value == 0 && e.aux != 0;
    // A successful compare-exchange records the value it stored; it found the
    // lock holding what it expected, which a lock program expects free.
    return e.kind == EventKind::CompareExchange && e.aux == 1 && e.value != 0;
}

} // namespace

std::vector<CriticalSectionSpan> criticalSections(const Trace& trace) {
    std::vector<std::uint8_t> guard(trace.scenario.variables.size());
    for (std::size_t v = 0; v < guard.size(); ++v)
        guard[v] = isGuardVariable(trace, static_cast<std::uint16_t>(v));
    const auto isGuard = [&](std::uint16_t v) { return v < guard.size() && guard[v] != 0; };

    std::vector<CriticalSectionSpan> spans;
    std::array<WorkerState, kMaxWorkers> workers{};
    SequenceWatch sequence;
    const auto& events = trace.events;
    for (std::uint64_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        WorkerState& w = workers[e.worker];
        if (sequence.gapBefore(e)) {
            // Events are missing: the worker may have left in them. It was surely
            // inside until its last event before the gap, so the span ends there,
            // and a read from before the gap no longer decides anything.
            if (w.openSpan != kNoEvent) {
                spans[w.openSpan].endNs = w.lastOwnNs;
                spans[w.openSpan].endPosition = w.lastOwnEvent;
            }
            w.openSpan = kNoEvent;
            w.lastGuardRead = kNoEvent;
            w.guardWrite = kNoEvent;
        }
        w.lastNs = e.timestamp;
        w.lastEvent = i;
        if (e.kind != EventKind::WorkerKilled) {
            w.lastOwnNs = e.timestamp;
            w.lastOwnEvent = i;
        }
        if (isGuard(e.variable)) {
            // An exchange is both: it reads the old value and writes the new one.
            if (observesValue(e)) {
                w.lastGuardRead = i;
                w.guardWrite = kNoEvent;
            }
            // Writing the lock again while inside (releasing early) ends the lock's protection.
            if (changesMemory(e) && w.openSpan != kNoEvent && spans[w.openSpan].decidingRead != kNoEvent &&
                events[spans[w.openSpan].decidingRead].variable == e.variable)
                spans[w.openSpan].heldLock = false;
            if (changesMemory(e) && w.lastGuardRead != kNoEvent && w.guardWrite == kNoEvent &&
                events[w.lastGuardRead].variable == e.variable) {
                w.guardWrite = i;
                // The write may come after CsEnter in some programs: complete the open span.
                if (w.openSpan != kNoEvent && spans[w.openSpan].decidingRead == w.lastGuardRead)
                    spans[w.openSpan].guardWrite = i;
            }
        }
        switch (e.kind) {
        case EventKind::CsEnter:
            // Two enters without an exit only come from a damaged trace: end the first one here.
            if (w.openSpan != kNoEvent) {
                spans[w.openSpan].endNs = e.timestamp;
                spans[w.openSpan].endPosition = i;
            }
            w.openSpan = spans.size();
            spans.push_back({e.worker, i, kNoEvent, e.timestamp, e.timestamp, i, w.lastGuardRead, w.guardWrite,
                             w.lastGuardRead != kNoEvent && acquiredLock(trace, events[w.lastGuardRead])});
            break;
        case EventKind::CsExit:
            if (w.openSpan != kNoEvent) {
                spans[w.openSpan].exitEvent = i;
                spans[w.openSpan].endNs = e.timestamp;
                spans[w.openSpan].endPosition = i;
                w.openSpan = kNoEvent;
            }
            // Reads made inside or before this stay must not decide the next entry.
            w.lastGuardRead = kNoEvent;
            w.guardWrite = kNoEvent;
            break;
        case EventKind::WorkerExit:
        case EventKind::WorkerKilled: w.finished = true; break;
        default: break;
        }
    }
    const EventGaps gaps(trace);
    for (std::uint32_t k = 0; k < kMaxWorkers; ++k) {
        const WorkerState& w = workers[k];
        if (w.openSpan == kNoEvent) continue;
        // A killed worker stays inside until it dies; one whose events just stop
        // (the run was cut short) stays inside until the end of the run; one
        // whose last events were dropped, only as long as its events show.
        CriticalSectionSpan& span = spans[w.openSpan];
        if (gaps.endsInGap(k)) {
            span.endNs = w.lastOwnNs;
            span.endPosition = w.lastOwnEvent;
        } else if (w.finished) {
            span.endNs = w.lastNs;
            span.endPosition = w.lastEvent;
        } else {
            span.endNs = std::max(w.lastNs, trace.durationNs);
            span.endPosition = events.size();
        }
    }
    return spans;
}

} // namespace racetrace
