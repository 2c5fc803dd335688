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

std::uint64_t replaySteps(const Trace& trace, std::uint64_t limit) {
    return accessCount(trace, Spins::OneStep, limit == ~std::uint64_t{0} ? limit : limit + 1);
}

namespace {

/// The sentence for a replay that diverged: before its last step, or after it
/// (reads are checked once every step was made, and a value can still differ).
std::string divergenceSentence(const ReplayResult& replay, std::uint64_t total) {
    const std::string steps = groupedNumber(static_cast<std::int64_t>(total));
    if (replay.steps == total)
        return "Replay made all " + steps + " steps in the recorded order, but not everything came out the same. " +
               *replay.divergence;
    return "Replay followed " + groupedNumber(static_cast<std::int64_t>(replay.steps)) + " of " + steps +
           " steps, then diverged. " + *replay.divergence;
}

} // namespace

Result<ReplayOutcome> replayDocument(const TraceDocument& original, std::uint64_t maxSteps, DocumentUse use,
                                     ReplayControl* control) {
    const std::uint64_t total = replaySteps(original.trace, maxSteps);
    if (total == 0) return fail("This trace has no shared accesses to replay.");
    if (total > maxSteps)
        return fail("This trace has " + groupedNumber(static_cast<std::int64_t>(total)) +
                    " steps to replay; the window replays up to " + groupedNumber(static_cast<std::int64_t>(maxSteps)) +
                    ". Save it and run `racetrace replay FILE`, or replay a shorter run.");
    auto replay = replayTrace(original.trace, "/proc/self/exe", control);
    if (!replay) return fail("The replay could not start: " + replay.error());
    if (replay->cancelled) return fail(*replay->divergence);

    ReplayOutcome outcome;
    outcome.totalSteps = total;
    outcome.report = {original.path, replay->steps, replay->divergence, false, replay->noSingleOrder};
    // A partial run: its invariants would only say the run stopped early.
    if (replay->divergence) replay->trace.scenario.invariants.clear();
    outcome.document = buildDocument(std::move(replay->trace), original.label + ", replayed", "", use);
    const std::string differences = findingDifferences(original.analysis, outcome.document->analysis);
    outcome.report.sameFindings = differences.empty();
    const std::string steps = groupedNumber(static_cast<std::int64_t>(total));
    if (replay->divergence)
        outcome.sentence = divergenceSentence(*replay, total);
    else if (differences.empty())
        outcome.sentence = "Replay followed all " + steps + " steps: same accesses, same findings.";
    else
        outcome.sentence = "Replay followed all " + steps +
                           " steps with the same accesses, but the findings differ: " + differences + ".";
    outcome.faithful = !replay->divergence && differences.empty();
    return outcome;
}

} // namespace racetrace
