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

/// Iterations per worker of a free run: enough for Peterson's store buffer to
/// show (tens per 100,000 rounds), short enough to draw at once.
inline constexpr std::uint64_t kDefaultFreeComparisonIterations = 50'000;
/// Each access is stepped through a gate (microseconds each): beyond this a
/// stepped comparison takes seconds.
inline constexpr std::uint64_t kMaxStepComparisonIterations = 1'000;

/// Two scenarios seen one over the other, and the schedule they share: one of
/// the pairs below, or any two scenarios taking turns at every access.
struct ComparisonPair {
    std::string first, second;               ///< scenario names or .toml paths
    std::vector<std::uint32_t> stepsPerTurn; ///< lab/schedule_policy.hpp takeTurns(); empty: one step each
    std::string policy;                      ///< the schedule in words, for the view's title
    std::string lesson;                      ///< what to look for, one sentence
    std::string running;                     ///< the status line while it runs
    std::string menuItem;                    ///< "Compare: naive flag vs mutex"
    std::array<std::string, 3> button;       ///< the button's label, longest first (the key added to the first)
    /// Above 0: no shared schedule; each side runs freely this many iterations
    /// (what a CPU does on its own, such as holding a store in its store
    /// buffer, cannot be stepped).
    std::uint64_t freeIterations = 0;
    /// Workers per side: 2, or 0 for each scenario's own number (a pair
    /// chosen by hand may include a scenario that needs more).
    std::uint32_t workers = 2;
    /// Iterations per worker under the shared schedule (stepped runs are slow: a few).
    std::uint64_t stepIterations = kComparisonIterations;
    std::uint64_t iterations() const { return freeIterations > 0 ? freeIterations : stepIterations; }
};

/// Every pair the side-by-side knows, the lock pair first (the default).
const std::vector<ComparisonPair>& comparisonPairs();
/// The pair `scenario` belongs to; for any other scenario with a critical
/// section, the naive flag above it; else the first pair.
const ComparisonPair& comparisonFor(std::string_view scenario);
/// `first` over `second`: a known pair keeps its schedule and lesson (in
/// either order); any other two take turns at every shared access.
ComparisonPair comparisonOf(std::string_view first, std::string_view second);

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

/// "naive-flag" for a built-in name, "my-lock.toml" for a path: short enough
/// for a button.
std::string scenarioShortName(std::string_view nameOrPath);

/// The sentence for one side: who got in while whom was inside, or who waited
/// how long and that nobody was ever inside together, with the counter; for
/// channels, who waited for room or failed with EAGAIN, and what arrived.
std::string comparisonSentence(const Trace& trace, const Analysis& analysis);

} // namespace racetrace
