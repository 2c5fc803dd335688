#include "pixels.hpp"

#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace racetrace::guitest {

std::string toString(Rgb colour) {
    return "(" + std::to_string(colour.r) + "," + std::to_string(colour.g) + "," + std::to_string(colour.b) + ")";
}

std::string toString(const Rect& rect) {
    return "[" + std::to_string(rect.x0) + "," + std::to_string(rect.x1) + ")x[" + std::to_string(rect.y0) + "," +
           std::to_string(rect.y1) + ")";
}

Image::Image(int width, int height, std::vector<std::uint8_t> rgb)
    : m_width(width), m_height(height), m_rgb(std::move(rgb)) {}

Rgb Image::at(int x, int y) const {
    const std::size_t offset =
        (static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width) + static_cast<std::size_t>(x)) * 3;
    return {m_rgb[offset], m_rgb[offset + 1], m_rgb[offset + 2]};
}

Rect Image::clip(Rect rect) const {
    rect.x0 = std::clamp(rect.x0, 0, m_width);
    rect.x1 = std::clamp(rect.x1, rect.x0, m_width);
    rect.y0 = std::clamp(rect.y0, 0, m_height);
    rect.y1 = std::clamp(rect.y1, rect.y0, m_height);
    return rect;
}

std::optional<Image> loadPng(const std::filesystem::path& path) {
    int width = 0, height = 0, channels = 0;
    stbi_uc* pixels = stbi_load(path.c_str(), &width, &height, &channels, 3);
    if (pixels == nullptr) return std::nullopt;
    std::vector<std::uint8_t> rgb(pixels,
                                  pixels + static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    stbi_image_free(pixels);
    return Image(width, height, std::move(rgb));
}

Rgb over(Rgb dst, Rgb src, int alpha) {
    const double a = alpha / 255.0;
    auto mix = [a](int s, int d) { return static_cast<int>(std::lround(s * a + d * (1.0 - a))); };
    return {mix(src.r, dst.r), mix(src.g, dst.g), mix(src.b, dst.b)};
}

double luminance(Rgb c) {
    return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
}

namespace {

bool near(Rgb a, Rgb b, int tolerance) {
    return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance && std::abs(a.b - b.b) <= tolerance;
}

template <typename F> void forEach(const Image& image, Rect rect, F&& f) {
    rect = image.clip(rect);
    for (int y = rect.y0; y < rect.y1; ++y)
        for (int x = rect.x0; x < rect.x1; ++x)
            f(x, y, image.at(x, y));
}

/// p == bg + a * (colour - bg) + residual: the coverage a and the largest residual.
bool isBlendOf(Rgb p, Rgb colour, const std::vector<Rgb>& backgrounds, double minCoverage, int tolerance) {
    for (const Rgb& bg : backgrounds) {
        const double d[3] = {double(colour.r - bg.r), double(colour.g - bg.g), double(colour.b - bg.b)};
        const double v[3] = {double(p.r - bg.r), double(p.g - bg.g), double(p.b - bg.b)};
        const double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        if (dd < 1.0) continue;
        const double a = (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]) / dd;
        if (a < minCoverage || a > 1.1) continue;
        double residual = 0;
        for (int i = 0; i < 3; ++i)
            residual = std::max(residual, std::fabs(v[i] - a * d[i]));
        if (residual <= tolerance) return true;
    }
    return false;
}

} // namespace

int countNear(const Image& image, Rect rect, const std::vector<Rgb>& colours, int tolerance) {
    int count = 0;
    forEach(image, rect, [&](int, int, Rgb p) {
        for (const Rgb& c : colours)
            if (near(p, c, tolerance)) {
                ++count;
                return;
            }
    });
    return count;
}

int countBlend(const Image& image, Rect rect, Rgb colour, const std::vector<Rgb>& backgrounds, double minCoverage,
               int tolerance) {
    int count = 0;
    forEach(image, rect, [&](int, int, Rgb p) { count += isBlendOf(p, colour, backgrounds, minCoverage, tolerance); });
    return count;
}

double meanBlendY(const Image& image, Rect rect, Rgb colour, const std::vector<Rgb>& backgrounds, double minCoverage,
                  int tolerance) {
    double sum = 0;
    int count = 0;
    forEach(image, rect, [&](int, int y, Rgb p) {
        if (isBlendOf(p, colour, backgrounds, minCoverage, tolerance)) sum += y, ++count;
    });
    return count ? sum / count : -1.0;
}

std::vector<int> fullColumns(const Image& image, Rect rect, Rgb colour, int tolerance) {
    rect = image.clip(rect);
    std::vector<int> columns;
    if (rect.height() == 0) return columns;
    for (int x = rect.x0; x < rect.x1; ++x) {
        bool all = true;
        for (int y = rect.y0; y < rect.y1 && all; ++y)
            all = near(image.at(x, y), colour, tolerance);
        if (all) columns.push_back(x);
    }
    return columns;
}

double meanLuminance(const Image& image, Rect rect) {
    double sum = 0;
    long count = 0;
    forEach(image, rect, [&](int, int, Rgb p) { sum += luminance(p), ++count; });
    return count ? sum / static_cast<double>(count) : 0.0;
}

Rgb dominantColour(const Image& image, Rect rect) {
    std::map<std::uint32_t, int> counts;
    forEach(image, rect, [&](int, int, Rgb p) {
        ++counts[(std::uint32_t(p.r) << 16) | (std::uint32_t(p.g) << 8) | std::uint32_t(p.b)];
    });
    if (counts.empty()) return {};
    const auto best = std::max_element(counts.begin(), counts.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    return {int(best->first >> 16), int((best->first >> 8) & 0xFF), int(best->first & 0xFF)};
}

double changedFraction(const Image& a, const Image& b, Rect rect, int tolerance) {
    rect = a.clip(b.clip(rect));
    long changed = 0, total = 0;
    for (int y = rect.y0; y < rect.y1; ++y)
        for (int x = rect.x0; x < rect.x1; ++x, ++total)
            changed += !near(a.at(x, y), b.at(x, y), tolerance);
    return total ? static_cast<double>(changed) / static_cast<double>(total) : 0.0;
}

namespace {
std::vector<RowRun> runsOf(const std::vector<bool>& rows, int offset) {
    std::vector<RowRun> runs;
    int start = -1;
    for (int i = 0; i <= static_cast<int>(rows.size()); ++i) {
        const bool on = i < static_cast<int>(rows.size()) && rows[static_cast<std::size_t>(i)];
        if (on && start < 0) start = i;
        if (!on && start >= 0) runs.push_back({offset + start, offset + i}), start = -1;
    }
    return runs;
}
} // namespace

std::vector<RowRun> textRows(const Image& image, Rect rect, double contrast) {
    rect = image.clip(rect);
    std::vector<bool> rows;
    std::vector<double> lum(static_cast<std::size_t>(rect.width()));
    for (int y = rect.y0; y < rect.y1; ++y) {
        for (int x = rect.x0; x < rect.x1; ++x)
            lum[static_cast<std::size_t>(x - rect.x0)] = luminance(image.at(x, y));
        std::vector<double> sorted = lum;
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
        const double median = sorted[sorted.size() / 2];
        rows.push_back(std::any_of(lum.begin(), lum.end(), [&](double l) { return std::fabs(l - median) > contrast; }));
    }
    return runsOf(rows, rect.y0);
}

std::vector<RowRun> colourRows(const Image& image, Rect rect, Rgb colour, double fraction, int tolerance) {
    rect = image.clip(rect);
    std::vector<bool> rows;
    for (int y = rect.y0; y < rect.y1; ++y) {
        int hits = 0;
        for (int x = rect.x0; x < rect.x1; ++x)
            hits += near(image.at(x, y), colour, tolerance);
        rows.push_back(rect.width() > 0 && hits >= fraction * rect.width());
    }
    return runsOf(rows, rect.y0);
}

Rect laneRegion(const Image& image, const std::vector<Rgb>& laneBackgrounds, int probeWidth) {
    std::vector<bool> rows;
    for (int y = 0; y < image.height(); ++y) {
        int run = 0, best = 0;
        for (int x = 0; x < std::min(probeWidth, image.width()); ++x) {
            const Rgb p = image.at(x, y);
            const bool lane = std::any_of(laneBackgrounds.begin(), laneBackgrounds.end(),
                                          [&](const Rgb& bg) { return near(p, bg, 2); });
            run = lane ? run + 1 : 0;
            best = std::max(best, run);
        }
        rows.push_back(best >= 4);
    }
    // The longest block of such rows, across the 1-2 px separators between lanes
    // (stray rows of anti-aliased text elsewhere make only short blocks).
    RowRun longest;
    RowRun current{-1, -1};
    for (const RowRun& run : runsOf(rows, 0)) {
        if (current.begin >= 0 && run.begin - current.end <= 3)
            current.end = run.end;
        else
            current = run;
        if (current.height() > longest.height()) longest = current;
    }
    return longest.height() == 0 ? Rect{} : Rect{0, longest.begin, image.width(), longest.end};
}

std::vector<Rgb> ThemeColours::bandComposites() const {
    std::vector<Rgb> out;
    for (const Rgb& lane : laneBackgrounds())
        for (const bool span : {false, true}) {
            const Rgb under = span ? over(lane, criticalSpan, criticalSpanAlpha) : lane;
            const Rgb band = over(under, overlapBand, overlapBandAlpha);
            out.push_back(band);
            out.push_back(over(band, selection, selectionAlpha));
        }
    return out;
}

const ThemeColours& darkTheme() {
    static const ThemeColours theme{
        .laneBackground = {34, 37, 43},
        .laneAlternate = {40, 44, 51},
        .text = {235, 235, 235},
        .criticalSpan = {255, 255, 255},
        .criticalSpanAlpha = 45,
        .overlapBand = {213, 94, 0},
        .overlapBandAlpha = 120,
        .selection = {86, 180, 233},
        .selectionAlpha = 60,
        .cursor = {255, 255, 255},
        .tornMarker = {255, 80, 0},
    };
    return theme;
}

const ThemeColours& lectureTheme() {
    static const ThemeColours theme{
        .laneBackground = {245, 245, 245},
        .laneAlternate = {232, 232, 232},
        .text = {0, 0, 0},
        .criticalSpan = {0, 0, 0},
        .criticalSpanAlpha = 70,
        .overlapBand = {213, 94, 0},
        .overlapBandAlpha = 110,
        .selection = {0, 114, 178},
        .selectionAlpha = 60,
        .cursor = {0, 0, 0},
        .tornMarker = {213, 94, 0},
    };
    return theme;
}

} // namespace racetrace::guitest
