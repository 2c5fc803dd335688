// Where things are in the 1600x900 window in the dark theme at text scale 1,
// worked out from App::frame/drawLayout and TimelineView::draw and checked on
// screenshots (kept under the build's tests/gui/artifacts/):
//
//   y   0.. 22  menu bar (font 16 + 2 x frame padding 3)
//   y  22.. 83  status line (two lines of the large font 21.6 + 2 x window padding 8)
//   left column x 0..432 (27 %): Run y 83..430 (42 %), Findings y 430..900
//   Timeline x 432..1600, y 83..612 (what the code panel below leaves: all
//     its lines, 8 for the naive flag): title bar, the legend in one or two
//     lines from y 113 (it lists what the trace holds), the ruler, lanes from
//     y 161 or 181 to 603; label column x 440..551, the time axis from x 552
//   playback bar y 612..648, then Code and Memory to the bottom
// The window's layout report (GuiApp::layout) gives the exact rectangles.
#pragma once

#include "pixels.hpp"

namespace racetrace::guitest::layout {

inline constexpr int kLeftColumnRight = 432;
/// The label column of the lanes ("A", "pid ...", "CPU ...").
inline constexpr Rect kLaneLabels{440, 185, 548, 595};
/// The lanes right of the label column: spans, events, bands, the cursor.
inline constexpr Rect kLaneArea{553, 185, 1596, 595};
/// The whole timeline window.
inline constexpr Rect kTimeline{436, 96, 1596, 558};
/// The findings panel (its list of Selectables is in the lower part).
inline constexpr Rect kFindings{8, 434, 400, 896};
/// The top of the window, where the menu bar and the status line are (in both themes).
inline constexpr Rect kTopRows{4, 0, 1596, 300};
/// The status line in the dark theme.
inline constexpr Rect kStatusLine{4, 24, 1596, 81};
/// The playback bar under the timeline ("cursor: event N of M ...").
inline constexpr Rect kPlaybackBar{436, 614, 1596, 646};

} // namespace racetrace::guitest::layout
