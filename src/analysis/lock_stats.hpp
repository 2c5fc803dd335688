// How each worker fared at the critical section's door: how often it got in,
// how long it waited to get in, how long it stayed. A fair lock (the ticket
// lock) shares these evenly; with test-and-set the quickest may win again and
// again. Waiting runs from the worker's first access in the entry code (the
// lines before the critical section: a flag check, a test-and-set, taking a
// ticket) to its entry; staying, from the entry to the exit.
#pragma once

#include "analysis/critical_sections.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace racetrace {

struct WorkerLockStats {
    std::uint32_t worker = 0;
    std::uint64_t acquired = 0; ///< entries into the critical section
    std::uint64_t waitNs = 0;   ///< time spent in the entry code, in all
    std::uint64_t holdNs = 0;   ///< time spent inside, in all
    /// Most entries in a row with nobody else entering in between: 1 under
    /// strict turns, thousands where a test-and-set lets the quickest win again.
    std::uint64_t longestRun = 0;
};

/// One row per worker, or none when nobody ever entered a critical section.
std::vector<WorkerLockStats> lockStats(const Trace& trace, const std::vector<CriticalSectionSpan>& spans);

} // namespace racetrace
