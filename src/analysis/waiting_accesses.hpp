// How long each worker waited to get in, counted in accesses: what the
// side-by-side view says about a lock ("A waited 26 accesses and B 39").
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace racetrace {

/// Per worker, the accesses that found the way barred and so were waiting: a
/// read of a guard that found it not free (a flag "in use", a lock "held"), a
/// compare-and-swap on a guard that failed, an access the entry code made
/// again before the worker got in (a ticket holder reading serving until its
/// number comes up), and each time a blocking lock put it to sleep. Spins
/// count once per repetition.
std::vector<std::uint64_t> waitingAccesses(const Trace& trace);

} // namespace racetrace
