// `racetrace replay`: new processes forced through a saved trace's order of
// shared accesses; says whether they followed it and found the same.
#include "cli/commands.hpp"
#include "cli/progress_line.hpp"
#include "trace/phase_timer.hpp"

#include "analysis/plain_words.hpp"
#include "lab/run_memory.hpp"
#include "session/replay_job.hpp"
#include "session/run_summary.hpp"

#include <algorithm>
#include <iostream>

namespace racetrace {

namespace {

void printText(const ReplayCommand& command, const ReplayOutcome& outcome) {
    const std::string steps = groupedNumber(static_cast<std::int64_t>(outcome.report.steps));
    if (outcome.report.divergence) {
        std::cout << "Replayed " << steps << " steps of " << command.path
                  << (outcome.report.noSingleOrder
                          ? ", then the schedule could not be followed where no order fits the original's values "
                            "(store buffering, or an order the repair missed).\n"
                          : ", then the schedule could not be followed.\n");
        return;
    }
    std::cout << "Replayed all " << steps << " steps of " << command.path
              << " with new processes: the same accesses, the same values"
              << (outcome.report.sameFindings ? ", the same findings.\n" : ", but the findings differ.\n")
              << summaryText(outcome.document->trace, outcome.document->analysis);
}

/// Memory a replayed step needs: its place in the schedule and the event the new run records.
constexpr std::uint64_t kReplayBytesPerStep = 128;

/// A trace whose steps (spins counted out) need more memory than the machine
/// has is refused before anything is expanded: a file can claim a spin of
/// four billion repetitions in a few bytes.
bool fitsToReplay(const Trace& trace) {
    const std::uint64_t most = std::max<std::uint64_t>(availableMemoryBytes() / kReplayBytesPerStep, 1);
    if (replaySteps(trace, most) <= most) return true;
    printError("This trace has more than " + groupedNumber(static_cast<std::int64_t>(most)) +
               " steps to replay, more than this machine's memory can hold; replay a shorter run.");
    return false;
}

} // namespace

int replayCommand(const ReplayCommand& command) {
    ProgressLine progress;
    const auto original = loadDocument(command.path, DocumentUse::Summary);
    if (!original) {
        printError(original.error());
        return kExitFailed;
    }
    if (!fitsToReplay((*original)->trace)) return kExitFailed;
    auto outcome = [&] {
        const PhaseTimer phase("replaying on new processes");
        return replayDocument(**original, ~std::uint64_t{0}, DocumentUse::Summary);
    }();
    if (!outcome) {
        printError(outcome.error());
        return kExitFailed;
    }
    if (!saveIfAsked(outcome->document->trace, command.out)) return kExitFailed;
    progress.stop();
    if (command.json) {
        SummaryExtras extras = extrasFor(command.out);
        extras.replay = outcome->report;
        extras.replay->source = command.path;
        std::cout << summaryJson(outcome->document->trace, outcome->document->analysis, extras) << "\n";
    } else {
        printText(command, *outcome);
        if (!command.out.empty()) std::cout << "Saved the replayed trace to " << command.out << ".\n";
    }
    if (outcome->report.divergence) {
        printError(*outcome->report.divergence);
        return kExitFailed;
    }
    return kExitOk;
}

} // namespace racetrace
