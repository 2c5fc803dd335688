#include "analysis/trace_queries.hpp"

namespace racetrace {

std::string variableName(const Trace& trace, std::uint16_t variable) {
    if (variable < trace.scenario.variables.size() && !trace.scenario.variables[variable].name.empty())
        return trace.scenario.variables[variable].name;
    return "variable #" + std::to_string(variable);
}

std::optional<VariableKind> variableKindOf(const Trace& trace, std::uint16_t variable) {
    if (variable >= trace.scenario.variables.size()) return std::nullopt;
    return trace.scenario.variables[variable].kind;
}

bool variableIs(const Trace& trace, std::uint16_t variable, VariableKind kind) {
    const auto actual = variableKindOf(trace, variable);
    return actual && *actual == kind;
}

bool isGuardVariable(const Trace& trace, std::uint16_t variable) {
    const auto kind = variableKindOf(trace, variable);
    return kind && (*kind == VariableKind::Flag || *kind == VariableKind::Lock);
}

bool observesValue(const Event& event) {
    return isRead(event.kind) || event.kind == EventKind::Spin;
}

std::string guardMeaning(VariableKind kind, std::int64_t value) {
    if (kind == VariableKind::Flag) return value != 0 ? "free" : "in use";
    return value == 0 ? "free" : "held";
}

} // namespace racetrace
