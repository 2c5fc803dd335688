#include "session/lesson_check.hpp"

#include "lab/run.hpp"
#include "session/race_stats.hpp"
#include "session/step_session.hpp"

#include <algorithm>

namespace racetrace {

namespace {

Result<std::shared_ptr<const TraceDocument>> freeRun(const RunOptions& options) {
    auto trace = runToCompletion(options);
    if (!trace) return fail(trace.error());
    return buildDocument(std::move(*trace), options.scenario, "", DocumentUse::Summary);
}

/// The schedule stepped on real workers, then the rest run freely.
Result<std::shared_ptr<const TraceDocument>> steppedRun(const LessonStep& step) {
    auto session = StepSession::start(step.options);
    if (!session) return fail(session.error());
    for (std::uint32_t worker : step.schedule)
        if (auto stepped = (*session)->step(worker); !stepped) return fail(stepped.error());
    return (*session)->runFreely();
}

/// "no overlap in every run (8)", "overlap in 3 of 8 runs", "overlap in the first run".
std::string tally(const LessonCondition& condition, std::uint32_t held, std::uint32_t runs) {
    const std::string what = lessonConditionText(condition);
    if (held == runs && runs == 1) return what + " in the first run";
    if (held == runs) return what + " in every run (" + std::to_string(runs) + ")";
    return what + " in " + std::to_string(held) + " of " + std::to_string(runs) + " runs";
}

} // namespace

Result<std::shared_ptr<const TraceDocument>> lessonStepRun(const LessonStep& step) {
    switch (step.mode) {
    case LessonMode::Step: return steppedRun(step);
    case LessonMode::HowOften: { // the sweep's last value: where the lesson says it races most
        auto sweep = parseSweep(step.sweep, step.options);
        if (!sweep) return fail(sweep.error());
        return freeRun(optionsAt(step.options, *sweep, sweep->values.back()));
    }
    case LessonMode::Run:
    case LessonMode::Compare: return freeRun(step.options);
    }
    return freeRun(step.options);
}

Result<StepVerdict> checkLessonStep(const LessonStep& step, const std::atomic<bool>& stop) {
    const LessonCheck& check = step.check;
    std::vector<std::uint32_t> alwaysHeld(check.always.size()), sometimesHeld(check.sometimes.size());
    std::uint32_t runs = 0;
    const auto allShown = [&] { return std::ranges::none_of(sometimesHeld, [](auto n) { return n == 0; }); };
    while (runs < check.trials && !stop.load()) {
        auto document = lessonStepRun(step);
        if (!document) return fail(document.error());
        ++runs;
        for (std::size_t k = 0; k < check.always.size(); ++k)
            alwaysHeld[k] += lessonConditionHolds(check.always[k], **document) ? 1 : 0;
        for (std::size_t k = 0; k < check.sometimes.size(); ++k)
            sometimesHeld[k] += lessonConditionHolds(check.sometimes[k], **document) ? 1 : 0;
        // Exactness needs every trial; what only has to show once may stop early.
        if (check.always.empty() && allShown()) break;
    }
    StepVerdict verdict;
    verdict.passed = runs > 0 && allShown();
    for (std::size_t k = 0; k < check.always.size(); ++k) {
        verdict.passed = verdict.passed && alwaysHeld[k] == runs;
        verdict.sentence += (verdict.sentence.empty() ? "" : "; ") + tally(check.always[k], alwaysHeld[k], runs);
    }
    for (std::size_t k = 0; k < check.sometimes.size(); ++k)
        verdict.sentence += (verdict.sentence.empty() ? "" : "; ") + tally(check.sometimes[k], sometimesHeld[k], runs);
    if (runs < check.trials && stop.load()) verdict.sentence += " (stopped)";
    return verdict;
}

Result<std::shared_ptr<const TraceDocument>> steppedTo(const RunOptions& options,
                                                       const std::vector<std::uint32_t>& steps) {
    auto session = StepSession::start(options);
    if (!session) return fail(session.error());
    for (std::uint32_t worker : steps)
        if (auto stepped = (*session)->step(worker); !stepped) return fail(stepped.error());
    return (*session)->liveDocument();
}

Result<StepVerdict> checkChallenge(const LessonChallenge& challenge, const std::atomic<bool>& stop) {
    StepVerdict verdict;
    verdict.passed = true;
    const auto words = [](const std::vector<std::uint32_t>& steps) {
        std::string text;
        for (std::uint32_t worker : steps)
            text += (text.empty() ? "" : " ") + workerName(worker);
        return text;
    };
    const std::string goal = lessonConditionText(challenge.reach);
    if (!challenge.possible()) verdict.sentence = "cannot be won by stepping, as it says";
    for (const auto* steps : {&challenge.solution, &challenge.failing}) {
        if (steps->empty()) continue;
        auto document = steppedTo(challenge.options, *steps);
        if (!document) return fail(document.error());
        const bool reached = lessonConditionHolds(challenge.reach, **document);
        const bool wanted = steps == &challenge.solution;
        verdict.passed = verdict.passed && reached == wanted;
        verdict.sentence += (verdict.sentence.empty() ? "" : "; ") + words(*steps) +
                            (reached ? " reaches " : " does not reach ") + goal;
    }
    if (challenge.freeRun) {
        LessonStep run;
        run.options = *challenge.freeRun;
        run.check.sometimes = {*challenge.freeRunShows};
        run.check.trials = challenge.freeRunTrials;
        auto shown = checkLessonStep(run, stop);
        if (!shown) return fail(shown.error());
        verdict.passed = verdict.passed && shown->passed;
        verdict.sentence += "; a free run: " + shown->sentence;
    }
    return verdict;
}

} // namespace racetrace
