// Reading PNGs and measuring what is in them: colour counts in a rectangle,
// anti-aliased text of a given colour, translucent composites, text line
// heights. The app's palette is restated here on purpose: a test that read
// src/gui/theme.cpp would agree with any change, right or wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace racetrace::guitest {

struct Rgb {
    int r = 0, g = 0, b = 0;
    friend bool operator==(const Rgb&, const Rgb&) = default;
};
std::string toString(Rgb colour);

/// A half-open pixel rectangle [x0, x1) x [y0, y1).
struct Rect {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
};
std::string toString(const Rect& rect);

class Image {
  public:
    Image() = default;
    Image(int width, int height, std::vector<std::uint8_t> rgb);
    int width() const { return m_width; }
    int height() const { return m_height; }
    bool empty() const { return m_width == 0 || m_height == 0; }
    Rgb at(int x, int y) const;
    Rect bounds() const { return {0, 0, m_width, m_height}; }
    /// `rect` clipped to the image.
    Rect clip(Rect rect) const;

  private:
    int m_width = 0, m_height = 0;
    std::vector<std::uint8_t> m_rgb;
};

/// Loads a PNG as 8-bit RGB; nothing if it cannot be read (or is still being written).
std::optional<Image> loadPng(const std::filesystem::path& path);

/// `src` with alpha `alpha` (0-255) drawn over `dst`, as OpenGL's SRC_ALPHA blending does.
Rgb over(Rgb dst, Rgb src, int alpha);
double luminance(Rgb colour);

/// Pixels within `tolerance` (per channel) of any of `colours`.
int countNear(const Image& image, Rect rect, const std::vector<Rgb>& colours, int tolerance);
/// Pixels that are `colour` drawn with coverage >= minCoverage over one of
/// `backgrounds` (anti-aliased text or lines of that colour), within `tolerance`.
int countBlend(const Image& image, Rect rect, Rgb colour, const std::vector<Rgb>& backgrounds, double minCoverage = 0.5,
               int tolerance = 12);
/// The mean y of the pixels countBlend counts (-1 if none).
double meanBlendY(const Image& image, Rect rect, Rgb colour, const std::vector<Rgb>& backgrounds,
                  double minCoverage = 0.5, int tolerance = 12);
/// x of each column of `rect` in which every pixel is within `tolerance` of `colour`.
std::vector<int> fullColumns(const Image& image, Rect rect, Rgb colour, int tolerance = 2);
double meanLuminance(const Image& image, Rect rect);
/// The most common colour in `rect`.
Rgb dominantColour(const Image& image, Rect rect);
/// The fraction of pixels in `rect` that differ by more than `tolerance` between two images.
double changedFraction(const Image& a, const Image& b, Rect rect, int tolerance = 8);

/// Runs of consecutive rows that hold text: a row holds text when some pixel's
/// luminance differs from the row's median by more than `contrast`.
struct RowRun {
    int begin = 0, end = 0; ///< [begin, end)
    int height() const { return end - begin; }
};
std::vector<RowRun> textRows(const Image& image, Rect rect, double contrast = 90.0);
/// Runs of rows in which at least `fraction` of the pixels are within `tolerance` of `colour`.
std::vector<RowRun> colourRows(const Image& image, Rect rect, Rgb colour, double fraction, int tolerance = 3);

/// The rows of a picture that hold timeline lanes: the longest block of rows
/// with at least 4 consecutive lane-background pixels in their first
/// `probeWidth` pixels (the lane label column). Full width; empty if none.
Rect laneRegion(const Image& image, const std::vector<Rgb>& laneBackgrounds, int probeWidth = 40);

/// The app's colours (src/gui/theme.cpp), in the dark screen theme and the light lecture theme.
struct ThemeColours {
    Rgb laneBackground, laneAlternate, text;
    Rgb criticalSpan;
    int criticalSpanAlpha;
    Rgb overlapBand;
    int overlapBandAlpha;
    Rgb selection;
    int selectionAlpha;
    Rgb cursor, tornMarker;
    /// Every colour an overlap band can show: over either lane background,
    /// with or without a critical-section span under it and the selection over it.
    std::vector<Rgb> bandComposites() const;
    std::vector<Rgb> laneBackgrounds() const { return {laneBackground, laneAlternate}; }
};
const ThemeColours& darkTheme();
const ThemeColours& lectureTheme();

/// Okabe-Ito, in worker order: A orange, B sky blue, C bluish green, D reddish purple.
inline constexpr Rgb kWorkerColours[] = {{230, 159, 0}, {86, 180, 233}, {0, 158, 115}, {204, 121, 167}};

} // namespace racetrace::guitest
