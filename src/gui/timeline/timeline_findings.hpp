// Findings drawn over the lanes: an overlap is a band across the lanes of the
// workers that were inside together, a lost update an arrow from the
// overwriting write to the write it erased, a torn record a marker on each check
// of the record. Findings of one kind and the same lanes are sorted intervals
// (FindingGroup), so thousands of them in one pixel column merge into one mark.
#pragma once

#include "gui/timeline/timeline_frame.hpp"

#include <cstdint>

namespace racetrace {

/// The finding (or merged findings) under the mouse.
struct FindingHover {
    int finding = -1;        ///< index into Analysis::findings of the first one
    std::uint32_t count = 0; ///< merged findings in that mark (1: just this one)
};

/// Overlap bands: drawn under the ticks.
void drawOverlapBands(const TimelineFrame& frame, FindingHover& hover);
/// Lost-update arrows and torn-record markers: drawn over the ticks.
void drawFindingMarks(const TimelineFrame& frame, FindingHover& hover);
/// Send -> receive arrows between worker lanes: only those whose receive is in
/// view (or just after it), thinned to about kMaxArrows when more would be drawn.
void drawMessageArrows(const TimelineFrame& frame);
inline constexpr std::size_t kMaxArrows = 200;
/// The selected finding, drawn last and never merged away.
void drawSelectedFinding(const TimelineFrame& frame, int selected);
/// Under the ticks: the selected overlap's band once more, so it is the most saturated one.
void drawSelectedBand(const TimelineFrame& frame, int selected);

} // namespace racetrace
