// The final state of each record: what every word holds and who wrote it last.
// Values come from the memory the parent read after the run when the trace has
// it (events may have been dropped); the writers can only come from the events.
#include "analysis/findings.hpp"
#include "analysis/trace_queries.hpp"

#include <algorithm>

namespace racetrace {

namespace {

/// A damaged trace may claim a record of billions of words; no real scenario
/// comes near this, and it bounds what we allocate.
constexpr std::uint32_t kMaxRecordWords = 1u << 16;

} // namespace

std::vector<RecordState> recordStates(const Trace& trace) {
    const auto& variables = trace.scenario.variables;
    std::vector<std::int32_t> slotOf(variables.size(), -1);
    std::vector<RecordState> states;
    for (std::size_t v = 0; v < variables.size(); ++v) {
        if (!variableRoleInfo(variables[v].role).signedWords) continue;
        const std::uint32_t words = std::min(variables[v].words, kMaxRecordWords);
        slotOf[v] = static_cast<std::int32_t>(states.size());
        states.push_back({static_cast<std::uint16_t>(v), std::vector<std::int64_t>(words, variables[v].initial),
                          std::vector<std::int32_t>(words, -1), false});
    }
    if (states.empty()) return states;

    for (const Event& e : trace.events) {
        if (e.kind != EventKind::RecordWordWrite || e.variable >= slotOf.size() || slotOf[e.variable] < 0) continue;
        RecordState& state = states[static_cast<std::size_t>(slotOf[e.variable])];
        if (e.aux >= state.words.size()) continue;
        state.words[e.aux] = e.value;
        state.lastWriter[e.aux] = e.worker;
    }
    for (RecordState& state : states) {
        const std::uint64_t first = variables[state.variable].firstWord;
        for (std::size_t k = 0; k < state.words.size(); ++k)
            if (first + k < trace.finalWords.size()) state.words[k] = trace.finalWords[first + k];
        // Words nobody wrote do not make a record torn; two different last writers do.
        std::int32_t seen = -1;
        for (auto writer : state.lastWriter) {
            if (writer < 0) continue;
            if (seen >= 0 && writer != seen) state.torn = true;
            seen = writer;
        }
    }
    return states;
}

} // namespace racetrace
