// The scenario's invariants checked against the final memory: the number a
// student can verify by hand ("counter = 19,874 but 20,000 were expected").
#include "analysis/findings.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"

namespace racetrace {

namespace {

/// The variable's final value: from the memory the parent read after the run,
/// or, for a trace without it, the last value the events wrote there.
std::int64_t actualValue(const Trace& trace, std::uint16_t variable) {
    const auto& variables = trace.scenario.variables;
    if (variable >= variables.size()) return 0;
    if (variables[variable].firstWord < trace.finalWords.size()) return trace.finalValue(variable);
    std::int64_t value = variables[variable].initial;
    for (const Event& e : trace.events)
        if (e.variable == variable && changesMemory(e) && (e.kind != EventKind::RecordWordWrite || e.aux == 0))
            value = writtenValue(e);
    return value;
}

std::string invariantSentence(const Trace& trace, const InvariantResult& result) {
    const std::uint16_t variable = result.invariant.variable;
    const std::int64_t expected = result.invariant.expected;
    std::string sentence = variableName(trace, variable) + " = " + groupedNumber(result.actual);
    if (result.holds) return sentence + " as expected.";
    sentence += " but " + groupedNumber(expected) + (expected == 1 ? " was" : " were") + " expected";
    if (!variableIs(trace, variable, VariableRole::Counter)) return sentence + ".";
    if (result.actual < expected) {
        const auto missing = static_cast<std::uint64_t>(wrappingDifference(expected, result.actual));
        return sentence + ": " + countOf(missing, "update was", "updates were") + " lost.";
    }
    return sentence + ": " + groupedNumber(wrappingDifference(result.actual, expected)) + " too many.";
}

} // namespace

std::vector<InvariantResult> checkInvariants(const Trace& trace) {
    std::vector<InvariantResult> results;
    results.reserve(trace.scenario.invariants.size());
    for (const InvariantInfo& invariant : trace.scenario.invariants) {
        InvariantResult result;
        result.invariant = invariant;
        result.actual = actualValue(trace, invariant.variable);
        result.holds = result.actual == invariant.expected;
        result.sentence = invariantSentence(trace, result);
        results.push_back(std::move(result));
    }
    return results;
}

} // namespace racetrace
