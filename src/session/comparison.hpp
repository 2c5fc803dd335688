// The side-by-side of issue item 5, as data: one scheduling policy ("A and B
// take turns at every shared access") run with real processes under the naive
// flag and under the test-and-set lock, each side analysed like any run and
// summed up in one plain sentence. Built off the UI thread by RunSession; the
// ComparisonView only draws it. No ImGui here.
#pragma once

#include "ipc/result.hpp"
#include "session/document.hpp"

#include <memory>
#include <string>
#include <vector>

namespace racetrace {

struct ComparisonSide {
    std::shared_ptr<const TraceDocument> document;
    std::string title;    ///< the scenario's title: "Naive boolean flag"
    std::string sentence; ///< "B entered while A was inside (3 overlaps, counter = 3 of 6)."
    bool raced = false;   ///< any finding: drawn in the warning colour
};

struct Comparison {
    std::string policy;                ///< "A and B take turns at every shared access, 2 workers x 3 iterations"
    std::vector<ComparisonSide> sides; ///< naive flag first, then the lock
    std::string headline;              ///< one sentence for the status line
};

/// Runs naive-flag and tas-mutex under the alternating policy
/// (lab/schedule_policy.hpp) and analyses both. About a second: call it off
/// the UI thread.
Result<std::shared_ptr<const Comparison>> buildComparison();

/// The sentence for one side: who got in while whom was inside, or who waited
/// how long and that nobody was ever inside together, with the counter.
std::string comparisonSentence(const Trace& trace, const Analysis& analysis);

} // namespace racetrace
