// The ruler above the lanes: ticks at 1-2-5 steps chosen so labels never
// collide, labelled in ns/µs/ms/s (real time) or event numbers (event order),
// and the text helpers the timeline's tooltips share with it.
#pragma once

#include "gui/timeline/timeline_context.hpp"
#include "gui/view_state.hpp"

#include <imgui.h>

#include <cstdint>
#include <string>

namespace racetrace {

struct Palette;

/// Where the labelled ticks of one frame fall.
struct RulerTicks {
    TimeAxis axis = TimeAxis::RealTime;
    double step = 1.0;  ///< axis units between labelled ticks
    double first = 0.0; ///< first labelled tick at or left of the view
    int minor = 5;      ///< unlabelled subdivisions per step
    double unit = 1.0;  ///< ns per label unit (1, 1e3, 1e6, 1e9); 1 in event order
    const char* unitName = "";
    int decimals = 0;
};

/// Picks a step so that labels sit at least a label's width apart.
RulerTicks computeRulerTicks(const TimelineContext& ctx, TimeAxis axis, float fontSize);
std::string formatTick(const RulerTicks& ticks, double value);

/// Ruler band: background, minor and major ticks, labels.
void drawRuler(ImDrawList* draw, const TimelineContext& ctx, const RulerTicks& ticks, const Palette& palette, float top,
               float height);
/// Faint vertical lines at the labelled ticks, across the lanes.
void drawGridLines(ImDrawList* draw, const TimelineContext& ctx, const RulerTicks& ticks, ImU32 color, float top,
                   float bottom);

/// "1,234,567"
std::string formatCount(std::uint64_t value);
/// A point in a run, exact to the ns: "850 ns", "12.345 µs", "1,234.567 µs".
std::string formatTime(double ns);
/// A length of time, three significant digits: "850 ns", "1.25 µs", "3.40 ms".
std::string formatDuration(double ns);

} // namespace racetrace
