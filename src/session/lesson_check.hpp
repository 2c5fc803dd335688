// `racetrace lesson NAME --check`: runs every step headless on real
// processes, as the window would, and says whether each step's point showed
// (the race appeared where the lesson says it will, the lock kept B out), so
// a lecturer can try a machine before class and CI can hold the lesson to
// what it promises.
#pragma once

#include "ipc/result.hpp"
#include "session/document.hpp"
#include "session/lesson.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace racetrace {

struct StepVerdict {
    bool passed = false;
    /// "overlap in 6 of 8 runs; no overlap in every run" or what failed:
    /// "counter-exact failed in run 2 of 5".
    std::string sentence;
};

/// Runs `step`'s trials (stopping early once everything asked has shown);
/// a run that fails to start is an error sentence.
Result<StepVerdict> checkLessonStep(const LessonStep& step, const std::atomic<bool>& stop);

/// The trace the step shows, made the way --check makes it (its free run,
/// its stepped schedule, or for a comparison the step's own run).
Result<std::shared_ptr<const TraceDocument>> lessonStepRun(const LessonStep& step);

/// The live trace after stepping `steps` on fresh workers for `options`
/// (nothing run freely after): what a student sees after those steps.
Result<std::shared_ptr<const TraceDocument>> steppedTo(const RunOptions& options,
                                                       const std::vector<std::uint32_t>& steps);

/// A challenge holds what it promises: its solution reaches the goal, its
/// failing steps do not, and its free run (if any) shows what stepping cannot.
Result<StepVerdict> checkChallenge(const LessonChallenge& challenge, const std::atomic<bool>& stop);

} // namespace racetrace
