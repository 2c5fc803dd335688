#include "analysis/lock_stats.hpp"

#include <algorithm>

namespace racetrace {

std::vector<WorkerLockStats> lockStats(const Trace& trace, const std::vector<CriticalSectionSpan>& spans) {
    if (spans.empty()) return {};
    std::vector<WorkerLockStats> stats(trace.workers.size());
    for (std::uint32_t w = 0; w < stats.size(); ++w)
        stats[w].worker = w;
    for (std::size_t k = 0; k < spans.size(); ++k) {
        const CriticalSectionSpan& span = spans[k];
        if (span.worker >= stats.size()) continue;
        WorkerLockStats& row = stats[span.worker];
        ++row.acquired;
        row.holdNs += span.endNs - std::min(span.beginNs, span.endNs);
        row.waitNs += span.beginNs - std::min(span.waitBeginNs, span.beginNs);
    }
    return stats;
}

} // namespace racetrace
