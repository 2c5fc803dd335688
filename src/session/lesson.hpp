// Lessons as data: a walk through the lecture notes, one step per point the
// lecture makes, each set up on real processes (assets/lessons/*.toml,
// embedded like the scenarios). A step says which section it teaches, what
// the screen says, which scenario and knobs to run, what to point at, an
// optional question decided by the run, what to say after, and what must
// show for `racetrace lesson NAME --check` to call the step good.
#pragma once

#include "ipc/result.hpp"
#include "lab/run_options.hpp"
#include "session/lesson_facts.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

/// How a step runs its processes.
enum class LessonMode : std::uint8_t {
    Run,      ///< one free run
    Step,     ///< step mode: the lecturer (or --check, from `schedule`) picks who goes next
    Compare,  ///< a run of `compareWith`, then this one, side by side
    HowOften, ///< "How often?": many runs over a sweep of one knob
};

/// What the window frames once the step's run is shown.
struct LessonPoint {
    std::optional<std::string> finding;  ///< a finding kind's name ("overlap"): the first one is selected
    std::optional<std::string> variable; ///< a variable or channel, named in the panel ("watch Y")
    bool channel = false;                ///< `variable` names a pipe or queue (a lane, not a Memory row)
    std::optional<std::uint32_t> worker; ///< a lane, named in the panel ("watch B")
    bool eventOrder = false;             ///< the event-order axis instead of real time
};

struct LessonChoice {
    std::string text;       ///< "less than 4,000"
    LessonCondition answer; ///< the run makes this choice right when the condition holds
};

struct LessonQuestion {
    std::string text;
    std::vector<LessonChoice> choices; ///< the first whose condition holds is the right one
};

/// What `--check` requires of the step's runs.
struct LessonCheck {
    std::vector<LessonCondition> always;    ///< hold in every trial (exactness: "no overlap")
    std::vector<LessonCondition> sometimes; ///< each holds in at least one trial (a race appears)
    std::uint32_t trials = 1;
};

struct LessonStep {
    std::uint32_t line = 0; ///< where the step starts in its file
    std::string section;    ///< "3.2"
    std::string title;
    std::string text;  ///< two or three sentences for the screen
    std::string after; ///< said once the run is shown
    LessonMode mode = LessonMode::Run;
    RunOptions options;                    ///< scenario and knobs (validated)
    std::optional<RunOptions> compareWith; ///< LessonMode::Compare: the run shown on the left
    std::vector<std::uint32_t> schedule;   ///< LessonMode::Step: who steps, in order (--check)
    std::string sweep;                     ///< LessonMode::HowOften: "window-ns=0,1000,4000"
    std::uint32_t runsPerValue = 10;       ///< LessonMode::HowOften
    LessonPoint point;
    std::optional<LessonQuestion> question;
    LessonCheck check;
};

/// A goal for a student in step mode ("get both into the critical section"),
/// decided after every step by the analysis of the live trace.
struct LessonChallenge {
    std::uint32_t line = 0;
    std::string name; ///< stable: the settings key of its best score ("flag-both-inside")
    std::string title;
    std::string goal;               ///< the goal in one or two sentences
    RunOptions options;             ///< the scenario stepped
    LessonCondition reach;          ///< reached once the live trace shows this
    std::vector<std::string> hints; ///< hint k appears after k + 1 failed tries
    /// A sequence of steps that reaches the goal; empty: no stepping can.
    std::vector<std::uint32_t> solution;
    std::vector<std::uint32_t> failing; ///< a sequence that does not reach it (tests, --check)
    std::string impossible;             ///< why no stepping reaches it, shown after the hints
    /// A free run where what stepping cannot do happened (Peterson without a
    /// fence: the store buffer), and what it must show.
    std::optional<RunOptions> freeRun;
    std::optional<LessonCondition> freeRunShows;
    std::uint32_t freeRunTrials = 5;
    bool possible() const { return !solution.empty(); }
};

struct Lesson {
    std::string name; ///< "ipc"
    std::string title;
    std::vector<LessonStep> steps;
    std::vector<LessonChallenge> challenges;
};

/// TOML text -> Lesson; every problem is "FILE:LINE: problem." in one sentence.
Result<Lesson> parseLesson(std::string_view text, const std::string& fileName);

struct BuiltinLessonText {
    const char* name; ///< file name without .toml: "ipc"
    const char* text;
};
/// Defined in the generated builtin_lessons_data.cpp (assets/lessons).
const std::vector<BuiltinLessonText>& builtinLessonTexts();

/// A built-in lesson's name ("ipc") or a path to a .toml file.
Result<Lesson> loadLesson(const std::string& nameOrPath);

/// "3.2", "stepping": how --list and the panel name a step's mode.
std::string_view lessonModeName(LessonMode mode);

} // namespace racetrace
