// analyse(): every finder over one trace, the findings in time order, and the
// one sentence the status line shows.
#include "analysis/findings.hpp"

#include <algorithm>

namespace racetrace {

std::string_view findingKindName(FindingKind kind) {
    switch (kind) {
    case FindingKind::Overlap: return "overlap";
    case FindingKind::LostUpdate: return "lost-update";
    case FindingKind::TornRecord: return "torn-record";
    }
    return "overlap";
}

namespace {

std::string allWellHeadline(const Trace& trace, const std::vector<InvariantResult>& invariants) {
    // A broken invariant without a finding (e.g. a run recorded with --no-trace)
    // is still the news.
    for (const auto& result : invariants)
        if (!result.holds) return result.sentence;
    std::vector<std::string> clauses;
    const bool hadCriticalSection = std::any_of(trace.events.begin(), trace.events.end(),
                                                [](const Event& e) { return e.kind == EventKind::CsEnter; });
    if (hadCriticalSection) clauses.push_back("the critical section was never shared");
    for (const auto& result : invariants) {
        std::string clause = result.sentence; // "counter = 20,000 as expected."
        if (!clause.empty() && clause.back() == '.') clause.pop_back();
        clauses.push_back(std::move(clause));
    }
    if (clauses.empty()) return "No race found.";
    std::string headline = "No race: ";
    for (std::size_t k = 0; k < clauses.size(); ++k) {
        if (k > 0) headline += k + 1 == clauses.size() ? " and " : ", ";
        headline += clauses[k];
    }
    return headline + ".";
}

} // namespace

Analysis analyse(const Trace& trace) {
    Analysis analysis;
    analysis.overlaps = findOverlaps(trace, analysis.findings);
    analysis.lostUpdates = findLostUpdates(trace, analysis.findings);
    analysis.tornRecords = findTornRecords(trace, analysis.findings);
    // Stable: at equal times the order of the finders (overlap, lost update, torn) is kept.
    std::stable_sort(analysis.findings.begin(), analysis.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.beginNs < b.beginNs; });
    analysis.invariants = checkInvariants(trace);
    analysis.records = recordStates(trace);
    analysis.headline =
        analysis.findings.empty() ? allWellHeadline(trace, analysis.invariants) : analysis.findings.front().sentence;
    return analysis;
}

} // namespace racetrace
