// analyse(): every finder over one trace, the findings in time order, and the
// one sentence the status line shows.
#include "analysis/findings.hpp"
#include "analysis/lost_update_finder.hpp"

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

bool startsEarlier(const Finding& a, const Finding& b) {
    return a.beginNs < b.beginNs;
}

/// Appends `more` to `sorted`, keeping it in beginNs order. Finders mostly emit
/// in time order already, so this is a linear merge, not a sort of everything.
void mergeByTime(std::vector<Finding>& sorted, std::vector<Finding>&& more) {
    if (!std::is_sorted(more.begin(), more.end(), startsEarlier))
        std::stable_sort(more.begin(), more.end(), startsEarlier);
    const auto middle = static_cast<std::ptrdiff_t>(sorted.size());
    sorted.insert(sorted.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    // Stable: at equal times the order of the finders (overlap, lost update, torn) is kept.
    std::inplace_merge(sorted.begin(), sorted.begin() + middle, sorted.end(), startsEarlier);
}

} // namespace

Analysis analyse(const Trace& trace) {
    Analysis analysis;
    std::vector<Finding> overlaps;
    std::vector<Finding> lostUpdates;
    std::vector<Finding> tornRecords;
    analysis.overlaps = findOverlaps(trace, overlaps);
    findLostUpdates(trace, lostUpdates);
    analysis.tornRecords = findTornRecords(trace, tornRecords);

    // Signed sum: a store over a stale write gives back updates that write erased.
    // Unsigned arithmetic wraps instead of overflowing on scribbled values.
    std::uint64_t erased = 0;
    for (const Finding& finding : lostUpdates)
        erased += static_cast<std::uint64_t>(updatesErased(trace, finding));
    analysis.lostUpdates = static_cast<std::int64_t>(erased) > 0 ? erased : 0;

    analysis.findings.reserve(overlaps.size() + lostUpdates.size() + tornRecords.size());
    mergeByTime(analysis.findings, std::move(overlaps));
    mergeByTime(analysis.findings, std::move(lostUpdates));
    mergeByTime(analysis.findings, std::move(tornRecords));
    analysis.invariants = checkInvariants(trace);
    analysis.records = recordStates(trace);
    analysis.headline =
        analysis.findings.empty() ? allWellHeadline(trace, analysis.invariants) : analysis.findings.front().sentence;
    return analysis;
}

} // namespace racetrace
