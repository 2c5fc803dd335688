#include "session/run_summary.hpp"

#include "analysis/finders.hpp"
#include "analysis/message_counts.hpp"
#include "analysis/plain_words.hpp"

#include <algorithm>

namespace racetrace {

const InvariantResult* counterInvariant(const Trace& trace, const Analysis& analysis) {
    for (const auto& result : analysis.invariants)
        if (result.invariant.variable < trace.scenario.variables.size() &&
            variableRoleInfo(trace.scenario.variables[result.invariant.variable].role).countsUpdates)
            return &result;
    return analysis.invariants.empty() ? nullptr : &analysis.invariants.front();
}

namespace {

/// "5,952 overlaps in the critical section, 479 lost updates, 1,231 torn records".
std::string raceCounts(const Analysis& analysis) {
    std::string text;
    for (const FindingKindInfo& kind : kFindingKinds)
        text += (text.empty() ? "" : ", ") + countOf(analysis.count(kind.kind), kind.singular, kind.plural) +
                std::string(kind.raceClause);
    return text;
}

} // namespace

namespace {

/// "Messages: 2,000 sent, 2,000 received, 0 lost, 0 torn, ...; A waited 12.3 ms, B 1.2 ms."
std::string messagesLine(const Trace& trace) {
    const MessageCounts counts = countMessages(trace);
    const auto number = [](std::uint64_t n) { return groupedNumber(static_cast<std::int64_t>(n)); };
    std::string text = "Messages: " + number(counts.sent) + " sent, " + number(counts.received) + " received, " +
                       number(counts.lost) + " lost, " + number(counts.torn) + " torn, " + number(counts.duplicated) +
                       " duplicated, " + number(counts.outOfOrder) + " out of order, " + number(counts.dropped) +
                       " dropped; " + number(counts.wouldBlock) + " calls would have blocked (EAGAIN).";
    std::string waits;
    for (std::size_t k = 0; k < counts.blockedNs.size(); ++k)
        if (counts.blockedNs[k] > 0)
            waits += (waits.empty() ? " Blocked in channel calls: " : ", ") +
                     workerName(static_cast<std::uint32_t>(k)) + " " + humanDuration(counts.blockedNs[k]);
    return text + (waits.empty() ? "" : waits + ".") + "\n";
}

} // namespace

std::string summaryText(const Trace& trace, const Analysis& analysis) {
    std::string text;
    const auto& options = trace.settings;
    text += trace.scenario.title + " (" + trace.scenario.name + "): " + countOf(options.workers, "worker", "workers") +
            " x " + countOf(options.iterations, "iteration", "iterations") + ", race window " +
            groupedNumber(static_cast<std::int64_t>(options.windowNs)) + " ns, pinning " +
            std::string(pinModeName(options.pin)) + ", seed " + std::to_string(options.seed) + ".\n";
    if (options.traceEnabled)
        text += "Recorded " + countOf(trace.events.size(), "event", "events") + " in " +
                humanDuration(trace.durationNs) + " (" +
                groupedNumber(static_cast<std::int64_t>(trace.droppedTotal())) + " dropped because a ring was full).\n";
    else
        text +=
            "Ran for " + humanDuration(trace.durationNs) + " with recording off (--no-trace): no events to analyse.\n";
    if (!trace.stopReason.empty()) text += trace.stopReason + "\n";
    if (!trace.scenario.channels.empty() && options.traceEnabled) text += messagesLine(trace);
    if (!analysis.findings.empty()) text += "RACE: " + raceCounts(analysis) + ".\n";
    for (const auto& result : analysis.invariants)
        text += result.sentence + "\n";
    if (!analysis.headline.empty() && options.traceEnabled)
        text += (analysis.findings.empty() ? "" : "First: ") + analysis.headline + "\n";
    return text;
}

std::string machineText(const Trace& trace) {
    return "Recorded on " + trace.machine.cpuModel + ", " + std::to_string(trace.machine.cores) + " cores, " +
           trace.machine.kernel + "; clock " + std::string(clockKindName(trace.clock.kind)) + ".\n";
}

} // namespace racetrace
