#include "session/replay_job.hpp"

#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "lab/schedule_replay.hpp"

#include <vector>

namespace racetrace {

namespace {

/// Where the two analyses disagree, as "3 overlaps in the original, 2 in the
/// replay; ..."; empty when they agree on every count and invariant.
std::string findingDifferences(const Analysis& before, const Analysis& after) {
    std::vector<std::string> parts;
    auto compare = [&](std::uint64_t a, std::uint64_t b, std::string_view one, std::string_view many) {
        if (a != b)
            parts.push_back(countOf(a, one, many) + " in the original, " + groupedNumber(static_cast<std::int64_t>(b)) +
                            " in the replay");
    };
    for (const FindingKindInfo& kind : kFindingKinds)
        compare(before.count(kind.kind), after.count(kind.kind), kind.singular, kind.plural);
    for (std::size_t i = 0; i < before.invariants.size() && i < after.invariants.size(); ++i)
        if (before.invariants[i].actual != after.invariants[i].actual)
            parts.push_back(before.invariants[i].invariant.text + " left " +
                            groupedNumber(before.invariants[i].actual) + " in the original, " +
                            groupedNumber(after.invariants[i].actual) + " in the replay");
    std::string joined;
    for (const auto& part : parts)
        joined += (joined.empty() ? "" : "; ") + part;
    return joined;
}

} // namespace

std::uint64_t replaySteps(const Trace& trace) {
    return accessCount(trace, kMaxWindowReplaySteps + 1);
}

Result<ReplayOutcome> replayDocument(const TraceDocument& original) {
    const std::uint64_t total = replaySteps(original.trace);
    if (total == 0) return fail("This trace has no shared accesses to replay.");
    if (total > kMaxWindowReplaySteps)
        return fail("This trace has " + groupedNumber(static_cast<std::int64_t>(total)) +
                    " steps to replay; the window replays up to " +
                    groupedNumber(static_cast<std::int64_t>(kMaxWindowReplaySteps)) +
                    ". Save it and run `racetrace replay FILE`, or replay a shorter run.");
    auto replay = replayTrace(original.trace);
    if (!replay) return fail("The replay could not start: " + replay.error());

    ReplayOutcome outcome;
    const std::string steps = groupedNumber(static_cast<std::int64_t>(total));
    if (replay->divergence) {
        // A partial run: its invariants would only say the run stopped early.
        replay->trace.scenario.invariants.clear();
        // Reads are checked after the last step: all steps can be made in the
        // recorded order and still a value can come out differently.
        outcome.sentence = replay->steps == total
                               ? "Replay made all " + steps +
                                     " steps in the recorded order, but not everything came out the same. " +
                                     *replay->divergence
                               : "Replay followed " + groupedNumber(static_cast<std::int64_t>(replay->steps)) + " of " +
                                     steps + " steps, then diverged. " + *replay->divergence;
    }
    const std::string label = original.label + ", replayed";
    outcome.document = buildDocument(std::move(replay->trace), label, "");
    if (!replay->divergence) {
        const std::string differences = findingDifferences(original.analysis, outcome.document->analysis);
        outcome.faithful = differences.empty();
        outcome.sentence = outcome.faithful
                               ? "Replay followed all " + steps + " steps: same accesses, same findings."
                               : "Replay followed all " + steps +
                                     " steps with the same accesses, but the findings differ: " + differences + ".";
    }
    return outcome;
}

} // namespace racetrace
