// A worker's lane: its label (name, pid, CPUs), its critical-section stays,
// and its events as ticks. Like Tracy's lanes, each draw walks only what is
// visible and merges everything that falls into one merge column (a few
// pixels) into one block, found by binary search, so a frame costs
// O(pixels x log n) per lane.
#pragma once

#include "gui/timeline/timeline_lane.hpp"

#include <string>

namespace racetrace {

class WorkerLane final : public TimelineLane {
  public:
    explicit WorkerLane(std::uint32_t worker) : m_worker(worker) {}

    void preprocess(const TimelineModel& model) override;
    std::optional<std::uint32_t> worker() const override { return m_worker; }

    void drawBackground(const TimelineFrame& frame, std::size_t lane) const override;
    void drawUnder(const TimelineFrame& frame, std::size_t lane, LaneHover& hover) const override;
    void drawOver(const TimelineFrame& frame, std::size_t lane) const override;
    void drawHeader(const TimelineFrame& frame, std::size_t lane) const override;

    LaneHover hoverEvent(const TimelineFrame& frame, std::size_t lane) const override;
    std::uint64_t nearestEvent(const TimelineFrame& frame, double value) const override;

  private:
    /// Start, exit and kill: rare, and they matter at every zoom, so glyphs never merged away.
    void drawLifecycle(const TimelineFrame& frame, std::size_t lane) const;
    /// The ticks on the CPU: one block per merge column, heads on lone ticks.
    void drawTicks(const TimelineFrame& frame, std::size_t lane) const;
    /// The bar of a spin, from the access it repeats to its last repetition.
    void drawSpinBar(const TimelineFrame& frame, std::size_t lane, std::size_t k) const;
    /// Hatched bars where the worker was blocked in a channel call (merged when
    /// closer than a few pixels). `painted`: the shader drew them; only the hover is left.
    void drawBlocked(const TimelineFrame& frame, std::size_t lane, LaneHover& hover, bool painted) const;
    /// Waiting for the lock: a strip in the worker's colour along the lane's foot.
    void drawLockWaits(const TimelineFrame& frame, std::size_t lane, LaneHover& hover, bool painted) const;
    /// Its stays: a band outlined in the worker's colour, heavier where another waited.
    void drawStays(const TimelineFrame& frame, std::size_t lane, LaneHover& hover) const;
    /// Any of the stays [first, last) of the lane's spans on `axis` was contended.
    bool contended(std::size_t first, std::size_t last, TimeAxis axis) const;
    /// Would-block, end-of-file, broken-pipe, torn and dropped glyphs above the ticks, at every zoom.
    void drawChannelMarks(const TimelineFrame& frame, std::size_t lane) const;

    std::uint32_t m_worker;
    const LaneModel* m_events = nullptr;       ///< this worker's share of the model (preprocess)
    std::string m_name, m_role, m_pid, m_cpus; ///< the label's lines, made once per document
};

} // namespace racetrace
