// Each worker's stays inside the critical section, as time intervals, with the
// read that let the worker in. The overlap finder sweeps these; a timeline can
// draw them as spans.
#pragma once

#include "analysis/trace_queries.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace racetrace {

struct CriticalSectionSpan {
    std::uint32_t worker = 0;
    std::uint64_t enterEvent = kNoEvent; ///< index of the CsEnter event
    std::uint64_t exitEvent = kNoEvent;  ///< index of the CsExit event; kNoEvent if the worker never left
    std::uint64_t beginNs = 0;
    /// CsExit time; for a worker that never left, its last event (killed or
    /// exited) or, if the trace just stops, the end of the run. When the
    /// worker's events went missing while it was inside (a full ring), its last
    /// event before the gap: the part of the stay the trace can vouch for.
    std::uint64_t endNs = 0;
    /// Where in the trace's order the stay ended: the CsExit, the event endNs
    /// comes from, or Trace::events.size() for a stay that lasts to the end of
    /// the run. The trace's order is the order memory saw (trace/event_order.hpp);
    /// stamps can tie, so "who was inside when" is read from positions.
    std::uint64_t endPosition = 0;
    /// The worker's last read of a Flag or Lock variable since its previous
    /// CsExit and before this CsEnter: the read that decided it could enter.
    std::uint64_t decidingRead = kNoEvent;
    /// The worker's first write to that same variable after the deciding read
    /// ("Y = 0", or the exchange itself for test-and-set).
    std::uint64_t guardWrite = kNoEvent;
    /// The worker took a Lock with an atomic exchange (or compare-exchange) that
    /// found it free, and wrote the lock no more before it left. The hardware
    /// lets only one worker hold such a lock, so two spans that both have this
    /// cannot really overlap: if their times say so, the clocks disagree.
    bool heldLock = false;
    /// Where its entry code began: the worker's first access since its
    /// previous exit on a line before the entry's (a flag check, a
    /// test-and-set, taking a ticket); beginNs and enterEvent when it had none.
    std::uint64_t waitBeginNs = 0;
    std::uint64_t waitEvent = kNoEvent;
    /// Another worker was inside while this one was in its entry code: it
    /// waited for the lock (Tracy's "waiting" state).
    bool waitedForOther = false;
    /// Another worker was in its entry code while this one was inside: the
    /// lock was contended (Tracy's "contended" state).
    bool contended = false;
};

/// All spans of all workers, in order of their CsEnter events, with their
/// entry waits and contention. Linear in the trace, plus O(n log n) in spans.
std::vector<CriticalSectionSpan> criticalSections(const Trace& trace);

/// Fills each span's waitBeginNs, waitEvent, waitedForOther and contended
/// (entry_waits.cpp); `spans` as criticalSections lists them.
void addEntryWaits(const Trace& trace, std::vector<CriticalSectionSpan>& spans);

} // namespace racetrace
