// analyse(): every finder of the registry over one trace, the findings in time
// order, and the one sentence the status line shows.
#include "analysis/critical_sections.hpp"
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "trace/parallel_tasks.hpp"
#include "trace/phase_timer.hpp"

#include <algorithm>
#include <functional>
#include <optional>

namespace racetrace {

std::string_view findingKindName(FindingKind kind) {
    return static_cast<std::size_t>(kind) < kFindingKinds.size() ? findingKindInfo(kind).name : "unknown";
}

namespace {

/// "every message sent arrived once, whole and in order", when a channel's
/// messages all did (the finders found nothing and nothing was lost unseen).
std::string messagesClause(const Trace& trace, const MessageStats& messages) {
    const bool allWell = messages.sent > 0 && messages.lost == 0 && messages.torn == 0 && messages.duplicated == 0 &&
                         messages.outOfOrder == 0;
    if (!allWell) return {};
    const std::uint64_t dropped = trace.droppedTotal();
    std::string clause = dropped == 0 ? std::string("every message sent arrived once, whole and in order")
                                      : "every message sent arrived once, whole and in order in the recorded events (" +
                                            countOf(dropped, "event was", "events were") + " dropped)";
    // Items a non-blocking sender gave up were never sent: say so, or "every" misleads.
    if (messages.dropped > 0)
        clause += ", but " + countOf(messages.dropped, "item was", "items were") +
                  " dropped when a send found no room and could not wait";
    return clause;
}

std::string allWellHeadline(const Trace& trace, const std::vector<InvariantResult>& invariants,
                            const MessageStats& messages) {
    // A broken invariant without a finding (e.g. a run recorded with --no-trace)
    // is still the news.
    for (const auto& result : invariants)
        if (!result.holds) return result.sentence;
    std::vector<std::string> clauses;
    const bool hadCriticalSection = std::any_of(trace.events.begin(), trace.events.end(),
                                                [](const Event& e) { return e.kind == EventKind::CsEnter; });
    // With events dropped, "never shared" is only true of what was recorded.
    const std::uint64_t dropped = trace.droppedTotal();
    if (hadCriticalSection)
        clauses.push_back(dropped == 0 ? std::string("the critical section was never shared")
                                       : "the critical section was never shared in the recorded events (" +
                                             countOf(dropped, "event was", "events were") + " dropped)");
    if (auto clause = messagesClause(trace, messages); !clause.empty()) clauses.push_back(std::move(clause));
    if (auto clause = handoffClause(trace); !clause.empty()) clauses.push_back(std::move(clause));
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

/// Every finder's findings in one list in beginNs order; at equal times the
/// registry's order (overlap, lost update, torn, ...) is kept. Finders mostly
/// emit in time order already, so each list is sorted only if it must be, and
/// the lists are merged all at once into a list allocated once: merging them
/// one by one grew it by copies and took a buffer as large again (half a
/// million findings of a 6 M-event trace are ~150 MB).
std::vector<Finding> mergeByTime(std::vector<std::vector<Finding>>& lists) {
    std::size_t total = 0;
    for (std::vector<Finding>& list : lists) {
        if (!std::is_sorted(list.begin(), list.end(), startsEarlier))
            std::stable_sort(list.begin(), list.end(), startsEarlier);
        total += list.size();
    }
    std::vector<Finding> merged;
    merged.reserve(total);
    std::vector<std::size_t> next(lists.size(), 0);
    while (merged.size() < total) {
        std::size_t earliest = lists.size();
        for (std::size_t k = 0; k < lists.size(); ++k)
            if (next[k] < lists[k].size() &&
                (earliest == lists.size() || startsEarlier(lists[k][next[k]], lists[earliest][next[earliest]])))
                earliest = k;
        merged.push_back(std::move(lists[earliest][next[earliest]]));
        if (++next[earliest] == lists[earliest].size()) lists[earliest] = {}; // its memory serves the next ones
    }
    return merged;
}

} // namespace

const Finding* Analysis::firstRace() const {
    const auto race =
        std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return findingKindInfo(f.kind).isRace; });
    return race == findings.end() ? nullptr : &*race;
}

std::uint64_t storySpanNs(const Trace& trace, const Finding& finding) {
    std::uint64_t begin = finding.beginNs, end = std::max(finding.beginNs, finding.endNs);
    for (auto index : finding.events)
        if (index < trace.events.size()) {
            begin = std::min(begin, trace.events[index].timestamp);
            end = std::max(end, trace.events[index].timestamp);
        }
    return end - begin;
}

/// True when the finding's key events lie in at least two lanes, or it concerns
/// one worker only: framing it shows every side of the story, not one lane of
/// it (a torn record's events are the checker's reads; the writer may be far off).
static bool showsEverySide(const Trace& trace, const Finding& finding) {
    if (finding.workers.size() < 2) return true;
    std::optional<std::uint8_t> first;
    for (auto index : finding.events) {
        if (index >= trace.events.size()) continue;
        const std::uint8_t worker = trace.events[index].worker;
        if (first && *first != worker) return true;
        first = worker;
    }
    return false;
}

int Analysis::openingFinding(const Trace& trace) const {
    // "Compact": all of it within 20 µs, a few dozen of the demo's accesses.
    constexpr std::uint64_t kCompactNs = 20'000;
    constexpr int kRacesLooked = 100;
    int best = -1, looked = 0;
    std::pair<bool, std::uint64_t> bestRank{}; // (one-sided, span): smaller is better
    for (std::size_t i = 0; i < findings.size() && looked < kRacesLooked; ++i) {
        if (!findingKindInfo(findings[i].kind).isRace) continue;
        ++looked;
        const std::uint64_t span = storySpanNs(trace, findings[i]);
        const bool oneSided = !showsEverySide(trace, findings[i]);
        if (span <= kCompactNs && !oneSided) return static_cast<int>(i);
        const std::pair rank{oneSided, span};
        if (best < 0 || rank < bestRank) best = static_cast<int>(i), bestRank = rank;
    }
    if (best >= 0) return best;
    return findings.empty() ? -1 : 0;
}

bool concernsTrace(const Trace& trace, const Analysis& analysis, const FindingKindInfo& kind) {
    const bool channels = !trace.scenario.channels.empty();
    const bool memory = !trace.scenario.variables.empty() || !channels;
    const bool mailbox = std::any_of(trace.scenario.variables.begin(), trace.scenario.variables.end(),
                                     [](const VariableInfo& v) { return v.role == VariableRole::Mailbox; });
    if (analysis.count(kind.kind) > 0) return true;
    switch (kind.domain) {
    case FindingDomain::Memory: return memory && !mailbox;
    case FindingDomain::Channels: return channels;
    case FindingDomain::Mailbox: return mailbox;
    case FindingDomain::MemoryOrder: return false; // only when found (above)
    }
    return false;
}

/// The trace's modification orders: those its merge used, or computed now.
static const std::vector<ModificationOrder>& ordersOf(const Trace& trace, std::vector<ModificationOrder>& computed) {
    if (trace.memoryOrders) return *trace.memoryOrders;
    const PhaseTimer phase("finding the races: each variable's writes"); // a saved trace has none kept
    computed = modificationOrders(trace);
    return computed;
}

Analysis analyse(const Trace& trace, std::vector<CriticalSectionSpan>* stays) {
    std::vector<ModificationOrder> computed;
    const std::vector<ModificationOrder>* orders = nullptr;
    std::vector<CriticalSectionSpan> spans;
    Analysis analysis;
    // What the finders share, side by side: the messages, the orders, the stays.
    runTasks(3, [&](std::size_t task) {
        if (task == 0) analysis.messages = analyseMessages(trace);
        if (task == 1) orders = &ordersOf(trace, computed);
        if (task == 2) spans = criticalSections(trace);
    });
    const AnalysisInput input{trace, *orders, analysis.messages, spans};
    // The finders only read the trace: they run side by side, and their
    // findings are merged in the registry's order whichever finished first.
    // The longest first, so that no long one starts last: the overlaps (a
    // sentence each), the lock statistics (a sweep of every stay), the other
    // finders, then the quick rest.
    std::vector<std::vector<Finding>> found(kFindingKinds.size());
    std::vector<std::function<void()>> tasks;
    for (std::size_t k = 0; k < kFindingKinds.size(); ++k)
        tasks.emplace_back([&, k] {
            const FindingKindInfo& finder = kFindingKinds[k];
            finder.find(input, found[k]);
            analysis.counts[static_cast<std::size_t>(finder.kind)] =
                finder.count ? finder.count(input, found[k]) : found[k].size();
        });
    tasks.insert(tasks.begin() + 1, [&] { analysis.locks = lockStats(trace, spans); });
    tasks.emplace_back([&] { analysis.invariants = checkInvariants(trace); });
    tasks.emplace_back([&] { analysis.records = recordStates(trace); });
    tasks.emplace_back([&] { analysis.fault = faultOutcome(trace); });
    runTasks(tasks.size(), [&](std::size_t task) { tasks[task](); });
    // The finders are done with what they shared: give it back before the
    // merged list is allocated, or the peak holds both (a 6 M-event trace's
    // orders and stays are ~100 MB).
    std::vector<ModificationOrder>().swap(computed);
    if (stays != nullptr)
        *stays = std::move(spans);
    else
        std::vector<CriticalSectionSpan>().swap(spans);
    analysis.findings = mergeByTime(found);
    const Finding* race = analysis.firstRace();
    // A worker killed on purpose is the story of the run (what its death did
    // to the others), even where the lock also raced: the races stay in the findings.
    analysis.headline = analysis.fault    ? analysis.fault->sentence
                        : race != nullptr ? race->sentence
                                          : allWellHeadline(trace, analysis.invariants, analysis.messages);
    return analysis;
}

std::size_t findOnly(FindingKind kind, const Trace& trace, std::vector<Finding>& out) {
    std::vector<ModificationOrder> computed;
    const MessageStats messages = analyseMessages(trace);
    const std::vector<CriticalSectionSpan> spans = criticalSections(trace);
    const AnalysisInput input{trace, ordersOf(trace, computed), messages, spans};
    const std::size_t before = out.size();
    findingKindInfo(kind).find(input, out);
    return out.size() - before;
}

} // namespace racetrace
