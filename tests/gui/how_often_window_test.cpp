// "How often?" in the window: H opens the panel, Run the sweep runs real
// processes at each value of the knob in the background, the plot grows in
// the race colour and the status line reads the result in one sentence.
#include "gui_harness.hpp"
#include "pixels.hpp"

#include <catch2/catch.hpp>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

TEST_CASE("H opens How often and a sweep of real runs plots its rate and reads it out", "[window][stats]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "200"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "how often");
    app.waitForTraceShown(trace);

    app.key("h");
    const LayoutItem run = app.layout("how-often-run").at("how-often-run");
    REQUIRE(run.shown);
    app.click((run.x0 + run.x1) / 2, (run.y0 + run.y1) / 2);
    // 4 window sizes x 20 runs of 2 x 200 iterations: a few seconds on two cores.
    const std::string said = app.waitForOutput("How often? ", 120s);
    CHECK(said.find(" runs") != std::string::npos);
    app.parkMouse();

    const LayoutItem plot = app.layout("how-often-plot").at("how-often-plot");
    const Image shot = app.screenshot("how often plot");
    const Rect area{plot.x0, plot.y0, plot.x1, plot.y1};
    const Rgb raceColour{255, 120, 40}; // the dark theme's lost-update vermillion: the rate's line and dots
    CHECK(countNear(shot, area, {raceColour}, 12) > 200);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}

TEST_CASE("at 1280x720 in lecture mode How often opens below the whole status line", "[window][stats]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "200"}, false);
    XvfbServer server(1280, 720);
    GuiApp app(server, {"gui", "--lecture", trace.string()}, "how often lecture");
    app.waitForTraceShown(trace);

    app.key("h");
    std::map<std::string, LayoutItem> report = app.layout("how-often-intro");
    const LayoutItem status = report.at("status-sentence");
    const LayoutItem intro = report.at("how-often-intro");
    app.screenshot("panel");
    // The status line grows to three lines of the headline font (1.35 x the
    // text); the panel's first line, under its title bar, comes after all three.
    const double headline = report.at("font").x0 * 1.35;
    INFO("status from y " << status.y0 << ", headline " << headline << " px, panel's first line at y " << intro.y0);
    CHECK(intro.y0 > status.y0 + 3 * headline);
    CHECK(intro.shown);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}

TEST_CASE("at 1280x720 in lecture mode a sentence longer than the status line shows whole", "[window][lecture]") {
    // The status line holds three lines of the headline font; a longer
    // sentence (here a missing file's long path; a replay's divergence with
    // its cause is as long) takes the regular font there instead of losing its end.
    TempDir dir;
    const fs::path missing = dir.path() / (std::string(120, 'a') + "/" + std::string(120, 'b') + "/" +
                                           std::string(120, 'c') + "/missing.rtrace");
    XvfbServer server(1280, 720);
    GuiApp app(server, {"gui", "--lecture", missing.string()}, "long status lecture");
    app.waitForWindow();
    app.waitForOutput("Cannot open ", 15s);
    std::map<std::string, LayoutItem> report = app.layout("status-line");
    const LayoutItem line = report.at("status-line");
    const LayoutItem sentence = report.at("status-sentence");
    app.screenshot("long status");
    INFO("status line from y " << line.y0 << " to " << line.y1 << ", its sentence from " << sentence.y0 << " to "
                               << sentence.y1);
    CHECK(sentence.y1 <= line.y1);
    CHECK(sentence.y1 - sentence.y0 > 0);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}
