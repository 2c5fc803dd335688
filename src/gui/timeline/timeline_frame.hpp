// Everything one frame of the timeline draws with: the time <-> pixel mapping
// (TimelineContext), where each lane sits on screen, and the draw list. Built
// by TimelineView each frame; the lanes and the findings only read it.
#pragma once

#include "gui/timeline/timeline_context.hpp"
#include "gui/timeline/timeline_model.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace racetrace {

class GpuLanes;
class Theme;
struct Palette;

/// Where one lane sits on screen (scrolled).
struct LaneBox {
    float top = 0.0f;
    float height = 0.0f;
};

struct TimelineFrame {
    const TimelineModel* model = nullptr;
    const Theme* theme = nullptr;
    const Palette* palette = nullptr;
    ImDrawList* draw = nullptr;
    GpuLanes* gpu = nullptr; ///< draws what is dense with our shaders (null: all on the CPU)
    TimelineContext ctx;     ///< x mapping of the time area (the label column is left of ctx.left)
    TimeAxis axis = TimeAxis::RealTime;
    float labelLeft = 0.0f;                  ///< x where the label column starts
    std::vector<LaneBox> lanes;              ///< every lane, top to bottom
    std::vector<int> laneOfWorker;           ///< worker -> index into `lanes` (-1: no lane)
    float clipTop = 0.0f, clipBottom = 0.0f; ///< lanes outside this y range are skipped
    float fontSize = 16.0f;
    float mergePx = 3.0f; ///< items closer than this merge into one block
    float tickWidth = 2.0f;
    float strokeScale = 1.0f; ///< 2 in lecture mode: arrows and outlines twice as thick
    ImVec2 mouse{-1e30f, -1e30f};
    bool mouseOverLanes = false; ///< hover tests only run when the lanes are hovered

    std::size_t laneCount() const { return lanes.size(); }
    float laneTop(std::size_t lane) const { return lanes[lane].top; }
    float laneBottom(std::size_t lane) const { return lanes[lane].top + lanes[lane].height; }
    float laneHeight(std::size_t lane) const { return lanes[lane].height; }
    /// y at a fraction of the lane's height (0 = top, 1 = bottom).
    float laneY(std::size_t lane, float fraction) const { return laneTop(lane) + fraction * laneHeight(lane); }
    bool laneVisible(std::size_t lane) const { return laneBottom(lane) >= clipTop && laneTop(lane) <= clipBottom; }
    /// The bottom of the last lane (the top of the lanes when there are none).
    float lanesBottom() const { return lanes.empty() ? clipTop : laneBottom(lanes.size() - 1); }
    /// The lane under screen y, or -1.
    int laneAt(float y) const {
        const auto after = std::upper_bound(lanes.begin(), lanes.end(), y,
                                            [](float value, const LaneBox& box) { return value < box.top; });
        if (after == lanes.begin()) return -1;
        const auto lane = static_cast<std::size_t>(after - lanes.begin()) - 1;
        return y <= laneBottom(lane) ? static_cast<int>(lane) : -1;
    }
    /// The lane of worker `worker`, or -1.
    int workerLane(std::uint32_t worker) const { return worker < laneOfWorker.size() ? laneOfWorker[worker] : -1; }
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
inline constexpr float kWaitTop = 0.80f; ///< a lock wait: a strip from here to kSpanBottom
inline constexpr float kTallTop = 0.24f, kShortTop = 0.46f, kTickBottom = 0.76f;

/// Filled rectangle outline from four thin rectangles: cheaper than an anti-aliased AddRect.
void outlineRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float thickness);

/// The head of a lone tick of `kind` centred on `centre` (the lanes and the
/// legend): solid in the tick's ink, or hollow (`background` inside).
void drawTickHead(ImDrawList* draw, const Palette& palette, TickKind kind, ImVec2 centre, float radius,
                  ImU32 background);

/// The small glyph of a channel mark centred on `centre` (the lanes and the legend).
void drawChannelMark(ImDrawList* draw, const Palette& palette, ChannelMark mark, ImVec2 centre, float radius);
/// A bar with diagonal hatching, for a worker blocked in a channel call: its
/// faint fill is `color` at kHatchFillAlpha, its lines kHatchStep pixels apart
/// (shaders/lane_waits.frag draws the same).
inline constexpr float kHatchStep = 6.0f;
inline constexpr unsigned kHatchFillAlpha = 25;
void hatchedRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color);
/// A dashed line, dashes `dash` px long: the arrows from the call that ended a wait.
void dashedLine(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 color, float dash, float thickness);

inline ImU32 withAlpha(ImU32 color, unsigned alpha) {
    return (color & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT);
}

} // namespace racetrace
