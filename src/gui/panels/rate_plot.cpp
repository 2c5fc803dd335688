#include "gui/panels/rate_plot.hpp"

#include "analysis/plain_words.hpp"
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

/// The sweep's values, all of them from the start when the report knows
/// them: a slot per value that never moves as the points arrive.
std::vector<std::string> slotValues(const StatsReport& report) {
    if (!report.values.empty()) return report.values;
    std::vector<std::string> values;
    for (const StatsPoint& point : report.points)
        values.push_back(point.value);
    return values;
}

/// "8000" as "8,000"; a name ("spread") as it is.
std::string tickLabel(const std::string& value) {
    const bool digits = !value.empty() && value.size() < 19 &&
                        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    return digits ? groupedNumber(static_cast<std::int64_t>(std::stoll(value))) : value;
}

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

/// The values under their columns, and what the knob is under them.
void drawValues(ImDrawList& draw, const PlotArea& area, const StatsReport& report, const Theme& theme) {
    const ImU32 text = theme.palette().text;
    const float line = ImGui::GetTextLineHeight();
    const std::vector<std::string> values = slotValues(report);
    for (std::size_t k = 0; k < values.size(); ++k) {
        const std::string label = tickLabel(values[k]);
        const float width = ImGui::CalcTextSize(label.c_str()).x;
        draw.AddText(ImVec2(area.x(k) - width / 2, area.max.y + line * 0.3f), text, label.c_str());
    }
    const std::string knob(sweepKnobInfo(report.knob).title);
    const float width = ImGui::CalcTextSize(knob.c_str()).x;
    draw.AddText(ImVec2((area.min.x + area.max.x - width) / 2, area.max.y + line * 1.4f), theme.palette().dimText,
                 knob.c_str());
}

/// A point of a series: what its runs gave so far, and whether all are done.
struct SeriesPoint {
    const PointOutcome* outcome = nullptr; ///< nothing: no run yet
    bool complete = true;
};

/// How a series is drawn: its colour, its band's, and how far beside the
/// value's column (the two series side by side, so that neither hides the other).
struct SeriesStyle {
    ImU32 color, band, background;
    float offset = 0.0f;
};

/// A dot: filled when its point's runs are done, hollow while they go on. The
/// ring in the background colour keeps a dot apart from the line and band under it.
void drawDot(ImDrawList& draw, ImVec2 at, float radius, const SeriesStyle& style, bool complete) {
    draw.AddCircleFilled(at, radius * 1.35f, style.background);
    if (complete)
        draw.AddCircleFilled(at, radius, style.color);
    else
        draw.AddCircle(at, radius * 0.9f, style.color, 0, radius * 0.45f);
}

/// One series' interval as a band and its rate as a line between its points.
void drawSeriesLines(ImDrawList& draw, const PlotArea& area, const std::vector<SeriesPoint>& series,
                     const SeriesStyle& style) {
    const float radius = ImGui::GetFontSize() * 0.3f;
    const auto x = [&](std::size_t k) { return area.x(k) + style.offset; };
    for (std::size_t k = 0; k + 1 < series.size(); ++k) {
        if (!series[k].outcome || !series[k + 1].outcome) continue;
        const PointOutcome &a = *series[k].outcome, &b = *series[k + 1].outcome;
        const ImVec2 quad[4] = {{x(k), area.y(a.interval.high)},
                                {x(k + 1), area.y(b.interval.high)},
                                {x(k + 1), area.y(b.interval.low)},
                                {x(k), area.y(a.interval.low)}};
        draw.AddConvexPolyFilled(quad, 4, style.band);
        // Towards a point still running, the line is thin: its rate will move.
        draw.AddLine(ImVec2(x(k), area.y(a.rate())), ImVec2(x(k + 1), area.y(b.rate())), style.color,
                     radius * (series[k + 1].complete ? 0.7f : 0.3f));
    }
}

/// One series' points: the interval as a whisker (so a single point shows
/// its band) and the rate as a dot.
void drawSeriesDots(ImDrawList& draw, const PlotArea& area, const std::vector<SeriesPoint>& series,
                    const SeriesStyle& style) {
    const float radius = ImGui::GetFontSize() * 0.3f;
    for (std::size_t k = 0; k < series.size(); ++k) {
        if (!series[k].outcome) continue;
        const PointOutcome& outcome = *series[k].outcome;
        const float x = area.x(k) + style.offset;
        draw.AddLine(ImVec2(x, area.y(outcome.interval.low)), ImVec2(x, area.y(outcome.interval.high)), style.color,
                     radius * 0.5f);
        drawDot(draw, ImVec2(x, area.y(outcome.rate())), radius, style, series[k].complete);
    }
}

ImU32 withAlpha(ImU32 color, unsigned alpha) {
    return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT);
}

bool anyUntraced(const StatsReport& report) {
    return std::any_of(report.points.begin(), report.points.end(),
                       [](const StatsPoint& p) { return p.untraced && p.untraced->runs > 0; });
}

bool anyRunning(const StatsReport& report) {
    return !report.stopped && std::any_of(report.points.begin(), report.points.end(),
                                          [&](const StatsPoint& p) { return !report.complete(p); });
}

} // namespace

void drawRatePlotLegend(const StatsReport& report, const Theme& theme) {
    // A dot drawn, not typed: the fonts have no "●".
    const auto entry = [](ImU32 color, const char* text, bool hollow) {
        const float size = ImGui::GetFontSize();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const ImVec2 centre(at.x + size * 0.35f, at.y + ImGui::GetTextLineHeight() / 2);
        if (hollow)
            ImGui::GetWindowDrawList()->AddCircle(centre, size * 0.27f, color, 0, size * 0.13f);
        else
            ImGui::GetWindowDrawList()->AddCircleFilled(centre, size * 0.3f, color);
        ImGui::Dummy(ImVec2(size * 0.7f, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0.0f, size * 0.35f); // a gap between the dot and its words
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color), "%s", text);
    };
    // Beside the previous entry where it fits, else on the next line (large
    // lecture text at 1280 pixels cut the last entry off).
    const auto next = [](const char* text) {
        const float size = ImGui::GetFontSize();
        ImGui::SameLine(0.0f, size * 1.5f);
        if (ImGui::GetContentRegionAvail().x < size * 1.05f + ImGui::CalcTextSize(text).x) ImGui::NewLine();
    };
    entry(theme.palette().lostUpdateArrow, "runs with a race (the band: its 95 % interval)", false);
    if (const char* text = "recording off: runs that left the counter short"; anyUntraced(report)) {
        next(text);
        entry(theme.palette().good, text, false);
    }
    if (const char* text = "hollow: runs still going"; anyRunning(report)) {
        next(text);
        entry(theme.palette().dimText, text, true);
    }
}

void drawRatePlot(ImDrawList& draw, ImVec2 min, ImVec2 max, const StatsReport& report, const Theme& theme) {
    const float font = ImGui::GetFontSize();
    PlotArea area{ImVec2(min.x + font * 3.2f, min.y + font * 0.6f), ImVec2(max.x - font, max.y - font * 2.8f),
                  std::max(report.values.size(), report.points.size())};
    if (area.max.x <= area.min.x || area.max.y <= area.min.y) return;
    drawGrid(draw, area, theme);
    drawValues(draw, area, report, theme);
    std::vector<SeriesPoint> traced, untraced;
    for (const StatsPoint& point : report.points) {
        const bool complete = report.stopped || report.complete(point);
        traced.push_back({point.traced.runs > 0 ? &point.traced : nullptr, complete});
        untraced.push_back({point.untraced && point.untraced->runs > 0 ? &*point.untraced : nullptr, complete});
    }
    const Palette& palette = theme.palette();
    const ImU32 racy = palette.lostUpdateArrow, quiet = palette.good;
    const ImU32 background = ImGui::GetColorU32(ImGuiCol_WindowBg); // the plot lies on its window
    if (!anyUntraced(report)) {
        const SeriesStyle style{racy, withAlpha(racy, 60), background, 0.0f};
        drawSeriesLines(draw, area, traced, style);
        drawSeriesDots(draw, area, traced, style);
        return;
    }
    // Side by side, a dot apart, and every line before any dot: where both
    // rates are the same, neither series hides the other's points.
    const float apart = font * 0.35f;
    const SeriesStyle off{quiet, withAlpha(quiet, 50), background, apart};
    const SeriesStyle on{racy, withAlpha(racy, 60), background, -apart};
    drawSeriesLines(draw, area, untraced, off);
    drawSeriesLines(draw, area, traced, on);
    drawSeriesDots(draw, area, untraced, off);
    drawSeriesDots(draw, area, traced, on);
}

} // namespace racetrace
