// Broken handoffs through a mailbox (lecture notes, 3.1): one worker puts
// numbered messages into a shared record word by word, another gets them out
// word by word, and nothing tells either when the other is done. Each get is
// judged by the values it read, which are the ground truth:
//
//   blank  every word still holds the initial value: read before anything was put
//   torn   the words hold different messages: read while a put was half-way
//   twice  the same whole message as this reader's previous get
//   lost   a message put whole and overwritten by the next put before any get
//          read it whole
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

namespace racetrace {

namespace {

/// One worker's get (or put) pass over a mailbox, being collected.
struct Pass {
    std::vector<std::uint64_t> events;
    std::vector<std::int64_t> values;
};

struct MailboxState {
    std::map<std::uint32_t, Pass> gets;             ///< per reader, the get under way
    std::map<std::uint32_t, Pass> puts;             ///< per writer, the put under way
    std::map<std::uint32_t, std::int64_t> lastRead; ///< per reader, its previous whole message
    std::set<std::int64_t> readWhole;               ///< messages some get read whole
    /// Puts completed, in order: the message and its events.
    std::vector<Pass> completed;
};

Finding handoffFinding(FindingKind kind, const Trace& trace, std::uint16_t variable,
                       const std::vector<std::uint64_t>& events, std::string sentence) {
    Finding finding;
    finding.kind = kind;
    finding.variable = variable;
    finding.events = events;
    finding.beginNs = trace.events[events.front()].timestamp;
    finding.endNs = trace.events[events.back()].timestamp;
    for (std::uint64_t index : events)
        finding.workers.push_back(trace.events[index].worker);
    std::sort(finding.workers.begin(), finding.workers.end());
    finding.workers.erase(std::unique(finding.workers.begin(), finding.workers.end()), finding.workers.end());
    finding.sentence = std::move(sentence);
    return finding;
}

/// "words 0-1 held message 3, words 2-3 message 2".
std::string wordRuns(const std::vector<std::int64_t>& values) {
    std::string text;
    for (std::size_t k = 0; k < values.size();) {
        std::size_t end = k;
        while (end < values.size() && values[end] == values[k])
            ++end;
        const std::string words =
            end - k == 1 ? "word " + std::to_string(k) : "words " + std::to_string(k) + "-" + std::to_string(end - 1);
        text += (k == 0 ? "" : ", ") + words + (k == 0 ? " held message " : " message ") + std::to_string(values[k]);
        k = end;
    }
    return text;
}

/// Judges one finished get of `reader`.
void judgeGet(const Trace& trace, std::uint16_t variable, std::uint32_t reader, const Pass& get, MailboxState& state,
              std::vector<Finding>& out) {
    const VariableInfo& info = trace.scenario.variables[variable];
    const std::string who = workerName(reader);
    const bool uniform = std::all_of(get.values.begin(), get.values.end(),
                                     [&](std::int64_t value) { return value == get.values.front(); });
    if (!uniform) {
        out.push_back(
            handoffFinding(FindingKind::TornHandoff, trace, variable, get.events,
                           who + " read a half-written message from " + info.name + ": " + wordRuns(get.values) + "."));
        return;
    }
    const std::int64_t message = get.values.front();
    if (message == info.initial) {
        out.push_back(handoffFinding(FindingKind::BlankRead, trace, variable, get.events,
                                     who + " read " + info.name + " before anything was put into it: it was blank."));
        return;
    }
    auto [previous, first] = state.lastRead.emplace(reader, message);
    if (!first && previous->second == message)
        out.push_back(handoffFinding(FindingKind::RepeatedRead, trace, variable, get.events,
                                     who + " read message " + std::to_string(message) + " from " + info.name +
                                         " twice: nothing new had been put in between."));
    previous->second = message;
    state.readWhole.insert(message);
}

/// Adds one word of a pass; returns true when the pass covers every word.
bool extend(Pass& pass, std::uint64_t index, const Event& e, std::uint32_t words) {
    if (e.aux == 0) pass = {};
    if (e.aux != pass.values.size()) return false; // a pass seen in part (dropped events): ignored
    pass.events.push_back(index);
    pass.values.push_back(e.value);
    return pass.values.size() == words;
}

/// Messages put whole and overwritten before any get read them whole.
void findLost(const Trace& trace, std::uint16_t variable, const MailboxState& state, std::vector<Finding>& out) {
    const std::string& name = trace.scenario.variables[variable].name;
    for (std::size_t k = 0; k + 1 < state.completed.size(); ++k) {
        const std::int64_t message = state.completed[k].values.front();
        if (state.readWhole.count(message) != 0) continue;
        const std::uint64_t overwrite = state.completed[k + 1].events.front();
        const std::string writer = workerName(trace.events[overwrite].worker);
        out.push_back(handoffFinding(FindingKind::LostHandoff, trace, variable,
                                     {state.completed[k].events.back(), overwrite},
                                     writer + " overwrote message " + std::to_string(message) + " in " + name +
                                         " before anyone read it: message " + std::to_string(message) + " was lost."));
    }
}

/// Every broken handoff of every kind, in trace order (the four rows of the
/// registry each keep their own kind: one linear pass each).
void findHandoffs(const Trace& trace, std::vector<Finding>& out) {
    std::map<std::uint16_t, MailboxState> mailboxes;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        const bool put = e.kind == EventKind::RecordWordWrite, get = e.kind == EventKind::RecordCheck;
        if ((!put && !get) || !variableIs(trace, e.variable, VariableRole::Mailbox)) continue;
        MailboxState& state = mailboxes[e.variable];
        const std::uint32_t words = trace.scenario.variables[e.variable].words;
        Pass& pass = put ? state.puts[e.worker] : state.gets[e.worker];
        if (!extend(pass, i, e, words)) continue;
        if (put && std::all_of(pass.values.begin(), pass.values.end(),
                               [&](std::int64_t v) { return v == pass.values.front(); }))
            state.completed.push_back(pass);
        if (get) judgeGet(trace, e.variable, e.worker, pass, state, out);
        pass = {};
    }
    for (const auto& [variable, state] : mailboxes)
        findLost(trace, variable, state, out);
}

} // namespace

void findHandoffsOf(FindingKind kind, const AnalysisInput& input, std::vector<Finding>& out) {
    std::vector<Finding> all;
    findHandoffs(input.trace, all);
    std::copy_if(std::make_move_iterator(all.begin()), std::make_move_iterator(all.end()), std::back_inserter(out),
                 [kind](const Finding& finding) { return finding.kind == kind; });
}

std::string handoffClause(const Trace& trace) {
    const bool mailbox = std::any_of(trace.scenario.variables.begin(), trace.scenario.variables.end(),
                                     [](const VariableInfo& v) { return v.role == VariableRole::Mailbox; });
    if (!mailbox) return {};
    std::vector<std::uint64_t> spins(trace.workers.size(), 0);
    for (const Event& e : trace.events)
        if (e.kind == EventKind::Spin && e.worker < spins.size()) spins[e.worker] += e.aux;
    std::string clause = "every message was read once and whole";
    std::string spun;
    for (std::size_t k = 0; k < spins.size(); ++k)
        if (spins[k] > 0)
            spun += (spun.empty() ? "" : ", ") + workerName(static_cast<std::uint32_t>(k)) + " " +
                    countOf(spins[k], "time", "times");
    return spun.empty() ? clause : clause + ", but the waiting spun (" + spun + ")";
}

} // namespace racetrace
