#include "session/run_summary.hpp"

#include "analysis/finders.hpp"
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

/// The finding kinds the RACE line names: the races of the trace's own domain
/// (shared memory when it has variables or no channels, channels when it has
/// channels), and any other race that was found.
bool namedInRaceLine(const Trace& trace, const Analysis& analysis, const FindingKindInfo& kind) {
    return kind.isRace && concernsTrace(trace, analysis, kind);
}

std::string grouped(std::uint64_t n) {
    return groupedNumber(static_cast<std::int64_t>(n));
}

/// "Messages: 1,000 sent, 1,000 received, 0 lost, 0 torn, 0 duplicated, 0 out
/// of order, 0 dropped (would-block 0); A blocked 12 ms, B blocked 0 ns."
std::string messagesLine(const Trace& trace, const MessageStats& m) {
    std::string text = "Messages: " + grouped(m.sent) + " sent, " + grouped(m.received) + " received, " +
                       grouped(m.lost) + " lost, " + grouped(m.torn) + " torn, " + grouped(m.duplicated) +
                       " duplicated, " + grouped(m.outOfOrder) + " out of order, " + grouped(m.dropped) +
                       " dropped (would-block " + grouped(m.wouldBlock) + ")";
    for (std::size_t k = 0; k < trace.workers.size(); ++k)
        text += (k == 0 ? "; " : ", ") + workerName(static_cast<std::uint32_t>(k)) + " blocked " +
                humanDuration(k < m.blockedNs.size() ? m.blockedNs[k] : 0);
    return text + ".\n";
}

/// " (up to 812 in a row)": told only where it says something (a run longer than one).
std::string inARow(const WorkerLockStats& row) {
    return row.longestRun > 1 ? " (up to " + groupedNumber(static_cast<std::int64_t>(row.longestRun)) + " in a row)"
                              : std::string();
}

/// "Getting in: A 5,000 times (up to 812 in a row), waited 73 ms, inside 110 ms; B ...": the lock's fairness and cost.
std::string locksLine(const Analysis& analysis) {
    std::string line = "Getting in:";
    for (std::size_t k = 0; k < analysis.locks.size(); ++k) {
        const WorkerLockStats& row = analysis.locks[k];
        line += std::string(k == 0 ? " " : "; ") + workerName(row.worker) + " " +
                countOf(row.acquired, "time", "times") + inARow(row) + ", waited " + humanDuration(row.waitNs) +
                ", inside " + humanDuration(row.holdNs);
    }
    return line + ".\n";
}

} // namespace

// "5,952 overlaps in the critical section, 479 lost updates, 1,231 torn records".
std::string raceCounts(const Trace& trace, const Analysis& analysis) {
    // Events dropped from a full ring may hide more of each: what was found is a lower bound.
    const std::uint64_t dropped = trace.droppedTotal();
    std::string text;
    for (const FindingKindInfo& kind : kFindingKinds)
        if (namedInRaceLine(trace, analysis, kind)) {
            const std::uint64_t count = analysis.count(kind.kind);
            text += (text.empty() ? "" : ", ") + std::string(dropped > 0 && count > 0 ? "at least " : "") +
                    countOf(count, kind.singular, kind.plural) + std::string(kind.raceClause);
        }
    if (dropped > 0 && !text.empty())
        text += " (" + countOf(dropped, "event was", "events were") + " dropped: the gaps may hide more)";
    return text;
}

std::string summaryText(const Trace& trace, const Analysis& analysis) {
    std::string text;
    const auto& options = trace.settings;
    text += trace.scenario.title + " (" + trace.scenario.name + "): " + countOf(options.workers, "worker", "workers") +
            " x " + countOf(options.iterations, "iteration", "iterations") + ", race window " +
            groupedNumber(static_cast<std::int64_t>(options.windowNs)) + " ns, pinning " +
            std::string(pinModeName(options.pin)) + ", seed " + std::to_string(options.seed) +
            (options.retryWhenFull ? ", retrying a send that finds no room" : "") +
            (options.killAtEntry != 0
                 ? ", killing " + workerName(options.killWorker) + " inside the critical section at entry " +
                       groupedNumber(static_cast<std::int64_t>(options.killAtEntry))
                 : "") +
            ".\n";
    if (options.traceEnabled)
        text += "Recorded " + countOf(trace.events.size(), "event", "events") + " in " +
                humanDuration(trace.durationNs) + " (" +
                groupedNumber(static_cast<std::int64_t>(trace.droppedTotal())) + " dropped because a ring was full).\n";
    else
        text +=
            "Ran for " + humanDuration(trace.durationNs) + " with recording off (--no-trace): no events to analyse.\n";
    if (!trace.stopReason.empty()) text += trace.stopReason + "\n";
    if (!trace.scenario.channels.empty() && options.traceEnabled) text += messagesLine(trace, analysis.messages);
    if (!analysis.locks.empty()) text += locksLine(analysis);
    if (analysis.raced()) text += "RACE: " + raceCounts(trace, analysis) + ".\n";
    for (const auto& result : analysis.invariants)
        text += result.sentence + "\n";
    if (!options.traceEnabled) return text;
    // A kill's outcome is the headline then (analysis.cpp); the first race comes before it.
    const Finding* race = analysis.firstRace();
    if (race != nullptr) text += "First: " + race->sentence + "\n";
    if (analysis.fault)
        text += analysis.fault->sentence + "\n";
    else if (race == nullptr && !analysis.headline.empty())
        text += analysis.headline + "\n";
    return text;
}

std::string orderRepairText(const Trace& trace) {
    if (!trace.orderRepair) return {};
    const EventOrderRepair& repair = *trace.orderRepair;
    if (repair.moved == 0 && repair.conflicts == 0)
        return "Order: the clocks' stamps already agreed with every value read; nothing was moved.\n";
    std::string text = "Order: " + countOf(repair.moved, "event was", "events were") +
                       " put before events stamped earlier, to fit the values read";
    if (repair.restamped > 0)
        text += "; " + countOf(repair.restamped, "stamp was", "stamps were") + " lowered by up to " +
                humanDuration(repair.maxShiftNs);
    if (repair.conflicts > 0)
        text +=
            "; " + countOf(repair.conflicts, "time", "times") + " no order fitted every value and the stamps decided";
    return text + ".\n";
}

std::string machineText(const Trace& trace) {
    return "Recorded on " + trace.machine.cpuModel + ", " + std::to_string(trace.machine.cores) + " cores, " +
           trace.machine.kernel + "; clock " + std::string(clockKindName(trace.clock.kind)) + ".\n";
}

} // namespace racetrace
