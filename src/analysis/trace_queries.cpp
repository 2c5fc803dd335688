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

bool changesMemory(const Event& event) {
    switch (event.kind) {
    case EventKind::Store:
    case EventKind::Exchange:
    case EventKind::FetchAdd:
    case EventKind::RecordWordWrite: return true;
    case EventKind::CompareExchange: return event.aux == 1;
    default: return false;
    }
}

std::int64_t writtenValue(const Event& event) {
    switch (event.kind) {
    case EventKind::Exchange: return static_cast<std::int32_t>(event.aux);
    case EventKind::FetchAdd:
        // Wrap like the hardware would rather than overflow (UB) on a scribbled value.
        return wrappingDifference(event.value, -static_cast<std::int64_t>(static_cast<std::int32_t>(event.aux)));
    default: return event.value;
    }
}

std::int64_t wrappingDifference(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

bool observesValue(const Event& event) {
    return isRead(event.kind) || event.kind == EventKind::Spin;
}

std::string guardMeaning(VariableKind kind, std::int64_t value) {
    if (kind == VariableKind::Flag) return value != 0 ? "free" : "in use";
    return value == 0 ? "free" : "held";
}

} // namespace racetrace
