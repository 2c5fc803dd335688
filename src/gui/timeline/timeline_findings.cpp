#include "gui/timeline/timeline_findings.hpp"

#include "gui/theme.hpp"
#include "gui/timeline/gpu_lanes.hpp"
#include "session/document.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace racetrace {

namespace {

constexpr std::size_t kMaxMarkedChecks = 64; ///< a torn finding lists a few checks; a bad one may list thousands

float distanceToSegment(ImVec2 p, ImVec2 a, ImVec2 b) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float length2 = dx * dx + dy * dy;
    float t = length2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2 : 0.0f;
    t = std::clamp(t, 0.0f, 1.0f);
    return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

void drawArrow(ImDrawList* draw, ImVec2 from, ImVec2 to, ImU32 color, float thickness, float head) {
    float dx = to.x - from.x, dy = to.y - from.y;
    const float length = std::hypot(dx, dy);
    if (length < 1e-3f) return;
    dx /= length, dy /= length;
    const ImVec2 base(to.x - dx * head, to.y - dy * head);
    draw->AddLine(from, base, color, thickness);
    draw->AddTriangleFilled(to, ImVec2(base.x - dy * head * 0.5f, base.y + dx * head * 0.5f),
                            ImVec2(base.x + dy * head * 0.5f, base.y - dx * head * 0.5f), color);
    draw->AddCircleFilled(from, thickness * 1.3f, color, 8);
}

/// A downward triangle whose tip touches the top of the lane's tall ticks,
/// vermillion (what broke) with an edge in the ink, unlike the lost-update
/// arrows in shape. Half the width of a torn-record triangle: with the lane, but no larger than
/// the text beside it (a picture's lanes can be hundreds of pixels high).
float tornHalfWidth(const TimelineFrame& f, std::size_t lane) {
    return std::min(f.laneHeight(lane) * 0.11f, f.fontSize * 0.7f);
}

ImVec2 drawTornTriangle(const TimelineFrame& f, std::size_t lane, float x, float scale) {
    const float tip = f.laneY(lane, kTallTop);
    const float size = tornHalfWidth(f, lane) * scale;
    const ImVec2 a(x - size, tip - size * 1.4f), b(x + size, tip - size * 1.4f), c(x, tip);
    f.draw->AddTriangleFilled(a, b, c, f.palette->tornRecordFill);
    f.draw->AddTriangle(a, b, c, f.palette->tornRecordOutline, std::max(1.5f, f.fontSize / 9.0f));
    return ImVec2(size, size * 1.4f);
}

struct ArrowEnds {
    ImVec2 from, to;
    bool valid = false;
};

/// The arrow from event `from` to event `to`, between the middles of their lanes.
ArrowEnds arrowBetween(const TimelineFrame& f, std::uint64_t from, std::uint64_t to) {
    const Trace& trace = f.model->trace();
    ArrowEnds ends;
    if (from >= trace.events.size() || to >= trace.events.size()) return ends;
    const int lane0 = f.workerLane(trace.events[from].worker);
    const int lane1 = f.workerLane(trace.events[to].worker);
    if (lane0 < 0 || lane1 < 0) return ends;
    const float mid = (kTallTop + kTickBottom) * 0.5f;
    ends.from = ImVec2(f.px(f.model->eventX(from, f.axis)), f.laneY(static_cast<std::size_t>(lane0), mid));
    ends.to = ImVec2(f.px(f.model->eventX(to, f.axis)), f.laneY(static_cast<std::size_t>(lane1), mid));
    ends.valid = true;
    return ends;
}

/// The arrows a finding is drawn as: a lost update's from the store that
/// overwrote to the store it erased; store buffering's from each store to the
/// other worker's read that missed it (the two cross: no order has both).
std::array<ArrowEnds, 2> findingArrows(const TimelineFrame& f, const Finding& finding) {
    const auto& e = finding.events;
    if (finding.kind == FindingKind::LostUpdate && e.size() >= 2) return {arrowBetween(f, e[0], e[1]), ArrowEnds{}};
    if (finding.kind == FindingKind::StoreBuffering && e.size() >= 4)
        return {arrowBetween(f, e[0], e[3]), arrowBetween(f, e[2], e[1])};
    return {};
}

/// True for the kinds drawn as arrows between two lanes.
bool drawnAsArrows(FindingKind kind) {
    return kind == FindingKind::LostUpdate || kind == FindingKind::StoreBuffering;
}

/// The lanes of a group's workers (FindingGroup::lanes names workers); false
/// when one of them has no lane.
bool lanesOf(const TimelineFrame& f, const FindingGroup& group, std::vector<std::size_t>& lanes) {
    lanes.clear();
    for (auto w : group.lanes) {
        const int lane = f.workerLane(w);
        if (lane < 0) return false;
        lanes.push_back(static_cast<std::size_t>(lane));
    }
    return true;
}

bool anyVisible(const TimelineFrame& f, const std::vector<std::size_t>& lanes) {
    return std::any_of(lanes.begin(), lanes.end(), [&](std::size_t lane) { return f.laneVisible(lane); });
}

/// The arrows of each lost update or store buffering, or, where many fall
/// within a few pixels, one strip halfway between the two lanes (for
/// neighbours: on their boundary, where it hides no tick).
void drawArrowFindings(const TimelineFrame& f, const FindingGroup& group, const std::vector<std::size_t>& lanes,
                       FindingHover& hover) {
    const auto& findings = f.model->document().analysis.findings;
    const IntervalRuns& runs = group.runs[axisSlot(f.axis)];
    const ImU32 color = f.palette->lostUpdateArrow;
    const float thickness = std::max(1.5f, f.fontSize / 9.0f) * f.strokeScale, head = f.fontSize * 0.45f;
    const float mid = (kTallTop + kTickBottom) * 0.5f;
    const float strip = (f.laneY(lanes[0], mid) + f.laneY(lanes[1], mid)) * 0.5f;
    auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
        const auto index = runs.item(first);
        if (last - first == 1) {
            for (const ArrowEnds& ends : findingArrows(f, findings[index])) {
                if (!ends.valid) continue;
                // A halo of the background: the vermillion arrow stays readable on the vermillion band.
                drawArrow(f.draw, ends.from, ends.to, f.palette->background, thickness * 2.2f, head * 1.3f);
                drawArrow(f.draw, ends.from, ends.to, color, thickness, head);
                if (f.mouseOverLanes && distanceToSegment(f.mouse, ends.from, ends.to) <= thickness + 3.0f)
                    hover = {static_cast<int>(index), 1};
            }
            return;
        }
        const float x0 = f.px(b), x1 = std::max(f.px(e), x0 + 2.0f), half = f.laneHeight(lanes[0]) * 0.09f;
        f.draw->AddRectFilled(ImVec2(x0, strip - half), ImVec2(x1, strip + half), withAlpha(color, 210));
        if (f.mouseIn(ImVec2(x0 - 2.0f, strip - half), ImVec2(x1 + 2.0f, strip + half)))
            hover = {static_cast<int>(index), static_cast<std::uint32_t>(last - first)};
    };
    runs.forEachRun(f.ctx.begin, f.ctx.end, f.mergeUnits(), drawRun);
}

/// A triangle on each check of a torn record, or one triangle (over a line
/// along the run) where many fall within a few pixels.
void drawTornRecords(const TimelineFrame& f, const FindingGroup& group, const std::vector<std::size_t>& lanes,
                     FindingHover& hover) {
    const auto& findings = f.model->document().analysis.findings;
    const IntervalRuns& runs = group.runs[axisSlot(f.axis)];
    const std::size_t lane = lanes[0];
    const float tip = f.laneY(lane, kTallTop);
    auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
        const auto index = runs.item(first);
        if (last - first == 1) {
            const Finding& finding = findings[index];
            const std::size_t marks = std::min(finding.events.size(), kMaxMarkedChecks);
            for (std::size_t k = 0; k < marks; ++k) {
                const float x = f.px(f.model->eventX(finding.events[k], f.axis));
                const ImVec2 size = drawTornTriangle(f, lane, x, 1.0f);
                if (f.mouseIn(ImVec2(x - size.x, tip - size.y), ImVec2(x + size.x, tip)))
                    hover = {static_cast<int>(index), 1};
            }
            return;
        }
        const float x0 = f.px(b), x1 = std::max(f.px(e), x0 + 2.0f), centre = (x0 + x1) * 0.5f;
        f.draw->AddRectFilled(ImVec2(x0, tip - 3.0f), ImVec2(x1, tip), f.palette->tornRecordOutline);
        f.draw->AddRectFilled(ImVec2(x0 + 1.0f, tip - 2.0f), ImVec2(std::max(x0 + 1.0f, x1 - 1.0f), tip - 1.0f),
                              f.palette->tornRecordFill);
        const ImVec2 size = drawTornTriangle(f, lane, centre, 1.0f);
        if (f.mouseIn(ImVec2(std::min(x0, centre - size.x), tip - size.y), ImVec2(std::max(x1, centre + size.x), tip)))
            hover = {static_cast<int>(index), static_cast<std::uint32_t>(last - first)};
    };
    runs.forEachRun(f.ctx.begin, f.ctx.end, f.mergeUnits(), drawRun);
}

} // namespace

void drawOverlapBands(const TimelineFrame& f, FindingHover& hover) {
    std::vector<std::size_t> lanes;
    const auto& groups = f.model->groups();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const FindingGroup& group = groups[g];
        if (group.kind != FindingKind::Overlap || !lanesOf(f, group, lanes) || !anyVisible(f, lanes)) continue;
        const IntervalRuns& runs = group.runs[axisSlot(f.axis)];
        // The shader paints the bands of a group with many; the CPU still finds
        // the one under the mouse, and draws a band still going on (live).
        const bool live = runs.size() > 0 && f.model->isOpenFinding(runs.item(runs.size() - 1));
        const bool painted = !live && f.gpu != nullptr && f.gpu->drawBands(f, g, lanes);
        auto drawRun = [&](std::size_t first, std::size_t last, double b, double e) {
            const bool open = last == runs.size() && f.model->isOpenFinding(runs.item(last - 1));
            const float x0 = f.px(b), closed = std::max(f.px(e), x0 + 2.0f);
            const float x1 = open ? std::max(closed, f.openEndPx()) : closed;
            for (const std::size_t lane : lanes) {
                const ImVec2 min(x0, f.laneTop(lane)), max(x1, f.laneBottom(lane));
                if (!painted) f.draw->AddRectFilled(min, max, f.palette->overlapBand);
                if (f.mouseIn(min, max))
                    hover = {static_cast<int>(runs.item(first)), static_cast<std::uint32_t>(last - first)};
            }
        };
        if (!painted)
            runs.forEachRun(f.ctx.begin, f.ctx.end, f.mergeUnits(), drawRun);
        else
            runs.forEachRun(f.ctx.toValue(f.mouse.x - 2.0f), f.ctx.toValue(f.mouse.x + 2.0f), f.mergeUnits(), drawRun);
    }
}

void drawFindingMarks(const TimelineFrame& f, FindingHover& hover) {
    std::vector<std::size_t> lanes;
    for (const FindingGroup& group : f.model->groups()) {
        if (!lanesOf(f, group, lanes) || !anyVisible(f, lanes)) continue;
        if (drawnAsArrows(group.kind) && lanes.size() >= 2) drawArrowFindings(f, group, lanes, hover);
        if (group.kind == FindingKind::TornRecord && !lanes.empty()) drawTornRecords(f, group, lanes, hover);
    }
}

namespace {

/// Calls `draw(min, max)` with the selected overlap's rectangle in each of its lanes.
template <class Draw> void forEachSelectedLane(const TimelineFrame& f, int selected, Draw&& draw) {
    double b = 0, e = 0;
    if (!f.model->findingExtent(selected, f.axis, b, e) || !f.ctx.visible(b, e)) return;
    const Finding& finding = f.model->document().analysis.findings[static_cast<std::size_t>(selected)];
    const bool open = f.model->isOpenFinding(static_cast<std::uint32_t>(selected));
    const float x0 = f.px(b), closed = std::max(f.px(e), x0 + 2.0f);
    const float x1 = open ? std::max(closed, f.openEndPx()) : closed;
    for (auto w : finding.workers)
        if (const int lane = f.workerLane(w); lane >= 0)
            draw(ImVec2(x0, f.laneTop(static_cast<std::size_t>(lane))),
                 ImVec2(x1, f.laneBottom(static_cast<std::size_t>(lane))));
}

bool selectedOverlap(const TimelineFrame& f, int selected) {
    const auto& findings = f.model->document().analysis.findings;
    return selected >= 0 && static_cast<std::size_t>(selected) < findings.size() &&
           findings[static_cast<std::size_t>(selected)].kind == FindingKind::Overlap;
}

} // namespace

void drawSelectedBand(const TimelineFrame& f, int selected) {
    if (!selectedOverlap(f, selected)) return;
    forEachSelectedLane(f, selected,
                        [&](ImVec2 min, ImVec2 max) { f.draw->AddRectFilled(min, max, f.palette->overlapBand); });
}

void drawSelectedFinding(const TimelineFrame& f, int selected) {
    const auto& findings = f.model->document().analysis.findings;
    if (selected < 0 || static_cast<std::size_t>(selected) >= findings.size()) return;
    const Finding& finding = findings[static_cast<std::size_t>(selected)];
    const Trace& trace = f.model->trace();
    const Palette& palette = *f.palette;
    double b = 0, e = 0;
    if (!f.model->findingExtent(selected, f.axis, b, e) || !f.ctx.visible(b, e)) return;
    const float outline = std::max(3.0f, f.fontSize / 6.0f);

    switch (finding.kind) {
    case FindingKind::Overlap:
        // Under the ticks it is the band twice over (drawSelectedBand): the
        // strongest orange on screen; over them only its frame, so that no
        // tint dims the accesses inside.
        forEachSelectedLane(f, selected, [&](ImVec2 min, ImVec2 max) {
            outlineRect(f.draw, ImVec2(min.x - outline, min.y), ImVec2(max.x + outline, max.y), palette.cursor,
                        outline);
        });
        break;
    case FindingKind::LostUpdate:
    case FindingKind::StoreBuffering: {
        const float thickness = std::max(3.0f, f.fontSize / 5.0f);
        for (const ArrowEnds& ends : findingArrows(f, finding)) {
            if (!ends.valid) continue;
            f.draw->AddLine(ends.from, ends.to, palette.selection, thickness * 3.0f);
            drawArrow(f.draw, ends.from, ends.to, palette.lostUpdateArrow, thickness, f.fontSize * 0.6f);
        }
        break;
    }
    case FindingKind::TornRecord: {
        const std::size_t marks = std::min(finding.events.size(), kMaxMarkedChecks);
        for (std::size_t k = 0; k < marks; ++k) {
            if (finding.events[k] >= trace.events.size()) continue;
            const int laneIndex = f.workerLane(trace.events[finding.events[k]].worker);
            if (laneIndex < 0) continue;
            const auto lane = static_cast<std::size_t>(laneIndex);
            const float x = f.px(f.model->eventX(finding.events[k], f.axis));
            const float tip = f.laneY(lane, kTallTop), size = tornHalfWidth(f, lane) * 1.6f;
            f.draw->AddTriangleFilled(ImVec2(x - size, tip - size * 1.4f), ImVec2(x + size, tip - size * 1.4f),
                                      ImVec2(x, tip), palette.cursor); // a halo, as the selected overlap's outline
            drawTornTriangle(f, lane, x, 1.3f);
        }
        break;
    }
    default: break; // message findings are drawn by the channel lanes (not yet)
    }
}

} // namespace racetrace

namespace racetrace {

namespace {

/// The first arrow whose receive lies at or after `value` on the frame's axis.
std::size_t firstArrowFrom(const TimelineFrame& f, const std::vector<MessageArrow>& arrows, double value) {
    const auto found = std::partition_point(arrows.begin(), arrows.end(), [&](const MessageArrow& a) {
        return f.model->eventX(a.receive, f.axis) < value;
    });
    return static_cast<std::size_t>(found - arrows.begin());
}

void drawMessageArrow(const TimelineFrame& f, const MessageArrow& arrow, float head, bool dashed) {
    const auto& events = f.model->trace().events;
    const int from = f.workerLane(events[arrow.send].worker), to = f.workerLane(events[arrow.receive].worker);
    if (from < 0 || to < 0) return;
    constexpr float kMiddle = (kTallTop + kTickBottom) * 0.5f;
    const ImVec2 a(f.px(f.model->eventX(arrow.send, f.axis)), f.laneY(static_cast<std::size_t>(from), kMiddle));
    const ImVec2 b(f.px(f.model->eventX(arrow.receive, f.axis)), f.laneY(static_cast<std::size_t>(to), kMiddle));
    const float length = std::hypot(b.x - a.x, b.y - a.y);
    if (length < 1.0f) return;
    const float dx = (b.x - a.x) / length, dy = (b.y - a.y) / length;
    const ImVec2 base(b.x - dx * head, b.y - dy * head);
    const ImU32 color = f.palette->messageArrow;
    if (dashed)
        dashedLine(f.draw, a, base, color, std::max(3.0f, head * 0.6f), 1.5f);
    else
        f.draw->AddLine(a, base, color, f.strokeScale);
    f.draw->AddTriangleFilled(b, ImVec2(base.x - dy * head * 0.4f, base.y + dx * head * 0.4f),
                              ImVec2(base.x + dy * head * 0.4f, base.y - dx * head * 0.4f), color);
}

void drawArrowsInView(const TimelineFrame& f, const std::vector<MessageArrow>& arrows, bool dashed) {
    if (arrows.empty()) return;
    // A receive shortly after the view may come from a send inside it.
    const double span = f.ctx.end - f.ctx.begin;
    const std::size_t first = firstArrowFrom(f, arrows, f.ctx.begin);
    const std::size_t last = firstArrowFrom(f, arrows, f.ctx.end + span * 0.25);
    if (last <= first) return;
    const std::size_t stride = (last - first + kMaxArrows - 1) / kMaxArrows;
    const float head = std::max(4.0f, f.fontSize * 0.35f);
    for (std::size_t k = first; k < last; k += stride)
        drawMessageArrow(f, arrows[k], head, dashed);
}

} // namespace

void drawMessageArrows(const TimelineFrame& f) {
    drawArrowsInView(f, f.model->arrows(), false);
    drawArrowsInView(f, f.model->wakeArrows(), true);
}

} // namespace racetrace
