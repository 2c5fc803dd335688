// One lane per worker: its label, its critical-section stays, and its events
// as ticks. Like Tracy's lanes, each draw walks only what is visible and merges
// everything that falls into one merge column (a few pixels) into one block,
// found by binary search, so the cost per lane is O(pixels x log n).
#pragma once

#include "analysis/trace_queries.hpp"
#include "gui/timeline/timeline_context.hpp"
#include "gui/timeline/timeline_model.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace racetrace {

class Theme;
struct Palette;

/// Everything one frame of the timeline draws with: the time <-> pixel mapping
/// (TimelineContext), where the lanes sit and the draw list. Built by
/// TimelineView each frame; the drawing functions only read it.
struct TimelineFrame {
    const TimelineModel* model = nullptr;
    const Theme* theme = nullptr;
    const Palette* palette = nullptr;
    ImDrawList* draw = nullptr;
    TimelineContext ctx; ///< x mapping of the time area (the label column is left of ctx.left)
    TimeAxis axis = TimeAxis::RealTime;
    float labelLeft = 0.0f; ///< x where the label column starts
    float lanesTop = 0.0f;  ///< screen y of lane 0's top (scrolled)
    float laneHeight = 48.0f;
    float clipTop = 0.0f, clipBottom = 0.0f; ///< lanes outside this y range are skipped
    float fontSize = 16.0f;
    float mergePx = 3.0f; ///< items closer than this merge into one block
    float tickWidth = 2.0f;
    ImVec2 mouse{-1e30f, -1e30f};
    bool mouseOverLanes = false; ///< hover tests only run when the lanes are hovered

    std::size_t laneCount() const { return model->lanes().size(); }
    float laneTop(std::size_t lane) const { return lanesTop + static_cast<float>(lane) * laneHeight; }
    float laneBottom(std::size_t lane) const { return laneTop(lane) + laneHeight; }
    /// y at a fraction of the lane's height (0 = top, 1 = bottom).
    float laneY(std::size_t lane, float fraction) const { return laneTop(lane) + fraction * laneHeight; }
    bool laneVisible(std::size_t lane) const { return laneBottom(lane) >= clipTop && laneTop(lane) <= clipBottom; }
    /// The lane under screen y, or -1.
    int laneAt(float y) const {
        if (y < lanesTop) return -1;
        const auto lane = static_cast<std::size_t>((y - lanesTop) / laneHeight);
        return lane < laneCount() ? static_cast<int>(lane) : -1;
    }
    float right() const { return ctx.left + ctx.width; }
    /// Pixel x of an axis value, kept near the visible area so far-off values stay exact in float.
    float px(double value) const {
        return std::clamp(ctx.toPixel(value), ctx.left - 4.0f * ctx.width, right() + 4.0f * ctx.width);
    }
    /// Axis units of one merge column.
    double mergeUnits() const { return static_cast<double>(mergePx) * ctx.unitsPerPixel(); }
    /// Half the width of one event's tick: a few pixels in real time; in event
    /// order, most of the event's slot once zoomed in (the interleaving diagram).
    float tickHalfWidth() const {
        const float half = tickWidth * 0.5f;
        if (axis == TimeAxis::RealTime) return half;
        return std::max(half, std::min(0.35f / static_cast<float>(ctx.unitsPerPixel()), fontSize));
    }
    /// Where a stay or an overlap still going on (a live trace) ends on screen:
    /// the live end of the trace, in real time a font size beyond it, since
    /// the overlap may be only microseconds old at a zoom of seconds, and it is
    /// the news. Every open item ends there, so the band and the stays agree.
    float openEndPx() const {
        const double end = model->fullEnd(axis);
        return px(end) + (axis == TimeAxis::RealTime ? fontSize : 0.0f);
    }
    bool mouseIn(ImVec2 min, ImVec2 max) const {
        return mouseOverLanes && mouse.x >= min.x && mouse.x <= max.x && mouse.y >= min.y && mouse.y <= max.y;
    }
};

// Vertical layout inside a lane, as fractions of its height.
inline constexpr float kSpanTop = 0.10f, kSpanBottom = 0.90f;
inline constexpr float kTallTop = 0.24f, kShortTop = 0.46f, kTickBottom = 0.76f;

/// The event under the mouse in one lane.
struct EventHover {
    std::uint64_t event = kNoEvent;
    std::uint64_t sameColumn = 0; ///< events of this lane merged into the hovered block (1: alone)
};

/// The critical-section stay (or merged stays) under the mouse.
struct SpanHover {
    int lane = -1;
    std::uint32_t span = 0;  ///< index in WorkerLane::spans of the first one
    std::uint32_t count = 0; ///< merged stays in that block
};

/// Filled rectangle outline from four thin rectangles: cheaper than an anti-aliased AddRect.
void outlineRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float thickness);

void drawLaneBackgrounds(const TimelineFrame& frame);
/// A swatch of the worker's colour and its name, "pid 1234", "CPU 0,1", clipped to [labelLeft, ctx.left).
void drawLaneLabels(const TimelineFrame& frame);
void drawSpans(const TimelineFrame& frame, SpanHover& hover);
void drawEvents(const TimelineFrame& frame);

/// The event of `lane` nearest the mouse, if within a few pixels, or the spin
/// whose bar is under the mouse.
EventHover hoverEvent(const TimelineFrame& frame, int lane);
/// The event of `lane` nearest to `value` (kNoEvent for an empty lane).
std::uint64_t nearestEventInLane(const TimelineFrame& frame, int lane, double value);

} // namespace racetrace
