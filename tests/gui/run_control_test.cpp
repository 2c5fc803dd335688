// Runs started from the window: R starts real worker processes, Esc stops
// them, and quitting in the middle of a run leaves none behind.
#include "gui_harness.hpp"
#include "screen_layout.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

/// Both lane labels are drawn: a trace is on screen (raced or not).
bool lanesOnScreen(const Image& shot) {
    return countBlend(shot, layout::kLaneLabels, kWorkerColours[0], darkTheme().laneBackgrounds()) >= 10 &&
           countBlend(shot, layout::kLaneLabels, kWorkerColours[1], darkTheme().laneBackgrounds()) >= 10;
}

/// Saved settings the window starts from: naive-flag with `workers` x `iterations`.
std::function<void(const fs::path&)> savedRun(int workers, long long iterations) {
    return [=](const fs::path& config) {
        fs::create_directories(config / "racetrace");
        std::ofstream(config / "racetrace" / "settings.json")
            << R"({"scenario": "naive-flag", "workers": )" << workers << R"(, "iterations": )" << iterations << "}\n";
    };
}

} // namespace

TEST_CASE("a run started with R can be stopped with Esc or by quitting, and leaves no worker behind", "[window][run]") {
    XvfbServer server;
    const std::string name = GENERATE(as<std::string>{}, "esc stops a run", "quit during a run");
    // The Run panel takes its options from the saved settings: 500,000
    // iterations per worker make R a run of ~20 s, surely still going when we
    // interrupt it.
    GuiApp app(server, {}, name, savedRun(2, 500000));
    app.waitForWindow();
    app.parkMouse();
    const Image demo = app.waitForScreen("demo", lanesOnScreen, 15s);
    REQUIRE(pollUntil([&] { return app.workerCount() == 0; }, 5s)); // the demo's workers are done

    app.key("r");
    std::size_t running = 0;
    const bool started = pollUntil([&] { return (running = app.workerCount()) >= 2; }, 5s, 50ms);
    INFO("worker processes after R: " << running);
    REQUIRE(started);

    if (name == "esc stops a run") {
        // Held until the workers are gone: while they saturate both cores a
        // frame can outlast a short tap, and ImGui 1.86 then misses the key.
        const auto pressed = Clock::now();
        const bool stopped = app.holdKeyUntil(
            "Escape", [&] { return app.workerCount() == 0; }, 5s);
        INFO("workers gone " << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - pressed).count()
                             << " ms after Esc went down");
        CHECK(stopped);
        REQUIRE(app.running());
        // The stopped run's partial trace replaces the demo: new pids in the labels.
        app.waitForScreen(
            "stopped",
            [&](const Image& s) {
                return lanesOnScreen(s) && changedFraction(demo, s, layout::kLaneLabels, 8) > 0.001;
            },
            15s);
    }
    INFO("racetrace stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    std::vector<pid_t> left;
    const bool gone = pollUntil([&] { return (left = app.taggedProcesses()).empty(); }, 3s);
    INFO(left.size() << " processes of this app still run");
    CHECK(gone);
}

TEST_CASE("the Run panel holds a run to 10,000,000 iterations in all, even from old settings", "[window][run]") {
    XvfbServer server;
    // Saved before the cap: 100,000,000 per worker would keep ~60 MB/s of events until memory ran out.
    GuiApp app(server, {}, "iteration cap", savedRun(4, 100000000));
    app.waitForWindow();
    app.parkMouse();
    app.waitForScreen("demo", lanesOnScreen, 15s);
    INFO("racetrace stderr: " << app.stderrText());
    REQUIRE(app.quit() == 0);
    // The window saves the Run panel's options on the way out: 4 workers x 2,500,000.
    const std::string saved = readFile(app.configHome() / "racetrace" / "settings.json");
    INFO("settings.json: " << saved);
    CHECK(saved.find("\"iterations\": 2500000") != std::string::npos);
    CHECK(saved.find("\"workers\": 4") != std::string::npos);
}

TEST_CASE("a trace made with --kill shows what the lock did, and R runs it again with the same kill",
          "[window][run][kill]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "killed.rtrace",
                                     {"-s", "tas-mutex", "-n", "20000", "--kill", "A@2", "--watchdog", "0.3"}, false);
    XvfbServer server;
    GuiApp app(server, {trace.string()}, "kill the holder");
    app.waitForWindow();
    app.parkMouse();
    const std::string lesson = "a spin lock has no owner the system could release it for";
    app.waitForOutput(lesson, 15s); // the status line's sentence, on stdout too
    // The Run panel follows the shown run, kill included: R kills A again, in the window's own run.
    app.key("r");
    app.waitForOutput("killing A inside the critical section at entry 2", 5s);
    const bool again = pollUntil(
        [&] {
            const std::string out = app.stdoutText();
            return out.find(lesson) != out.rfind(lesson);
        },
        30s);
    INFO("the app printed:\n" << app.stdoutText());
    CHECK(again);
    CHECK(app.quit() == 0);
}

TEST_CASE("K kills A while a run goes on: the status line says what its death did, and no worker is left",
          "[window][run][kill]") {
    XvfbServer server;
    // As above: R makes a naive-flag run of ~20 s, surely going on when K lands.
    GuiApp app(server, {}, "kill now", savedRun(2, 500000));
    app.waitForWindow();
    app.parkMouse();
    app.waitForScreen("demo", lanesOnScreen, 15s);
    REQUIRE(pollUntil([&] { return app.workerCount() == 0; }, 5s));

    app.key("r");
    REQUIRE(pollUntil([&] { return app.workerCount() >= 2; }, 5s, 50ms));
    app.key("k");
    app.waitForOutput("Killing A now (SIGKILL from the parent)", 5s);
    // Inside, the flag stays "in use" and B waits until the watchdog (5 s),
    // unless B was inside too (the flag races) and freed it on its way out;
    // outside, B goes on to the end. The status line says which, not the race.
    const std::string out = app.waitForOutput("A was killed ", 60s);
    INFO("the app printed:\n" << out << "\nstderr: " << app.stderrText());
    CHECK((out.find("stays \"") != std::string::npos || out.find("B went on to the end") != std::string::npos));
    CHECK(pollUntil([&] { return app.workerCount() == 0; }, 5s));
    CHECK(app.quit() == 0);
    CHECK(pollUntil([&] { return app.taggedProcesses().empty(); }, 3s));
}
