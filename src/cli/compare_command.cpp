// `racetrace compare FIRST SECOND`: the side-by-side on the command line. Both
// scenarios run with real processes under one schedule (or freely, --free),
// and each is summed up in the sentence the window shows over its timeline.
#include "cli/commands.hpp"

#include "analysis/plain_words.hpp"
#include "lab/builtin_scenarios.hpp"
#include "session/comparison.hpp"
#include "session/run_summary.hpp"

#include <iostream>

namespace racetrace {

namespace {

/// The pair to run: a known pair keeps its schedule; the command's knobs win.
ComparisonPair pairFor(const CompareCommand& command) {
    ComparisonPair pair = comparisonOf(command.first, command.second);
    if (command.free && pair.freeIterations == 0) {
        pair.freeIterations = kDefaultFreeComparisonIterations;
        pair.policy = "each on its own, as the scheduler and the CPUs make it";
    }
    if (command.iterations > 0) {
        if (pair.freeIterations > 0)
            pair.freeIterations = command.iterations;
        else
            pair.stepIterations = command.iterations;
    }
    return pair;
}

void printText(const Comparison& comparison) {
    std::cout << (comparison.freeRuns ? "Two free runs" : "Same schedule on both sides") << ": " << comparison.policy
              << ".\n";
    for (const ComparisonSide& side : comparison.sides)
        std::cout << "  " << side.document->trace.scenario.name << " (" << side.title << "): " << side.sentence << "\n";
    if (!comparison.lesson.empty()) std::cout << comparison.lesson << "\n";
}

} // namespace

int compareCommand(const CompareCommand& command) {
    for (const std::string& scenario : {command.first, command.second})
        if (auto loaded = loadScenario(scenario); !loaded) {
            printError(loaded.error());
            return kExitUsage;
        }
    const ComparisonPair pair = pairFor(command);
    if (pair.freeIterations == 0 && pair.stepIterations > kMaxStepComparisonIterations) {
        printError("a comparison under one schedule takes at most " + groupedNumber(kMaxStepComparisonIterations) +
                   " iterations per worker (every access is stepped); add --free for longer runs.");
        return kExitUsage;
    }
    auto comparison = buildComparison(pair);
    if (!comparison) {
        printError(comparison.error());
        return kExitFailed;
    }
    if (command.json)
        std::cout << comparisonJson(**comparison) << "\n";
    else
        printText(**comparison);
    return kExitOk;
}

} // namespace racetrace
