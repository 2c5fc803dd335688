// Helpers around lost-update findings that views and analyse() share.
#pragma once

#include "analysis/findings.hpp"

#include <cstdint>

namespace racetrace {

/// How many updates a lost-update finding's store erased, from values: what
/// memory held before the store minus what its worker had read. One store can
/// erase many (its worker was preempted between load and store), and a store
/// over a stale write can give some back (negative). Summed over all findings
/// of a complete trace this is exactly the counter's shortfall, as long as the
/// reads' sources agree (see lost_update_finder.cpp). 0 for other kinds.
std::int64_t updatesErased(const Trace& trace, const Finding& finding);

} // namespace racetrace
