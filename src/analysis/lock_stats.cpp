#include "analysis/lock_stats.hpp"

#include <algorithm>

namespace racetrace {

namespace {

bool isLifecycle(EventKind kind) {
    return kind == EventKind::WorkerStart || kind == EventKind::WorkerExit || kind == EventKind::WorkerKilled;
}

/// Per stay (indexed like `spans`), when its entry code began: the first
/// access since the worker's previous exit on a line before the entry's.
std::vector<std::uint64_t> waitBegins(const Trace& trace, const std::vector<CriticalSectionSpan>& spans) {
    constexpr std::uint64_t kNone = ~std::uint64_t{0};
    // Per worker and line, the first stamp since the worker last left.
    std::vector<std::vector<std::uint64_t>> firstAtLine(trace.workers.size());
    std::vector<std::uint64_t> begins(spans.size(), kNone);
    std::size_t next = 0; // spans are in the order of their CsEnter events
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.worker >= firstAtLine.size() || isLifecycle(e.kind)) continue;
        auto& lines = firstAtLine[e.worker];
        if (e.kind == EventKind::CsEnter) {
            for (; next < spans.size() && spans[next].enterEvent < i; ++next) {
            }
            if (next < spans.size() && spans[next].enterEvent == i) {
                std::uint64_t begin = e.timestamp;
                for (std::size_t line = 0; line < std::min<std::size_t>(e.line, lines.size()); ++line)
                    begin = std::min(begin, lines[line]);
                begins[next] = begin;
            }
            continue;
        }
        if (e.kind == EventKind::CsExit) {
            std::fill(lines.begin(), lines.end(), kNone);
            continue;
        }
        if (lines.size() <= e.line) lines.resize(e.line + 1u, kNone);
        lines[e.line] = std::min(lines[e.line], e.timestamp);
    }
    return begins;
}

} // namespace

std::vector<WorkerLockStats> lockStats(const Trace& trace, const std::vector<CriticalSectionSpan>& spans) {
    if (spans.empty()) return {};
    std::vector<WorkerLockStats> stats(trace.workers.size());
    for (std::uint32_t w = 0; w < stats.size(); ++w)
        stats[w].worker = w;
    const std::vector<std::uint64_t> begins = waitBegins(trace, spans);
    for (std::size_t k = 0; k < spans.size(); ++k) {
        const CriticalSectionSpan& span = spans[k];
        if (span.worker >= stats.size()) continue;
        WorkerLockStats& row = stats[span.worker];
        ++row.acquired;
        row.holdNs += span.endNs - std::min(span.beginNs, span.endNs);
        if (begins[k] <= span.beginNs) row.waitNs += span.beginNs - begins[k];
    }
    return stats;
}

} // namespace racetrace
