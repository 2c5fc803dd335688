#include "gui/timeline/timeline_lanes.hpp"

#include "gui/theme.hpp"
#include "session/document.hpp"

#include <string>

namespace racetrace {

namespace {

ImU32 withAlpha(ImU32 color, unsigned alpha) {
    return (color & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT);
}

/// Start, exit and kill are rare and matter at every zoom: drawn as glyphs, never merged away.
void drawLifecycle(const TimelineFrame& f, std::size_t w) {
    const Trace& trace = f.model->trace();
    const Palette& palette = *f.palette;
    const float top = f.laneY(w, kTallTop), bottom = f.laneY(w, kTickBottom);
    const float size = (bottom - top) * 0.45f;
    for (const std::uint64_t e : f.model->lanes()[w].lifecycle) {
        const double x = f.model->eventX(e, f.axis);
        if (!f.ctx.visible(x, x)) continue;
        const float p = f.px(x);
        switch (trace.events[e].kind) {
        case EventKind::WorkerStart:
            f.draw->AddRectFilled(ImVec2(p - 1, top), ImVec2(p + 1, bottom), palette.marker);
            f.draw->AddTriangleFilled(ImVec2(p, top), ImVec2(p + size, top + size * 0.5f), ImVec2(p, top + size),
                                      palette.marker);
            break;
        case EventKind::WorkerExit:
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

} // namespace

void outlineRect(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 color, float t) {
    draw->AddRectFilled(min, ImVec2(max.x, min.y + t), color);
    draw->AddRectFilled(ImVec2(min.x, max.y - t), max, color);
    draw->AddRectFilled(ImVec2(min.x, min.y + t), ImVec2(min.x + t, max.y - t), color);
    draw->AddRectFilled(ImVec2(max.x - t, min.y + t), ImVec2(max.x, max.y - t), color);
}

void drawLaneBackgrounds(const TimelineFrame& f) {
    const Palette& palette = *f.palette;
    for (std::size_t w = 0; w < f.laneCount(); ++w) {
        if (!f.laneVisible(w)) continue;
        const float top = f.laneTop(w), bottom = f.laneBottom(w);
        f.draw->AddRectFilled(ImVec2(f.labelLeft, top), ImVec2(f.right(), bottom),
                              w % 2 ? palette.laneAlternate : palette.laneBackground);
        f.draw->AddRectFilled(ImVec2(f.labelLeft, bottom - 1.0f), ImVec2(f.right(), bottom), palette.laneSeparator);
    }
    const float end = std::min(f.clipBottom, f.laneBottom(f.laneCount() ? f.laneCount() - 1 : 0));
    f.draw->AddRectFilled(ImVec2(f.ctx.left - 1.0f, std::max(f.clipTop, f.lanesTop)), ImVec2(f.ctx.left, end),
                          palette.laneSeparator);
}

void drawLaneLabels(const TimelineFrame& f) {
    const Trace& trace = f.model->trace();
    const Palette& palette = *f.palette;
    const float pad = f.fontSize * 0.4f;
    const float line = ImGui::GetTextLineHeight();
    f.draw->PushClipRect(ImVec2(f.labelLeft, f.clipTop), ImVec2(f.ctx.left - 2.0f, f.clipBottom), true);
    for (std::size_t w = 0; w < f.laneCount(); ++w) {
        if (!f.laneVisible(w)) continue;
        const WorkerRecord& worker = trace.workers[w];
        std::string cpus = "CPU ";
        for (std::size_t c = 0; c < worker.cpus.size(); ++c)
            cpus += (c ? "," : "") + std::to_string(worker.cpus[c]);
        if (worker.cpus.empty()) cpus += "?";
        const std::string pid = "pid " + std::to_string(worker.pid);
        const std::string name = workerName(static_cast<std::uint32_t>(w));

        const float x = f.labelLeft + pad;
        float y = f.laneTop(w) + std::max(pad * 0.5f, (f.laneHeight - 3.0f * line) * 0.5f);
        // The worker's colour as a swatch, its name in the text colour: orange or
        // sky blue text on the light lecture lanes would be only ~2:1.
        const float swatch = std::floor(line * 0.75f);
        f.theme->drawWorkerSwatch(f.draw, ImVec2(x, y + std::floor((line - swatch) * 0.5f)), swatch,
                                  static_cast<std::uint32_t>(w));
        const float nameX = x + swatch + pad * 0.75f;
        f.draw->AddText(ImVec2(nameX, y), palette.text, name.c_str());
        if (!worker.role.empty() && trace.scenario.programs.size() > 1) {
            const float nameWidth = ImGui::CalcTextSize(name.c_str()).x;
            f.draw->AddText(ImVec2(nameX + nameWidth + pad, y), palette.dimText, worker.role.c_str());
        }
        y += line;
        f.draw->AddText(ImVec2(x, y), palette.dimText, pid.c_str());
        y += line;
        f.draw->AddText(ImVec2(x, y), palette.dimText, cpus.c_str());
    }
    f.draw->PopClipRect();
}

void drawSpans(const TimelineFrame& f, SpanHover& hover) {
    const int slot = axisSlot(f.axis);
    const double merge = f.mergeUnits();
    for (std::size_t w = 0; w < f.laneCount(); ++w) {
        if (!f.laneVisible(w)) continue;
        const IntervalRuns& runs = f.model->lanes()[w].spans[slot];
        const ImU32 outline = withAlpha(f.theme->workerColor(static_cast<std::uint32_t>(w)), 220);
        const float top = f.laneY(w, kSpanTop), bottom = f.laneY(w, kSpanBottom);
        const LaneModel& lane = f.model->lanes()[w];
        auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
            const ImVec2 min(f.px(b), top);
            const bool open = lane.openStay && last == runs.size(); // the worker is inside now
            const float closed = std::max(f.px(e), min.x + 2.0f);
            const ImVec2 max(open ? std::max(closed, f.openEndPx()) : closed, bottom);
            f.draw->AddRectFilled(min, max, f.palette->criticalSpan);
            outlineRect(f.draw, min, max, outline, 1.0f);
            if (f.mouseIn(min, max))
                hover = {static_cast<int>(w), runs.item(first), static_cast<std::uint32_t>(last - first)};
        };
        runs.forEachRun(f.ctx.begin, f.ctx.end, merge, drawRun);
    }
}

void drawEvents(const TimelineFrame& f) {
    const Palette& palette = *f.palette;
    const double column = std::max(f.mergeUnits(), 1e-9);
    const float half = f.tickHalfWidth();
    for (std::size_t w = 0; w < f.laneCount(); ++w) {
        if (!f.laneVisible(w)) continue;
        const LaneModel& lane = f.model->lanes()[w];
        const std::size_t n = lane.size();
        const float tallTop = f.laneY(w, kTallTop), shortTop = f.laneY(w, kShortTop);
        const float bottom = f.laneY(w, kTickBottom);
        const float spinMid = (shortTop + bottom) * 0.5f, spinHalf = std::max(1.0f, f.laneHeight * 0.04f);
        const double to = f.ctx.end + column;

        // One block per merge column: the columns sit on a grid fixed in axis
        // units, so blocks do not shimmer while panning. Each block costs two
        // binary searches (its end, and the OR of its tick kinds in the tree).
        std::size_t k = lane.lowerBound(f.axis, f.ctx.begin - column);
        while (k < n) {
            const double x = lane.x(f.axis, k);
            const std::uint16_t leaf = lane.maskTree[n + k];
            if ((leaf & kSpinBit) && k > 0) { // the bar from the access it repeats to its last repetition
                const float from = f.px(lane.x(f.axis, k - 1)) + half, until = f.px(x) - half;
                if (until > from)
                    f.draw->AddRectFilled(ImVec2(from, spinMid - spinHalf), ImVec2(until, spinMid + spinHalf),
                                          withAlpha(tickColor(palette, dominantTick(leaf)), 170));
            }
            if (x > to) break; // (after the bar: a spin just past the edge still has its bar in view)
            const double columnEnd = (std::floor(x / column) + 1.0) * column;
            const std::size_t next = std::max(k + 1, lane.lowerBound(f.axis, columnEnd, k + 1));
            const std::uint16_t bits = next - k == 1 ? leaf : lane.mask(k, next);
            const TickKind kind = dominantTick(bits);
            const float x0 = f.px(x) - half;
            const float x1 = std::max(f.px(lane.x(f.axis, next - 1)) + half, x0 + 1.0f);
            f.draw->AddRectFilled(ImVec2(x0, isTallTick(kind) ? tallTop : shortTop), ImVec2(x1, bottom),
                                  tickColor(palette, kind));
            k = next;
        }
        drawLifecycle(f, w);
    }
}

EventHover hoverEvent(const TimelineFrame& f, int laneIndex) {
    EventHover out;
    if (laneIndex < 0 || !f.mouseOverLanes) return out;
    const auto w = static_cast<std::size_t>(laneIndex);
    const LaneModel& lane = f.model->lanes()[w];
    const std::size_t n = lane.size();
    if (n == 0) return out;
    const std::size_t k = lane.lowerBound(f.axis, f.ctx.toValue(f.mouse.x));
    std::size_t best = n;
    float bestDistance = 1e30f;
    for (const std::size_t c : {k - 1, k}) { // k - 1 wraps for k == 0 and fails the test
        if (c >= n) continue;
        const float d = std::fabs(f.px(lane.x(f.axis, c)) - f.mouse.x);
        if (d < bestDistance) best = c, bestDistance = d;
    }
    const float reach = std::max(f.mergePx, f.tickHalfWidth()) + 2.0f;
    if (best < n && bestDistance <= reach) {
        out.event = lane.events[best];
        const double column = std::max(f.mergeUnits(), 1e-9);
        const double start = std::floor(lane.x(f.axis, best) / column) * column;
        out.sameColumn = lane.lowerBound(f.axis, start + column) - lane.lowerBound(f.axis, start);
        return out;
    }
    const bool onBar = f.mouse.y >= f.laneY(w, kShortTop) && f.mouse.y <= f.laneY(w, kTickBottom);
    if (onBar && k > 0 && k < n && (lane.maskTree[n + k] & kSpinBit)) {
        out.event = lane.events[k];
        out.sameColumn = 1;
    }
    return out;
}

std::uint64_t nearestEventInLane(const TimelineFrame& f, int laneIndex, double value) {
    if (laneIndex < 0 || static_cast<std::size_t>(laneIndex) >= f.laneCount()) return kNoEvent;
    const LaneModel& lane = f.model->lanes()[static_cast<std::size_t>(laneIndex)];
    const std::size_t n = lane.size();
    if (n == 0) return kNoEvent;
    const std::size_t k = lane.lowerBound(f.axis, value);
    if (k == 0) return lane.events.front();
    if (k == n) return lane.events.back();
    return value - lane.x(f.axis, k - 1) <= lane.x(f.axis, k) - value ? lane.events[k - 1] : lane.events[k];
}

} // namespace racetrace
