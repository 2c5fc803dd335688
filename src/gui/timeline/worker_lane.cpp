#include "gui/timeline/worker_lane.hpp"

#include "gui/theme.hpp"
#include "gui/timeline/gpu_lanes.hpp"
#include "session/document.hpp"

#include <algorithm>
#include <cmath>

namespace racetrace {

void outlineRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float t) {
    // Inside the rectangle whatever its size: a 2 px stay with a 6 px outline
    // (lecture mode, contended) drew its right side 4 px before the stay began.
    const float tx = std::min(t, (max.x - min.x) * 0.5f), ty = std::min(t, (max.y - min.y) * 0.5f);
    draw->AddRectFilled(min, ImVec2(max.x, min.y + ty), color);
    draw->AddRectFilled(ImVec2(min.x, max.y - ty), max, color);
    draw->AddRectFilled(ImVec2(min.x, min.y + ty), ImVec2(min.x + tx, max.y - ty), color);
    draw->AddRectFilled(ImVec2(max.x - tx, min.y + ty), ImVec2(max.x, max.y - ty), color);
}

void dashedLine(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 color, float dash, float thickness) {
    const float length = std::hypot(b.x - a.x, b.y - a.y);
    if (length < 1.0f) return;
    const float dx = (b.x - a.x) / length, dy = (b.y - a.y) / length;
    for (float at = 0; at < length; at += dash * 2) {
        const float until = std::min(at + dash, length);
        draw->AddLine(ImVec2(a.x + dx * at, a.y + dy * at), ImVec2(a.x + dx * until, a.y + dy * until), color,
                      thickness);
    }
}

void hatchedRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color) {
    // A faint fill: the hatching says "blocked"; a stronger fill would look like a stay.
    draw->AddRectFilled(min, max, withAlpha(color, kHatchFillAlpha));
    const float h = max.y - min.y, step = kHatchStep;
    // 45-degree lines on a grid fixed on screen, each clipped to the bar.
    for (float x = std::floor((min.x - h) / step) * step; x < max.x; x += step) {
        const float t0 = std::max(0.0f, min.x - x), t1 = std::min(h, max.x - x);
        if (t1 > t0) draw->AddLine(ImVec2(x + t0, max.y - t0), ImVec2(x + t1, max.y - t1), color, 1.0f);
    }
    draw->AddRectFilled(ImVec2(min.x, max.y - 1.0f), max, color);
    draw->AddRectFilled(min, ImVec2(max.x, min.y + 1.0f), color);
}

namespace {

/// Calls `drawRun` for the runs of `runs` in view; when a shader has painted
/// them, only for the run under the mouse (between `top` and `bottom`), whose hover is still the CPU's.
template <class DrawRun>
void forRunsShown(const TimelineFrame& f, const IntervalRuns& runs, bool painted, float top, float bottom,
                  DrawRun drawRun) {
    if (!painted)
        runs.forEachRun(f.ctx.begin, f.ctx.end, f.mergeUnits(), drawRun);
    else if (f.mouse.y >= top && f.mouse.y <= bottom)
        runs.forEachRun(f.ctx.toValue(f.mouse.x - 2.0f), f.ctx.toValue(f.mouse.x + 2.0f), f.mergeUnits(), drawRun);
}

} // namespace

void drawTickHead(ImDrawList* draw, const Palette& palette, TickKind kind, ImVec2 c, float r, ImU32 background) {
    const TickStyle& style = tickStyle(kind);
    const ImU32 ink = tickColor(palette, kind);
    const ImU32 fill = style.filledHead ? ink : background;
    const float stroke = std::max(1.0f, r * 0.3f);
    // A ring of the lane's colour around the head keeps its shape readable on
    // a wide block of the same ink (event order, zoomed in).
    auto shape = [&](auto&& filled, auto&& outline) {
        outline(background, stroke * 1.5f);
        filled(fill);
        if (!style.filledHead) outline(ink, stroke);
    };
    switch (style.head) {
    case TickHead::Square:
        shape([&](ImU32 col) { draw->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), col); },
              [&](ImU32 col, float t) {
                  draw->AddRect(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), col, 0.0f, 0, t);
              });
        break;
    case TickHead::Diamond: {
        const ImVec2 top(c.x, c.y - r * 1.2f), right(c.x + r * 1.2f, c.y), bottom(c.x, c.y + r * 1.2f),
            left(c.x - r * 1.2f, c.y);
        shape([&](ImU32 col) { draw->AddQuadFilled(top, right, bottom, left, col); },
              [&](ImU32 col, float t) { draw->AddQuad(top, right, bottom, left, col, t); });
        break;
    }
    case TickHead::Circle:
        shape([&](ImU32 col) { draw->AddCircleFilled(c, r, col, 12); },
              [&](ImU32 col, float t) { draw->AddCircle(c, r, col, 12, t); });
        break;
    case TickHead::Up:
    case TickHead::Down: {
        const float dir = style.head == TickHead::Up ? -1.0f : 1.0f; // the point: up for a send
        const ImVec2 tip(c.x, c.y + dir * r * 1.2f), a(c.x - r * 1.2f, c.y - dir * r), b(c.x + r * 1.2f, c.y - dir * r);
        shape([&](ImU32 col) { draw->AddTriangleFilled(tip, a, b, col); },
              [&](ImU32 col, float t) { draw->AddTriangle(tip, a, b, col, t); });
        break;
    }
    case TickHead::None: break;
    }
}

void drawChannelMark(ImDrawList* draw, const Palette& p, ChannelMark mark, ImVec2 c, float r) {
    switch (mark) {
    case ChannelMark::WouldBlock: // a ring: it tried and came back empty-handed
        draw->AddCircle(c, r * 0.8f, p.wouldBlockMark, 10, std::max(1.5f, r * 0.3f));
        break;
    case ChannelMark::EndOfFile: // a square: nothing more will come
        draw->AddRectFilled(ImVec2(c.x - r * 0.7f, c.y - r * 0.7f), ImVec2(c.x + r * 0.7f, c.y + r * 0.7f),
                            p.endOfFileMark);
        break;
    case ChannelMark::BrokenPipe: // a diamond
        draw->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r), ImVec2(c.x - r, c.y),
                            p.brokenPipeMark);
        break;
    case ChannelMark::MessageTorn: // as a torn record, smaller
        draw->AddTriangleFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y - r), ImVec2(c.x, c.y + r),
                                p.tornMessageMark);
        draw->AddTriangle(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y - r), ImVec2(c.x, c.y + r), p.tornRecordOutline,
                          1.0f);
        break;
    default: // dropped: an upward triangle, hollow
        draw->AddTriangle(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y + r), ImVec2(c.x, c.y - r), p.droppedMark,
                          std::max(1.5f, r * 0.3f));
        break;
    }
}

void WorkerLane::preprocess(const TimelineModel& model) {
    const auto& lanes = model.lanes();
    m_events = m_worker < lanes.size() ? &lanes[m_worker] : nullptr;
    const Trace& trace = model.trace();
    m_name = workerName(m_worker);
    m_role = m_pid = m_cpus = {};
    if (m_worker >= trace.workers.size()) return;
    const WorkerRecord& worker = trace.workers[m_worker];
    if (trace.scenario.programs.size() > 1) m_role = worker.role;
    m_pid = "pid " + std::to_string(worker.pid);
    m_cpus = "CPU ";
    for (std::size_t c = 0; c < worker.cpus.size(); ++c)
        m_cpus += (c ? "," : "") + std::to_string(worker.cpus[c]);
    if (worker.cpus.empty()) m_cpus += "?";
}

void WorkerLane::drawBackground(const TimelineFrame& f, std::size_t lane) const {
    const Palette& palette = *f.palette;
    const float top = f.laneTop(lane), bottom = f.laneBottom(lane);
    f.draw->AddRectFilled(ImVec2(f.labelLeft, top), ImVec2(f.right(), bottom),
                          m_worker % 2 ? palette.laneAlternate : palette.laneBackground);
    f.draw->AddRectFilled(ImVec2(f.labelLeft, bottom - 1.0f), ImVec2(f.right(), bottom), palette.laneSeparator);
}

void WorkerLane::drawHeader(const TimelineFrame& f, std::size_t lane) const {
    const Palette& palette = *f.palette;
    const float pad = f.fontSize * 0.4f;
    const float line = ImGui::GetTextLineHeight();
    const float x = f.labelLeft + pad;
    // Name, pid and CPUs; a lane shrunk to fit many (F) keeps what fits, the name first.
    const int lines = std::clamp(static_cast<int>((f.laneHeight(lane) - pad * 0.5f) / line), 1, 3);
    float y = f.laneTop(lane) + std::max(pad * 0.25f, (f.laneHeight(lane) - static_cast<float>(lines) * line) * 0.5f);
    // The worker's colour as a swatch, its name in the text colour: orange or
    // sky blue text on the light lecture lanes would be only ~2:1.
    const float swatch = std::floor(line * 0.75f);
    f.theme->drawWorkerSwatch(f.draw, ImVec2(x, y + std::floor((line - swatch) * 0.5f)), swatch, m_worker);
    const float nameX = x + swatch + pad * 0.75f;
    f.draw->AddText(ImVec2(nameX, y), palette.text, m_name.c_str());
    if (!m_role.empty())
        f.draw->AddText(ImVec2(nameX + ImGui::CalcTextSize(m_name.c_str()).x + pad, y), palette.dimText,
                        m_role.c_str());
    if (lines >= 2) f.draw->AddText(ImVec2(x, y + line), palette.dimText, m_pid.c_str());
    if (lines >= 3) f.draw->AddText(ImVec2(x, y + 2 * line), palette.dimText, m_cpus.c_str());
}

void WorkerLane::drawBlocked(const TimelineFrame& f, std::size_t lane, LaneHover& hover, bool painted) const {
    // Below the ticks too, so that a wait stays visible where merged ticks cover the rest.
    const float top = f.laneY(lane, kTallTop), bottom = f.laneY(lane, kSpanBottom);
    const IntervalRuns& runs = m_events->blocked[axisSlot(f.axis)];
    auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
        const float x0 = std::max(f.px(b), f.ctx.left - 2.0f);
        const ImVec2 min(x0, top), max(std::min(std::max(f.px(e), x0 + 2.0f), f.right() + 2.0f), bottom);
        if (!painted) hatchedRect(f.draw, min, max, f.palette->blockedHatch);
        if (f.mouseIn(ImVec2(min.x - 1.0f, min.y), ImVec2(max.x + 1.0f, max.y))) {
            hover.wait = runs.item(first);
            hover.waits = static_cast<std::uint32_t>(last - first);
        }
    };
    forRunsShown(f, runs, painted, top, bottom, drawRun);
}

void WorkerLane::drawChannelMarks(const TimelineFrame& f, std::size_t lane) const {
    const float radius = std::max(3.0f, std::floor(f.laneHeight(lane) * 0.065f));
    const float y = f.laneY(lane, (kSpanTop + kTallTop) * 0.5f);
    const double reach = static_cast<double>(radius) * f.ctx.unitsPerPixel();
    for (std::size_t m = 0; m < kChannelMarkCount; ++m) {
        const std::vector<std::uint64_t>& list = m_events->marks[m];
        auto firstFrom = [&](std::size_t from, double value) { // first mark at or after `value`, from `from` on
            return static_cast<std::size_t>(
                std::partition_point(list.begin() + static_cast<std::ptrdiff_t>(from), list.end(),
                                     [&](std::uint64_t e) { return f.model->eventX(e, f.axis) < value; }) -
                list.begin());
        };
        // One glyph per glyph-wide stretch: O(glyphs x log n) however many marks there are.
        for (std::size_t i = firstFrom(0, f.ctx.begin - reach); i < list.size();) {
            const double x = f.model->eventX(list[i], f.axis);
            if (x > f.ctx.end + reach) break;
            drawChannelMark(f.draw, *f.palette, static_cast<ChannelMark>(m), ImVec2(f.px(x), y), radius);
            i = std::max(i + 1, firstFrom(i, x + reach * 2.0));
        }
    }
}

void WorkerLane::drawLockWaits(const TimelineFrame& f, std::size_t lane, LaneHover& hover, bool painted) const {
    const IntervalRuns& runs = m_events->lockWaits[axisSlot(f.axis)];
    const float top = f.laneY(lane, kWaitTop), bottom = f.laneY(lane, kSpanBottom);
    const ImU32 fill = withAlpha(f.theme->workerColor(m_worker), 150);
    auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
        const ImVec2 min(f.px(b), top), max(std::max(f.px(e), f.px(b) + 2.0f), bottom);
        if (!painted) f.draw->AddRectFilled(min, max, fill);
        if (f.mouseIn(min, max)) {
            hover.stayWorker = m_worker;
            hover.stay = runs.item(first);
            hover.stays = static_cast<std::uint32_t>(last - first);
            hover.lockWait = true;
        }
    };
    forRunsShown(f, runs, painted, top, bottom, drawRun);
}

void WorkerLane::drawUnder(const TimelineFrame& f, std::size_t lane, LaneHover& hover) const {
    if (m_events == nullptr) return;
    // The shaders draw the waits where the lane is dense; the CPU still finds the one under the mouse.
    const int slot = axisSlot(f.axis);
    const bool waits = m_events->blocked[slot].size() + m_events->lockWaits[slot].size() > 0;
    const bool painted = waits && f.gpu != nullptr && f.gpu->drawWaits(f, lane, m_worker);
    drawBlocked(f, lane, hover, painted);
    drawLockWaits(f, lane, hover, painted);
    drawStays(f, lane, hover);
}

void WorkerLane::drawStays(const TimelineFrame& f, std::size_t lane, LaneHover& hover) const {
    const IntervalRuns& runs = m_events->spans[axisSlot(f.axis)];
    const ImU32 outline = withAlpha(f.theme->workerColor(m_worker), 220);
    const float top = f.laneY(lane, kSpanTop), bottom = f.laneY(lane, kSpanBottom);
    const bool painted = f.gpu != nullptr && f.gpu->drawStays(f, lane, m_worker);
    auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
        const ImVec2 min(f.px(b), top);
        const bool open = m_events->openStay && last == runs.size(); // the worker is inside now
        const float closed = std::max(f.px(e), min.x + 2.0f);
        const ImVec2 max(open ? std::max(closed, f.openEndPx()) : closed, bottom);
        if (!painted) {
            f.draw->AddRectFilled(min, max, f.palette->criticalSpan);
            // Held while another waited (contended): a heavier outline, as Tracy marks the state.
            outlineRect(f.draw, min, max, outline, contended(first, last, f.axis) ? 3.0f * f.strokeScale : 1.0f);
        }
        if (f.mouseIn(min, max)) {
            hover.stayWorker = m_worker;
            hover.stay = runs.item(first);
            hover.stays = static_cast<std::uint32_t>(last - first);
            hover.lockWait = false;
        }
    };
    forRunsShown(f, runs, painted, top, bottom, drawRun);
}

bool WorkerLane::contended(std::size_t first, std::size_t last, TimeAxis axis) const {
    const auto& before = m_events->contendedBefore[axisSlot(axis)];
    return last < before.size() && first < last && before[last] > before[first];
}

void WorkerLane::drawSpinBar(const TimelineFrame& f, std::size_t lane, std::size_t k) const {
    const LaneModel& events = *m_events;
    const std::uint16_t leaf = events.maskTree[events.size() + k];
    if (!(leaf & kSpinBit) || k == 0) return;
    const float shortTop = f.laneY(lane, kShortTop), bottom = f.laneY(lane, kTickBottom);
    const float middle = (shortTop + bottom) * 0.5f, half = std::max(1.0f, f.laneHeight(lane) * 0.04f);
    const float from = f.px(events.x(f.axis, k - 1)) + f.tickHalfWidth();
    const float until = f.px(events.x(f.axis, k)) - f.tickHalfWidth();
    if (until > from)
        f.draw->AddRectFilled(ImVec2(from, middle - half), ImVec2(until, middle + half),
                              withAlpha(tickColor(*f.palette, dominantTick(leaf)), 170));
}

void WorkerLane::drawOver(const TimelineFrame& f, std::size_t lane) const {
    if (m_events == nullptr) return;
    if (f.gpu == nullptr || !f.gpu->drawLane(f, lane, m_worker)) drawTicks(f, lane);
    drawChannelMarks(f, lane);
    drawLifecycle(f, lane);
}

void WorkerLane::drawTicks(const TimelineFrame& f, std::size_t lane) const {
    const LaneModel& events = *m_events;
    const double column = std::max(f.mergeUnits(), 1e-9);
    const float half = f.tickHalfWidth();
    const std::size_t n = events.size();
    const float tallTop = f.laneY(lane, kTallTop), shortTop = f.laneY(lane, kShortTop);
    const float bottom = f.laneY(lane, kTickBottom);
    const double to = f.ctx.end + column;
    // One block per merge column: the columns sit on a grid fixed in axis
    // units, so blocks do not shimmer while panning. Each block costs two
    // binary searches (its end, and the OR of its tick kinds in the tree).
    // A lone tick wears the head of its kind, where there is room for one.
    const float headRadius = std::clamp(f.laneHeight(lane) * 0.05f, 2.5f, 4.5f * f.strokeScale);
    const ImU32 laneFill = m_worker % 2 ? f.palette->laneAlternate : f.palette->laneBackground;
    float lastHead = -1e30f;
    std::size_t k = events.lowerBound(f.axis, f.ctx.begin - column);
    while (k < n) {
        drawSpinBar(f, lane, k);
        const double x = events.x(f.axis, k);
        if (x > to) break; // (after the bar: a spin just past the edge still has its bar in view)
        const double columnEnd = (std::floor(x / column) + 1.0) * column;
        const std::size_t next = std::max(k + 1, events.lowerBound(f.axis, columnEnd, k + 1));
        const std::uint16_t bits = next - k == 1 ? events.maskTree[n + k] : events.mask(k, next);
        const TickKind kind = dominantTick(bits);
        const float x0 = f.px(x) - half;
        const float x1 = std::max(f.px(events.x(f.axis, next - 1)) + half, x0 + 1.0f);
        const float top = isTallTick(kind) ? tallTop : shortTop;
        // Merged blocks in the dim ink: a whole run at a glance stays calm, and lone ticks stand out.
        const ImU32 ink = next - k == 1 ? tickColor(*f.palette, kind) : f.palette->tickDim;
        f.draw->AddRectFilled(ImVec2(x0, top), ImVec2(x1, bottom), ink);
        const float centre = (x0 + x1) * 0.5f;
        if (next - k == 1 && tickStyle(kind).head != TickHead::None && centre - lastHead > headRadius * 3.0f) {
            drawTickHead(f.draw, *f.palette, kind, ImVec2(centre, top), headRadius, laneFill);
            lastHead = centre;
        }
        k = next;
    }
}

void WorkerLane::drawLifecycle(const TimelineFrame& f, std::size_t lane) const {
    const Trace& trace = f.model->trace();
    const Palette& palette = *f.palette;
    const float top = f.laneY(lane, kTallTop), bottom = f.laneY(lane, kTickBottom);
    const float size = (bottom - top) * 0.45f;
    for (const std::uint64_t e : m_events->lifecycle) {
        const double x = f.model->eventX(e, f.axis);
        if (!f.ctx.visible(x, x)) continue;
        const float p = f.px(x);
        switch (trace.events[e].kind) {
        case EventKind::WorkerStart: // a flag pointing right
            f.draw->AddRectFilled(ImVec2(p - 1, top), ImVec2(p + 1, bottom), palette.marker);
            f.draw->AddTriangleFilled(ImVec2(p, top), ImVec2(p + size, top + size * 0.5f), ImVec2(p, top + size),
                                      palette.marker);
            break;
        case EventKind::WorkerExit: // a flag pointing left
            f.draw->AddRectFilled(ImVec2(p - 1, top), ImVec2(p + 1, bottom), palette.marker);
            f.draw->AddTriangleFilled(ImVec2(p, top), ImVec2(p, top + size), ImVec2(p - size, top + size * 0.5f),
                                      palette.marker);
            break;
        default: { // killed: an X that stands out
            const float r = size * 0.6f, cy = (top + bottom) * 0.5f;
            f.draw->AddLine(ImVec2(p - r, cy - r), ImVec2(p + r, cy + r), palette.tornMarker, 2.0f);
            f.draw->AddLine(ImVec2(p - r, cy + r), ImVec2(p + r, cy - r), palette.tornMarker, 2.0f);
            break;
        }
        }
    }
}

LaneHover WorkerLane::hoverEvent(const TimelineFrame& f, std::size_t lane) const {
    LaneHover out;
    if (m_events == nullptr || !f.mouseOverLanes) return out;
    const LaneModel& events = *m_events;
    const std::size_t n = events.size();
    if (n == 0) return out;
    const std::size_t k = events.lowerBound(f.axis, f.ctx.toValue(f.mouse.x));
    std::size_t best = n;
    float bestDistance = 1e30f;
    for (const std::size_t c : {k - 1, k}) { // k - 1 wraps for k == 0 and fails the test
        if (c >= n) continue;
        const float d = std::fabs(f.px(events.x(f.axis, c)) - f.mouse.x);
        if (d < bestDistance) best = c, bestDistance = d;
    }
    const float reach = std::max(f.mergePx, f.tickHalfWidth()) + 2.0f;
    if (best < n && bestDistance <= reach) {
        out.event = events.events[best];
        const double column = std::max(f.mergeUnits(), 1e-9);
        const double start = std::floor(events.x(f.axis, best) / column) * column;
        out.sameColumn = events.lowerBound(f.axis, start + column) - events.lowerBound(f.axis, start);
        return out;
    }
    const bool onBar = f.mouse.y >= f.laneY(lane, kShortTop) && f.mouse.y <= f.laneY(lane, kTickBottom);
    if (onBar && k > 0 && k < n && (events.maskTree[n + k] & kSpinBit)) {
        out.event = events.events[k];
        out.sameColumn = 1;
    }
    return out;
}

std::uint64_t WorkerLane::nearestEvent(const TimelineFrame& f, double value) const {
    if (m_events == nullptr || m_events->size() == 0) return kNoEvent;
    const LaneModel& events = *m_events;
    const std::size_t k = events.lowerBound(f.axis, value);
    if (k == 0) return events.events.front();
    if (k == events.size()) return events.events.back();
    return value - events.x(f.axis, k - 1) <= events.x(f.axis, k) - value ? events.events[k - 1] : events.events[k];
}

} // namespace racetrace
