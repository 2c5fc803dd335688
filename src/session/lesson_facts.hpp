// What a lesson can ask of a run: facts the analysis decides ("overlap",
// "counter-exact", "blocked-wait B", "no lost-message"), one table of them.
// A lesson's questions are answered and its --check is decided by these, so
// the lesson says only what the real run showed.
#pragma once

#include "analysis/findings.hpp"
#include "ipc/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace racetrace {

struct TraceDocument;

/// A fact, possibly about one worker, possibly negated: "no overlap", "blocked-wait B".
struct LessonCondition {
    std::uint16_t fact = 0;              ///< index into the fact table
    std::optional<std::uint32_t> worker; ///< only findings or spins of this worker count
    bool negated = false;
};

/// "overlap", "no torn-message", "blocked-wait B", "spun A"; the sentence
/// says what is wrong and lists the facts known.
Result<LessonCondition> parseLessonCondition(std::string_view text);

/// Whether the run `document` shows the condition.
bool lessonConditionHolds(const LessonCondition& condition, const TraceDocument& document);

/// The kind of finding the condition is about, when its fact is one ("overlap B": Overlap).
std::optional<FindingKind> lessonFindingKind(const LessonCondition& condition);

/// The condition as a lesson writes it ("no overlap", "blocked-wait B").
std::string lessonConditionText(const LessonCondition& condition);

} // namespace racetrace
