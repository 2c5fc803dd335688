// Replay in the window (Ctrl+R): new processes forced through the shown
// trace's order, then the replayed run on screen and one honest sentence. The
// CLI's `racetrace replay --json` on the same file says what the truth is.
#include "gui_harness.hpp"
#include "screen_layout.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <thread>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

/// The Run panel, where the replay's sentence stays while its run is shown.
constexpr Rect kRunPanel{8, 100, 424, 430};
/// The sentence colours in the dark theme: followed (green) or not (vermillion).
constexpr Rgb kFaithfulGreen{0, 158, 115};
constexpr Rgb kDivergedRed{255, 80, 0};

int runPanelPixels(const Image& shot, Rgb colour) {
    return countBlend(shot, kRunPanel, colour, {dominantColour(shot, kRunPanel)});
}

bool lanesOnScreen(const Image& shot) {
    return countNear(shot, layout::kLaneLabels, {kWorkerColours[0]}, 12) >= 10 &&
           countNear(shot, layout::kLaneLabels, {kWorkerColours[1]}, 12) >= 10;
}

struct CliReplay {
    std::uint64_t steps = 0;
    bool diverged = false;
    bool sameFindings = true;
};

/// What `racetrace replay FILE --json` says about the file.
CliReplay replayWithCli(const TempDir& dir, const fs::path& trace) {
    const auto result = runRacetrace({"replay", trace.string(), "--json"}, Environment(), dir.path(), 120s);
    INFO("racetrace replay: " << result.out << result.err);
    REQUIRE((result.status == 0 || result.status == 1)); // 1: it diverged (still one JSON object)
    const auto json = nlohmann::json::parse(result.out, nullptr, false);
    REQUIRE(json.is_object());
    REQUIRE(json.contains("replay"));
    const auto& replay = json["replay"];
    return {replay.value("steps", std::uint64_t{0}), replay.value("diverged", true),
            replay.value("same_findings", true)};
}

std::string grouped(std::uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

} // namespace

TEST_CASE("Ctrl+R replays a stepped trace faithfully and says so", "[window][replay]") {
    TempDir dir;
    // A and B in turn at every access: a schedule the replay can always follow.
    const fs::path trace = makeTrace(dir, "alternate.rtrace", {"-s", "naive-flag", "--alternate", "-n", "3"});
    const CliReplay truth = replayWithCli(dir, trace);
    INFO("the CLI replayed " << truth.steps << " steps, diverged: " << truth.diverged);
    REQUIRE_FALSE(truth.diverged);
    REQUIRE(truth.steps > 50);

    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "replay stepped");
    app.waitForWindow();
    app.parkMouse();
    const Image before = app.waitForScreen("before", lanesOnScreen);
    CHECK(runPanelPixels(before, kFaithfulGreen) < 10);

    app.key("ctrl+r");
    app.waitForOutput("Replaying alternate.rtrace with new processes", 5s);
    const std::string sentence =
        "Replay followed all " + grouped(truth.steps) + " steps: same accesses, same findings.";
    app.waitForOutput(sentence, 60s);
    // The replayed run is shown (new processes: new pids in the lane labels),
    // and its sentence stays in the Run panel, in green.
    const Image after = app.waitForScreen("after", [&](const Image& s) {
        return lanesOnScreen(s) && changedFraction(before, s, layout::kLaneLabels) > 0.001 &&
               runPanelPixels(s, kFaithfulGreen) >= 50;
    });
    CHECK(runPanelPixels(after, kDivergedRed) < 10);
    CHECK(changedFraction(before, after, layout::kStatusLine) > 0.001);

    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    CHECK(pollUntil([&] { return app.taggedProcesses().empty(); }, 3s));
}

TEST_CASE("Ctrl+R on a free run says exactly what the replay found, followed or not", "[window][replay]") {
    TempDir dir;
    // A free run's recorded order may or may not be one the processes can be
    // forced through; either way the window must say what the CLI finds.
    const fs::path trace = makeTrace(dir, "free.rtrace", {"-s", "naive-flag", "-n", "40", "--pin", "spread"}, false);
    const CliReplay truth = replayWithCli(dir, trace);
    INFO("the CLI replayed " << truth.steps << " steps, diverged: " << truth.diverged
                             << ", same findings: " << truth.sameFindings);

    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "replay free run");
    app.waitForWindow();
    app.parkMouse();
    app.waitForScreen("before", lanesOnScreen);
    app.key("ctrl+r");
    app.waitForOutput("Replaying free.rtrace with new processes", 5s);
    const std::string out = app.waitForOutput("Replay ", 60s);
    INFO("the app printed:\n" << out);
    bool faithful = false;
    if (!truth.diverged) {
        app.waitForOutput("Replay followed all ", 5s);
        faithful = truth.sameFindings;
        if (faithful)
            app.waitForOutput("steps: same accesses, same findings.", 5s);
        else
            app.waitForOutput("with the same accesses, but the findings differ", 5s);
    } else {
        // The CLI counts the steps followed before the divergence.
        const std::string followed = "Replay followed " + grouped(truth.steps) + " of ";
        const std::string allMade = "Replay made all " + grouped(truth.steps) + " steps in the recorded order, but";
        CHECK(pollUntil(
            [&] {
                const std::string text = app.stdoutText();
                return text.find(followed) != std::string::npos || text.find(allMade) != std::string::npos;
            },
            5s));
    }
    const Rgb colour = faithful ? kFaithfulGreen : kDivergedRed;
    app.waitForScreen("after", [&](const Image& s) { return runPanelPixels(s, colour) >= 50; });

    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    CHECK(pollUntil([&] { return app.taggedProcesses().empty(); }, 3s));
}

namespace {

/// The number of steps a replay sentence says the trace has: "followed all
/// 157,195 steps", "followed 150,045 of 204,309 steps", "made all 157,195 steps".
std::uint64_t replayedSteps(const std::string& out) {
    for (const std::string marker : {" of ", "all "}) {
        const auto line = out.rfind("Replay ");
        const auto at = line == std::string::npos ? line : out.find(marker, line);
        if (at == std::string::npos) continue;
        std::string digits;
        for (std::size_t i = at + marker.size(); i < out.size() && (std::isdigit(out[i]) || out[i] == ','); ++i)
            if (out[i] != ',') digits += out[i];
        if (!digits.empty()) return std::stoull(digits);
    }
    return 0;
}

} // namespace

TEST_CASE("Ctrl+R replays a stepped trace of over 100,000 steps to its end while the window keeps drawing",
          "[window][replay]") {
    TempDir dir;
    // Stepped, so the replay follows it to the end: 4,000 iterations each of A
    // and B in turn, ~120,000 steps, each a handoff between two processes (seconds).
    const fs::path trace = makeTrace(dir, "long.rtrace", {"-s", "naive-flag", "--alternate", "-n", "4000"});
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "replay a long trace");
    app.waitForWindow();
    app.parkMouse();
    app.waitForScreen("before", lanesOnScreen);
    app.key("ctrl+r");
    app.waitForOutput("Replaying long.rtrace", 5s);
    // The window draws on while the replay runs: the Run panel's step count moves.
    const Image first = app.screenshot("replaying");
    bool moved = false;
    for (int k = 0; k < 10 && !moved && app.stdoutText().find("Replay ") == std::string::npos; ++k) {
        std::this_thread::sleep_for(500ms);
        moved = changedFraction(first, app.screenshot("replaying-later"), kRunPanel) > 0.002;
    }
    CHECK(moved);
    const std::string out = app.waitForOutput("Replay ", 90s);
    INFO("the app printed:\n" << out);
    CHECK_THAT(out, Catch::Contains("Replay followed all "));
    CHECK(replayedSteps(out) > 100'000);
    CHECK(app.quit() == 0);
}
