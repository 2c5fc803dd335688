// The window at the sizes of real projectors and screens (1280x720, 1600x900,
// 1920x1080), in lecture mode and in the normal one: everything a lecturer
// needs is on screen and unclipped. What is where comes from the window's own
// layout report (RACETRACE_LAYOUT_REPORT); a screenshot of each is kept.
#include "gui_harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

/// The items a lecture needs: the buttons, the findings' headline and counts,
/// the legend, both lanes, the playback bar and all 8 lines of the naive flag's code.
std::vector<std::string> essentialItems() {
    std::vector<std::string> items = {
        "status-sentence", "run-button",        "stop-button",      "step-button", "replay-button",
        "compare-button",  "findings-headline", "findings-counts",  "legend",      "lane-A",
        "lane-B",          "play-button",       "playback-position"};
    for (int line = 1; line <= 8; ++line)
        items.push_back("code-line-" + std::to_string(line));
    return items;
}

/// Items missing from the report or not wholly visible, with their rectangles.
std::string problems(const std::map<std::string, LayoutItem>& report) {
    std::ostringstream out;
    for (const std::string& name : essentialItems()) {
        const auto it = report.find(name);
        if (it == report.end())
            out << name << " is not drawn; ";
        else if (!it->second.shown)
            out << name << " is clipped (" << it->second.x0 << "," << it->second.y0 << " to " << it->second.x1 << ","
                << it->second.y1 << "); ";
    }
    return out.str();
}

/// The least text size lecture mode promises on a screen this high.
int leastLectureFont(int height) {
    return std::max(20, static_cast<int>(std::floor(28.0 * height / 1080.0)));
}

void checkLayout(const fs::path& trace, int width, int height, bool lecture) {
    const std::string name = std::to_string(width) + "x" + std::to_string(height) + (lecture ? " lecture" : " normal");
    XvfbServer server(width, height);
    std::vector<std::string> args = {"gui", trace.string()};
    if (lecture) args.insert(args.begin() + 1, "--lecture");
    GuiApp app(server, args, name);
    app.waitForWindow();
    app.parkMouse();
    std::map<std::string, LayoutItem> report = app.layout("code-line-8");
    // Fullscreen and the fonts for the screen settle within a few frames.
    pollUntil([&] { return problems(report = app.layout("code-line-8")).empty(); }, 5s);
    app.screenshot("screen");
    INFO(name << ": " << problems(report));
    CHECK(problems(report).empty());
    CHECK(report["display"].x0 == width);
    CHECK(report["display"].y0 == height);
    if (lecture) {
        INFO("lecture text is " << report["font"].x0 << " px on a screen " << height << " px high");
        CHECK(report["font"].x0 >= leastLectureFont(height));
    }
    CHECK(app.quit() == 0);
}

} // namespace

TEST_CASE("at 1280x720, 1600x900 and 1920x1080, lecture mode shows every button, code line, lane and the playback "
          "bar unclipped, in text that grows with the screen",
          "[window][layout]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "2000"}, false);
    for (auto [width, height] : {std::pair{1280, 720}, std::pair{1600, 900}, std::pair{1920, 1080}})
        checkLayout(trace, width, height, true);
}

TEST_CASE("at 1280x720 and 1920x1080 the normal window shows the same, unclipped", "[window][layout]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "2000"}, false);
    for (auto [width, height] : {std::pair{1280, 720}, std::pair{1920, 1080}})
        checkLayout(trace, width, height, false);
}
