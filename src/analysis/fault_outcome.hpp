// What killing a worker inside the critical section (--kill A@N) did to the
// others, in one sentence: the lesson of the fault. A spin lock has no owner,
// so the others spin until the watchdog; a semaphore's permit is gone for
// good; a naive flag stays "in use"; a robust mutex tells the next locker its
// owner died (EOWNERDEAD) and the run goes on.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

struct FaultOutcome {
    std::vector<std::uint32_t> killed; ///< killed on purpose (--kill)
    std::uint64_t recovered = 0;       ///< takes of a robust mutex whose owner had died (EOWNERDEAD)
    bool stoppedByWatchdog = false;    ///< the others could not go on: the watchdog ended the run
    std::string sentence;              ///< "A was killed while holding L; B spun on L ..."
};

/// The outcome of the run's --kill, or nothing when nobody was killed on purpose.
std::optional<FaultOutcome> faultOutcome(const Trace& trace);

} // namespace racetrace
