#include "session/lesson_facts.hpp"

#include "analysis/finders.hpp"
#include "session/document.hpp"

#include <algorithm>
#include <array>

namespace racetrace {

namespace {

using FactTest = bool (*)(const TraceDocument& document, std::optional<std::uint32_t> worker);

/// Facts besides the finding kinds (each finding kind's name is a fact too:
/// "overlap" holds when the run has one).
struct ExtraFact {
    std::string_view name;
    bool takesWorker;
    FactTest test;
};

bool hasEventOf(const Trace& trace, EventKind kind, std::optional<std::uint32_t> worker) {
    return std::ranges::any_of(trace.events,
                               [&](const Event& e) { return e.kind == kind && (!worker || e.worker == *worker); });
}

bool raced(const TraceDocument& document, std::optional<std::uint32_t> worker) {
    return std::ranges::any_of(document.analysis.findings, [&](const Finding& finding) {
        return kFindingKinds[static_cast<std::size_t>(finding.kind)].isRace &&
               (!worker || std::ranges::find(finding.workers, *worker) != finding.workers.end());
    });
}

bool counterExact(const TraceDocument& document, std::optional<std::uint32_t>) {
    const auto& invariants = document.analysis.invariants;
    return !invariants.empty() && std::ranges::all_of(invariants, [](const auto& result) { return result.holds; });
}

bool spun(const TraceDocument& document, std::optional<std::uint32_t> worker) {
    return hasEventOf(document.trace, EventKind::Spin, worker);
}

bool killed(const TraceDocument& document, std::optional<std::uint32_t> worker) {
    const auto& fault = document.analysis.fault;
    return fault && !fault->killed.empty() &&
           (!worker || std::ranges::find(fault->killed, *worker) != fault->killed.end());
}

bool recovered(const TraceDocument& document, std::optional<std::uint32_t>) {
    return document.analysis.fault && document.analysis.fault->recovered > 0;
}

bool stoppedByWatchdog(const TraceDocument& document, std::optional<std::uint32_t>) {
    return document.analysis.fault && document.analysis.fault->stoppedByWatchdog;
}

/// The worker went into a channel call that had to wait (the wait need not be over).
bool blocked(const TraceDocument& document, std::optional<std::uint32_t> worker) {
    return hasEventOf(document.trace, EventKind::BlockedBegin, worker);
}

bool wouldBlock(const TraceDocument& document, std::optional<std::uint32_t> worker) {
    return hasEventOf(document.trace, EventKind::WouldBlock, worker);
}

/// Every message sent arrived once, whole and in order (and there were some).
bool allDelivered(const TraceDocument& document, std::optional<std::uint32_t>) {
    const MessageStats& m = document.analysis.messages;
    return m.sent > 0 && m.received == m.sent && m.lost == 0 && m.torn == 0 && m.duplicated == 0 && m.outOfOrder == 0;
}

constexpr std::array<ExtraFact, 9> kExtraFacts = {{
    {"race", true, raced},
    {"counter-exact", false, counterExact},
    {"spun", true, spun},
    {"killed", true, killed},
    {"recovered", false, recovered},
    {"watchdog", false, stoppedByWatchdog},
    {"blocked", true, blocked},
    {"would-block", true, wouldBlock},
    {"all-delivered", false, allDelivered},
}};

constexpr std::size_t kFactCount = kFindingKindCount + kExtraFacts.size();

std::string_view factName(std::size_t fact) {
    if (fact < kFindingKindCount) return kFindingKinds[fact].name;
    return kExtraFacts[fact - kFindingKindCount].name;
}

bool factTakesWorker(std::size_t fact) {
    return fact < kFindingKindCount || kExtraFacts[fact - kFindingKindCount].takesWorker;
}

std::string knownFacts() {
    std::string known;
    for (std::size_t fact = 0; fact < kFactCount; ++fact)
        known += (known.empty() ? "" : ", ") + std::string(factName(fact));
    return known;
}

bool findingOf(const TraceDocument& document, FindingKind kind, std::optional<std::uint32_t> worker) {
    if (!worker) return document.analysis.count(kind) > 0;
    return std::ranges::any_of(document.analysis.findings, [&](const Finding& finding) {
        return finding.kind == kind && std::ranges::find(finding.workers, *worker) != finding.workers.end();
    });
}

/// "B" -> 1; nothing for anything but one capital letter.
std::optional<std::uint32_t> workerLetter(std::string_view word) {
    if (word.size() != 1 || word[0] < 'A' || word[0] > 'Z') return std::nullopt;
    return static_cast<std::uint32_t>(word[0] - 'A');
}

} // namespace

Result<LessonCondition> parseLessonCondition(std::string_view text) {
    LessonCondition condition;
    std::string_view rest = text;
    if (rest.starts_with("no ")) {
        condition.negated = true;
        rest.remove_prefix(3);
    }
    const auto space = rest.find(' ');
    const std::string_view name = rest.substr(0, space);
    std::size_t fact = 0;
    while (fact < kFactCount && factName(fact) != name)
        ++fact;
    if (fact == kFactCount)
        return fail("'" + std::string(text) + "' names no fact a run can show (known: " + knownFacts() +
                    "; write 'no FACT' for its absence, 'FACT B' for one worker's)");
    condition.fact = static_cast<std::uint16_t>(fact);
    if (space == std::string_view::npos) return condition;
    if (!factTakesWorker(condition.fact))
        return fail("'" + std::string(name) + "' is about the whole run and takes no worker, in '" + std::string(text) +
                    "'");
    condition.worker = workerLetter(rest.substr(space + 1));
    if (!condition.worker)
        return fail("'" + std::string(rest.substr(space + 1)) + "' in '" + std::string(text) +
                    "' is not a worker: write one letter, A to Z");
    return condition;
}

bool lessonConditionHolds(const LessonCondition& condition, const TraceDocument& document) {
    bool holds = false;
    if (condition.fact < kFindingKindCount)
        holds = findingOf(document, kFindingKinds[condition.fact].kind, condition.worker);
    else
        holds = kExtraFacts[condition.fact - kFindingKindCount].test(document, condition.worker);
    return holds != condition.negated;
}

std::optional<FindingKind> lessonFindingKind(const LessonCondition& condition) {
    if (condition.fact >= kFindingKindCount) return std::nullopt;
    return kFindingKinds[condition.fact].kind;
}

std::string lessonConditionText(const LessonCondition& condition) {
    std::string text = condition.negated ? "no " : "";
    text += factName(condition.fact);
    if (condition.worker) text += " " + workerName(*condition.worker);
    return text;
}

} // namespace racetrace
