// Where a trace is missing events. A full ring drops events (and counts them)
// rather than block its worker, and the parent discards malformed records; both
// leave a jump in that worker's sequence numbers. Inside such a gap the worker
// may have left the critical section, read or written a counter: the finders
// must not read the absence of those events as evidence, so they end what they
// were following at a gap and ignore conclusions that span one.
//
//   worker B:  seq 41  42  43 ........ 97  98        (44..96 dropped)
//                         |<-- gap -->|
//                      fromNs        toNs
#pragma once

#include "trace/sequence_watch.hpp"
#include "trace/trace.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace racetrace {

/// Every gap of every worker, as time intervals, for "did anything go missing
/// between these two moments?".
class EventGaps {
  public:
    explicit EventGaps(const Trace& trace);

    bool empty() const { return m_gaps.empty(); }
    std::size_t size() const { return m_gaps.size(); }
    /// True when some worker may have done something unrecorded between `fromNs` and `toNs` (inclusive).
    bool touches(std::uint64_t fromNs, std::uint64_t toNs) const;
    /// True when the worker's last events were dropped (its ring counted more drops than its sequence shows).
    bool endsInGap(std::uint32_t worker) const { return worker < m_trailing.size() && m_trailing[worker]; }

  private:
    struct Gap {
        std::uint64_t fromNs; ///< the worker's last recorded event before the gap (0: start of the run)
        std::uint64_t toNs;   ///< its first recorded event after it (end of the run for a trailing gap)
    };
    std::vector<Gap> m_gaps;                 ///< ascending fromNs
    std::vector<std::uint64_t> m_maxToSoFar; ///< m_maxToSoFar[k] = max toNs of m_gaps[0..k]
    std::vector<bool> m_trailing;            ///< per worker
};

} // namespace racetrace
