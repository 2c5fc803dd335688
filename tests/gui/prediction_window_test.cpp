// Predict, then reveal, in lecture mode: R asks first and runs nothing until
// a choice is made; 2 ("less than") starts the real run; the answer from its
// analysis comes back beside the guess, on screen and on the status line.
#include "gui_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

TEST_CASE("in lecture mode R asks for a prediction first and the run's answer is shown beside it",
          "[window][prediction]") {
    TempDir dir;
    // The window's knobs follow the trace it opens: a 20 µs window, 2 x 2,000
    // increments, which lose updates in every run, so "less than" is right.
    const fs::path trace =
        makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "2000", "--window-ns", "20000"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "prediction", [](const fs::path& config) {
        fs::create_directories(config / "racetrace");
        // A 20 µs window: 2 x 2,000 increments lose updates in every run, so "less than" is right.
        std::ofstream(config / "racetrace" / "settings.json")
            << R"({"lecture": true, "predict": true, "scenario": "naive-flag", "workers": 2, "iterations": 2000,)"
            << R"( "windowNs": 20000, "windowSet": true})"
            << "\n";
    });
    app.waitForTraceShown(trace);

    app.key("r");
    CHECK(app.waitUntilShown("prediction-choices"));
    std::this_thread::sleep_for(500ms);
    CHECK(app.stdoutText().find("Running") == std::string::npos); // nothing runs before the guess

    app.key("2");
    app.waitForOutput("Running naive-flag");
    const std::string said = app.waitForOutput("You said less than 4,000. Right. counter = ", 60s);
    CHECK(said.find("updates were lost") != std::string::npos);
    CHECK(app.waitUntilShown("prediction-verdict"));
    app.key("Return");
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}
