// The side-by-side, as data: one scheduling policy run with real processes
// under two scenarios that differ in one thing (the naive flag and the
// test-and-set lock; a blocking and a non-blocking message queue), or two free
// runs where the difference lives in the CPU (Peterson without and with a
// fence), each side
// analysed like any run and summed up in one plain sentence. Built off the UI
// thread by RunSession; the ComparisonView only draws it. No ImGui here.
#pragma once

#include "ipc/result.hpp"
#include "lab/schedule_policy.hpp"
#include "session/document.hpp"

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

struct ComparisonSide {
    std::shared_ptr<const TraceDocument> document;
    std::string title;    ///< the scenario's title: "Naive boolean flag"
    std::string sentence; ///< "B entered while A was inside (3 overlaps, counter = 3 of 6)."
    bool raced = false;   ///< any finding: drawn in the warning colour
};

/// Two scenarios worth seeing one over the other, and the schedule they share.
struct ComparisonPair {
    std::string_view first, second;
    std::vector<std::uint32_t> stepsPerTurn; ///< lab/schedule_policy.hpp takeTurns(); empty: one step each
    std::string_view policy;                 ///< the schedule in words, for the view's title
    std::string_view lesson;                 ///< what to look for, one sentence
    std::string_view running;                ///< the status line while it runs
    std::string_view menuItem;               ///< "Compare: naive flag vs mutex"
    std::array<std::string_view, 3> button;  ///< the button's label, longest first (the key added to the first)
    /// Above 0: no shared schedule; each side runs freely this many iterations
    /// (what a CPU does on its own, such as holding a store in its store
    /// buffer, cannot be stepped).
    std::uint64_t freeIterations = 0;
    std::uint64_t iterations() const { return freeIterations > 0 ? freeIterations : kComparisonIterations; }
};

/// Every pair the side-by-side knows, the lock pair first (the default).
const std::vector<ComparisonPair>& comparisonPairs();
/// The pair `scenario` belongs to; the first pair for any other scenario.
const ComparisonPair& comparisonFor(std::string_view scenario);

struct Comparison {
    std::string policy;                ///< "A and B take turns at every shared access, 2 workers x 3 iterations"
    std::vector<ComparisonSide> sides; ///< naive flag first, then the lock
    std::string headline;              ///< one sentence for the status line
    std::string lesson;                ///< ComparisonPair::lesson
    bool freeRuns = false;             ///< each side ran on its own (ComparisonPair::freeIterations)
};

/// Runs both scenarios of `pair` under its policy (lab/schedule_policy.hpp)
/// and analyses both. About a second: call it off the UI thread.
Result<std::shared_ptr<const Comparison>> buildComparison(const ComparisonPair& pair = comparisonPairs().front());

/// The sentence for one side: who got in while whom was inside, or who waited
/// how long and that nobody was ever inside together, with the counter; for
/// channels, who waited for room or failed with EAGAIN, and what arrived.
std::string comparisonSentence(const Trace& trace, const Analysis& analysis);

} // namespace racetrace
