// The JSON summary (session/run_summary.hpp). The keys are a contract: scripts
// and tests read them, so a key is added, never renamed.
#include "analysis/finders.hpp"
#include "lab/run.hpp"
#include "session/comparison.hpp"
#include "session/run_summary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace racetrace {

namespace {

using Json = nlohmann::json;

Json findingsJson(const Analysis& analysis) {
    Json findings = Json::object();
    for (const FindingKindInfo& kind : kFindingKinds)
        findings[std::string(kind.jsonKey)] = analysis.count(kind.kind);
    findings["total"] = analysis.findings.size();
    return findings;
}

Json invariantsJson(const Analysis& analysis) {
    Json invariants = Json::array();
    for (const auto& result : analysis.invariants)
        invariants.push_back({{"text", result.invariant.text},
                              {"expected", result.invariant.expected},
                              {"actual", result.actual},
                              {"holds", result.holds}});
    return invariants;
}

Json workersJson(const Trace& trace) {
    Json workers = Json::array();
    for (const auto& worker : trace.workers)
        workers.push_back({{"name", workerName(worker.index)},
                           {"pid", worker.pid},
                           {"iterations", worker.iterationsDone},
                           {"dropped", worker.dropped},
                           {"cpus", worker.cpus},
                           {"exit", std::string(exitHowName(worker.exit.how))},
                           {"code", worker.exit.code},
                           {"signal", worker.exit.signal}});
    return workers;
}

Json counterJson(const Trace& trace, const Analysis& analysis) {
    const InvariantResult* counter = counterInvariant(trace, analysis);
    if (counter == nullptr) return nullptr;
    return {{"name", trace.scenario.variables[counter->invariant.variable].name},
            {"expected", counter->invariant.expected},
            {"final", counter->actual}};
}

/// "messages" and "blocked_ns": present for every scenario, zeros without channels.
void addMessages(Json& json, const Trace& trace, const MessageStats& messages) {
    json["messages"] = {{"sent", messages.sent},
                        {"received", messages.received},
                        {"lost", messages.lost},
                        {"torn", messages.torn},
                        {"duplicated", messages.duplicated},
                        {"out_of_order", messages.outOfOrder},
                        {"would_block", messages.wouldBlock},
                        {"dropped", messages.dropped}};
    Json blocked = Json::object();
    for (std::size_t k = 0; k < trace.workers.size(); ++k)
        blocked[workerName(static_cast<std::uint32_t>(k))] =
            k < messages.blockedNs.size() ? messages.blockedNs[k] : std::uint64_t{0};
    json["blocked_ns"] = std::move(blocked);
}

/// "locks": {"A": {"acquired": 5000, "wait_ns": ..., "hold_ns": ...}, ...}; {} without a critical section.
Json locksJson(const Analysis& analysis) {
    Json locks = Json::object();
    for (const WorkerLockStats& row : analysis.locks)
        locks[workerName(row.worker)] = {{"acquired", row.acquired},
                                         {"wait_ns", row.waitNs},
                                         {"hold_ns", row.holdNs},
                                         {"longest_run", row.longestRun}};
    return locks;
}

/// "faults": who was killed on purpose (--kill), how many robust-mutex takes
/// recovered from a dead owner, and what ended the run.
Json faultsJson(const Trace& trace, const Analysis& analysis) {
    Json killed = Json::array();
    std::uint64_t recovered = 0;
    if (analysis.fault) {
        for (const std::uint32_t worker : analysis.fault->killed)
            killed.push_back(workerName(worker));
        recovered = analysis.fault->recovered;
    }
    const bool watchdog = trace.stopReason.find("The watchdog stopped the run") != std::string::npos;
    const bool limit = trace.stopReason.find(kEventLimitWords) != std::string::npos;
    return {{"killed", std::move(killed)},
            {"recovered", recovered},
            {"stopped_by", watchdog ? "watchdog"
                           : limit  ? "event-limit"
                                    : "finished"},
            {"sentence", analysis.fault ? Json(analysis.fault->sentence) : Json(nullptr)}};
}

void addExtras(Json& json, const Trace& trace, const SummaryExtras& extras) {
    if (extras.machine)
        json["machine"] = {
            {"cpu", trace.machine.cpuModel}, {"cores", trace.machine.cores}, {"kernel", trace.machine.kernel}};
    if (extras.replay)
        json["replay"] = {{"source", extras.replay->source},
                          {"steps", extras.replay->steps},
                          {"diverged", extras.replay->divergence.has_value()},
                          {"divergence", extras.replay->divergence ? Json(*extras.replay->divergence) : Json(nullptr)},
                          {"same_findings", extras.replay->sameFindings},
                          {"no_single_order", extras.replay->noSingleOrder}};
    if (extras.traceFileKey) json["trace_file"] = extras.traceFile ? Json(*extras.traceFile) : Json(nullptr);
}

} // namespace

std::string summaryJson(const Trace& trace, const Analysis& analysis, const SummaryExtras& extras) {
    Json json;
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
    json["counter"] = counterJson(trace, analysis);
    json["findings"] = findingsJson(analysis);
    // Events were dropped: every count of findings is a lower bound (the gaps may hide more).
    json["findings_lower_bound"] = trace.droppedTotal() > 0;
    addMessages(json, trace, analysis.messages);
    json["locks"] = locksJson(analysis);
    json["faults"] = faultsJson(trace, analysis);
    const bool invariantBroken = std::any_of(analysis.invariants.begin(), analysis.invariants.end(),
                                             [](const InvariantResult& result) { return !result.holds; });
    // --no-trace has no findings, only the counter; a blocked wait is a finding but no race.
    json["race"] = analysis.raced() || invariantBroken;
    json["headline"] = analysis.headline;
    json["invariants"] = invariantsJson(analysis);
    json["worker_details"] = workersJson(trace);
    json["stop_reason"] = trace.stopReason.empty() ? Json(nullptr) : Json(trace.stopReason);
    // Absent, not null, for a file written before the repair was kept: the golden summaries stay as they were.
    if (const auto& repair = trace.orderRepair)
        json["order_repair"] = {{"moved", repair->moved},
                                {"restamped", repair->restamped},
                                {"max_shift_ns", repair->maxShiftNs},
                                {"conflicts", repair->conflicts}};
    addExtras(json, trace, extras);
    // `replace`: a stray byte that is not UTF-8 (a scribbled name) must not abort the summary.
    return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string comparisonJson(const Comparison& comparison) {
    Json json;
    json["policy"] = comparison.policy;
    json["free_runs"] = comparison.freeRuns;
    json["lesson"] = comparison.lesson;
    json["headline"] = comparison.headline;
    json["sides"] = Json::array();
    for (const ComparisonSide& side : comparison.sides) {
        const Trace& trace = side.document->trace;
        const Analysis& analysis = side.document->analysis;
        json["sides"].push_back({{"scenario", trace.scenario.name},
                                 {"title", side.title},
                                 {"sentence", side.sentence},
                                 {"raced", side.raced},
                                 {"workers", trace.settings.workers},
                                 {"iterations", trace.settings.iterations},
                                 {"events", trace.events.size()},
                                 {"counter", counterJson(trace, analysis)},
                                 {"findings", findingsJson(analysis)},
                                 {"locks", locksJson(analysis)}});
    }
    return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

} // namespace racetrace
