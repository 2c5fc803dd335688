// Step 3 of the value-consistent merge (trace/event_order.cpp): given the
// events in stamp order and the edges the values require, an order that keeps
// every worker's program order and every edge, the smallest deadline first.
//
// Almost every edge already points forward in stamp order (a real naive-flag
// run of 6 M events has ~5,000 backward ones among 7.4 M). Only the stretches of
// the stamp order that a backward edge spans can change, so the windowed merge
// reorders those alone and leaves every other event where it is: the same order
// as merging the whole trace (see windowedDeadlineMerge), at a small fraction of
// its time and memory.
#pragma once

#include "trace/event.hpp"
#include "trace/event_order.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace racetrace::merge {

using Index = std::uint32_t;
inline constexpr Index kNoIndex = std::numeric_limits<Index>::max();

/// `from` must come before `to` (event indices in stamp order).
struct Edge {
    Index from;
    Index to;
};

/// Kahn's merge of the workers' program orders (by seq) plus `edges` over all
/// of `events`, the smallest deadline first (a deadline: the smallest stamp
/// among the events one must precede); where the edges form a cycle the
/// earliest head goes anyway and repair.conflicts counts it. Returns the new
/// order as old indices; repair.moved counts events placed before one stamped
/// earlier.
std::vector<Index> deadlineMerge(const std::vector<Event>& events, const std::vector<Edge>& edges,
                                 EventOrderRepair& repair);

class Reordering;

/// deadlineMerge, run only on the stretches of the stamp order that backward
/// edges (and program-order inversions, where a clock went back) span. Equal to
/// deadlineMerge(events, edges) event for event: an event outside every
/// stretch precedes only events after it, so its deadline is its own stamp and
/// nothing before it or after it can overtake it.
Reordering windowedDeadlineMerge(const std::vector<Event>& events, const std::vector<Edge>& edges,
                                 EventOrderRepair& repair);

/// What the windowed merge changed: stretches of the stamp order, each put in a new order.
class Reordering {
  public:
    struct Stretch {
        Index begin; ///< first event index in the stretch
        Index end;   ///< one past the last
        Index first; ///< where the stretch's events start in newOrder
    };

    /// The stretches, in index order, and their events' new order (old indices), stretch after stretch.
    std::vector<Stretch> stretches;
    std::vector<Index> newOrder;

    /// Where event `old` stands after the reordering (itself outside every stretch).
    Index positionOf(Index old) const;
    /// Puts `events` in the new order (each stretch through a buffer of its own size).
    void apply(std::vector<Event>& events) const;
    /// The whole order as old indices, events.size() of them (for tests).
    std::vector<Index> fullOrder(std::size_t eventCount) const;

  private:
    friend Reordering windowedDeadlineMerge(const std::vector<Event>&, const std::vector<Edge>&, EventOrderRepair&);
    /// The stretch holding event `old`, or null.
    const Stretch* stretchOf(Index old) const;

    std::vector<bool> m_inStretch;     ///< per event: in some stretch (a quick test before stretchOf's search)
    std::vector<Index> m_newPositions; ///< per stretch event (stretch's first + offset): its new index
};

} // namespace racetrace::merge
