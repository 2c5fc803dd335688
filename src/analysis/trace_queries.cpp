#include "analysis/trace_queries.hpp"

#include "trace/event_text.hpp"

namespace racetrace {

std::string variableName(const Trace& trace, std::uint16_t variable) {
    return variableName(trace.scenario, variable);
}

const VariableInfo* variableOf(const Trace& trace, std::uint16_t variable) {
    return variable < trace.scenario.variables.size() ? &trace.scenario.variables[variable] : nullptr;
}

std::optional<VariableRole> variableRoleOf(const Trace& trace, std::uint16_t variable) {
    const VariableInfo* info = variableOf(trace, variable);
    return info ? std::optional(info->role) : std::nullopt;
}

bool variableIs(const Trace& trace, std::uint16_t variable, VariableRole role) {
    const auto actual = variableRoleOf(trace, variable);
    return actual && *actual == role;
}

bool isGuardVariable(const Trace& trace, std::uint16_t variable) {
    const auto role = variableRoleOf(trace, variable);
    return role && variableRoleInfo(*role).guard;
}

bool isFreeValue(const Trace& trace, std::uint16_t variable, std::int64_t value) {
    const VariableInfo* info = variableOf(trace, variable);
    return info && info->meanings.isFree(value);
}

} // namespace racetrace
