// Channels in the window: a pipe trace shows, under the worker lanes, the
// pipe's fill level, hatched bars where a worker was blocked in a call, and
// arrows from each send to its receive; a shared-memory trace shows none of
// them (so the counts cannot come from anything else on screen). Colours from
// src/gui/theme.cpp (dark theme), as drawn over the two lane backgrounds.
#include "gui_harness.hpp"
#include "screen_layout.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

// Neutral greys: hues belong to the workers (theme.cpp, the dark palette).
constexpr Rgb kChannelFill{200, 200, 200}; // drawn at alpha 90
constexpr Rgb kBlocked{190, 190, 190};     // bars at alpha 25, hatch lines at alpha 150

std::vector<Rgb> overLanes(Rgb colour, int alpha) {
    std::vector<Rgb> composites;
    for (const Rgb& lane : darkTheme().laneBackgrounds())
        composites.push_back(over(lane, colour, alpha));
    return composites;
}

struct ChannelPixels {
    int fill = 0, blockedBars = 0, hatchLines = 0, arrows = 0;
    double fillY = -1, blockedY = -1;
};

/// Arrow pixels: white at alpha 90, anti-aliased 1-2 px lines, so a pixel is
/// white over a lane background at a coverage up to ~0.35. Merged blocks of
/// other traces can be a flat grey of the same brightness: a line's colours
/// are each rare, a block's one colour is everywhere, so colours held by more
/// than 50 pixels are left out.
/// True when `c` is white drawn over a lane background at a coverage from
/// 0.15 to 0.45 (each channel within 8 of the same blend).
bool faintWhite(Rgb c) {
    for (const Rgb& lane : darkTheme().laneBackgrounds()) {
        const double coverage = static_cast<double>(c.g - lane.g) / (255 - lane.g);
        if (coverage < 0.15 || coverage > 0.45) continue;
        if (std::abs(c.r - over(lane, {255, 255, 255}, static_cast<int>(coverage * 255)).r) <= 8 &&
            std::abs(c.b - over(lane, {255, 255, 255}, static_cast<int>(coverage * 255)).b) <= 8)
            return true;
    }
    return false;
}

int arrowPixels(const Image& shot, Rect rect) {
    std::map<int, int> histogram;
    std::vector<int> candidates;
    const Rect r = shot.clip(rect);
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x) {
            const Rgb c = shot.at(x, y);
            if (!faintWhite(c)) continue;
            const int key = c.r << 16 | c.g << 8 | c.b;
            ++histogram[key];
            candidates.push_back(key);
        }
    int count = 0;
    for (const int key : candidates)
        count += histogram[key] <= 50;
    return count;
}

/// The mean y of the pixels within `tolerance` of one of `colours` (-1 without any).
double meanNearY(const Image& shot, Rect rect, const std::vector<Rgb>& colours, int tolerance) {
    const Rect r = shot.clip(rect);
    double sum = 0;
    int count = 0;
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x)
            for (const Rgb& c : colours)
                if (countNear(shot, {x, y, x + 1, y + 1}, {c}, tolerance) == 1) {
                    sum += y;
                    ++count;
                    break;
                }
    return count ? sum / count : -1.0;
}

/// Everything is measured by exact composites: the fill, the bars and the
/// hatch lines are greys, as are the ticks, so only their blends tell them apart.
ChannelPixels measureChannels(const Image& shot) {
    const Rect lanes = layout::kLaneArea;
    ChannelPixels m;
    const std::vector<Rgb> fill = overLanes(kChannelFill, 90);
    m.fill = countNear(shot, lanes, fill, 3);
    const std::vector<Rgb> bars = overLanes(kBlocked, 25);
    m.blockedBars = countNear(shot, lanes, bars, 3);
    std::vector<Rgb> lines;
    for (const Rgb& bar : bars)
        lines.push_back(over(bar, kBlocked, 150));
    m.hatchLines = countNear(shot, lanes, lines, 10);
    m.arrows = arrowPixels(shot, lanes);
    m.fillY = meanNearY(shot, lanes, fill, 3);
    m.blockedY = meanNearY(shot, lanes, bars, 3);
    return m;
}

std::string describe(const ChannelPixels& m) {
    return "fill " + std::to_string(m.fill) + " (mean y " + std::to_string(m.fillY) + "), blocked bars " +
           std::to_string(m.blockedBars) + " (mean y " + std::to_string(m.blockedY) + "), hatch lines " +
           std::to_string(m.hatchLines) + ", arrow pixels " + std::to_string(m.arrows);
}

ChannelPixels shownPixels(const fs::path& trace, const std::string& name) {
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, name);
    app.waitForWindow();
    app.parkMouse();
    // Both lane labels drawn (their swatches in the workers' colours): the trace is shown.
    const Image shot = app.waitForScreen("lanes", [](const Image& s) {
        const auto label = [&](int worker) {
            return countBlend(s, layout::kLaneLabels, kWorkerColours[worker], darkTheme().laneBackgrounds());
        };
        return label(0) >= 10 && label(1) >= 10;
    });
    REQUIRE(app.quit() == 0);
    return measureChannels(shot);
}

} // namespace

TEST_CASE("a pipe trace shows the fill level, blocked bars and send -> receive arrows, a lock trace none",
          "[window][channels]") {
    TempDir dir;
    const ChannelPixels pipe = shownPixels(makeTrace(dir, "pipe.rtrace", {"-s", "pipe", "-n", "200"}, false), "pipe");
    INFO("pipe: " << describe(pipe));
    CHECK(pipe.fill >= 5000);
    CHECK(pipe.blockedBars >= 5000);
    CHECK(pipe.hatchLines >= 2000);
    CHECK(pipe.arrows >= 300);
    CHECK(pipe.fillY > pipe.blockedY); // the channel's lane is under the worker lanes

    const ChannelPixels lock =
        shownPixels(makeTrace(dir, "lock.rtrace", {"-s", "tas-mutex", "-n", "200"}, false), "lock");
    INFO("tas-mutex: " << describe(lock));
    CHECK(lock.fill < 50);
    // (The label column of a lock trace has about the bars' grey: 1,000-2,000 pixels.)
    CHECK(lock.blockedBars < pipe.blockedBars / 8);
    CHECK(lock.hatchLines < pipe.hatchLines / 5);
    CHECK(lock.arrows < pipe.arrows / 3);
}
