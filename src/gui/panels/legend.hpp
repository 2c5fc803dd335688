// The colour key of the timeline, drawn as one wrapped row of swatches: used
// on rendered pictures (slides and handouts) and in the Help menu. A picture
// of a trace lists only what that trace contains: no "lock taken" under a
// naive-flag run, no "torn record" when no record was torn.
#pragma once

#include <cstdint>

namespace racetrace {

class Theme;
struct TraceDocument;

/// Which entries the legend shows.
struct LegendContent {
    std::uint16_t ticks = 0xFFFF; ///< bits (1 << TickKind) of the tick kinds drawn
    bool stays = true;            ///< critical-section stays
    bool lockWaits = true;        ///< waits to get in while another was inside (a strip at the lane's foot)
    bool contended = true;        ///< stays during which another waited (a heavy outline)
    bool overlaps = true, lostUpdates = true, tornRecords = true, storeBuffering = true;
    std::uint8_t channelMarks = 0xFF;                  ///< bits (1 << ChannelMark) of the channel marks drawn
    bool blocked = true;                               ///< a worker blocked in a channel call
    bool channelFill = true;                           ///< channel lanes (fill levels)
    bool messageArrows = true;                         ///< send -> receive arrows
    bool wakeArrows = true;                            ///< dashed arrows from the call that ended a wait
    bool starts = true, finishes = true, kills = true; ///< workers' start, end and kill markers
    bool spins = true;                                 ///< repeated reads folded into a bar
};

/// The entries `document` needs: one pass over its events, so call it once per
/// document, never per frame.
LegendContent legendContentOf(const TraceDocument& document);

/// Draws "■ flag read  ■ flag write ..." with the theme's colours at the cursor.
/// Findings are drawn as they look on the timeline (an arrow for a lost update,
/// a triangle for a torn record). Without `content`, every entry (a general key).
void drawTimelineLegend(const Theme& theme, const LegendContent& content = {});

} // namespace racetrace
