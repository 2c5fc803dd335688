// Small read-only questions the finders ask of a Trace: what a variable is called
// and what it is for, what a value means. Everything here bounds-checks,
// because a trace file is untrusted.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace racetrace {

/// The variable's name, or "variable #n" when the index is out of range.
std::string variableName(const Trace& trace, std::uint16_t variable);

/// The variable, or nullptr for kNoVariable and out-of-range indices.
const VariableInfo* variableOf(const Trace& trace, std::uint16_t variable);

/// The variable's role, or nothing for kNoVariable and out-of-range indices.
std::optional<VariableRole> variableRoleOf(const Trace& trace, std::uint16_t variable);

/// True when `variable` exists and has role `role`.
bool variableIs(const Trace& trace, std::uint16_t variable, VariableRole role);

/// True for a guard (a flag or a lock): the words that decide entry to the critical section.
bool isGuardVariable(const Trace& trace, std::uint16_t variable);

/// True when `value` is the one that lets a worker past the guard `variable`.
bool isFreeValue(const Trace& trace, std::uint16_t variable, std::int64_t value);

/// True when the event tells what a variable held: any read, and a Spin (which
/// repeats the read before it with the same result).
constexpr bool observesValue(const Event& event) {
    return isRead(event.kind);
}

} // namespace racetrace
