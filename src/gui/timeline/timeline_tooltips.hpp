// What the timeline says about the thing under the mouse: an event (who, what,
// which line of pseudo-code, which value, when, on which CPU), a stay in the
// critical section, or a finding's plain sentence.
#pragma once

#include "gui/timeline/timeline_findings.hpp"
#include "gui/timeline/timeline_lane.hpp"

#include <cstdint>
#include <string>

namespace racetrace {

class Theme;

/// `sameColumn` > 1 adds how many events share the hovered block.
void eventTooltip(const TimelineModel& model, const Theme& theme, std::uint64_t event, std::uint64_t sameColumn);
void stayTooltip(const TimelineModel& model, const Theme& theme, const LaneHover& hover);
/// A blocked channel call: why it waited ("read blocked: pipe P empty"), how long, who ended it.
void waitTooltip(const TimelineModel& model, const Theme& theme, const LaneHover& hover);
void findingTooltip(const TimelineModel& model, const FindingHover& hover);

} // namespace racetrace
