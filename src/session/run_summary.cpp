#include "session/run_summary.hpp"

#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"

#include <algorithm>
#include <cstdio>

namespace racetrace {

namespace {

/// The first invariant on a counter: the "counter == workers * iterations" check.
const InvariantResult* counterInvariant(const Trace& trace, const Analysis& analysis) {
    for (const auto& result : analysis.invariants)
        if (result.invariant.variable < trace.scenario.variables.size() &&
            variableRoleInfo(trace.scenario.variables[result.invariant.variable].role).countsUpdates)
            return &result;
    return analysis.invariants.empty() ? nullptr : &analysis.invariants.front();
}

/// "5,952 overlaps in the critical section, 479 lost updates, 1,231 torn records".
std::string raceCounts(const Analysis& analysis) {
    std::string text;
    for (const FindingKindInfo& kind : kFindingKinds)
        text += (text.empty() ? "" : ", ") + countOf(analysis.count(kind.kind), kind.singular, kind.plural) +
                std::string(kind.raceClause);
    return text;
}

} // namespace

nlohmann::json summaryJson(const Trace& trace, const Analysis& analysis) {
    nlohmann::json json;
    json["scenario"] = trace.scenario.name;
    json["workers"] = trace.settings.workers;
    json["iterations"] = trace.settings.iterations;
    json["window_ns"] = trace.settings.windowNs;
    json["pin"] = std::string(pinModeName(trace.settings.pin));
    json["seed"] = trace.settings.seed;
    json["traced"] = trace.settings.traceEnabled;
    json["events"] = trace.events.size();
    json["dropped"] = trace.droppedTotal();
    json["duration_ns"] = trace.durationNs;
    json["clock"] = std::string(clockKindName(trace.clock.kind));
    if (const auto* counter = counterInvariant(trace, analysis))
        json["counter"] = {{"name", trace.scenario.variables[counter->invariant.variable].name},
                           {"expected", counter->invariant.expected},
                           {"final", counter->actual}};
    else
        json["counter"] = nullptr;
    nlohmann::json findings = nlohmann::json::object();
    for (const FindingKindInfo& kind : kFindingKinds)
        findings[std::string(kind.jsonKey)] = analysis.count(kind.kind);
    findings["total"] = analysis.findings.size();
    json["findings"] = std::move(findings);
    const bool invariantBroken = std::any_of(analysis.invariants.begin(), analysis.invariants.end(),
                                             [](const InvariantResult& result) { return !result.holds; });
    json["race"] = !analysis.findings.empty() || invariantBroken; // --no-trace has no findings, only the counter
    json["headline"] = analysis.headline;
    nlohmann::json invariants = nlohmann::json::array();
    for (const auto& result : analysis.invariants)
        invariants.push_back({{"text", result.invariant.text},
                              {"expected", result.invariant.expected},
                              {"actual", result.actual},
                              {"holds", result.holds}});
    json["invariants"] = invariants;
    nlohmann::json workers = nlohmann::json::array();
    for (const auto& worker : trace.workers) {
        const std::string how(exitHowName(worker.exit.how));
        workers.push_back({{"name", workerName(worker.index)},
                           {"pid", worker.pid},
                           {"iterations", worker.iterationsDone},
                           {"dropped", worker.dropped},
                           {"cpus", worker.cpus},
                           {"exit", how},
                           {"code", worker.exit.code},
                           {"signal", worker.exit.signal}});
    }
    json["worker_details"] = workers;
    json["stop_reason"] = trace.stopReason.empty() ? nlohmann::json(nullptr) : nlohmann::json(trace.stopReason);
    return json;
}

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
    if (!analysis.findings.empty()) text += "RACE: " + raceCounts(analysis) + ".\n";
    for (const auto& result : analysis.invariants)
        text += result.sentence + "\n";
    if (!analysis.headline.empty() && options.traceEnabled)
        text += (analysis.findings.empty() ? "" : "First: ") + analysis.headline + "\n";
    return text;
}

} // namespace racetrace
