// Lessons as data (session/lesson.hpp): the built-in IPC lesson parses and
// walks the lecture in order; a malformed lesson gets FILE:LINE and the
// problem; the conditions a lesson asks are decided by the run's analysis.
#include "session/document.hpp"
#include "session/lesson.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

namespace racetrace {

namespace {

/// A one-step lesson around `step` (its [[step]] table's keys, one per line).
std::string lessonWith(const std::string& step) {
    return "name = \"t\"\ntitle = \"T\"\n[[step]]\n" + step;
}

const std::string kGoodStep = "section = \"3.2\"\n"
                              "title = \"Naive\"\n"
                              "text = \"Two processes.\"\n"
                              "scenario = \"naive-flag\"\n"
                              "check = { sometimes = [\"overlap\"], trials = 3 }\n";

std::string errorOf(const std::string& text) {
    auto lesson = parseLesson(text, "bad.toml");
    REQUIRE_FALSE(lesson.has_value());
    return lesson.error();
}

} // namespace

TEST_CASE("lesson: the built-in ipc lesson walks the lecture notes in order", "[lesson]") {
    auto lesson = loadLesson("ipc");
    REQUIRE(lesson.has_value());
    CHECK(lesson->name == "ipc");
    REQUIRE(lesson->steps.size() >= 10);
    std::vector<std::string> sections;
    for (const LessonStep& step : lesson->steps) {
        INFO(step.title);
        CHECK_FALSE(step.text.empty());
        CHECK((step.check.always.size() + step.check.sometimes.size()) > 0);
        if (sections.empty() || sections.back() != step.section) sections.push_back(step.section);
    }
    // Shared memory without, then with synchronisation, then message passing;
    // the closing statistics go back to the naive flag of 3.2.
    CHECK(sections == std::vector<std::string>{"3.1", "3.2", "4", "4.1", "4.2", "3.2"});
    const auto modeCount = [&](LessonMode mode) {
        return std::ranges::count_if(lesson->steps, [&](const LessonStep& step) { return step.mode == mode; });
    };
    CHECK(modeCount(LessonMode::Step) == 2);
    CHECK(modeCount(LessonMode::Compare) == 1);
    CHECK(modeCount(LessonMode::HowOften) == 1);
    CHECK(lesson->steps.back().mode == LessonMode::HowOften);
    // The queue step points at the queue Q: a channel's lane, not a Memory row.
    const auto queue = std::ranges::find_if(lesson->steps, [](const LessonStep& step) {
        return step.options.scenario == "mq-blocking" && step.point.variable == "Q";
    });
    REQUIRE(queue != lesson->steps.end());
    CHECK(queue->point.channel);
}

TEST_CASE("lesson: the ipc lesson's challenges keep their names and say why the impossible ones are", "[lesson]") {
    auto lesson = loadLesson("ipc");
    REQUIRE(lesson.has_value());
    std::vector<std::string> names;
    for (const LessonChallenge& challenge : lesson->challenges) {
        INFO(challenge.name);
        names.push_back(challenge.name);
        CHECK_FALSE(challenge.goal.empty());
        CHECK_FALSE(challenge.failing.empty());
        CHECK(challenge.possible() == challenge.impossible.empty());
    }
    // The names key the best scores in the settings file: they are a contract.
    CHECK(names == std::vector<std::string>{"flag-both-inside", "tas-both-inside", "reader-blocks", "send-fails",
                                            "peterson-both-inside"});
    const LessonChallenge& peterson = lesson->challenges.back();
    REQUIRE(peterson.freeRun.has_value());
    CHECK(peterson.freeRun->iterations == 20000);
    CHECK(lessonConditionText(*peterson.freeRunShows) == "store-buffering");
}

TEST_CASE("lesson: a malformed challenge gets its file line and problem", "[lesson]") {
    const std::string head = "name = \"t\"\ntitle = \"T\"\n[[step]]\n" + kGoodStep + "[[challenge]]\n";
    const std::string good = "name = \"c\"\ntitle = \"C\"\ngoal = \"Win.\"\nscenario = \"naive-flag\"\n"
                             "reach = \"overlap\"\nfailing = \"A A\"\n";
    CHECK(parseLesson(head + good + "solution = \"A B A B A B\"\n", "c.toml").has_value());
    CHECK_THAT(errorOf(head + good), Catch::Contains("bad.toml:9: a challenge has either a 'solution'"));
    CHECK_THAT(errorOf(head + good + "solution = \"A B\"\nimpossible = \"No.\"\n"),
               Catch::Contains("bad.toml:9: a challenge has either"));
    CHECK_THAT(errorOf(head + good + "solution = \"A Q\"\n"),
               Catch::Contains("bad.toml:16: 'solution' must be worker letters"));
    CHECK_THAT(errorOf(head + good + "score = 3\n"),
               Catch::Contains("bad.toml:16: unknown key 'score' in a challenge"));
    CHECK_THAT(errorOf(head + good + "solution = \"A\"\nfree_run = { shows = \"collision\" }\n"),
               Catch::Contains("bad.toml:17: 'collision' names no fact"));
    CHECK_THAT(errorOf(head + "name = \"c\"\ntitle = \"C\"\ngoal = \"G\"\nscenario = \"naive-flag\"\n"),
               Catch::Contains("bad.toml:9: a challenge needs 'reach'"));
}

TEST_CASE("lesson: a good step gets its scenario knobs point and question", "[lesson]") {
    auto lesson =
        parseLesson(lessonWith(kGoodStep + "knobs = { iterations = 700, window_ns = 3000, kill = \"B@2\" }\n"
                                           "point = { finding = \"overlap\", variable = \"Y\", worker = \"B\", "
                                           "axis = \"order\" }\n"
                                           "question = { text = \"Both in?\", choices = [ { text = \"yes\", when = "
                                           "\"overlap\" }, { text = \"no\", when = \"no overlap\" } ] }\n"),
                    "good.toml");
    REQUIRE(lesson.has_value());
    const LessonStep& step = lesson->steps.at(0);
    CHECK(step.line == 3);
    CHECK(step.options.scenario == "naive-flag");
    CHECK(step.options.iterations == 700);
    CHECK(step.options.windowNs == 3000);
    REQUIRE(step.options.kill.has_value());
    CHECK(step.options.kill->worker == 1);
    CHECK(step.options.kill->entry == 2);
    CHECK(step.point.finding == "overlap");
    CHECK(step.point.variable == "Y");
    CHECK_FALSE(step.point.channel);
    CHECK(step.point.worker == 1u);
    CHECK(step.point.eventOrder);
    REQUIRE(step.question.has_value());
    REQUIRE(step.question->choices.size() == 2);
    CHECK(lessonConditionText(step.question->choices[1].answer) == "no overlap");
    CHECK(step.check.trials == 3);
}

TEST_CASE("lesson: a malformed lesson gets its file line and problem", "[lesson]") {
    struct Case {
        std::string text;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {lessonWith(kGoodStep + "colour = \"red\"\n"), "bad.toml:9: unknown key 'colour' in a step"},
        {lessonWith(kGoodStep + "knobs = { iterations = 0 }\n"), "bad.toml:9: 'iterations' must be a whole number"},
        {lessonWith(kGoodStep + "knobs = { iterations = 4.4e122 }\n"),
         "bad.toml:9: 'iterations' must be a whole number"},
        {lessonWith(kGoodStep + "knobs = { workers = 3, speed = 1 }\n"), "bad.toml:9: unknown key 'speed' in knobs"},
        {lessonWith(kGoodStep + "knobs = { kill = \"A3\" }\n"), "bad.toml:9:"},
        {lessonWith(kGoodStep + "schedule = \"A B\"\n"), "bad.toml:9: 'schedule' belongs to mode \"step\" only"},
        {lessonWith(kGoodStep + "mode = \"step\"\nschedule = \"A C\"\n"), "bad.toml:10: 'schedule' must be worker"},
        {lessonWith(kGoodStep + "mode = \"dance\"\n"), "bad.toml:9: 'mode' must be"},
        {lessonWith(kGoodStep + "mode = \"how-often\"\nsweep = \"speed=1,2\"\n"), "bad.toml:10:"},
        {lessonWith(kGoodStep + "point = { finding = \"collision\" }\n"), "'collision' is not a kind of finding"},
        {lessonWith(kGoodStep + "point = { variable = \"Z\" }\n"), "bad.toml:9: 'Z' is no variable or channel"},
        {lessonWith(kGoodStep + "point = { worker = \"C\" }\n"), "bad.toml:9: 'worker' must be the letter"},
        {lessonWith(kGoodStep + "question = { text = \"?\", choices = [ { text = \"a\", when = \"overlap\" } ] }\n"),
         "bad.toml:9: a question needs 'choices'"},
        {lessonWith(kGoodStep + "question = { text = \"?\", choices = [ { text = \"a\", when = \"overlap\" }, "
                                "{ text = \"b\" } ] }\n"),
         "bad.toml:9: each choice is"},
        {lessonWith("section = \"3.2\"\ntitle = \"N\"\ntext = \"T\"\nscenario = \"naive-flag\"\n"),
         "bad.toml:3: a step needs 'check'"},
        {lessonWith("section = \"3.2\"\ntitle = \"N\"\ntext = \"T\"\nscenario = \"no-such\"\ncheck = { always = "
                    "[\"race\"] }\n"),
         "bad.toml:7: there is no scenario called 'no-such'"},
        {lessonWith("section = \"3.2\"\ntitle = \"N\"\ntext = \"T\"\nscenario = \"naive-flag\"\ncheck = { always = "
                    "[\"collision\"] }\n"),
         "bad.toml:8: 'collision' names no fact a run can show"},
        {lessonWith("section = \"3.2\"\ntitle = \"N\"\ntext = \"T\"\nscenario = \"naive-flag\"\ncheck = { always = "
                    "[\"overlap C\"] }\n"),
         "bad.toml:8: 'overlap C' names a worker the step does not run"},
        {lessonWith("section = \"3.2\"\ntitle = \"N\"\ntext = \"T\"\nscenario = \"naive-flag\"\ncheck = { always = "
                    "[\"counter-exact A\"] }\n"),
         "bad.toml:8: 'counter-exact' is about the whole run and takes no worker"},
        {lessonWith("section = \"3.2\"\ntitle = \"\"\n"), "bad.toml:5: missing or empty 'title'"},
        {"name = \"t\"\ntitle = \"T\"\n", "bad.toml:1: a lesson needs at least one [[step]]"},
        {"name = \"t\"\ntitle = \"T\"\nstep = [1]\n", "bad.toml:3: each step must be a [[step]] table"},
        {"name = \"t\"\ntitle = \"T\n", "bad.toml:2:"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        const std::string error = errorOf(c.text);
        CHECK_THAT(error, Catch::Contains(c.expected));
        CHECK(error.ends_with("."));
        CHECK(error.find('\n') == std::string::npos);
    }
}

TEST_CASE("lesson: conditions parse and name themselves as written", "[lesson]") {
    for (const char* text : {"overlap", "no overlap", "blocked-wait B", "no lost-message", "counter-exact", "spun A",
                             "no race", "all-delivered"}) {
        auto condition = parseLessonCondition(text);
        REQUIRE(condition.has_value());
        CHECK(lessonConditionText(*condition) == text);
    }
    CHECK_FALSE(parseLessonCondition("overlap b").has_value());
    CHECK_FALSE(parseLessonCondition("overlap AB").has_value());
    CHECK_FALSE(parseLessonCondition("not overlap").has_value());
    CHECK_FALSE(parseLessonCondition("").has_value());
}

TEST_CASE("lesson: conditions are decided by the run's analysis", "[lesson]") {
    const auto holds = [](const char* text, const TraceDocument& document) {
        auto condition = parseLessonCondition(text);
        REQUIRE(condition.has_value());
        return lessonConditionHolds(*condition, document);
    };
    test::TraceBuilder racy(test::Shape::NoSync);
    racy.load(test::A, 10, racy.counter());
    racy.load(test::B, 20, racy.counter());
    racy.store(test::A, 30, racy.counter(), 1);
    racy.store(test::B, 40, racy.counter(), 1); // B erases A's update
    const auto lost = buildDocument(racy.expectCounter(2).build(), "racy", "", DocumentUse::Summary);
    CHECK(holds("lost-update", *lost));
    CHECK(holds("race", *lost));
    CHECK_FALSE(holds("no lost-update", *lost));
    CHECK_FALSE(holds("counter-exact", *lost));
    CHECK(holds("no counter-exact", *lost));
    CHECK_FALSE(holds("spun", *lost));
    CHECK_FALSE(holds("killed", *lost));

    test::TraceBuilder serial(test::Shape::TasMutex);
    std::uint64_t ns = serial.serialIteration(test::A, 10);
    serial.exchange(test::B, ns + 5, serial.guard(), 1);
    serial.spin(test::B, ns + 6, 40);
    serial.serialIteration(test::B, ns + 100);
    const auto clean = buildDocument(serial.expectCounter(2).build(), "serial", "", DocumentUse::Summary);
    CHECK(holds("counter-exact", *clean));
    CHECK(holds("no overlap", *clean));
    CHECK(holds("no race", *clean));
    CHECK(holds("spun", *clean));
    CHECK(holds("spun B", *clean));
    CHECK_FALSE(holds("spun A", *clean));
    CHECK_FALSE(holds("all-delivered", *clean)); // no message at all is not "every message delivered"
}

} // namespace racetrace
