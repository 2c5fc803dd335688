// Noticing dropped events during a pass over a trace: a full ring drops events
// (and counts them) rather than block its worker, which leaves a jump in that
// worker's sequence numbers (see analysis/event_gaps.hpp for what the finders do
// about it).
#pragma once

#include "trace/event.hpp"

#include <array>
#include <cstdint>

namespace racetrace {

/// Follows each worker's sequence numbers during a pass over Trace::events.
class SequenceWatch {
  public:
    /// True when events of `event.worker` are missing just before `event`
    /// (including a worker whose first recorded event is not seq 0). Call once per event, in order.
    bool gapBefore(const Event& event) {
        const bool gap = event.seq != m_next[event.worker];
        m_next[event.worker] = event.seq + 1;
        return gap;
    }

  private:
    std::array<std::uint32_t, 256> m_next{};
};

} // namespace racetrace
