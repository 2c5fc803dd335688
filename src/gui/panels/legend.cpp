#include "gui/panels/legend.hpp"

#include "gui/theme.hpp"
#include "gui/timeline/timeline_frame.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "session/document.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

namespace racetrace {

namespace {

/// How an entry's glyph is drawn.
enum class Glyph : std::uint8_t {
    Box,      ///< a filled square over a lane's background (ticks, stays, bands)
    Arrow,    ///< a lost update, as on the timeline
    Dashed,   ///< a dashed arrow: what ended a wait
    Triangle, ///< a torn record, as on the timeline
    Hatch,    ///< a blocked channel call
    Mark,     ///< a channel mark; the colour field holds the ChannelMark
    Start,    ///< a worker's start: a flag pointing right
    Finish,   ///< a worker's normal end: a flag pointing left
    Killed,   ///< a worker killed: an X
    Spin,     ///< repeated identical reads folded into one bar between two ticks
    Tick,     ///< one tick with its head; the colour field holds the TickKind
    Merged,   ///< ticks too close to tell apart, drawn as one block
    Waiting,  ///< waiting to get in: a strip in the worker's colour at the foot
    Held,     ///< a contended stay: the stay's fill with a heavy outline in the worker's colour
};

constexpr std::uint16_t tickBit(TickKind kind) {
    return static_cast<std::uint16_t>(1u << static_cast<unsigned>(kind));
}

/// The marks of a worker's life on its lane: start and end flags, a kill's X,
/// the bar of a repeated read (as WorkerLane draws them).
void drawWorkerGlyph(ImDrawList* draw, Glyph glyph, ImU32 color, ImVec2 min, float box) {
    const ImVec2 max(min.x + box, min.y + box);
    switch (glyph) {
    case Glyph::Start:
    case Glyph::Finish: { // as WorkerLane::drawLifecycle
        const float x = min.x + box * 0.5f, size = box * 0.45f;
        draw->AddRectFilled(ImVec2(x - 1, min.y + 1), ImVec2(x + 1, max.y - 1), color);
        const float dir = glyph == Glyph::Start ? 1.0f : -1.0f;
        draw->AddTriangleFilled(ImVec2(x, min.y + 2), ImVec2(x + dir * size, min.y + 2 + size * 0.5f),
                                ImVec2(x, min.y + 2 + size), color);
        break;
    }
    case Glyph::Killed: {
        const float r = box * 0.3f, cx = min.x + box * 0.5f, cy = min.y + box * 0.5f;
        draw->AddLine(ImVec2(cx - r, cy - r), ImVec2(cx + r, cy + r), color, 2.0f);
        draw->AddLine(ImVec2(cx - r, cy + r), ImVec2(cx + r, cy - r), color, 2.0f);
        break;
    }
    case Glyph::Spin: { // a tick, the bar, a tick
        const float half = std::max(1.0f, box * 0.06f), cy = min.y + box * 0.62f;
        draw->AddRectFilled(ImVec2(min.x + box * 0.12f, min.y + box * 0.3f), ImVec2(min.x + box * 0.22f, max.y - 1),
                            color);
        draw->AddRectFilled(ImVec2(max.x - box * 0.22f, min.y + box * 0.3f), ImVec2(max.x - box * 0.12f, max.y - 1),
                            color);
        draw->AddRectFilled(ImVec2(min.x + box * 0.22f, cy - half), ImVec2(max.x - box * 0.22f, cy + half),
                            withAlpha(color, 170));
        break;
    }
    default: break;
    }
}

void drawGlyph(ImDrawList* draw, const Palette& p, Glyph glyph, ImU32 color, ImVec2 min, float box) {
    const ImVec2 max(min.x + box, min.y + box);
    draw->AddRectFilled(min, max, p.laneBackground);
    switch (glyph) {
    case Glyph::Box: draw->AddRectFilled(min, max, color); break;
    case Glyph::Waiting: // as WorkerLane::drawLockWaits
        draw->AddRectFilled(ImVec2(min.x, max.y - box * 0.3f), max, withAlpha(color, 150));
        break;
    case Glyph::Held: // as WorkerLane::drawUnder for a contended stay
        draw->AddRectFilled(min, max, p.criticalSpan);
        draw->AddRect(min, max, withAlpha(color, 220), 0.0f, 0, std::max(2.0f, box / 6.0f));
        break;
    case Glyph::Arrow: { // as drawArrow on the timeline: a dot, a line, a head
        const float thickness = std::max(1.5f, box / 8.0f), head = box * 0.45f;
        const ImVec2 from(min.x + box * 0.18f, max.y - box * 0.18f), to(max.x - box * 0.12f, min.y + box * 0.12f);
        const float dx = (to.x - from.x) / std::hypot(to.x - from.x, to.y - from.y);
        const float dy = (to.y - from.y) / std::hypot(to.x - from.x, to.y - from.y);
        const ImVec2 base(to.x - dx * head, to.y - dy * head);
        draw->AddLine(from, base, color, thickness);
        draw->AddTriangleFilled(to, ImVec2(base.x - dy * head * 0.5f, base.y + dx * head * 0.5f),
                                ImVec2(base.x + dy * head * 0.5f, base.y - dx * head * 0.5f), color);
        draw->AddCircleFilled(from, thickness * 1.3f, color, 8);
        break;
    }
    case Glyph::Dashed: {
        const ImVec2 from(min.x + box * 0.12f, max.y - box * 0.3f), to(max.x - box * 0.12f, min.y + box * 0.3f);
        dashedLine(draw, from, to, color, std::max(2.0f, box / 6.0f), std::max(1.5f, box / 8.0f));
        draw->AddTriangleFilled(to, ImVec2(to.x - box * 0.35f, to.y - box * 0.02f),
                                ImVec2(to.x - box * 0.12f, to.y + box * 0.3f), color);
        break;
    }
    case Glyph::Hatch: hatchedRect(draw, min, max, color); break;
    case Glyph::Tick: { // as WorkerLane::drawOver draws a lone tick
        const auto kind = static_cast<TickKind>(color);
        const float half = std::max(1.0f, box * 0.07f), top = min.y + box * (isTallTick(kind) ? 0.3f : 0.55f);
        const float x = min.x + box * 0.5f;
        draw->AddRectFilled(ImVec2(x - half, top), ImVec2(x + half, max.y - 1), tickColor(p, kind));
        drawTickHead(draw, p, kind, ImVec2(x, top), box * 0.2f, p.laneBackground);
        break;
    }
    case Glyph::Merged:
        draw->AddRectFilled(ImVec2(min.x + box * 0.2f, min.y + box * 0.3f), ImVec2(max.x - box * 0.2f, max.y - 1),
                            color);
        break;
    case Glyph::Mark:
        drawChannelMark(draw, p, static_cast<ChannelMark>(color), ImVec2(min.x + box * 0.5f, min.y + box * 0.5f),
                        box * 0.38f);
        break;
    case Glyph::Start:
    case Glyph::Finish:
    case Glyph::Killed:
    case Glyph::Spin: drawWorkerGlyph(draw, glyph, color, min, box); break;
    case Glyph::Triangle: {
        const ImVec2 a(min.x + box * 0.12f, min.y + box * 0.15f), b(max.x - box * 0.12f, min.y + box * 0.15f),
            c(min.x + box * 0.5f, max.y - box * 0.1f);
        draw->AddTriangleFilled(a, b, c, p.tornRecordFill);
        draw->AddTriangle(a, b, c, p.tornRecordOutline, std::max(1.0f, box / 12.0f));
        break;
    }
    }
    draw->AddRect(min, max, p.laneSeparator);
}

} // namespace

LegendContent legendContentOf(const TraceDocument& document) {
    const Trace& trace = document.trace;
    LegendContent content;
    content.ticks = 0;
    for (const Event& event : trace.events)
        content.ticks |= tickBit(tickKindOf(trace, event));
    content.channelMarks = 0;
    for (const Event& event : trace.events)
        if (const ChannelMark mark = channelMarkOf(event.kind); mark != ChannelMark::Count)
            content.channelMarks |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(mark));
    content.starts = content.finishes = content.kills = content.spins = false;
    for (const Event& event : trace.events) {
        content.starts = content.starts || event.kind == EventKind::WorkerStart;
        content.finishes = content.finishes || event.kind == EventKind::WorkerExit;
        content.kills = content.kills || event.kind == EventKind::WorkerKilled;
        content.spins = content.spins || event.kind == EventKind::Spin;
    }
    content.blocked = !document.analysis.messages.waits.empty();
    content.channelFill = !trace.scenario.channels.empty();
    content.messageArrows =
        std::any_of(document.analysis.messages.matches.begin(), document.analysis.messages.matches.end(),
                    [](const MessageMatch& m) { return m.send != kNoEvent; });
    content.wakeArrows = std::any_of(document.analysis.messages.waits.begin(), document.analysis.messages.waits.end(),
                                     [](const BlockedWait& w) { return w.endedBy != kNoEvent; });
    content.stays = std::any_of(document.index.lanes().begin(), document.index.lanes().end(),
                                [](const WorkerEvents& lane) { return !lane.spans.empty(); });
    content.lockWaits = content.contended = false;
    for (const WorkerEvents& lane : document.index.lanes())
        for (const CriticalSectionSpan& span : lane.spans) {
            content.lockWaits = content.lockWaits || span.waitedForOther;
            content.contended = content.contended || span.contended;
        }
    content.overlaps = content.lostUpdates = content.tornRecords = content.storeBuffering = false;
    for (const Finding& finding : document.analysis.findings) {
        content.overlaps = content.overlaps || finding.kind == FindingKind::Overlap;
        content.lostUpdates = content.lostUpdates || finding.kind == FindingKind::LostUpdate;
        content.tornRecords = content.tornRecords || finding.kind == FindingKind::TornRecord;
        content.storeBuffering = content.storeBuffering || finding.kind == FindingKind::StoreBuffering;
    }
    return content;
}

void drawTimelineLegend(const Theme& theme, const LegendContent& content) {
    const Palette& p = theme.palette();
    auto tick = [&](TickKind kind) { return (content.ticks & tickBit(kind)) != 0; };
    auto mark = [&](ChannelMark m) { return (content.channelMarks >> static_cast<unsigned>(m) & 1u) != 0; };
    auto markId = [](ChannelMark m) { return static_cast<ImU32>(m); };
    struct Entry {
        bool shown;
        Glyph glyph;
        ImU32 color;
        const char* label;
    };
    std::vector<Entry> entries = {{content.starts, Glyph::Start, p.marker, "started"}};
    for (const TickStyle& style : kTickStyles)
        if (style.kind != TickKind::Marker)
            entries.push_back({tick(style.kind), Glyph::Tick, static_cast<ImU32>(style.kind), style.name.data()});
    entries.push_back({content.ticks != 0, Glyph::Merged, p.tickDim, "accesses merged (zoom in)"});
    const Entry rest[] = {
        {content.messageArrows, Glyph::Arrow, p.messageArrow, "send -> receive"},
        {content.blocked, Glyph::Hatch, p.blockedHatch, "blocked in a channel call"},
        {content.wakeArrows, Glyph::Dashed, p.messageArrow, "ended the wait"},
        {content.channelFill, Glyph::Box, p.channelFill, "messages held"},
        {mark(ChannelMark::WouldBlock), Glyph::Mark, markId(ChannelMark::WouldBlock), "would block"},
        {mark(ChannelMark::EndOfFile), Glyph::Mark, markId(ChannelMark::EndOfFile), "end of file"},
        {mark(ChannelMark::BrokenPipe), Glyph::Mark, markId(ChannelMark::BrokenPipe), "broken pipe"},
        {mark(ChannelMark::MessageTorn), Glyph::Mark, markId(ChannelMark::MessageTorn), "torn message"},
        {mark(ChannelMark::MessageDropped), Glyph::Mark, markId(ChannelMark::MessageDropped), "message dropped"},
        {content.spins, Glyph::Spin, p.dimText, "the same read, repeated"},
        {content.stays, Glyph::Box, p.criticalSpan, "in the critical section"},
        {content.lockWaits, Glyph::Waiting, theme.workerColor(0), "waiting to get in"},
        {content.contended, Glyph::Held, theme.workerColor(0), "held while others waited"},
        {content.overlaps, Glyph::Box, p.overlapBand, "overlap"},
        {content.lostUpdates, Glyph::Arrow, p.lostUpdateArrow, "lost update"},
        {content.tornRecords, Glyph::Triangle, p.tornRecordFill, "torn record"},
        {content.storeBuffering, Glyph::Arrow, p.lostUpdateArrow, "store not yet seen (store buffer)"},
        {content.finishes, Glyph::Finish, p.marker, "finished"},
        {content.kills, Glyph::Killed, p.tornMarker, "killed"},
    };
    entries.insert(entries.end(), std::begin(rest), std::end(rest));
    const float box = ImGui::GetTextLineHeight() * 0.8f;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    bool first = true;
    for (const auto& entry : entries) {
        if (!entry.shown) continue;
        const float width = box + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(entry.label).x;
        if (!first) {
            ImGui::SameLine(0.0f, ImGui::GetFontSize());
            if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
        }
        first = false;
        const ImVec2 at = ImGui::GetCursorScreenPos();
        // Translucent colours (spans, bands) are shown as they look on a lane.
        drawGlyph(ImGui::GetWindowDrawList(), p, entry.glyph, entry.color,
                  ImVec2(at.x, at.y + (ImGui::GetTextLineHeight() - box) * 0.5f), box);
        ImGui::Dummy(ImVec2(box, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0.0f, ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::TextUnformatted(entry.label);
    }
}

} // namespace racetrace
