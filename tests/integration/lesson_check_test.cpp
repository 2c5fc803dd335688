// `racetrace lesson`: --list prints the steps in order; --check runs every
// step of the built-in lesson on real processes and each shows its point
// (statistical steps stop at the first run that shows it, exact ones hold in
// every trial); a step whose point cannot show is reported, with exit 1.
#include "session/lesson_check.hpp"
#include "support/integration_support.hpp"

namespace racetrace::testing {

TEST_CASE("lesson: --list prints every step with its section and scenario", "[lesson]") {
    const CliResult result = runCli({"lesson", "ipc", "--list"});
    REQUIRE(result.exitCode == 0);
    const auto lines = nonEmptyLines(result.out);
    auto lesson = loadLesson("ipc");
    REQUIRE(lesson.has_value());
    REQUIRE(lines.size() ==
            lesson->steps.size() + 1 + (lesson->challenges.empty() ? 0 : 1 + lesson->challenges.size()));
    CHECK_THAT(lines[0], Catch::StartsWith("ipc: "));
    for (std::size_t k = 0; k < lesson->steps.size(); ++k) {
        INFO(lines[k + 1]);
        CHECK_THAT(lines[k + 1], Catch::Contains(lesson->steps[k].section + " "));
        CHECK_THAT(lines[k + 1], Catch::Contains(lesson->steps[k].title));
        CHECK_THAT(lines[k + 1], Catch::Contains("[" + lesson->steps[k].options.scenario));
    }
}

TEST_CASE("lesson: every step of the ipc lesson shows its point on real processes", "[lesson]") {
    const CliResult result = runCli({"lesson", "ipc", "--check"}, std::chrono::seconds(300));
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 0);
    auto lesson = loadLesson("ipc");
    REQUIRE(lesson.has_value());
    const auto lines = nonEmptyLines(result.out);
    const auto ok =
        std::ranges::count_if(lines, [](const std::string& line) { return line.find("  ok: ") != std::string::npos; });
    CHECK(ok == static_cast<std::ptrdiff_t>(lesson->steps.size() + lesson->challenges.size()));
    CHECK_THAT(result.out, Catch::Contains("Every step and challenge showed its point"));
}

TEST_CASE("lesson: a step whose point cannot show is reported and the check fails", "[lesson]") {
    TempDir dir;
    const std::string path = dir.path() + "/wrong.toml";
    std::ofstream(path) << "name = \"wrong\"\ntitle = \"Wrong\"\n"
                           "[[step]]\nsection = \"3.2\"\ntitle = \"A lock that races\"\ntext = \"It cannot.\"\n"
                           "scenario = \"tas-mutex\"\nknobs = { iterations = 300 }\n"
                           "check = { sometimes = [\"overlap\"], trials = 3 }\n"
                           "[[step]]\nsection = \"3.2\"\ntitle = \"Stepped into a lock\"\ntext = \"B waits.\"\n"
                           "scenario = \"tas-mutex\"\nmode = \"step\"\nschedule = \"A B A B A B\"\n"
                           "check = { always = [\"overlap\"] }\n";
    const CliResult result = runCli({"lesson", path, "--check"}, std::chrono::seconds(120));
    INFO(result.out << result.err);
    CHECK(result.exitCode == 1);
    CHECK_THAT(result.out, Catch::Contains("DID NOT SHOW: overlap in 0 of 3 runs"));
    CHECK_THAT(result.out, Catch::Contains("DID NOT SHOW: overlap in 0 of 1 runs"));
    CHECK_THAT(result.out, Catch::Contains("2 of 2 did not show their point: step 1, step 2."));
}

TEST_CASE("lesson: a stepped schedule is what makes the naive flag's race", "[lesson]") {
    auto lesson = parseLesson("name = \"s\"\ntitle = \"S\"\n"
                              "[[step]]\nsection = \"3.2\"\ntitle = \"T\"\ntext = \"T\"\nscenario = \"naive-flag\"\n"
                              "mode = \"step\"\nschedule = \"A B A B A B\"\ncheck = { always = [\"overlap\"] }\n",
                              "s.toml");
    REQUIRE(lesson.has_value());
    auto raced = lessonStepRun(lesson->steps[0]);
    REQUIRE(raced.has_value());
    CHECK((*raced)->analysis.count(FindingKind::Overlap) > 0);
    const Finding* first = (*raced)->analysis.firstRace();
    REQUIRE(first != nullptr);
    CHECK(first->workers == std::vector<std::uint32_t>{0, 1});
}

TEST_CASE("lesson: each challenge is won by its scripted steps and not by its failing ones", "[lesson]") {
    auto lesson = loadLesson("ipc");
    REQUIRE(lesson.has_value());
    REQUIRE(lesson->challenges.size() >= 5);
    for (const LessonChallenge& challenge : lesson->challenges) {
        INFO(challenge.name);
        if (challenge.possible()) {
            auto won = steppedTo(challenge.options, challenge.solution);
            REQUIRE(won.has_value());
            CHECK(lessonConditionHolds(challenge.reach, **won));
        }
        auto lost = steppedTo(challenge.options, challenge.failing);
        REQUIRE(lost.has_value());
        CHECK_FALSE(lessonConditionHolds(challenge.reach, **lost));
    }
}

TEST_CASE("lesson: bad names and files get one sentence and exit 2", "[lesson]") {
    const CliResult missing = runCli({"lesson", "no-such-lesson", "--list"});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.err, Catch::Contains("there is no lesson called 'no-such-lesson' (built-in: ipc"));
    TempDir dir;
    const std::string path = dir.path() + "/broken.toml";
    std::ofstream(path) << "name = \"b\"\ntitle = \"B\"\n[[step]]\nsection = 3\n";
    const CliResult broken = runCli({"lesson", path, "--check"});
    CHECK(broken.exitCode == 2);
    CHECK_THAT(broken.err, Catch::Contains(path + ":4: missing or empty 'section'"));
    CHECK(nonEmptyLines(broken.err).size() == 1);
    const CliResult challenge = runCli({"lesson", "ipc", "--challenge", "fly"});
    CHECK(challenge.exitCode == 2);
    CHECK_THAT(challenge.err,
               Catch::Contains("the lesson ipc has no challenge called 'fly' (it has: flag-both-inside,"));
}

} // namespace racetrace::testing
