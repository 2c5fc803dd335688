#include "analysis/lock_stats.hpp"

#include <algorithm>

namespace racetrace {

std::vector<WorkerLockStats> lockStats(const Trace& trace, const std::vector<CriticalSectionSpan>& spans) {
    if (spans.empty()) return {};
    std::vector<WorkerLockStats> stats(trace.workers.size());
    for (std::uint32_t w = 0; w < stats.size(); ++w)
        stats[w].worker = w;
    std::uint32_t last = ~0u;
    std::uint64_t run = 0;
    for (std::size_t k = 0; k < spans.size(); ++k) { // in the order of their entries
        const CriticalSectionSpan& span = spans[k];
        if (span.worker >= stats.size()) continue;
        WorkerLockStats& row = stats[span.worker];
        run = span.worker == last ? run + 1 : 1;
        last = span.worker;
        row.longestRun = std::max(row.longestRun, run);
        ++row.acquired;
        row.holdNs += span.endNs - std::min(span.beginNs, span.endNs);
        row.waitNs += span.beginNs - std::min(span.waitBeginNs, span.beginNs);
    }
    return stats;
}

} // namespace racetrace
