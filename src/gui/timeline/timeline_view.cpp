#include "gui/timeline/timeline_view.hpp"

#include "gui/layout_report.hpp"
#include "gui/panels/legend.hpp"
#include "gui/theme.hpp"
#include "gui/timeline/channel_lane.hpp"
#include "gui/timeline/gpu_lanes.hpp"
#include "gui/timeline/timeline_findings.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "gui/timeline/timeline_ruler.hpp"
#include "gui/timeline/timeline_tooltips.hpp"
#include "gui/timeline/worker_lane.hpp"
#include "session/document.hpp"
#include "trace/phase_timer.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cmath>

namespace racetrace {

namespace {

constexpr ImGuiButtonFlags kCanvasButtons = ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle;
constexpr double kFitMargin = 0.02;    ///< of the trace's length, each side
constexpr double kFocusWidening = 3.0; ///< a focused finding fills a third of the view
constexpr float kMergePx = 3.0f;

} // namespace

TimelineView::TimelineView(bool legend, bool fillHeight)
    : m_gpu(std::make_unique<GpuLanes>()), m_fillHeight(fillHeight), m_showLegend(legend) {}
TimelineView::~TimelineView() = default;

void TimelineView::syncDocument(ViewContext& context) {
    if (context.document != m_document) {
        m_document = context.document;
        m_model.reset();
        m_lanes.clear();
        m_preparing = {}; // (waits for a model still being made for the previous document)
        if (m_document) {
            auto prepare = [document = m_document, legend = m_showLegend] {
                const PhaseTimer phase("preparing the timeline");
                Prepared prepared;
                if (legend) prepared.legend = legendContentOf(*document); // one pass over the events, once
                prepared.model = std::make_unique<TimelineModel>(document);
                return prepared;
            };
            auto prepareAndWake = [prepare] {
                Prepared prepared = prepare();
                glfwPostEmptyEvent(); // an idle window waits for events: this is one
                return prepared;
            };
            // 6 M events take ~0.7 s here: the window keeps drawing (and says so) meanwhile.
            constexpr std::size_t kBackgroundEvents = 250'000;
            if (m_background && m_document->trace.events.size() >= kBackgroundEvents)
                m_preparing = std::async(std::launch::async, std::move(prepareAndWake));
            else
                adopt(prepare());
        }
        // The old range means nothing in the new trace.
        m_axis = context.state.axis;
        context.state.fitRequested = true;
        m_lastCursor = context.state.cursorEvent;
    }
    if (m_preparing.valid() && m_preparing.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        adopt(m_preparing.get());
}

void TimelineView::adopt(Prepared prepared) {
    m_legend = std::move(prepared.legend);
    m_model = std::move(prepared.model);
    ++m_modelGeneration;
    // One lane per worker, in worker order; lanes of other kinds go after them.
    for (std::uint32_t w = 0; w < m_model->lanes().size(); ++w)
        m_lanes.push_back(std::make_unique<WorkerLane>(w));
    for (std::size_t c = 0; c < m_model->channels().size(); ++c)
        m_lanes.push_back(std::make_unique<ChannelLane>(static_cast<std::uint16_t>(c)));
    for (const auto& lane : m_lanes)
        lane->preprocess(*m_model);
}

void TimelineView::applyRequests(ViewState& state) {
    const std::uint64_t eventCount = m_model->trace().events.size();
    const bool cursorValid = state.cursorEvent < eventCount;
    auto centreOn = [&](double x, double span) {
        state.viewBegin = x - span * 0.5;
        state.viewEnd = x + span * 0.5;
    };

    if (state.axis != m_axis) { // same stretch of the run on the other axis, centred on the cursor
        const double begin = m_model->convert(state.viewBegin, m_axis, state.axis);
        const double end = m_model->convert(state.viewEnd, m_axis, state.axis);
        const double span = std::max(end - begin, minSpan(state.axis));
        m_axis = state.axis;
        if (cursorValid)
            centreOn(m_model->eventX(state.cursorEvent, m_axis), span);
        else
            state.viewBegin = begin, state.viewEnd = begin + span;
        keepInTrace(state); // centring on an early or late cursor would show time outside the run
    }
    if (!std::isfinite(state.viewBegin) || !std::isfinite(state.viewEnd) || state.viewEnd <= state.viewBegin)
        state.fitRequested = true;
    if (state.fitRequested) {
        // The whole run; a run shorter than the least span (a few steps) sits
        // at the left, where its next events will appear, not in the middle.
        const double lo = m_model->fullBegin(m_axis), hi = m_model->fullEnd(m_axis);
        state.viewBegin = lo - fitMargin(hi - lo);
        state.viewEnd = std::max(hi + fitMargin(hi - lo), state.viewBegin + minSpan(m_axis));
        state.fitRequested = false;
    }
    if (state.focusRequested) {
        state.focusRequested = false;
        double begin = 0, end = 0;
        if (m_model->focusExtent(state.selectedFinding, m_axis, begin, end)) {
            centreOn((begin + end) * 0.5, std::max((end - begin) * kFocusWidening, minSpan(m_axis) * kFocusWidening));
            const Finding& finding = m_document->analysis.findings[static_cast<std::size_t>(state.selectedFinding)];
            // The cursor goes to the moment the finding begins (for an overlap: the
            // second worker's entry), not to its first event, which can lie far
            // before the part of the run the view now shows.
            const std::uint64_t atBegin = TraceIndex::firstEventAtOrAfter(m_document->trace, finding.beginNs);
            if (atBegin < eventCount)
                state.cursorEvent = atBegin;
            else if (!finding.events.empty() && finding.events.front() < eventCount)
                state.cursorEvent = finding.events.front();
            if (!finding.workers.empty()) m_scrollToWorker = static_cast<int>(finding.workers.front());
            keepInTrace(state);
        }
    } else if (cursorValid && state.cursorEvent != m_lastCursor) { // moved elsewhere (playback, keys): follow it
        const double x = m_model->eventX(state.cursorEvent, m_axis);
        if (x < state.viewBegin || x > state.viewEnd) {
            centreOn(x, state.viewEnd - state.viewBegin);
            keepInTrace(state);
        }
    }
}

double TimelineView::fitMargin(double span) const {
    // In event order at least half a slot, so the first and last ticks are whole.
    return std::max(span * kFitMargin, m_axis == TimeAxis::EventOrder ? 0.5 : 0.0);
}

void TimelineView::keepInTrace(ViewState& state) const {
    const std::size_t n = m_model->trace().events.size();
    if (n == 0) return;
    // From the first event to the last (in event order, to the live slot if
    // any): the quiet time before the first access and after the last, which
    // a fit shows, is not worth a centred view's half.
    const double lo = m_model->eventX(0, m_axis);
    const double hi = m_axis == TimeAxis::EventOrder ? m_model->fullEnd(m_axis) : m_model->eventX(n - 1, m_axis);
    const double span = state.viewEnd - state.viewBegin;
    const double first = lo - fitMargin(span);
    const double last = hi + fitMargin(span);
    // Wider than the run: just the run (a short one from the left). Otherwise
    // slide the view, keeping its zoom, until it lies within the run.
    if (span >= last - first) {
        state.viewBegin = first;
        state.viewEnd = std::max(last, first + minSpan(m_axis));
        return;
    }
    state.viewBegin = std::clamp(state.viewBegin, first, last - span);
    state.viewEnd = state.viewBegin + span;
}

TimelineView::Input TimelineView::interact(TimelineContext& ctx, bool pressed, float scrollStep) const {
    const ImGuiIO& io = ImGui::GetIO();
    Input input;
    const double min = minSpan(m_axis);
    if (ImGui::IsItemActive() &&
        (ImGui::IsMouseDragging(ImGuiMouseButton_Left) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle))) {
        ctx.panPixels(io.MouseDelta.x);
        input.dragging = true;
    }
    if (ImGui::IsItemHovered()) {
        if (io.MouseWheel != 0.0f) {
            if (io.KeyCtrl && scrollStep > 0.0f)
                ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseWheel * scrollStep);
            else if (io.KeyShift)
                ctx.panPixels(io.MouseWheel * ctx.width * 0.1f);
            else
                ctx.zoomAround(io.MousePos.x, std::pow(0.8, static_cast<double>(io.MouseWheel)), min);
        }
        if (io.MouseWheelH != 0.0f) ctx.panPixels(io.MouseWheelH * ctx.width * 0.1f);
        if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) ctx.zoomAround(io.MousePos.x, 0.5, min);
    }
    const float threshold = io.MouseDragThreshold;
    input.clicked = pressed && ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
                    io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] < threshold * threshold;
    return input;
}

void TimelineView::clampView(TimelineContext& ctx) const {
    const double lo = m_model->fullBegin(m_axis), hi = m_model->fullEnd(m_axis);
    const double min = minSpan(m_axis);
    const double span = std::clamp(ctx.end - ctx.begin, min, std::max((hi - lo) * 2.0, min * 4.0));
    const double centre = (ctx.begin + ctx.end) * 0.5;
    // Keep some of the trace in view: never pan into empty space.
    const double begin = std::clamp(centre - span * 0.5, lo - span * 0.9, hi - span * 0.1);
    ctx.begin = begin;
    ctx.end = begin + span;
}

void TimelineView::drawCursor(const TimelineFrame& f, std::uint64_t cursor, float top, float bottom) const {
    if (cursor >= m_model->trace().events.size()) return;
    const double x = m_model->eventX(cursor, f.axis);
    if (!f.ctx.visible(x, x)) return;
    const float p = std::round(f.px(x));
    const float half = std::max(1.0f, std::round(f.fontSize / 12.0f));
    f.draw->AddRectFilled(ImVec2(p - half, top), ImVec2(p + half, bottom), f.palette->cursor);
}

TimelineView::Layout TimelineView::layout() const {
    const float font = ImGui::GetFontSize(), line = ImGui::GetTextLineHeight();
    const ImVec2 region = ImGui::GetContentRegionAvail();
    Layout l;
    l.origin = ImGui::GetCursorScreenPos();
    l.size = ImVec2(std::max(region.x, font * 16.0f), std::max(region.y, font * 8.0f));
    l.rulerHeight = std::floor(line * 1.8f);
    l.labelWidth = std::floor(std::min(font * 7.0f, l.size.x * 0.3f));
    l.lanesHeight = l.size.y - l.rulerHeight;
    // A standard lane fits its three label lines. Lanes share the view's
    // height: they grow to fill it (in the window up to four times the
    // standard) and shrink to fit it down to one label line, the worker's
    // name; only more lanes than that scroll.
    const float base = std::floor(line * 3.0f + font * 0.8f);
    const float least = std::floor(line + font * 0.6f);
    const float most = m_fillHeight ? std::max(base, l.lanesHeight) : base * 4.0f;
    const auto count = static_cast<float>(m_lanes.size());
    l.standardLane = std::floor(count > 0 ? std::clamp(l.lanesHeight / count, least, most) : base);
    for (const auto& lane : m_lanes)
        l.contentHeight += std::floor(lane->height(l.standardLane));
    l.scroll = l.contentHeight > l.lanesHeight + 0.5f;
    l.timeLeft = l.origin.x + l.labelWidth;
    l.timeWidth = std::max(l.size.x - l.labelWidth - (l.scroll ? ImGui::GetStyle().ScrollbarSize : 0.0f), font * 4.0f);
    return l;
}

TimelineFrame TimelineView::makeFrame(const ViewContext& context, const Layout& l) const {
    TimelineFrame frame;
    frame.model = m_model.get();
    frame.theme = &context.theme;
    frame.palette = &context.theme.palette();
    frame.axis = m_axis;
    frame.ctx = TimelineContext{context.state.viewBegin, context.state.viewEnd, l.timeLeft, l.timeWidth};
    frame.labelLeft = l.origin.x;
    frame.fontSize = ImGui::GetFontSize();
    frame.mergePx = kMergePx;
    // Lecture strokes are at least twice the screen theme's: ticks and arrows read from the back row.
    frame.strokeScale = context.theme.lecture() ? 2.0f : 1.0f;
    frame.tickWidth = std::max(2.0f * frame.strokeScale, std::round(frame.fontSize / 8.0f));
    frame.mouse = ImGui::GetIO().MousePos;
    frame.laneOfWorker.assign(m_model->trace().workers.size(), -1);
    for (std::size_t k = 0; k < m_lanes.size(); ++k)
        if (const auto worker = m_lanes[k]->worker(); worker && *worker < frame.laneOfWorker.size())
            frame.laneOfWorker[*worker] = static_cast<int>(k);
    return frame;
}

void TimelineView::noteLanes(const ViewContext& context, const TimelineFrame& frame, const Layout& l) const {
    if (context.layout == nullptr) return;
    for (std::uint32_t worker = 0; worker < frame.laneOfWorker.size(); ++worker)
        if (const int lane = frame.laneOfWorker[worker]; lane >= 0)
            context.layout->rect("lane-" + workerName(worker),
                                 ImVec2(l.origin.x, frame.laneTop(static_cast<std::size_t>(lane))),
                                 ImVec2(l.timeLeft + l.timeWidth, frame.laneBottom(static_cast<std::size_t>(lane))));
}

void TimelineView::placeLanes(TimelineFrame& frame, const Layout& l, float top) const {
    frame.lanes.clear();
    for (const auto& lane : m_lanes) {
        const float height = std::floor(lane->height(l.standardLane));
        frame.lanes.push_back({top, height});
        top += height;
    }
}

void TimelineView::scrollToFocusedLane(const TimelineFrame& frame) {
    if (m_scrollToWorker < 0) return; // show the focused finding's first lane, if it is scrolled away
    const int lane = frame.workerLane(static_cast<std::uint32_t>(m_scrollToWorker));
    m_scrollToWorker = -1;
    if (lane < 0) return;
    const float y = frame.laneTop(static_cast<std::size_t>(lane)) - frame.laneTop(0);
    const float height = frame.laneHeight(static_cast<std::size_t>(lane));
    const float visible = ImGui::GetWindowHeight();
    if (y < ImGui::GetScrollY() || y + height > ImGui::GetScrollY() + visible)
        ImGui::SetScrollY(std::max(0.0f, y - height * 0.5f));
}

TimelineView::Hovers TimelineView::drawLanes(const TimelineFrame& frame, int selectedFinding,
                                             std::uint64_t cursor) const {
    Hovers hovers;
    const Palette& palette = *frame.palette;
    const int hoveredLane = frame.mouseOverLanes ? frame.laneAt(frame.mouse.y) : -1;
    if (hoveredLane >= 0) hovers.event = m_lanes[static_cast<std::size_t>(hoveredLane)]->hoverEvent(frame, hoveredLane);
    hovers.lane = hoveredLane;
    const float top = std::max(frame.clipTop, frame.laneCount() ? frame.laneTop(0) : frame.clipTop);
    const float bottom = std::min(frame.clipBottom, frame.lanesBottom());
    forEachVisibleLane(frame, [&](std::size_t k) { m_lanes[k]->drawBackground(frame, k); });
    frame.draw->AddRectFilled(ImVec2(frame.ctx.left - 1.0f, top), ImVec2(frame.ctx.left, bottom),
                              palette.laneSeparator);
    frame.draw->PushClipRect(ImVec2(frame.ctx.left, frame.clipTop), ImVec2(frame.right(), frame.clipBottom), true);
    const RulerTicks ticks = computeRulerTicks(frame.ctx, m_axis, frame.fontSize);
    drawGridLines(frame.draw, frame.ctx, ticks, (palette.laneSeparator & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 90), top,
                  bottom);
    forEachVisibleLane(frame, [&](std::size_t k) { m_lanes[k]->drawUnder(frame, k, hovers.stay); });
    drawOverlapBands(frame, hovers.finding);
    drawSelectedBand(frame, selectedFinding);
    if (hovers.event.event != kNoEvent) { // a soft column behind the hovered event
        const float x = frame.px(m_model->eventX(hovers.event.event, m_axis));
        const float half = std::max(frame.tickHalfWidth(), kMergePx) + 2.0f;
        const auto lane = static_cast<std::size_t>(hoveredLane);
        frame.draw->AddRectFilled(ImVec2(x - half, frame.laneTop(lane)), ImVec2(x + half, frame.laneBottom(lane)),
                                  palette.hover);
    }
    forEachVisibleLane(frame, [&](std::size_t k) { m_lanes[k]->drawOver(frame, k); });
    drawMessageArrows(frame);
    drawFindingMarks(frame, hovers.finding);
    drawSelectedFinding(frame, selectedFinding);
    drawCursor(frame, cursor, top, bottom);
    frame.draw->PopClipRect();
    frame.draw->PushClipRect(ImVec2(frame.labelLeft, frame.clipTop), ImVec2(frame.ctx.left - 2.0f, frame.clipBottom),
                             true);
    forEachVisibleLane(frame, [&](std::size_t k) { m_lanes[k]->drawHeader(frame, k); });
    frame.draw->PopClipRect();
    return hovers;
}

void TimelineView::drawRulerBand(TimelineFrame frame, ImDrawList* draw, const Layout& l, std::uint64_t cursor) const {
    const float right = l.timeLeft + l.timeWidth;
    const float line = ImGui::GetTextLineHeight();
    const Palette& palette = *frame.palette;
    draw->PushClipRect(l.origin, ImVec2(right, l.origin.y + l.rulerHeight), true);
    draw->AddRectFilled(l.origin, ImVec2(l.timeLeft, l.origin.y + l.rulerHeight), palette.background);
    draw->AddText(ImVec2(l.origin.x + frame.fontSize * 0.4f, l.origin.y + (l.rulerHeight - line) * 0.35f),
                  palette.dimText, m_axis == TimeAxis::RealTime ? "time" : "event order");
    draw->PushClipRect(ImVec2(l.timeLeft, l.origin.y), ImVec2(right, l.origin.y + l.rulerHeight), true);
    drawRuler(draw, frame.ctx, computeRulerTicks(frame.ctx, m_axis, frame.fontSize), palette, l.origin.y,
              l.rulerHeight);
    frame.draw = draw;
    drawCursor(frame, cursor, l.origin.y + l.rulerHeight * 0.5f, l.origin.y + l.rulerHeight);
    draw->PopClipRect();
    draw->PopClipRect();
}

void TimelineView::handleClick(const TimelineFrame& frame, const Hovers& hovers, ViewState& state) const {
    const double value = frame.ctx.toValue(frame.mouse.x);
    const std::uint64_t nearest = hovers.lane >= 0
                                      ? m_lanes[static_cast<std::size_t>(hovers.lane)]->nearestEvent(frame, value)
                                      : m_model->nearestEvent(m_axis, value);
    if (nearest != kNoEvent) state.cursorEvent = nearest, state.narrating = true;
    if (hovers.event.event == kNoEvent && hovers.finding.count == 1)
        state.selectedFinding = hovers.finding.finding, state.narrating = false;
}

void TimelineView::showTooltip(const ViewContext& context, const Hovers& hovers) {
    ViewState& state = context.state;
    // What is under the mouse: an event first, then a finding, then a stay.
    if (hovers.event.event != kNoEvent) {
        eventTooltip(*m_model, context.theme, hovers.event.event, hovers.event.sameColumn);
        state.hoveredEvent = hovers.event.event;
        m_ownsHover = true;
        return;
    }
    if (hovers.finding.count > 0)
        findingTooltip(*m_model, hovers.finding);
    else if (hovers.stay.waits > 0)
        waitTooltip(*m_model, context.theme, hovers.stay);
    else if (hovers.stay.stays > 0)
        stayTooltip(*m_model, context.theme, hovers.stay);
    if (m_ownsHover) state.hoveredEvent = kNoEvent;
    m_ownsHover = false;
}

void TimelineView::draw(ViewContext& context) {
    syncDocument(context);
    ViewState& state = context.state;
    if (!m_model) {
        ImGui::TextDisabled("%s", m_preparing.valid() ? "Preparing the timeline..."
                                  : context.commands.job().busy
                                      ? "The timeline appears once the trace is recorded (or read) and analysed."
                                      : "No trace yet: run a scenario or open a .rtrace file.");
        return;
    }
    applyRequests(state); // F, Z and T are global keys (App::handleKeys) that set these requests
    if (m_showLegend) {
        drawTimelineLegend(context.theme, m_legend);
        noteItem(context, "legend");
    }
    m_gpu->beginFrame(*m_model, m_modelGeneration);
    if (!m_gpu->error().empty()) ImGui::TextColored(ImVec4(0.85f, 0.2f, 0.2f, 1.0f), "%s", m_gpu->error().c_str());
    const Layout l = layout();
    TimelineFrame frame = makeFrame(context, l);
    frame.gpu = m_gpu.get();

    // The ruler on top; below it a child window with the label column and the
    // lanes, which scrolls vertically when the lanes do not fit.
    ImDrawList* rulerDraw = ImGui::GetWindowDrawList();
    ImGui::SetCursorScreenPos(ImVec2(l.timeLeft, l.origin.y));
    const bool rulerPressed = ImGui::InvisibleButton("##ruler", ImVec2(l.timeWidth, l.rulerHeight), kCanvasButtons);
    const Input rulerInput = interact(frame.ctx, rulerPressed, 0.0f);

    ImGui::SetCursorScreenPos(ImVec2(l.origin.x, l.origin.y + l.rulerHeight));
    ImGui::BeginChild("##lanes", ImVec2(l.size.x, l.lanesHeight), false,
                      ImGuiWindowFlags_NoScrollWithMouse | (l.scroll ? 0 : ImGuiWindowFlags_NoScrollbar));
    const ImVec2 lanesOrigin = ImGui::GetCursorScreenPos();
    placeLanes(frame, l, lanesOrigin.y);
    scrollToFocusedLane(frame);
    ImGui::SetCursorScreenPos(ImVec2(l.timeLeft, lanesOrigin.y));
    const bool canvasPressed = ImGui::InvisibleButton(
        "##canvas", ImVec2(l.timeWidth, std::max(l.lanesHeight, l.contentHeight)), kCanvasButtons);
    const bool canvasHovered = ImGui::IsItemHovered();
    const Input laneInput = interact(frame.ctx, canvasPressed, l.standardLane);
    clampView(frame.ctx);
    state.viewBegin = frame.ctx.begin;
    state.viewEnd = frame.ctx.end;
    frame.draw = ImGui::GetWindowDrawList();
    frame.clipTop = frame.draw->GetClipRectMin().y;
    frame.clipBottom = frame.draw->GetClipRectMax().y;
    frame.mouseOverLanes = canvasHovered && !laneInput.dragging && !rulerInput.dragging;
    const Hovers hovers = drawLanes(frame, state.selectedFinding, state.cursorEvent);
    noteLanes(context, frame, l);
    if (laneInput.clicked) handleClick(frame, hovers, state);
    ImGui::EndChild();

    drawRulerBand(frame, rulerDraw, l, state.cursorEvent); // in the outer window: the child would clip it
    if (rulerInput.clicked) {
        const std::uint64_t nearest = m_model->nearestEvent(m_axis, frame.ctx.toValue(frame.mouse.x));
        if (nearest != kNoEvent) state.cursorEvent = nearest;
    }
    showTooltip(context, hovers);
    m_lastCursor = state.cursorEvent;
}

} // namespace racetrace
