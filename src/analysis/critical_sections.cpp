#include "analysis/critical_sections.hpp"

#include "analysis/trace_queries.hpp"
#include "trace/event_gaps.hpp"

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
    const auto isFree = [&](std::int64_t value) { return isFreeValue(trace, e.variable, value); };
    if (e.kind == EventKind::Exchange) return isFree(e.value) && !isFree(writtenValue(e));
    // A successful compare-exchange records the value it stored; it found the
    // lock holding what it expected, which a lock program expects free.
    return e.kind == EventKind::CompareExchange && e.aux == 1 && !isFree(e.value);
}

/// One pass over the events, following each worker in and out of the critical section.
class SpanBuilder {
  public:
    explicit SpanBuilder(const Trace& trace) : m_trace(trace), m_guard(trace.scenario.variables.size()) {
        for (std::size_t v = 0; v < m_guard.size(); ++v)
            m_guard[v] = isGuardVariable(trace, static_cast<std::uint16_t>(v));
    }

    void reserve(std::size_t stays) { m_spans.reserve(stays); }

    void add(std::uint64_t i) {
        const Event& e = m_trace.events[i];
        WorkerState& w = m_workers[e.worker];
        if (m_sequence.gapBefore(e)) onGap(w);
        w.lastNs = e.timestamp;
        w.lastEvent = i;
        if (e.kind != EventKind::WorkerKilled) {
            w.lastOwnNs = e.timestamp;
            w.lastOwnEvent = i;
        }
        if (e.variable < m_guard.size() && m_guard[e.variable] != 0) onGuardAccess(w, i);
        switch (e.kind) {
        case EventKind::CsEnter: onEnter(w, i); break;
        case EventKind::CsExit: onExit(w, i); break;
        case EventKind::WorkerExit:
        case EventKind::WorkerKilled: w.finished = true; break;
        default: break;
        }
    }

    /// Ends the stays of workers still inside when the events run out.
    std::vector<CriticalSectionSpan> finish() {
        const EventGaps gaps(m_trace);
        for (std::uint32_t k = 0; k < kMaxWorkers; ++k) {
            const WorkerState& w = m_workers[k];
            if (w.openSpan == kNoEvent) continue;
            // A killed worker stays inside until it dies; one whose events just stop
            // (the run was cut short) stays inside until the end of the run; one
            // whose last events were dropped, only as long as its events show.
            CriticalSectionSpan& span = m_spans[w.openSpan];
            if (gaps.endsInGap(k)) {
                span.endNs = w.lastOwnNs;
                span.endPosition = w.lastOwnEvent;
            } else if (w.finished) {
                span.endNs = w.lastNs;
                span.endPosition = w.lastEvent;
            } else {
                span.endNs = std::max(w.lastNs, m_trace.durationNs);
                span.endPosition = m_trace.events.size();
            }
        }
        return std::move(m_spans);
    }

  private:
    /// Events are missing: the worker may have left in them. It was surely
    /// inside until its last event before the gap, so the span ends there, and
    /// a read from before the gap no longer decides anything.
    void onGap(WorkerState& w) {
        if (w.openSpan != kNoEvent) {
            m_spans[w.openSpan].endNs = w.lastOwnNs;
            m_spans[w.openSpan].endPosition = w.lastOwnEvent;
        }
        w.openSpan = kNoEvent;
        w.lastGuardRead = kNoEvent;
        w.guardWrite = kNoEvent;
    }

    void onGuardAccess(WorkerState& w, std::uint64_t i) {
        const auto& events = m_trace.events;
        const Event& e = events[i];
        // An exchange is both: it reads the old value and writes the new one.
        if (observesValue(e)) {
            w.lastGuardRead = i;
            w.guardWrite = kNoEvent;
        }
        if (!changesMemory(e)) return;
        // Writing the lock again while inside (releasing early) ends the lock's protection.
        if (w.openSpan != kNoEvent && m_spans[w.openSpan].decidingRead != kNoEvent &&
            events[m_spans[w.openSpan].decidingRead].variable == e.variable)
            m_spans[w.openSpan].heldLock = false;
        if (w.lastGuardRead != kNoEvent && w.guardWrite == kNoEvent && events[w.lastGuardRead].variable == e.variable) {
            w.guardWrite = i;
            // The write may come after CsEnter in some programs: complete the open span.
            if (w.openSpan != kNoEvent && m_spans[w.openSpan].decidingRead == w.lastGuardRead)
                m_spans[w.openSpan].guardWrite = i;
        }
    }

    void onEnter(WorkerState& w, std::uint64_t i) {
        const Event& e = m_trace.events[i];
        // Two enters without an exit only come from a damaged trace: end the first one here.
        if (w.openSpan != kNoEvent) {
            m_spans[w.openSpan].endNs = e.timestamp;
            m_spans[w.openSpan].endPosition = i;
        }
        w.openSpan = m_spans.size();
        const bool heldLock = w.lastGuardRead != kNoEvent && acquiredLock(m_trace, m_trace.events[w.lastGuardRead]);
        m_spans.push_back({e.worker, i, kNoEvent, e.timestamp, e.timestamp, i, w.lastGuardRead, w.guardWrite, heldLock,
                           e.timestamp, i});
    }

    void onExit(WorkerState& w, std::uint64_t i) {
        if (w.openSpan != kNoEvent) {
            m_spans[w.openSpan].exitEvent = i;
            m_spans[w.openSpan].endNs = m_trace.events[i].timestamp;
            m_spans[w.openSpan].endPosition = i;
            w.openSpan = kNoEvent;
        }
        // Reads made inside or before this stay must not decide the next entry.
        w.lastGuardRead = kNoEvent;
        w.guardWrite = kNoEvent;
    }

    const Trace& m_trace;
    std::vector<std::uint8_t> m_guard; ///< per variable: 1 for a guard
    std::vector<CriticalSectionSpan> m_spans;
    std::array<WorkerState, kMaxWorkers> m_workers{};
    SequenceWatch m_sequence;
};

} // namespace

std::vector<CriticalSectionSpan> criticalSections(const Trace& trace) {
    SpanBuilder builder(trace);
    // A stay per CsEnter: counted first, so the list is allocated once (growing
    // it by doubling copied and faulted in three times its final size).
    builder.reserve(static_cast<std::size_t>(std::count_if(
        trace.events.begin(), trace.events.end(), [](const Event& e) { return e.kind == EventKind::CsEnter; })));
    for (std::uint64_t i = 0; i < trace.events.size(); ++i)
        builder.add(i);
    auto spans = builder.finish();
    addEntryWaits(trace, spans);
    return spans;
}

} // namespace racetrace
