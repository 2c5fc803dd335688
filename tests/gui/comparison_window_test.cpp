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

/// Overlap-band pixels in the upper and in the lower side of a stacked screen.
struct Bands {
    int upper = 0, lower = 0;
};

Bands bandsPerSide(const Image& shot) {
    const auto a = labelRows(shot, 0), b = labelRows(shot, 1);
    // The boundary between the two sides: half-way from the first B lane's label to the second A lane's.
    const int boundary = (b[0].end + a[1].begin) / 2;
    const Rect upper{kLanesLeft, std::max(96, a[0].begin - 60), 1592, boundary};
    const Rect lower{kLanesLeft, boundary, 1592, 896};
    return {countNear(shot, upper, darkTheme().bandComposites(), 5),
            countNear(shot, lower, darkTheme().bandComposites(), 5)};
}

/// Clicks the middle of the layout report's `item` once it is drawn (a
/// popup's selectables reach into its padding, so they count as clipped).
void clickItem(GuiApp& app, const std::string& item) {
    LayoutItem found;
    REQUIRE(pollUntil(
        [&] {
            const auto items = app.layout(item, 5s);
            const auto it = items.find(item);
            if (it == items.end()) return false;
            found = it->second;
            return true;
        },
        10s));
    app.click((found.x0 + found.x1) / 2, (found.y0 + found.y1) / 2);
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
    const Bands bands = bandsPerSide(shot);
    INFO("label rows A " << a[0].begin << ", " << a[1].begin << "; B " << b[0].begin << ", " << b[1].begin
                         << "; overlap-band pixels above " << bands.upper << ", below " << bands.lower);
    // Where the flag let B in: bands across both lanes, in each of 3 rounds.
    CHECK(bands.upper >= 5000);
    // The mutex: never two inside, so no band at all.
    CHECK(bands.lower < 100);
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

TEST_CASE("the comparison's pickers run any two scenarios: the naive flag over the ticket lock", "[window][compare]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "200"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "comparison-pick");
    app.waitForWindow();
    app.parkMouse();
    app.waitForScreen("before", normalLanesOnScreen);
    app.key("c");
    app.waitForOutput("Same schedule (A and B take turns at every shared access)", 30s);
    app.waitForScreen("stacked", twoGroups, 10s);

    // The lower picker, then ticket-lock in its list: both sides run again at once.
    clickItem(app, "compare-second");
    clickItem(app, "compare-pick-ticket-lock");
    app.waitForOutput("Running naive-flag and ticket-lock with the workers taking turns at every access", 10s);
    const std::string out =
        app.waitForOutput("Same schedule (the workers take turns at every shared access): Naive boolean flag", 30s);
    INFO("the app printed:\n" << out);
    CHECK(out.find("Ticket lock: A waited") != std::string::npos);
    app.parkMouse();
    const Image shot = app.waitForScreen("picked", twoGroups, 10s);
    const Bands bands = bandsPerSide(shot);
    INFO("overlap-band pixels above " << bands.upper << ", below " << bands.lower);
    CHECK(bands.upper >= 5000); // still the flag on top
    CHECK(bands.lower < 100);   // the ticket lock never lets two in

    // R runs what is on screen again, not the flag's usual partner.
    const std::string again = "Running naive-flag and ticket-lock with the workers taking turns at every access";
    app.key("r");
    CHECK(pollUntil(
        [&] {
            const std::string text = app.stdoutText();
            const auto first = text.find(again);
            return first != std::string::npos && text.find(again, first + 1) != std::string::npos;
        },
        10s));
    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    CHECK(pollUntil([&] { return app.taggedProcesses().empty(); }, 3s));
}
