// Small read-only questions the finders ask of a Trace: what a variable is called
// and what it is for, what value an event left in memory, what a guard value
// means. Everything here bounds-checks, because a trace file is untrusted.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace racetrace {

/// The variable's name, or "variable #n" when the index is out of range.
std::string variableName(const Trace& trace, std::uint16_t variable);

/// The variable's kind, or nothing for kNoVariable and out-of-range indices.
std::optional<VariableKind> variableKindOf(const Trace& trace, std::uint16_t variable);

/// True when `variable` exists and has kind `kind`.
bool variableIs(const Trace& trace, std::uint16_t variable, VariableKind kind);

/// True for a Flag or Lock variable: the words that decide entry to the critical section.
bool isGuardVariable(const Trace& trace, std::uint16_t variable);

/// True when the event tells what a variable held: any read, and a Spin (which
/// repeats the read before it with the same result).
bool observesValue(const Event& event);

/// "free", "in use" or "held": what a guard variable's value means to the program.
std::string guardMeaning(VariableKind kind, std::int64_t value);

} // namespace racetrace
