#include "session/prediction.hpp"

#include "analysis/plain_words.hpp"
#include "lab/builtin_scenarios.hpp"
#include "lab/scenario.hpp"
#include "session/document.hpp"

#include <algorithm>

namespace racetrace {

namespace {

Result<Scenario> scenarioOf(const RunOptions& options) {
    if (!options.scenarioSource.empty()) return parseScenario(options.scenarioSource, options.scenario);
    return loadScenario(options.scenario);
}

std::optional<Prediction> counterQuestion(const ScenarioInfo& info, const RunSettings& settings) {
    for (const InvariantInfo& invariant : info.invariants) {
        if (info.variables.at(invariant.variable).role != VariableRole::Counter) continue;
        const std::string name = info.variables[invariant.variable].name;
        const std::string expected = groupedNumber(invariant.expected);
        Prediction prediction;
        prediction.kind = PredictionKind::Counter;
        prediction.variable = invariant.variable;
        prediction.question = std::to_string(settings.workers) + " processes add 1 to " + name + " " +
                              groupedNumber(static_cast<std::int64_t>(settings.iterations)) +
                              " times each. What will " + name + " be at the end?";
        prediction.choices = {"exactly " + expected, "less than " + expected, "more than " + expected};
        return prediction;
    }
    return std::nullopt;
}

/// "counter = 600 as expected", and what decided it. A right counter does
/// not mean there was no race: with a narrow window two workers are often
/// inside at once without losing an update, and the bare sentence under
/// "Not this time" would teach that the flag works.
std::string exactCounterFact(const InvariantResult& result, const TraceDocument& document) {
    const std::uint64_t overlaps = document.analysis.count(FindingKind::Overlap);
    const Trace& trace = document.trace;
    if (overlaps == 0) {
        const bool entered = std::any_of(trace.events.begin(), trace.events.end(),
                                         [](const Event& e) { return e.kind == EventKind::CsEnter; });
        if (!entered || trace.droppedTotal() > 0) return result.sentence; // nothing to say about who was inside
        std::string sentence = result.sentence;                           // "counter = 600 as expected."
        if (sentence.ends_with('.')) sentence.pop_back();
        return sentence + ": no two were inside the critical section at once.";
    }
    return trace.scenario.variables.at(result.invariant.variable).name + " = " + groupedNumber(result.actual) +
           ", as expected, but " + (trace.settings.workers == 2 ? "both were" : "two were") +
           " inside the critical section together " +
           (overlaps == 1 ? std::string("once") : countOf(overlaps, "time", "times")) +
           ": the race was there, it just lost no update this time.";
}

} // namespace

std::optional<Prediction> predictionFor(const RunOptions& options) {
    const auto scenario = scenarioOf(options);
    if (!scenario) return std::nullopt;
    const RunSettings settings = resolveSettings(options, *scenario);
    const ScenarioInfo info = scenario->infoFor(settings.workers, settings.iterations);
    if (auto counter = counterQuestion(info, settings)) return counter;
    if (!scenario->uses(OpCode::CsEnter)) return std::nullopt;
    Prediction prediction;
    prediction.kind = PredictionKind::BothInside;
    prediction.question = "Will two processes ever be inside the critical section at the same time?";
    prediction.choices = {"yes, at least once", "no, never"};
    return prediction;
}

Reveal revealOf(const Prediction& prediction, const TraceDocument& document) {
    const Trace& trace = document.trace;
    Reveal reveal;
    if (prediction.kind == PredictionKind::Counter) {
        const auto& invariants = document.analysis.invariants;
        const auto result = std::find_if(invariants.begin(), invariants.end(), [&](const InvariantResult& r) {
            return r.invariant.variable == prediction.variable;
        });
        if (result == invariants.end()) return {-1, "The run did not check the counter."};
        reveal.fact = result->holds ? exactCounterFact(*result, document) : result->sentence;
        reveal.correct = result->actual == result->invariant.expected  ? 0
                         : result->actual < result->invariant.expected ? 1
                                                                       : 2;
        return reveal;
    }
    const std::uint64_t overlaps = document.analysis.count(FindingKind::Overlap);
    const bool lowerBound = trace.droppedTotal() > 0;
    reveal.correct = overlaps > 0 ? 0 : lowerBound ? -1 : 1;
    reveal.fact = overlaps > 0 ? "Two were inside at once " + countOf(overlaps, "time", "times") + "."
                  : lowerBound ? "No overlap was seen, but events were dropped: the run cannot say for sure."
                               : "Never: the critical section was never shared.";
    return reveal;
}

} // namespace racetrace
