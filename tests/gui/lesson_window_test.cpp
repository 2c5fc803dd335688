// `racetrace lesson ipc` in the real window at a projector's 1280x720: it
// opens in lecture mode on step 1 with its text and question on screen, a
// choice runs real processes and the verdict appears; Page Down walks every
// step in order, each setting up its own scenario (a run, step mode, a
// comparison, "How often?"), and Page Up goes back.
#include "gui_harness.hpp"

#include "session/lesson.hpp"

#include <catch2/catch.hpp>

using namespace racetrace::guitest;

namespace {

/// What the window prints once step `step` is set up: how it starts its processes.
std::string setUpSentence(const racetrace::LessonStep& step) {
    switch (step.mode) {
    case racetrace::LessonMode::Step: return "Step mode: you are the scheduler.";
    case racetrace::LessonMode::Compare: return "Running the blocking and the non-blocking queue";
    case racetrace::LessonMode::HowOften: return "";
    case racetrace::LessonMode::Run: break;
    }
    return step.question ? "" : "Running " + step.options.scenario + " with ";
}

std::string stepSentence(std::size_t index, const racetrace::Lesson& lesson) {
    const auto& step = lesson.steps[index];
    return "Step " + std::to_string(index + 1) + " of " + std::to_string(lesson.steps.size()) + " (" + step.section +
           "): " + step.title;
}

} // namespace

TEST_CASE("lesson ipc opens on step 1 and Page Down walks every step in the window", "[window][lesson]") {
    auto lesson = racetrace::loadLesson("ipc");
    REQUIRE(lesson.has_value());
    XvfbServer server(1280, 720);
    GuiApp app(server, {"lesson", "ipc"}, "lesson");
    app.waitForWindow();
    app.waitForOutput(stepSentence(0, *lesson));
    app.parkMouse();
    const auto first = app.layout("lesson-choice");
    for (const char* item : {"lesson-title", "lesson-text", "lesson-question", "lesson-choice", "lesson-next"}) {
        INFO(item);
        REQUIRE(first.count(item) == 1);
        CHECK(first.at(item).shown);
    }
    // The step's words are really on screen: rows of dark text where the report says they are.
    const LayoutItem text = first.at("lesson-text");
    const Image shot = app.screenshot("step-1");
    CHECK(textRows(shot, Rect{text.x0, text.y0, text.x1, text.y1}).size() >= 3);
    CHECK(app.stdoutText().find("Running") == std::string::npos); // the question comes first

    app.key("2"); // "less than 4,000"
    app.waitForOutput("Running no-sync with 2 real processes");
    // Once the run is shown: whether the guess was right, and what to say after.
    CHECK(app.waitUntilShown("lesson-verdict", 30s));
    CHECK(app.waitUntilShown("lesson-after"));

    std::size_t seen = app.stdoutText().size();
    for (std::size_t k = 1; k < lesson->steps.size(); ++k) {
        INFO("step " << k + 1 << ": " << lesson->steps[k].title);
        app.key("Next");
        const std::string out = app.waitForOutput(stepSentence(k, *lesson), 30s);
        const std::string expected = setUpSentence(lesson->steps[k]);
        if (!expected.empty()) app.waitForOutput(expected, 30s);
        CHECK(out.size() > seen);
        seen = out.size();
    }
    // The last step runs its sweep in "How often?" beside the lesson, and says
    // what to tell the room once the sweep is done.
    CHECK(app.waitUntilShown("how-often-intro"));
    CHECK(app.waitUntilShown("lesson-after", 90s));
    CHECK(app.waitUntilShown("lesson-text")); // not covered by the panel

    app.key("Prior"); // Page Up
    app.waitForOutput(stepSentence(lesson->steps.size() - 2, *lesson) + ".\n", 30s);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
    CHECK(app.taggedProcesses().empty());
}
