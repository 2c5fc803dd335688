#include "gui/panels/rate_plot.hpp"

#include "gui/theme.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace racetrace {

namespace {

/// Where the plot area lies inside the rectangle, leaving room for the labels.
struct PlotArea {
    ImVec2 min, max;
    std::size_t points = 0;

    float x(std::size_t point) const {
        const float step = (max.x - min.x) / static_cast<float>(std::max<std::size_t>(points, 1));
        return min.x + step * (static_cast<float>(point) + 0.5f); // each value in the middle of its column
    }
    float y(double rate) const { return max.y - static_cast<float>(rate) * (max.y - min.y); }
};

void drawGrid(ImDrawList& draw, const PlotArea& area, const Theme& theme) {
    const ImU32 line = theme.palette().laneSeparator, text = theme.palette().dimText;
    for (const double rate : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const float y = area.y(rate);
        draw.AddLine(ImVec2(area.min.x, y), ImVec2(area.max.x, y), line);
        char label[8];
        std::snprintf(label, sizeof(label), "%.0f%%", rate * 100.0);
        const ImVec2 size = ImGui::CalcTextSize(label);
        draw.AddText(ImVec2(area.min.x - size.x - ImGui::GetFontSize() * 0.3f, y - size.y / 2), text, label);
    }
}

/// The values under their columns, and the knob's name under them.
void drawValues(ImDrawList& draw, const PlotArea& area, const StatsReport& report, const Theme& theme) {
    const ImU32 text = theme.palette().text;
    const float line = ImGui::GetTextLineHeight();
    for (std::size_t k = 0; k < report.points.size(); ++k) {
        const std::string& value = report.points[k].value;
        const float width = ImGui::CalcTextSize(value.c_str()).x;
        draw.AddText(ImVec2(area.x(k) - width / 2, area.max.y + line * 0.3f), text, value.c_str());
    }
    const std::string knob(sweepKnobInfo(report.knob).name);
    const float width = ImGui::CalcTextSize(knob.c_str()).x;
    draw.AddText(ImVec2((area.min.x + area.max.x - width) / 2, area.max.y + line * 1.4f), theme.palette().dimText,
                 knob.c_str());
}

/// One series: the interval as a band, the rate as a line through dots.
void drawSeries(ImDrawList& draw, const PlotArea& area, const std::vector<const PointOutcome*>& outcomes, ImU32 color,
                ImU32 band) {
    const float radius = ImGui::GetFontSize() * 0.3f;
    for (std::size_t k = 0; k + 1 < outcomes.size(); ++k) {
        if (!outcomes[k] || !outcomes[k + 1]) continue;
        const PointOutcome &a = *outcomes[k], &b = *outcomes[k + 1];
        const ImVec2 quad[4] = {{area.x(k), area.y(a.interval.high)},
                                {area.x(k + 1), area.y(b.interval.high)},
                                {area.x(k + 1), area.y(b.interval.low)},
                                {area.x(k), area.y(a.interval.low)}};
        draw.AddConvexPolyFilled(quad, 4, band);
        draw.AddLine(ImVec2(area.x(k), area.y(a.rate())), ImVec2(area.x(k + 1), area.y(b.rate())), color,
                     radius * 0.7f);
    }
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
        if (!outcomes[k]) continue;
        const float x = area.x(k);
        // The interval as a whisker too, so a single point shows its band.
        draw.AddLine(ImVec2(x, area.y(outcomes[k]->interval.low)), ImVec2(x, area.y(outcomes[k]->interval.high)), color,
                     radius * 0.5f);
        draw.AddCircleFilled(ImVec2(x, area.y(outcomes[k]->rate())), radius, color);
    }
}

ImU32 withAlpha(ImU32 color, unsigned alpha) {
    return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT);
}

bool anyUntraced(const StatsReport& report) {
    return std::any_of(report.points.begin(), report.points.end(),
                       [](const StatsPoint& p) { return p.untraced && p.untraced->runs > 0; });
}

} // namespace

void drawRatePlotLegend(const StatsReport& report, const Theme& theme) {
    // A dot drawn, not typed: the fonts have no "●".
    const auto entry = [](ImU32 color, const char* text) {
        const float size = ImGui::GetFontSize();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + size * 0.35f, at.y + ImGui::GetTextLineHeight() / 2),
                                                    size * 0.3f, color);
        ImGui::Dummy(ImVec2(size * 0.8f, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0.0f, 0.0f);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color), "%s", text);
    };
    entry(theme.palette().lostUpdateArrow, "runs with a race (the band: its 95 % interval)");
    if (!anyUntraced(report)) return;
    ImGui::SameLine(0.0f, ImGui::GetFontSize() * 1.5f);
    entry(theme.palette().good, "recording off: runs that left the counter short");
}

void drawRatePlot(ImDrawList& draw, ImVec2 min, ImVec2 max, const StatsReport& report, const Theme& theme) {
    const float font = ImGui::GetFontSize();
    PlotArea area{ImVec2(min.x + font * 3.2f, min.y + font * 0.6f), ImVec2(max.x - font, max.y - font * 2.8f),
                  report.points.size()};
    if (area.max.x <= area.min.x || area.max.y <= area.min.y) return;
    drawGrid(draw, area, theme);
    drawValues(draw, area, report, theme);
    std::vector<const PointOutcome*> traced, untraced;
    for (const StatsPoint& point : report.points) {
        traced.push_back(point.traced.runs > 0 ? &point.traced : nullptr);
        untraced.push_back(point.untraced && point.untraced->runs > 0 ? &*point.untraced : nullptr);
    }
    const ImU32 racy = theme.palette().lostUpdateArrow, quiet = theme.palette().good;
    if (anyUntraced(report)) drawSeries(draw, area, untraced, quiet, withAlpha(quiet, 50));
    drawSeries(draw, area, traced, racy, withAlpha(racy, 60));
}

} // namespace racetrace
