// Events in words, from the event-kind table's sentence patterns
// (trace/event_kinds.hpp) and the scenario's names and value meanings: what a
// tooltip, step mode's buttons and replay's sentences say about an access.
//
//   pattern "exchange on {var}: read {value}, wrote {aux}"
//   event   Exchange, variable L, value 0, aux 1
//   text    "exchange on L: read 0 (free), wrote 1"
//
// Placeholders: {var} the variable (with [word] for a word of a variable of
// several), {value} the value with its words, {number} the bare value, {aux}
// the second value, {success:A|B} A when aux says it succeeded (or, for a
// channel, that the call was a send), else B, {message} the message a tag
// names ("A's message 3"). For a kind on a channel, {var} is the channel.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace racetrace {

/// 19874 -> "19,874"; -1234 -> "-1,234" (every number a sentence gives people).
std::string groupedNumber(std::int64_t value);

/// The variable's name, or "variable #n" when the index is out of range.
std::string variableName(const ScenarioInfo& scenario, std::uint16_t variable);

/// The channel's name ("P"), or "channel #n" when the index is out of range.
std::string channelName(const ScenarioInfo& scenario, std::uint16_t channel);

/// "Y", or "X[2]" for a word of a variable that has several.
std::string locationName(const ScenarioInfo& scenario, std::uint16_t variable, std::uint32_t word);

/// "1 (free)" where the scenario gives the value words, else "1".
std::string valueWithMeaning(const ScenarioInfo& scenario, std::uint16_t variable, std::int64_t value);

/// Fills a sentence pattern (see above) for one access.
std::string fillPattern(std::string_view pattern, const ScenarioInfo& scenario, std::uint16_t variable,
                        std::uint32_t word, std::int64_t value, std::uint32_t aux, bool onChannel = false);

/// The access about to be made: "read Y", "write X[2] = 1", "enter the critical section".
std::string describeNextAccess(const ScenarioInfo& scenario, EventKind kind, std::uint16_t variable, std::uint32_t word,
                               std::int64_t value);

/// What a recorded event did: "read Y = 1 (free)", "exchange on L: read 0 (free), wrote 1".
std::string describeEvent(const ScenarioInfo& scenario, const Event& event);

} // namespace racetrace
