// Challenges in the real window: `racetrace lesson ipc --challenge NAME`
// opens step mode with the goal beside it. A failed try (Try again) shows the
// first hint; the lecture's order A, B, A, B, A, B wins the naive-flag
// challenge in 6 steps (the fewest possible), says so, and keeps 6 as the best score in the
// settings file. The test-and-set challenge cannot be won: after its hints,
// the window says why.
#include "gui_harness.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <thread>

using namespace racetrace::guitest;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

/// Waits until step mode has started `tries` times, then a moment for its buttons.
void waitForTry(GuiApp& app, std::size_t tries) {
    REQUIRE(pollUntil([&] { return count(app.stdoutText(), "Step mode: you are the scheduler") >= tries; }, 20s));
    std::this_thread::sleep_for(800ms);
}

void stepKeys(GuiApp& app, const std::string& keys) {
    for (char key : keys) {
        app.key(std::string(1, key));
        std::this_thread::sleep_for(400ms);
    }
}

/// Clicks "Try again" (where the layout report says it is) until step mode starts afresh.
void tryAgain(GuiApp& app, std::size_t tries) {
    const LayoutItem button = app.layout("challenge-try-again").at("challenge-try-again");
    for (int attempt = 0; attempt < 3; ++attempt) {
        app.click((button.x0 + button.x1) / 2, (button.y0 + button.y1) / 2);
        app.parkMouse();
        if (pollUntil([&] { return count(app.stdoutText(), "Step mode: you are the scheduler") >= tries; }, 5s)) break;
        WARN("the click on Try again was not taken; clicking again");
    }
    waitForTry(app, tries);
}

} // namespace

TEST_CASE("a challenge shows a hint after a failed try and keeps the best score once won", "[window][challenge]") {
    XvfbServer server(1280, 720);
    GuiApp app(server, {"lesson", "ipc", "--challenge", "flag-both-inside"}, "challenge");
    app.waitForWindow();
    app.parkMouse();
    app.waitForOutput("Challenge: Get A and B into the critical section at the same time");
    waitForTry(app, 1);
    CHECK(app.waitUntilShown("challenge-goal"));

    stepKeys(app, "111222"); // A runs ahead and sets Y: B waits, nobody else gets in
    CHECK(app.stdoutText().find("Challenge won") == std::string::npos);
    tryAgain(app, 2);
    CHECK(app.waitUntilShown("challenge-hint"));

    stepKeys(app, "121212"); // both check Y, both set it, both enter
    app.waitForOutput("Challenge won in 6 steps: the fewest possible.", 15s);
    CHECK(app.waitUntilShown("challenge-won"));
    const auto settings = nlohmann::json::parse(readFile(app.configHome() / "racetrace" / "settings.json"));
    CHECK(settings.at("challengeBest").at("flag-both-inside") == 6);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}

TEST_CASE("the test-and-set challenge explains after its hints why no stepping wins it", "[window][challenge]") {
    XvfbServer server(1280, 720);
    GuiApp app(server, {"lesson", "ipc", "--challenge", "tas-both-inside"}, "challenge-impossible");
    app.waitForWindow();
    app.parkMouse();
    waitForTry(app, 1);
    // Two hints, then the reason: three failed tries.
    for (std::size_t tries = 2; tries <= 4; ++tries) {
        stepKeys(app, "1212");
        tryAgain(app, tries);
    }
    CHECK(app.waitUntilShown("challenge-why"));
    CHECK(app.stdoutText().find("Challenge won") == std::string::npos);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}
