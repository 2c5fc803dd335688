// The timeline: one lane per worker with its events, critical-section stays and
// the findings over them, on a real-time axis or in event order (the
// interleaving diagram). This class does input, zoom and orchestration; the
// lanes, findings, ruler and tooltips draw themselves from a TimelineFrame, and
// everything they look up was prepared once per document in a TimelineModel.
#pragma once

#include "gui/timeline/timeline_context.hpp"
#include "gui/view.hpp"

#include <cstdint>
#include <memory>

namespace racetrace {

class TimelineModel;
struct TimelineFrame;

class TimelineView : public View {
  public:
    TimelineView();
    ~TimelineView() override;
    const char* title() const override { return "Timeline"; }
    void draw(ViewContext& context) override;

    /// Smallest visible span: 20 ns in real time, 8 events in event order.
    static double minSpan(TimeAxis axis) { return axis == TimeAxis::RealTime ? 20.0 : 8.0; }

  private:
    struct Input {
        bool clicked = false;  ///< left press and release without a drag
        bool dragging = false; ///< panning this frame
    };

    void syncDocument(ViewContext& context);
    /// Axis switch, zoom to fit, zoom to the selected finding, follow the cursor.
    void applyRequests(ViewState& state);
    /// Zoom and pan from the last submitted InvisibleButton; `pressed` is its result.
    Input interact(TimelineContext& ctx, bool pressed, float scrollStep) const;
    void clampView(TimelineContext& ctx) const;
    /// Space left of the trace's start and right of its end in a view `span` wide.
    double fitMargin(double span) const;
    /// Moves a view that a request centred somewhere (axis switch, a finding,
    /// the cursor) so that it shows no time before the run or after it.
    void keepInTrace(ViewState& state) const;
    void drawCursor(const TimelineFrame& frame, std::uint64_t cursor, float top, float bottom) const;

    std::shared_ptr<const TraceDocument> m_document; ///< held so the model's pointers stay valid
    std::unique_ptr<TimelineModel> m_model;
    TimeAxis m_axis = TimeAxis::RealTime;  ///< the axis ViewState::viewBegin/End are in
    std::uint64_t m_lastCursor = kNoEvent; ///< to notice cursor moves made elsewhere
    bool m_ownsHover = false;              ///< we set ViewState::hoveredEvent and must clear it
    int m_scrollToLane = -1;               ///< after a focus: bring this lane into view (many workers)
};

} // namespace racetrace
