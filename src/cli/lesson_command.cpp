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
    return kExitOk;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int checkSteps(const Lesson& lesson) {
    std::printf("Checking lesson %s on real processes, %zu steps (Ctrl-C stops):\n", lesson.name.c_str(),
                lesson.steps.size());
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::size_t> failed;
    std::size_t checked = 0;
    InterruptStops interrupts;
    for (std::size_t k = 0; k < lesson.steps.size() && !g_interrupted.load(); ++k) {
        const LessonStep& step = lesson.steps[k];
        std::printf("%3zu  %-4s %s  ", k + 1, step.section.c_str(), step.title.c_str());
        std::fflush(stdout);
        const auto stepStart = std::chrono::steady_clock::now();
        auto verdict = checkLessonStep(step, g_interrupted);
        if (!verdict) {
            std::printf("FAILED to run: %s\n", verdict.error().c_str());
            failed.push_back(k + 1);
            continue;
        }
        std::printf("%s: %s (%.1f s)\n", verdict->passed ? "ok" : "DID NOT SHOW", verdict->sentence.c_str(),
                    secondsSince(stepStart));
        if (!verdict->passed) failed.push_back(k + 1);
        ++checked;
    }
    if (g_interrupted.load()) std::printf("Stopped after %zu of %zu steps.\n", checked, lesson.steps.size());
    if (failed.empty() && !g_interrupted.load()) {
        std::printf("Every step showed its point (%.0f s).\n", secondsSince(start));
        return kExitOk;
    }
    std::string which;
    for (std::size_t step : failed)
        which += (which.empty() ? "" : ", ") + std::to_string(step);
    if (!failed.empty())
        std::printf("%s did not show %s point: step%s %s.\n", countOf(failed.size(), "step", "steps").c_str(),
                    failed.size() == 1 ? "its" : "their", failed.size() == 1 ? "" : "s", which.c_str());
    return kExitFailed;
}

} // namespace

bool lessonToOpen(const std::string& name) {
    auto lesson = loadLesson(name);
    if (!lesson) printError(lesson.error());
    return lesson.has_value();
}

int lessonCommand(const LessonCommand& command) {
    auto lesson = loadLesson(command.name);
    if (!lesson) {
        printError(lesson.error());
        return kExitUsage;
    }
    if (command.check) return checkSteps(*lesson);
    return listSteps(*lesson);
}

} // namespace racetrace
