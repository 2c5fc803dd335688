// The colour key of the timeline, drawn as one wrapped row of swatches: used
// on rendered pictures (slides and handouts) and in the Help menu.
#pragma once

namespace racetrace {

class Theme;

/// Draws "■ flag read  ■ flag write ..." with the theme's colours at the cursor.
void drawTimelineLegend(const Theme& theme);

} // namespace racetrace
