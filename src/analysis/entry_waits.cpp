// Lock states as intervals, as Tracy draws them: each stay's entry code (from
// the worker's first access on its way in to its entry) is its wait; a wait
// during which another worker was inside is a real one, and a stay during
// which another worker waited was contended.
#include "analysis/critical_sections.hpp"

#include <algorithm>
#include <numeric>

namespace racetrace {

namespace {

bool isLifecycle(EventKind kind) {
    return kind == EventKind::WorkerStart || kind == EventKind::WorkerExit || kind == EventKind::WorkerKilled;
}

/// Where each stay's entry code began: its first access since the worker's
/// previous exit on a line before the entry's line.
void findWaitBegins(const Trace& trace, std::vector<CriticalSectionSpan>& spans) {
    // Per worker and line, the first event there since the worker last left.
    std::vector<std::vector<std::uint64_t>> firstAtLine(trace.workers.size());
    std::size_t next = 0; // spans are in the order of their CsEnter events
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.worker >= firstAtLine.size() || isLifecycle(e.kind)) continue;
        auto& lines = firstAtLine[e.worker];
        if (e.kind == EventKind::CsExit) {
            std::fill(lines.begin(), lines.end(), kNoEvent);
            continue;
        }
        if (e.kind != EventKind::CsEnter) {
            if (lines.size() <= e.line) lines.resize(e.line + 1u, kNoEvent);
            lines[e.line] = std::min(lines[e.line], i);
            continue;
        }
        for (; next < spans.size() && spans[next].enterEvent < i; ++next) {
        }
        if (next >= spans.size() || spans[next].enterEvent != i) continue;
        CriticalSectionSpan& span = spans[next];
        for (std::size_t line = 0; line < std::min<std::size_t>(e.line, lines.size()); ++line) {
            if (lines[line] == kNoEvent) continue;
            const std::uint64_t stamp = trace.events[lines[line]].timestamp;
            if (stamp < span.waitBeginNs || (stamp == span.waitBeginNs && lines[line] < span.waitEvent)) {
                span.waitBeginNs = stamp;
                span.waitEvent = lines[line];
            }
        }
    }
}

/// Marks every pair (waiter, holder) of different workers whose wait and stay
/// overlap: O(n log n + pairs).
void markContention(std::vector<CriticalSectionSpan>& spans) {
    std::vector<std::size_t> byBegin(spans.size());
    std::iota(byBegin.begin(), byBegin.end(), std::size_t{0});
    std::sort(byBegin.begin(), byBegin.end(),
              [&](std::size_t a, std::size_t b) { return spans[a].beginNs < spans[b].beginNs; });
    std::vector<std::uint64_t> maxEnd(spans.size()); // over byBegin[0..k]: where to stop looking back
    for (std::size_t k = 0; k < byBegin.size(); ++k)
        maxEnd[k] = std::max(k > 0 ? maxEnd[k - 1] : 0, spans[byBegin[k]].endNs);
    for (CriticalSectionSpan& waiter : spans) {
        if (waiter.waitBeginNs >= waiter.beginNs) continue; // walked straight in
        // Holders began before the waiter got in and ended after it began waiting.
        auto k = static_cast<std::size_t>(
            std::lower_bound(byBegin.begin(), byBegin.end(), waiter.beginNs,
                             [&](std::size_t s, std::uint64_t ns) { return spans[s].beginNs < ns; }) -
            byBegin.begin());
        while (k-- > 0 && maxEnd[k] > waiter.waitBeginNs) {
            CriticalSectionSpan& holder = spans[byBegin[k]];
            if (holder.worker == waiter.worker || holder.endNs <= waiter.waitBeginNs) continue;
            waiter.waitedForOther = true;
            holder.contended = true;
        }
    }
}

} // namespace

void addEntryWaits(const Trace& trace, std::vector<CriticalSectionSpan>& spans) {
    findWaitBegins(trace, spans);
    markContention(spans);
}

} // namespace racetrace
