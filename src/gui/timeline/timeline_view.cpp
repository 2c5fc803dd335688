#include "gui/timeline/timeline_view.hpp"

#include "gui/theme.hpp"
#include "gui/timeline/timeline_findings.hpp"
#include "gui/timeline/timeline_lanes.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "gui/timeline/timeline_ruler.hpp"
#include "gui/timeline/timeline_tooltips.hpp"
#include "session/document.hpp"

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

TimelineView::TimelineView() = default;
TimelineView::~TimelineView() = default;

void TimelineView::syncDocument(ViewContext& context) {
    if (context.document == m_document) return;
    m_document = context.document;
    m_model.reset();
    if (m_document) m_model = std::make_unique<TimelineModel>(m_document);
    // The old range means nothing in the new trace.
    m_axis = context.state.axis;
    context.state.fitRequested = true;
    m_lastCursor = context.state.cursorEvent;
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
        if (m_model->findingExtent(state.selectedFinding, m_axis, begin, end)) {
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
            if (!finding.workers.empty()) m_scrollToLane = static_cast<int>(finding.workers.front());
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

void TimelineView::draw(ViewContext& context) {
    syncDocument(context);
    ViewState& state = context.state;
    if (!m_model) {
        ImGui::TextDisabled("No trace yet: run a scenario or open a .rtrace file.");
        return;
    }
    const ImGuiIO& io = ImGui::GetIO();
    applyRequests(state); // F, Z and T are global keys (App::handleKeys) that set these requests

    // Layout: ruler on top; below it a child window with the label column and
    // the lanes, which scrolls vertically when the lanes do not fit.
    const Palette& palette = context.theme.palette();
    const float font = ImGui::GetFontSize(), line = ImGui::GetTextLineHeight();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 region = ImGui::GetContentRegionAvail();
    const ImVec2 avail(std::max(region.x, font * 16.0f), std::max(region.y, font * 8.0f));
    const float rulerHeight = std::floor(line * 1.8f);
    const float labelWidth = std::floor(std::min(font * 7.0f, avail.x * 0.3f));
    const std::size_t laneCount = m_model->lanes().size();
    const float lanesHeight = avail.y - rulerHeight;
    const float baseLane = std::floor(line * 3.0f + font * 0.8f);
    const float laneHeight = std::floor(
        laneCount ? std::clamp(lanesHeight / static_cast<float>(laneCount), baseLane, baseLane * 4.0f) : baseLane);
    const bool scroll = static_cast<float>(laneCount) * laneHeight > lanesHeight + 0.5f;
    const float timeLeft = origin.x + labelWidth;
    const float timeWidth =
        std::max(avail.x - labelWidth - (scroll ? ImGui::GetStyle().ScrollbarSize : 0.0f), font * 4.0f);

    TimelineFrame frame;
    frame.model = m_model.get();
    frame.theme = &context.theme;
    frame.palette = &palette;
    frame.axis = m_axis;
    frame.ctx = TimelineContext{state.viewBegin, state.viewEnd, timeLeft, timeWidth};
    frame.labelLeft = origin.x;
    frame.laneHeight = laneHeight;
    frame.fontSize = font;
    frame.mergePx = kMergePx;
    frame.tickWidth = std::max(2.0f, std::round(font / 8.0f));
    frame.mouse = io.MousePos;

    ImDrawList* rulerDraw = ImGui::GetWindowDrawList();
    ImGui::SetCursorScreenPos(ImVec2(timeLeft, origin.y));
    const bool rulerPressed = ImGui::InvisibleButton("##ruler", ImVec2(timeWidth, rulerHeight), kCanvasButtons);
    const Input rulerInput = interact(frame.ctx, rulerPressed, 0.0f);

    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + rulerHeight));
    ImGui::BeginChild("##lanes", ImVec2(avail.x, lanesHeight), false,
                      ImGuiWindowFlags_NoScrollWithMouse | (scroll ? 0 : ImGuiWindowFlags_NoScrollbar));
    if (m_scrollToLane >= 0) { // show the focused finding's first lane, if it is scrolled away
        const float y = static_cast<float>(m_scrollToLane) * laneHeight;
        if (y < ImGui::GetScrollY() || y + laneHeight > ImGui::GetScrollY() + lanesHeight)
            ImGui::SetScrollY(std::max(0.0f, y - laneHeight * 0.5f));
        m_scrollToLane = -1;
    }
    const ImVec2 lanesOrigin = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(timeLeft, lanesOrigin.y));
    const float canvasHeight = std::max(lanesHeight, static_cast<float>(laneCount) * laneHeight);
    const bool canvasPressed = ImGui::InvisibleButton("##canvas", ImVec2(timeWidth, canvasHeight), kCanvasButtons);
    const bool canvasHovered = ImGui::IsItemHovered();
    const Input laneInput = interact(frame.ctx, canvasPressed, laneHeight);
    clampView(frame.ctx);
    state.viewBegin = frame.ctx.begin;
    state.viewEnd = frame.ctx.end;

    frame.draw = ImGui::GetWindowDrawList();
    frame.lanesTop = lanesOrigin.y;
    frame.clipTop = frame.draw->GetClipRectMin().y;
    frame.clipBottom = frame.draw->GetClipRectMax().y;
    frame.mouseOverLanes = canvasHovered && !laneInput.dragging && !rulerInput.dragging;
    const int hoveredLane = frame.mouseOverLanes ? frame.laneAt(frame.mouse.y) : -1;
    const EventHover eventHover = hoverEvent(frame, hoveredLane);
    const float lanesBottom = std::min(frame.clipBottom, frame.laneTop(laneCount));

    const RulerTicks ticks = computeRulerTicks(frame.ctx, m_axis, font);
    SpanHover spanHover;
    FindingHover findingHover;
    drawLaneBackgrounds(frame);
    frame.draw->PushClipRect(ImVec2(timeLeft, frame.clipTop), ImVec2(frame.right(), frame.clipBottom), true);
    drawGridLines(frame.draw, frame.ctx, ticks, (palette.laneSeparator & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 90),
                  std::max(frame.clipTop, frame.lanesTop), lanesBottom);
    drawSpans(frame, spanHover);
    drawOverlapBands(frame, findingHover);
    if (eventHover.event != kNoEvent) { // a soft column behind the hovered event
        const float x = frame.px(m_model->eventX(eventHover.event, m_axis));
        const float half = std::max(frame.tickHalfWidth(), kMergePx) + 2.0f;
        const auto lane = static_cast<std::size_t>(hoveredLane);
        frame.draw->AddRectFilled(ImVec2(x - half, frame.laneTop(lane)), ImVec2(x + half, frame.laneBottom(lane)),
                                  palette.hover);
    }
    drawEvents(frame);
    drawFindingMarks(frame, findingHover);
    drawSelectedFinding(frame, state.selectedFinding);
    drawCursor(frame, state.cursorEvent, std::max(frame.clipTop, frame.lanesTop), lanesBottom);
    frame.draw->PopClipRect();
    drawLaneLabels(frame);

    if (laneInput.clicked) {
        const double value = frame.ctx.toValue(io.MousePos.x);
        const std::uint64_t nearest =
            hoveredLane >= 0 ? nearestEventInLane(frame, hoveredLane, value) : m_model->nearestEvent(m_axis, value);
        if (nearest != kNoEvent) state.cursorEvent = nearest;
        if (eventHover.event == kNoEvent && findingHover.count == 1) state.selectedFinding = findingHover.finding;
    }
    ImGui::EndChild();

    // The ruler, in the outer window's draw list (the child would clip it).
    const float rulerRight = timeLeft + timeWidth;
    rulerDraw->PushClipRect(origin, ImVec2(rulerRight, origin.y + rulerHeight), true);
    rulerDraw->AddRectFilled(origin, ImVec2(timeLeft, origin.y + rulerHeight), palette.background);
    rulerDraw->AddText(ImVec2(origin.x + font * 0.4f, origin.y + (rulerHeight - line) * 0.35f), palette.dimText,
                       m_axis == TimeAxis::RealTime ? "time" : "event order");
    rulerDraw->PushClipRect(ImVec2(timeLeft, origin.y), ImVec2(rulerRight, origin.y + rulerHeight), true);
    drawRuler(rulerDraw, frame.ctx, ticks, palette, origin.y, rulerHeight);
    frame.draw = rulerDraw;
    drawCursor(frame, state.cursorEvent, origin.y + rulerHeight * 0.5f, origin.y + rulerHeight);
    rulerDraw->PopClipRect();
    rulerDraw->PopClipRect();
    if (rulerInput.clicked) {
        const std::uint64_t nearest = m_model->nearestEvent(m_axis, frame.ctx.toValue(io.MousePos.x));
        if (nearest != kNoEvent) state.cursorEvent = nearest;
    }

    // What is under the mouse: an event first, then a finding, then a stay.
    if (eventHover.event != kNoEvent) {
        eventTooltip(*m_model, context.theme, eventHover.event, eventHover.sameColumn);
        state.hoveredEvent = eventHover.event;
        m_ownsHover = true;
    } else {
        if (findingHover.count > 0)
            findingTooltip(*m_model, findingHover);
        else if (spanHover.count > 0)
            spanTooltip(*m_model, context.theme, spanHover);
        if (m_ownsHover) state.hoveredEvent = kNoEvent;
        m_ownsHover = false;
    }
    m_lastCursor = state.cursorEvent;
}

} // namespace racetrace
