// A channel's lane, under the worker lanes: its name and kind in the header,
// and how many messages it held over time as a step area against its
// capacity. Each draw walks pixel columns, not points: a column shows the
// most the channel held in it (a segment-tree lookup), and a stretch without
// points is one rectangle, so a frame costs O(pixels x log n) at any zoom.
#pragma once

#include "gui/timeline/timeline_lane.hpp"

#include <string>

namespace racetrace {

class ChannelLane final : public TimelineLane {
  public:
    explicit ChannelLane(std::uint16_t channel) : m_channel(channel) {}

    float height(float standard) const override { return std::floor(standard * 0.8f); }
    void preprocess(const TimelineModel& model) override;

    void drawBackground(const TimelineFrame& frame, std::size_t lane) const override;
    void drawUnder(const TimelineFrame&, std::size_t, LaneHover&) const override {}
    void drawOver(const TimelineFrame& frame, std::size_t lane) const override;
    void drawHeader(const TimelineFrame& frame, std::size_t lane) const override;

    LaneHover hoverEvent(const TimelineFrame& frame, std::size_t lane) const override;
    std::uint64_t nearestEvent(const TimelineFrame& frame, double value) const override;

  private:
    /// Queues the fill levels for the shader; false: the CPU draws them.
    bool painted(const TimelineFrame& frame, std::size_t lane) const;
    /// Screen y of a fill level in the lane.
    float levelY(const TimelineFrame& frame, std::size_t lane, double held) const;
    /// The nearest fill point to `value`, or size() when there is none.
    std::size_t nearestPoint(const TimelineFrame& frame, double value) const;

    std::uint16_t m_channel;
    const ChannelModel* m_fill = nullptr; ///< this channel's share of the model (preprocess)
    double m_scale = 1.0;                 ///< messages at the lane's top: the capacity, or more if it was exceeded
    std::string m_name, m_kind, m_capacity;
};

} // namespace racetrace
