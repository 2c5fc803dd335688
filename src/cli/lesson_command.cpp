// `racetrace lesson NAME --list` prints the steps; `--check` runs every step
// headless on real processes and says, step by step, whether its point
// showed (exit 1 if one did not), so a lecturer can try a machine before
// class. Ctrl-C stops the check and prints what was checked.
#include "cli/commands.hpp"
#include "cli/interrupt_stops.hpp"

#include "analysis/plain_words.hpp"
#include "session/lesson_check.hpp"

#include <chrono>
#include <cstdio>
#include <functional>

namespace racetrace {

namespace {

int listSteps(const Lesson& lesson) {
    std::printf("%s: %s (%zu steps)\n", lesson.name.c_str(), lesson.title.c_str(), lesson.steps.size());
    for (std::size_t k = 0; k < lesson.steps.size(); ++k) {
        const LessonStep& step = lesson.steps[k];
        const std::string mode = step.mode == LessonMode::Run ? "" : ", " + std::string(lessonModeName(step.mode));
        std::printf("%3zu  %-4s %s  [%s%s]\n", k + 1, step.section.c_str(), step.title.c_str(),
                    step.options.scenario.c_str(), mode.c_str());
    }
    if (!lesson.challenges.empty()) std::printf("Challenges (step mode):\n");
    for (const LessonChallenge& challenge : lesson.challenges)
        std::printf("  %-22s %s  [%s%s]\n", challenge.name.c_str(), challenge.title.c_str(),
                    challenge.options.scenario.c_str(), challenge.possible() ? "" : ", impossible by stepping");
    return kExitOk;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// One line of --check: what is checked, how it is named if it fails, how to check it.
struct CheckItem {
    std::string label; ///< "  3  3.1  Writer and reader"
    std::string name;  ///< "step 3", "challenge send-fails"
    std::function<Result<StepVerdict>()> check;
};

std::vector<CheckItem> checkItems(const Lesson& lesson) {
    std::vector<CheckItem> items;
    for (std::size_t k = 0; k < lesson.steps.size(); ++k) {
        const LessonStep& step = lesson.steps[k];
        char label[32];
        std::snprintf(label, sizeof label, "%3zu  %-4s ", k + 1, step.section.c_str());
        items.push_back({label + step.title, "step " + std::to_string(k + 1),
                         [&step] { return checkLessonStep(step, g_interrupted); }});
    }
    for (const LessonChallenge& challenge : lesson.challenges)
        items.push_back({"  challenge " + challenge.name, "challenge " + challenge.name,
                         [&challenge] { return checkChallenge(challenge, g_interrupted); }});
    return items;
}

int checkLesson(const Lesson& lesson) {
    const std::vector<CheckItem> items = checkItems(lesson);
    std::printf("Checking lesson %s on real processes: %s and %s (Ctrl-C stops):\n", lesson.name.c_str(),
                countOf(lesson.steps.size(), "step", "steps").c_str(),
                countOf(lesson.challenges.size(), "challenge", "challenges").c_str());
    const auto start = std::chrono::steady_clock::now();
    std::string failed;
    std::size_t failures = 0, checked = 0;
    InterruptStops interrupts;
    for (const CheckItem& item : items) {
        if (g_interrupted.load()) break;
        std::printf("%s  ", item.label.c_str());
        std::fflush(stdout);
        const auto itemStart = std::chrono::steady_clock::now();
        auto verdict = item.check();
        const bool passed = verdict && verdict->passed;
        if (!verdict)
            std::printf("FAILED to run: %s\n", verdict.error().c_str());
        else
            std::printf("%s: %s (%.1f s)\n", passed ? "ok" : "DID NOT SHOW", verdict->sentence.c_str(),
                        secondsSince(itemStart));
        if (!passed) failed += (failures++ == 0 ? "" : ", ") + item.name;
        ++checked;
    }
    if (g_interrupted.load()) std::printf("Stopped after %zu of %zu checks.\n", checked, items.size());
    if (failures == 0 && !g_interrupted.load()) {
        std::printf("Every step and challenge showed its point (%.0f s).\n", secondsSince(start));
        return kExitOk;
    }
    if (failures > 0)
        std::printf("%zu of %zu did not show %s point: %s.\n", failures, items.size(), failures == 1 ? "its" : "their",
                    failed.c_str());
    return kExitFailed;
}

} // namespace

bool lessonToOpen(const LessonCommand& command) {
    auto lesson = loadLesson(command.name);
    if (!lesson) {
        printError(lesson.error());
        return false;
    }
    if (command.challenge.empty()) return true;
    std::string known;
    for (const LessonChallenge& challenge : lesson->challenges) {
        if (challenge.name == command.challenge) return true;
        known += (known.empty() ? "" : ", ") + challenge.name;
    }
    printError("the lesson " + lesson->name + " has no challenge called '" + command.challenge +
               "' (it has: " + (known.empty() ? "none" : known) + ").");
    return false;
}

int lessonCommand(const LessonCommand& command) {
    auto lesson = loadLesson(command.name);
    if (!lesson) {
        printError(lesson.error());
        return kExitUsage;
    }
    if (command.check) return checkLesson(*lesson);
    return listSteps(*lesson);
}

} // namespace racetrace
