// "How often?" as a picture: a stats sweep's race rate at each value of its
// knob, the Wilson interval as a band around it, and the untraced rate where
// it was measured. Drawn with ImGui's draw list into a given rectangle, so the
// window's panel and `racetrace stats --plot` draw the same plot.
#pragma once

#include "session/race_stats.hpp"

#include <imgui.h>

namespace racetrace {

class Theme;

/// One line (ImGui text, in the current window) saying what the plot's colours are.
void drawRatePlotLegend(const StatsReport& report, const Theme& theme);

/// Draws the plot of `report` into [min, max]; points not yet run are left out.
void drawRatePlot(ImDrawList& draw, ImVec2 min, ImVec2 max, const StatsReport& report, const Theme& theme);

} // namespace racetrace
