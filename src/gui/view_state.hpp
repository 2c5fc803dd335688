// What the user is looking at, apart from the trace itself: the cursor, the
// selected finding, the zoom, the axis, playback. Views read and change it;
// the trace never changes because of it.
#pragma once

#include "analysis/trace_queries.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace racetrace {

enum class TimeAxis : std::uint8_t {
    RealTime,   ///< x = ns since the run started
    EventOrder, ///< x = index of the event in the merged order: the interleaving diagram
};

struct ViewState {
    std::uint64_t cursorEvent = kNoEvent; ///< index into Trace::events; kNoEvent: before the first
    int selectedFinding = -1;             ///< index into Analysis::findings
    TimeAxis axis = TimeAxis::RealTime;

    // Visible range of the timeline, in axis units (ns or event index).
    double viewBegin = 0.0;
    double viewEnd = 1.0;
    bool fitRequested = true;    ///< zoom to show the whole trace at the next frame
    bool focusRequested = false; ///< zoom to the selected finding at the next frame

    /// The cursor was stepped (keys, playback, a click on an event): the
    /// status line tells what happened at it instead of the finding's sentence.
    bool narrating = false;

    bool playing = false;
    double playbackEventsPerSecond = 20.0;
    double playbackCarry = 0.0; ///< fraction of an event owed to the next frame
    std::uint64_t hoveredEvent = kNoEvent;

    /// Step mode: per worker, the access it will make next ("read Y"), and its
    /// line; empty when not stepping. The code view marks these.
    std::vector<std::string> nextAccess; ///< "" once finished; "blocked in ..." while blocked
    std::vector<int> nextLine;           ///< -1: finished

    /// Selects finding `index` and asks every view to move to it.
    void selectFinding(int index) {
        selectedFinding = index;
        focusRequested = true;
        narrating = false;
    }
};

} // namespace racetrace
