#include "gui/timeline/timeline_ruler.hpp"

#include "gui/theme.hpp"

#include <cmath>
#include <cstdio>

namespace racetrace {

namespace {

constexpr int kMaxTicks = 1000; ///< a guard only: the step keeps the count near width / label width

/// The smallest 1-2-5 step >= raw.
double niceStep(double raw, int& minor) {
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-12))));
    const double mantissa = raw / magnitude;
    if (mantissa <= 1.0) return minor = 5, magnitude;
    if (mantissa <= 2.0) return minor = 4, 2.0 * magnitude;
    if (mantissa <= 5.0) return minor = 5, 5.0 * magnitude;
    return minor = 5, 10.0 * magnitude;
}

/// Inserts thousands separators into the integer part of a plain decimal number.
std::string groupThousands(const std::string& text) {
    const std::size_t start = (!text.empty() && text[0] == '-') ? 1 : 0;
    std::size_t end = text.find('.');
    if (end == std::string::npos) end = text.size();
    std::string out = text.substr(0, start);
    for (std::size_t k = start; k < end; ++k) {
        if (k > start && (end - k) % 3 == 0) out += ',';
        out += text[k];
    }
    return out + text.substr(end);
}

std::string printf1(const char* format, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

RulerTicks ticksFor(const TimelineContext& ctx, TimeAxis axis, double spacingPx) {
    RulerTicks ticks;
    ticks.axis = axis;
    double raw = ctx.unitsPerPixel() * spacingPx;
    if (axis == TimeAxis::EventOrder) raw = std::max(raw, 1.0);
    ticks.step = niceStep(raw, ticks.minor);
    if (axis == TimeAxis::EventOrder && ticks.step < 5.0) ticks.minor = static_cast<int>(ticks.step);
    if (axis == TimeAxis::RealTime) {
        const double s = ticks.step;
        ticks.unit = s < 1e3 ? 1.0 : s < 1e6 ? 1e3 : s < 1e9 ? 1e6 : 1e9;
        ticks.unitName = s < 1e3 ? "ns" : s < 1e6 ? "\xC2\xB5s" : s < 1e9 ? "ms" : "s";
        ticks.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(s / ticks.unit) + 1e-9)));
    }
    ticks.first = std::floor(ctx.begin / ticks.step) * ticks.step;
    return ticks;
}

} // namespace

RulerTicks computeRulerTicks(const TimelineContext& ctx, TimeAxis axis, float fontSize) {
    // Try a spacing, then widen it if the widest label would not fit.
    RulerTicks ticks = ticksFor(ctx, axis, fontSize * 6.0);
    for (int attempt = 0; attempt < 3; ++attempt) {
        const std::string widest = formatTick(ticks, std::max(std::fabs(ctx.begin), std::fabs(ctx.end)) + ticks.step);
        const double need = static_cast<double>(ImGui::CalcTextSize(widest.c_str()).x + fontSize * 1.5f);
        if (need <= ticks.step / ctx.unitsPerPixel()) break;
        ticks = ticksFor(ctx, axis, need);
    }
    return ticks;
}

std::string formatTick(const RulerTicks& ticks, double value) {
    if (ticks.axis == TimeAxis::EventOrder)
        return formatCount(static_cast<std::uint64_t>(std::llround(std::max(0.0, value))));
    if (std::fabs(value) < ticks.step * 1e-6) return "0";
    char format[16];
    std::snprintf(format, sizeof format, "%%.%df", ticks.decimals);
    return groupThousands(printf1(format, value / ticks.unit)) + " " + ticks.unitName;
}

void drawRuler(ImDrawList* draw, const TimelineContext& ctx, const RulerTicks& ticks, const Palette& palette, float top,
               float height) {
    const float left = ctx.left, right = ctx.left + ctx.width, bottom = top + height;
    draw->AddRectFilled(ImVec2(left, top), ImVec2(right, bottom), palette.background);
    draw->AddRectFilled(ImVec2(left, bottom - 1.0f), ImVec2(right, bottom), palette.laneSeparator);
    const double minorStep = ticks.step / std::max(1, ticks.minor);
    const float labelY = top + (height - ImGui::GetTextLineHeight()) * 0.35f;
    for (int k = 0; k < kMaxTicks; ++k) {
        const double major = ticks.first + k * ticks.step;
        if (major > ctx.end + ticks.step) break;
        if (ticks.axis == TimeAxis::EventOrder && major < 0.0) continue;
        const float x = ctx.toPixel(major);
        for (int m = 1; m < ticks.minor; ++m) {
            const float xm = ctx.toPixel(major + m * minorStep);
            if (xm >= left && xm <= right)
                draw->AddRectFilled(ImVec2(xm, bottom - height * 0.18f), ImVec2(xm + 1.0f, bottom), palette.dimText);
        }
        if (x < left || x > right) continue; // a label cut by the left edge would read as nonsense
        draw->AddRectFilled(ImVec2(x, bottom - height * 0.45f), ImVec2(x + 1.0f, bottom), palette.text);
        draw->AddText(ImVec2(x + 3.0f, labelY), palette.text, formatTick(ticks, major).c_str());
    }
}

void drawGridLines(ImDrawList* draw, const TimelineContext& ctx, const RulerTicks& ticks, ImU32 color, float top,
                   float bottom) {
    for (int k = 0; k < kMaxTicks; ++k) {
        const double major = ticks.first + k * ticks.step;
        if (major > ctx.end) break;
        const float x = ctx.toPixel(major);
        if (x >= ctx.left && x <= ctx.left + ctx.width)
            draw->AddRectFilled(ImVec2(x, top), ImVec2(x + 1.0f, bottom), color);
    }
}

std::string formatCount(std::uint64_t value) {
    return groupThousands(std::to_string(value));
}

std::string formatTime(double ns) {
    if (std::fabs(ns) < 1e3) return printf1("%.0f ns", ns);
    return groupThousands(printf1("%.3f", ns / 1e3)) + " \xC2\xB5s";
}

std::string formatDuration(double ns) {
    const double a = std::fabs(ns);
    const double unit = a < 1e3 ? 1.0 : a < 1e6 ? 1e3 : a < 1e9 ? 1e6 : 1e9;
    const char* name = a < 1e3 ? "ns" : a < 1e6 ? "\xC2\xB5s" : a < 1e9 ? "ms" : "s";
    const double v = ns / unit;
    const char* format = unit == 1.0 ? "%.0f" : std::fabs(v) < 10 ? "%.2f" : std::fabs(v) < 100 ? "%.1f" : "%.0f";
    return printf1(format, v) + " " + name;
}

} // namespace racetrace
