// Small read-only questions the finders ask of a Trace: what a variable is called
// and what it is for, what value an event left in memory, what a guard value
// means. Everything here bounds-checks, because a trace file is untrusted.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace racetrace {

/// Event::worker is one byte, so per-worker tables of this size never need a
/// bounds check, whatever a bad trace claims.
inline constexpr std::size_t kMaxWorkers = 256;

/// Marks "no such event" where an index into Trace::events is expected.
inline constexpr std::uint64_t kNoEvent = ~std::uint64_t{0};

/// The variable's name, or "variable #n" when the index is out of range.
std::string variableName(const Trace& trace, std::uint16_t variable);

/// The variable's kind, or nothing for kNoVariable and out-of-range indices.
std::optional<VariableKind> variableKindOf(const Trace& trace, std::uint16_t variable);

/// True when `variable` exists and has kind `kind`.
bool variableIs(const Trace& trace, std::uint16_t variable, VariableKind kind);

/// True for a Flag or Lock variable: the words that decide entry to the critical section.
bool isGuardVariable(const Trace& trace, std::uint16_t variable);

/// True when the event changes its variable: a plain store, an exchange, a
/// successful compare-exchange, a fetch-add or a record word write.
bool changesMemory(const Event& event);

/// The value an event that changes memory leaves there (see changesMemory).
std::int64_t writtenValue(const Event& event);

/// a - b, wrapping instead of overflowing on values a worker scribbled.
std::int64_t wrappingDifference(std::int64_t a, std::int64_t b);

/// True when the event tells what a variable held: any read, and a Spin (which
/// repeats the read before it with the same result).
bool observesValue(const Event& event);

/// "free", "in use" or "held": what a guard variable's value means to the program.
std::string guardMeaning(VariableKind kind, std::int64_t value);

} // namespace racetrace
