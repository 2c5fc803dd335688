// Clicking and stepping through findings: the list's selection, the timeline
// and the cursor follow.
#include "gui_harness.hpp"
#include "screen_layout.hpp"

#include <catch2/catch.hpp>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

/// ImGui's dark style Header colour (a selected Selectable) over the findings
/// window, as measured on screen.
constexpr Rgb kSelectedRow{30, 56, 87};

bool demoOnScreen(const Image& shot) {
    return countNear(shot, layout::kLaneArea, darkTheme().bandComposites(), 5) >= 5000 &&
           countBlend(shot, layout::kLaneLabels, kWorkerColours[0], darkTheme().laneBackgrounds()) >= 10;
}

std::vector<RowRun> selectedRows(const Image& shot) {
    return colourRows(shot, layout::kFindings, kSelectedRow, 0.15);
}

/// The item number at the start of a list row ("5.", "12.") as a mask of
/// text pixels (coverage > 1/2 between the row's background and the text
/// colour), from its first row of text: it tells rows apart whatever the
/// list's scroll position and whether the row is selected.
std::vector<bool> numberMask(const Image& shot, int top, int height) {
    const Rect strip{layout::kFindings.x0, top, layout::kFindings.x0 + 16, top + height};
    const double background = luminance(dominantColour(shot, strip));
    const double text = luminance(darkTheme().text);
    auto ink = [&](int x, int y) { return (luminance(shot.at(x, y)) - background) / (text - background) > 0.5; };
    int first = -1;
    for (int y = strip.y0; y < strip.y1 && first < 0; ++y)
        for (int x = strip.x0; x < strip.x1; ++x)
            if (ink(x, y)) {
                first = y;
                break;
            }
    std::vector<bool> mask;
    if (first < 0) return mask;
    for (int y = first; y < first + 14; ++y)
        for (int x = strip.x0; x < strip.x1; ++x)
            mask.push_back(y < shot.height() && ink(x, y));
    return mask;
}

int maskDistance(const std::vector<bool>& a, const std::vector<bool>& b) {
    if (a.size() != b.size() || a.empty()) return 1 << 20;
    int d = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d += a[i] != b[i];
    return d;
}

/// The ruler above the lanes, found from the window's layout report (the
/// legend above it takes one line or two, depending on the trace): its tick
/// labels, and its lower rows, where only the cursor draws pure white.
struct Ruler {
    Rect labels, cursorRows;
};

Ruler rulerOf(const GuiApp& app) {
    const int lanesTop = app.layout("lane-A").at("lane-A").y0; // the ruler is 28 px high at text size 16
    return {Rect{553, lanesTop - 26, 1596, lanesTop - 12}, Rect{553, lanesTop - 11, 1596, lanesTop - 1}};
}

/// x of the cursor in the ruler (a white bar 2 px wide), or -1 when it is outside the visible range.
int cursorX(const Image& shot, const Ruler& ruler) {
    const auto columns = fullColumns(shot, ruler.cursorRows, darkTheme().cursor, 2);
    return columns.empty() ? -1 : columns.front();
}

} // namespace

TEST_CASE("clicking a finding selects it and moves the timeline, N and P step through the findings",
          "[window][findings]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag"});
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "finding click");
    app.waitForWindow();
    app.parkMouse();
    const Image first =
        app.waitForScreen("first", [](const Image& s) { return demoOnScreen(s) && selectedRows(s).size() == 1; });
    const Ruler rulerBand = rulerOf(app);

    // Where the rows of the list are: the selected first row, and the pitch
    // between rows from the baselines of the item numbers (digits have no
    // descenders; their tops differ by a pixel, their bottoms do not).
    const RowRun row1 = selectedRows(first).front();
    const Rect numberColumn{layout::kFindings.x0, row1.begin, layout::kFindings.x0 + 22, layout::kFindings.y1};
    const auto lines = textRows(first, numberColumn);
    REQUIRE(lines.size() >= 6);
    const int pitch = lines[2].end - lines[1].end;
    INFO("first row " << row1.begin << ".." << row1.end << ", row pitch " << pitch);
    REQUIRE(pitch >= 14);
    REQUIRE(lines[3].end - lines[2].end == pitch);
    REQUIRE(lines[1].end - lines[0].end == pitch);
    auto rowCentre = [&](int k) { return row1.begin + (k - 1) * pitch + row1.height() / 2; }; // k = 1, 2, ...
    auto selectedAt = [&](const Image& shot, int k) {
        const auto rows = selectedRows(shot);
        return rows.size() == 1 && std::abs(rows.front().begin - (row1.begin + (k - 1) * pitch)) <= 2;
    };
    REQUIRE(selectedAt(first, 1));

    // Click the fifth finding.
    const int cursorBefore = cursorX(first, rulerBand);
    app.click(layout::kFindings.x0 + 150, rowCentre(5));
    app.parkMouse(); // no hover colour, no tooltip over the timeline
    // Once in ~40 runs here the first click was not taken (the Findings window
    // got the focus, the row stayed unselected). Click again, but say so.
    const bool firstClickTaken = pollUntil([&] { return selectedAt(app.screenshot("fifth"), 5); }, 3s, 200ms);
    if (!firstClickTaken) {
        keepArtifact(artifactPath(app.artifactPrefix() + "-fifth.png"), app.artifactPrefix() + "-lost-click.png");
        WARN("the click on the fifth finding was not taken; clicking again (screenshot: "
             << artifactPath(app.artifactPrefix() + "-lost-click.png").string() << ")");
        app.click(layout::kFindings.x0 + 150, rowCentre(5));
        app.parkMouse();
    }
    const Image fifth = app.waitForScreen(
        "fifth", [&](const Image& s) { return selectedAt(s, 5); }, 5s);
    const double moved = changedFraction(first, fifth, layout::kLaneArea);
    const double ruler = changedFraction(first, fifth, rulerBand.labels);
    const int cursorAfter = cursorX(fifth, rulerBand);
    INFO("lane pixels changed: " << moved * 100 << " %, ruler label pixels changed: " << ruler * 100
                                 << " %; cursor x before " << cursorBefore << ", after " << cursorAfter
                                 << " (-1: not in the visible range)");
    // The view moved to another stretch of time (other tick labels) and the lanes were redrawn.
    CHECK(ruler > 0.01);
    CHECK(moved > 0.01);
    // The cursor is put where the finding begins, inside the zoomed view (the
    // code and memory views follow it); the view moved, so it is on a new event.
    CHECK(cursorAfter >= 0);
    CHECK(demoOnScreen(fifth)); // zoomed to another overlap, so bands are still on screen

    // N: the sixth finding. The list may scroll to keep the selection in
    // view, so the selected row is recognised by its item number, compared
    // with the rows as they were before (unscrolled).
    std::vector<std::vector<bool>> numbers;
    for (int k = 1; k <= 12; ++k)
        numbers.push_back(numberMask(fifth, row1.begin + (k - 1) * pitch, row1.height()));
    auto selectedItem = [&](const Image& shot) {
        const auto rows = selectedRows(shot);
        if (rows.size() != 1) return -1;
        const auto mask = numberMask(shot, rows.front().begin, rows.front().height());
        int best = -1, bestDistance = 1 << 20, second = 1 << 20;
        for (int k = 1; k <= static_cast<int>(numbers.size()); ++k) {
            const int d = maskDistance(mask, numbers[static_cast<std::size_t>(k - 1)]);
            if (d < bestDistance)
                second = bestDistance, bestDistance = d, best = k;
            else
                second = std::min(second, d);
        }
        return bestDistance <= 4 && second >= 10 ? best : -1; // a clear winner only
    };
    REQUIRE(selectedItem(fifth) == 5);
    app.key("n");
    const Image sixth = app.waitForScreen(
        "sixth", [&](const Image& s) { return selectedItem(s) == 6; }, 5s);
    // Neighbouring overlaps often look alike at the same zoom: the ruler tells them apart.
    const double movedAgain = changedFraction(fifth, sixth, layout::kLaneArea);
    const double rulerAgain = changedFraction(fifth, sixth, rulerBand.labels);
    INFO("after N: lane pixels changed " << movedAgain * 100 << " %, ruler label pixels " << rulerAgain * 100 << " %");
    CHECK(rulerAgain > 0.01);
    CHECK(movedAgain > 0.01);

    // P: back to the fifth, the same view as after the click.
    app.key("p");
    const Image back = app.waitForScreen(
        "back", [&](const Image& s) { return selectedItem(s) == 5; }, 5s);
    CHECK(changedFraction(fifth, back, layout::kLaneArea) < 0.01);
    CHECK(changedFraction(fifth, back, rulerBand.labels) < 0.001);

    // Right steps the cursor one event: the playback bar's "cursor: event N of M" changes.
    app.key("Right");
    const Image stepped = app.waitForScreen(
        "right", [&](const Image& s) { return changedFraction(back, s, layout::kPlaybackBar) > 0.001; }, 5s);
    INFO("playback bar pixels changed by Right: " << changedFraction(back, stepped, layout::kPlaybackBar) * 100
                                                  << " %");

    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    CHECK(pollUntil([&] { return app.taggedProcesses().empty(); }, 3s));
}
