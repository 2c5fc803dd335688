// Step mode in the window: S enters it, keys 1 and 2 let A and B make one
// access each, "Show me the race" plays the naive-flag race until the overlap
// appears in the findings, and closing the window mid-way leaves no worker.
#include "gui_harness.hpp"
#include "screen_layout.hpp"

#include <catch2/catch.hpp>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

/// The Run panel (which step mode takes over), inside its window padding.
constexpr Rect kRunPanel{8, 100, 424, 430};
/// The findings headline colours in the dark theme: "No race found" green,
/// "Race found" vermillion (Okabe-Ito's, or the brighter error text's).
constexpr Rgb kNoRaceGreen{0, 158, 115};
constexpr Rgb kRaceRed{213, 94, 0};
constexpr Rgb kErrorRed{255, 80, 0};

/// The rows of a step button: the button is filled with its worker's colour.
std::vector<RowRun> buttonRows(const Image& shot, int worker) {
    return colourRows(shot, kRunPanel, kWorkerColours[worker], 0.5, 4);
}

/// The findings panel: below the Run panel, which takes half the column while stepping.
constexpr Rect kFindingsColumn{8, 100, 400, 896};

int headlinePixels(const Image& shot, Rgb colour) {
    const Rgb background = dominantColour(shot, kFindingsColumn);
    return countBlend(shot, kFindingsColumn, colour, {background});
}

int racePixels(const Image& shot) {
    return std::max(headlinePixels(shot, kRaceRed), headlinePixels(shot, kErrorRed));
}

bool stepButtonsShown(const Image& shot) {
    return buttonRows(shot, 0).size() == 1 && buttonRows(shot, 1).size() == 1;
}

Rect rowRect(const RowRun& row) {
    return {kRunPanel.x0, row.begin, kRunPanel.x1, row.end};
}

} // namespace

TEST_CASE(
    "step mode: S, then 1 and 2 step A and B, 'Show me the race' shows the overlap, and quitting leaves no worker",
    "[window][step]") {
    TempDir dir;
    // A race-free trace to start from: "Race found" can then only come from the steps.
    // The window steps the scenario it shows, and only naive-flag has the
    // demo: one iteration each, both on one CPU, is over long before the
    // scheduler could switch between a check and its set.
    const fs::path trace =
        makeTrace(dir, "calm.rtrace", {"-s", "naive-flag", "-n", "1", "--window-ns", "0", "--pin", "same"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "step mode");
    app.waitForWindow();
    app.parkMouse();
    app.waitForScreen("loaded", [](const Image& s) { return headlinePixels(s, kNoRaceGreen) >= 50; });

    app.key("s");
    app.waitForOutput("Step mode: you are the scheduler");
    // One button per worker, in its colour, A above B.
    const Image entered = app.waitForScreen("entered", stepButtonsShown);
    const RowRun rowA = buttonRows(entered, 0).front(), rowB = buttonRows(entered, 1).front();
    INFO("step buttons: A rows " << rowA.begin << ".." << rowA.end << ", B rows " << rowB.begin << ".." << rowB.end);
    REQUIRE(rowA.end <= rowB.begin);
    REQUIRE(rowA.height() >= 14);
    // Real workers wait at their gates for us.
    std::size_t workers = 0;
    CHECK(pollUntil([&] { return (workers = app.workerCount()) == 2; }, 5s));
    INFO("stepping workers alive: " << workers);

    // 1: A makes its access ("read Y"); its button now says what it will do
    // next, and the timeline has one more event. B's button stays as it was.
    app.key("1");
    const Image afterA = app.waitForScreen(
        "after-1",
        [&](const Image& s) {
            return changedFraction(entered, s, rowRect(rowA)) > 0.01 &&
                   changedFraction(entered, s, layout::kLaneArea) > 0.001;
        },
        10s);
    CHECK(changedFraction(entered, afterA, rowRect(rowB)) < 0.001);
    app.key("2");
    const Image afterB = app.waitForScreen(
        "after-2",
        [&](const Image& s) {
            return changedFraction(afterA, s, rowRect(rowB)) > 0.01 &&
                   changedFraction(afterA, s, layout::kLaneArea) > 0.001;
        },
        10s);
    CHECK(headlinePixels(afterB, kNoRaceGreen) >= 50); // reading Y twice is no race yet

    // Under the two worker buttons: [Run freely | Undo], then [Show me the race | Leave step mode]
    // (the scenario shown, and so stepped, is naive-flag, which has the demo).
    const int pitch = rowB.begin - rowA.begin;
    const int demoRowY = rowB.begin + 2 * pitch + rowB.height() / 2;
    INFO("button pitch " << pitch << ", 'Show me the race' row at y " << demoRowY);
    REQUIRE(pitch >= 18);
    const std::string watch = "Watch: A checks Y, then B checks Y before A could set it";
    app.click(kRunPanel.x0 + kRunPanel.width() / 4, demoRowY);
    app.parkMouse();
    // A click into a window that does not have the focus yet is, rarely, only
    // taken as focusing it (see interaction_test). Click again, but say so.
    if (!pollUntil([&] { return app.stdoutText().find(watch) != std::string::npos; }, 3s)) {
        WARN("the click on 'Show me the race' was not taken; clicking again");
        app.click(kRunPanel.x0 + kRunPanel.width() / 4, demoRowY);
        app.parkMouse();
    }
    app.waitForOutput(watch, 5s);
    // Six steps, 0.4 s apart: A and B read Y, both set it, both enter. The
    // overlap is found the moment B enters, while the workers still wait at
    // their gates (the run is not over).
    app.waitForOutput("Both are in the critical section", 10s);
    const Image raced = app.waitForScreen("raced", [](const Image& s) { return racePixels(s) >= 50; });
    CHECK(headlinePixels(raced, kNoRaceGreen) < 10);
    CHECK(stepButtonsShown(raced)); // still stepping
    CHECK(app.workerCount() == 2);

    // Closing the window now, in step mode with workers parked at their gates.
    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    std::vector<pid_t> left;
    const bool gone = pollUntil([&] { return (left = app.taggedProcesses()).empty(); }, 3s);
    INFO(left.size() << " processes of this app still run");
    CHECK(gone);
}
