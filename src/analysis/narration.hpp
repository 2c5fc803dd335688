// One event told as a sentence for the status line while a student steps
// through a trace: who did what, on which line of the code.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <string>

namespace racetrace {

/// "Event 476 of 150,048: B read Y = 1 (free), on line 1: while (Y == 0) { }".
/// Before the first event (kNoEvent): where stepping starts.
std::string narrateEvent(const Trace& trace, std::uint64_t index);

} // namespace racetrace
