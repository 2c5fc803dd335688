// The timeline: lanes (a worker's events, critical-section stays and blocked
// channel calls; under them a channel's fill level; later locks), send ->
// receive arrows and the findings over them, on a real-time axis or in
// event order (the interleaving diagram). This class does input, zoom, layout
// and the order of drawing; the lanes (TimelineLane), findings, ruler and
// tooltips draw themselves from a TimelineFrame, and everything they look up
// was prepared once per document in a TimelineModel and the lanes' preprocess.
#pragma once

#include "gui/panels/legend.hpp"
#include "gui/timeline/timeline_context.hpp"
#include "gui/timeline/timeline_findings.hpp"
#include "gui/timeline/timeline_lane.hpp"
#include "gui/view.hpp"

#include <cstdint>
#include <future>
#include <memory>
#include <vector>

namespace racetrace {

class GpuLanes;
class TimelineModel;

class TimelineView : public View {
  public:
    /// `legend`: a line above the ruler naming what the trace's marks mean
    /// (the side-by-side leaves it out: two timelines share the screen).
    /// `fillHeight`: lanes grow without limit to fill the view (a picture for
    /// slides); in the window they stop at four times their standard height.
    explicit TimelineView(bool legend = true, bool fillHeight = false);
    ~TimelineView() override;
    const char* title() const override { return "Timeline"; }
    void draw(ViewContext& context) override;

    /// Big traces' timelines are prepared on another thread while the window
    /// keeps drawing; a picture (render) wants them at once.
    void prepareInBackground(bool background) { m_background = background; }

    /// Smallest visible span: 20 ns in real time, 8 events in event order.
    static double minSpan(TimeAxis axis) { return axis == TimeAxis::RealTime ? 20.0 : 8.0; }

  private:
    struct Input {
        bool clicked = false;  ///< left press and release without a drag
        bool dragging = false; ///< panning this frame
    };

    void syncDocument(ViewContext& context);
    /// What a document's timeline needs, made once per document (on another thread for big ones).
    struct Prepared {
        std::unique_ptr<TimelineModel> model;
        LegendContent legend;
    };
    void adopt(Prepared prepared);
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

    /// Where the parts of the view go this frame, in screen pixels.
    struct Layout {
        ImVec2 origin, size;
        float rulerHeight = 0, labelWidth = 0, lanesHeight = 0;
        float standardLane = 0;  ///< a worker lane's height
        float contentHeight = 0; ///< every lane stacked
        bool scroll = false;     ///< the lanes do not fit: a scroll bar
        float timeLeft = 0, timeWidth = 0;
    };
    /// What is under the mouse after the lanes were drawn.
    struct Hovers {
        int lane = -1;
        LaneHover event; ///< the event under the mouse (in `lane`)
        LaneHover stay;  ///< a critical-section stay under the mouse
        FindingHover finding;
    };
    Layout layout() const;
    TimelineFrame makeFrame(const ViewContext& context, const Layout& layout) const;
    /// Stacks the lanes from screen y `top` down.
    void placeLanes(TimelineFrame& frame, const Layout& layout, float top) const;
    /// Each worker lane's rectangle, into the layout report.
    void noteLanes(const ViewContext& context, const TimelineFrame& frame, const Layout& layout) const;
    void scrollToFocusedLane(const TimelineFrame& frame);
    /// The lanes in their layers, the findings between them, the cursor, the headers.
    Hovers drawLanes(const TimelineFrame& frame, int selectedFinding, std::uint64_t cursor) const;
    void drawRulerBand(TimelineFrame frame, ImDrawList* draw, const Layout& layout, std::uint64_t cursor) const;
    /// A click on the lanes moves the cursor to the nearest event, or selects the finding under it.
    void handleClick(const TimelineFrame& frame, const Hovers& hovers, ViewState& state) const;
    void showTooltip(const ViewContext& context, const Hovers& hovers);
    template <class F> static void forEachVisibleLane(const TimelineFrame& frame, F&& draw) {
        for (std::size_t k = 0; k < frame.laneCount(); ++k)
            if (frame.laneVisible(k)) draw(k);
    }

    std::shared_ptr<const TraceDocument> m_document; ///< held so the model's pointers stay valid
    std::unique_ptr<TimelineModel> m_model;
    std::uint64_t m_modelGeneration = 0; ///< counts the models made: the GPU uploads again when it changes
    std::unique_ptr<GpuLanes> m_gpu;
    std::future<Prepared> m_preparing; ///< a big document's model, being made
    bool m_background = true;
    bool m_fillHeight = false;
    bool m_showLegend = true;
    LegendContent m_legend; ///< what the shown trace has (legendContentOf), kept per document
    std::vector<std::unique_ptr<TimelineLane>> m_lanes; ///< top to bottom
    TimeAxis m_axis = TimeAxis::RealTime;               ///< the axis ViewState::viewBegin/End are in
    std::uint64_t m_lastCursor = kNoEvent;              ///< to notice cursor moves made elsewhere
    bool m_ownsHover = false;                           ///< we set ViewState::hoveredEvent and must clear it
    int m_scrollToWorker = -1; ///< after a focus: bring this worker's lane into view (many workers)
};

} // namespace racetrace
