// How much a run will record, and whether the machine can hold it. The parent
// keeps every event twice for a while (the workers' rings, then the trace) and
// builds more per event after the run (the order repair, the analysis, the
// window's views), so a run far beyond the machine's memory would end in the
// kernel's out-of-memory killer, with nothing saved and no sentence. Such a run
// is refused before it starts, saying what it would need.
#pragma once

#include "ipc/result.hpp"
#include "lab/run_options.hpp"
#include "lab/scenario.hpp"

#include <cstdint>

namespace racetrace {

/// Memory the machine can give now without swapping (MemAvailable), in bytes.
std::uint64_t availableMemoryBytes();

/// The events one run may record unless told otherwise (RunOptions::maxEvents):
/// as many as the available memory, and the address space a limit (ulimit -v)
/// leaves, can process at `bytesPerEvent`; at least 100,000.
std::uint64_t defaultMaxEvents(std::uint64_t bytesPerEvent);

/// Events a free run of `settings` records: one per recording instruction per
/// pass (a spin is one event however long it lasts), for every worker.
std::uint64_t expectedEvents(const Scenario& scenario, const RunSettings& settings);

/// Refuses, in one sentence, a traced free run whose expected events need more
/// than the available memory at options.bytesPerEvent.
Result<void> fitsInMemory(const Scenario& scenario, const RunSettings& settings, const RunOptions& options);

/// Events per worker ring: the whole run where memory allows (on two cores the
/// parent cannot drain as fast as two workers fill), never more than the
/// memory left for the parent's work after the run can take.
std::uint64_t chooseRingCapacity(const Scenario& scenario, const RunSettings& settings, const RunOptions& options);

} // namespace racetrace
