// One horizontal strip of the timeline, as a small class (Tracy's
// TimelineItem): the worker lane is the first kind; channel and lock lanes
// are others, added without touching the rest. The view lays the lanes out
// from their heights, then each frame asks every visible lane to draw itself
// in layers, so the findings drawn across lanes can sit between the layers:
//
//   background -> under (stays) -> overlap bands -> over (ticks) -> marks -> header
//
// All time <-> pixel math stays in TimelineFrame/TimelineContext.
#pragma once

#include "gui/timeline/timeline_frame.hpp"

#include <cstdint>
#include <optional>

namespace racetrace {

/// What is under the mouse in one lane.
struct LaneHover {
    std::uint64_t event = kNoEvent; ///< the event under the mouse
    std::uint64_t sameColumn = 0;   ///< events merged into the hovered block (1: alone)
    std::uint32_t stayWorker = 0;   ///< a critical-section stay under the mouse: its worker
    std::uint32_t stay = 0;         ///< index in TraceIndex's WorkerEvents::spans of the first one
    std::uint32_t stays = 0;        ///< merged stays in that block (0: none)
    bool lockWait = false;          ///< the stays' waits to get in are under the mouse, not the stays
    std::uint32_t wait = kNoWait;   ///< a blocked wait under the mouse: index into MessageStats::waits
    std::uint32_t waits = 0;        ///< merged waits in that block (0: none)

    static constexpr std::uint32_t kNoWait = ~0u;
};

class TimelineLane {
  public:
    virtual ~TimelineLane() = default;

    /// The lane's height, given the height of a standard lane this frame.
    virtual float height(float standard) const { return standard; }
    /// Once per document (and axis) change: prepare what the draws look up.
    virtual void preprocess(const TimelineModel& model) = 0;
    /// The worker whose events the lane shows, if it is a worker's lane.
    virtual std::optional<std::uint32_t> worker() const { return std::nullopt; }

    virtual void drawBackground(const TimelineFrame& frame, std::size_t lane) const = 0;
    /// Drawn under the findings' bands (a worker lane's critical-section stays).
    virtual void drawUnder(const TimelineFrame& frame, std::size_t lane, LaneHover& hover) const = 0;
    /// Drawn over the bands (ticks, glyphs).
    virtual void drawOver(const TimelineFrame& frame, std::size_t lane) const = 0;
    /// The label column, left of the time area.
    virtual void drawHeader(const TimelineFrame& frame, std::size_t lane) const = 0;

    /// The event under the mouse, if any (the mouse is over this lane).
    virtual LaneHover hoverEvent(const TimelineFrame& frame, std::size_t lane) const = 0;
    /// The lane's event nearest to `value` on the frame's axis (kNoEvent if none).
    virtual std::uint64_t nearestEvent(const TimelineFrame& frame, double value) const = 0;
};

} // namespace racetrace
