// The side-by-side view (C): the naive flag above the test-and-set lock, both
// run with A and B taking turns at every access. Two lane groups stacked, the
// overlap bands only in the upper one; Esc brings the normal panels back.
#include "gui_harness.hpp"
#include "screen_layout.hpp"

#include <catch2/catch.hpp>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

/// Where the comparison puts the lane labels: the left edge of each side,
/// below the status line (x 12..124 in the dark theme at scale 1: the side's
/// frame, then a label column of 7 font sizes; the lanes start right of it).
constexpr Rect kLabelColumn{8, 96, 120, 900};
constexpr int kLanesLeft = 130;

bool normalLanesOnScreen(const Image& shot) {
    return countNear(shot, layout::kLaneLabels, {kWorkerColours[0]}, 12) >= 10 &&
           countNear(shot, layout::kLaneLabels, {kWorkerColours[1]}, 12) >= 10;
}

/// Runs of rows in which a worker's label (its colour swatch) is drawn in the
/// label column: one run per lane of that worker.
std::vector<RowRun> labelRows(const Image& shot, int worker) {
    std::vector<RowRun> runs;
    const Rect column = shot.clip(kLabelColumn);
    for (int y = column.y0; y < column.y1; ++y) {
        const bool ink = countNear(shot, {column.x0, y, column.x1, y + 1}, {kWorkerColours[worker]}, 12) >= 3;
        if (!ink) continue;
        if (!runs.empty() && y - runs.back().end <= 4)
            runs.back().end = y + 1;
        else
            runs.push_back({y, y + 1});
    }
    return runs;
}

/// Two lane groups: A, B, A, B from top to bottom.
bool twoGroups(const Image& shot) {
    const auto a = labelRows(shot, 0), b = labelRows(shot, 1);
    return a.size() == 2 && b.size() == 2 && a[0].end <= b[0].begin && b[0].end <= a[1].begin && a[1].end <= b[1].begin;
}

} // namespace

TEST_CASE("C stacks the naive flag over the test-and-set lock under one schedule, and Esc leaves",
          "[window][compare]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "200"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "comparison");
    app.waitForWindow();
    app.parkMouse();
    const Image before = app.waitForScreen("before", normalLanesOnScreen);
    CHECK_FALSE(twoGroups(before));

    app.key("c");
    app.waitForOutput("Running the naive flag and the test-and-set lock", 5s);
    const std::string out = app.waitForOutput("Same schedule (A and B take turns at every shared access)", 30s);
    INFO("the app printed:\n" << out);
    // Under strict alternation the flag lets B in every round, and the lock never does.
    CHECK(out.find("Naive boolean flag: B entered while A was inside, 3 times") != std::string::npos);
    CHECK(out.find("Atomic test-and-set lock: ") != std::string::npos);
    CHECK(out.find("never two inside") != std::string::npos);

    const Image shot = app.waitForScreen("stacked", twoGroups, 10s);
    const auto a = labelRows(shot, 0), b = labelRows(shot, 1);
    // The boundary between the two sides: half-way from the first B lane's label to the second A lane's.
    const int boundary = (b[0].end + a[1].begin) / 2;
    const Rect upper{kLanesLeft, std::max(96, a[0].begin - 60), 1592, boundary};
    const Rect lower{kLanesLeft, boundary, 1592, 896};
    const int upperBands = countNear(shot, upper, darkTheme().bandComposites(), 5);
    const int lowerBands = countNear(shot, lower, darkTheme().bandComposites(), 5);
    INFO("label rows A " << a[0].begin << ", " << a[1].begin << "; B " << b[0].begin << ", " << b[1].begin
                         << "; overlap-band pixels above " << upperBands << ", below " << lowerBands);
    // Where the flag let B in: bands across both lanes, in each of 3 rounds.
    CHECK(upperBands >= 5000);
    // The mutex: never two inside, so no band at all.
    CHECK(lowerBands < 100);
    // The lanes of both sides are as tall: the two timelines share the height.
    CHECK(std::abs((b[1].begin - a[1].begin) - (b[0].begin - a[0].begin)) <= 4);

    // Esc: back to the normal panels, with the trace that was shown before.
    app.key("Escape");
    const Image back = app.waitForScreen("back", normalLanesOnScreen, 5s);
    CHECK_FALSE(twoGroups(back));
    CHECK(changedFraction(before, back, layout::kLaneLabels) < 0.01);

    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    CHECK(pollUntil([&] { return app.taggedProcesses().empty(); }, 3s));
}
