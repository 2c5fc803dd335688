// The JSON part of a .rtrace file: everything a Trace holds except its events.
// Kept apart from rtrace_file.cpp so the binary layout and the metadata schema
// can each be read (and changed) on their own.
//
// Shape (camelCase keys; unknown keys are ignored so later v1 writers may add some):
//
//   { "scenario": { "name", "title", "description", "source",
//                   "variables":  [ { "name", "kind", "words", "initial", "firstWord" } ],
//                   "programs":   [ { "role", "lines": [ { "text" } ] } ],
//                   "invariants": [ { "text", "variable", "expected" } ] },
//     "options":  { "scenario", "workers", "iterations", "windowNs", "windowSet", "pin",
//                   "seed", "traceEnabled", "watchdogSeconds" },
//     "machine":  { "cpuModel", "cores", "kernel" },
//     "clock":    { "kind", "ticksPerNs" },
//     "workers":  [ { "index", "pid", "role", "dropped", "iterationsDone",
//                     "exit": { "how", "code", "signal" }, "cpus": [ ... ] } ],
//     "finalWords": [ ... ], "stopReason", "durationNs",
//     "memoryOrders": {                           (optional: Trace::keptOrders)
//         "readsUnlikeTraceOrder": [ [ read, write ] ],    write -1: the initial value, -2: none
//         "locations": [ { "variable", "word", "conflicts",
//                          "writesUnlikeTraceOrder": [ [ position, write ] ] } ],
//         "searched": [ [ variable, word ] ] },
//     "orderRepair": { "moved", "restamped", "maxShiftNs", "conflicts",      (optional: Trace::orderRepair)
//                      "conflictEvents": [ [ worker, seq ] ] } }
#pragma once

#include "ipc/result.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace racetrace {

/// The most metadata a reader accepts (64 MiB): a header claiming more is
/// refused before anything is read, so metadata can never cost more than this
/// (and what its JSON takes once parsed, unknown keys not kept).
inline constexpr std::uint64_t kMaxRtraceMetadataBytes = std::uint64_t{64} << 20;

/// The metadata JSON of `trace` (its events are left out). Never throws: text
/// that is not valid UTF-8 is replaced rather than refused. Metadata that would
/// pass kMaxRtraceMetadataBytes is written without "memoryOrders" (a reader
/// then searches the orders again); only what is left can still be too large,
/// which saveRtrace refuses.
std::string encodeRtraceMetadata(const Trace& trace);

/// Fills every field of `trace` except `events` from `json` and checks that the
/// metadata agrees with itself (variable indices, word ranges, worker indices).
/// The error is a clause without a file name or full stop, e.g.
/// `field "scenario.variables[2].words" should be a whole number but is a string`;
/// the caller puts it into a sentence that names the file.
Result<void> decodeRtraceMetadata(std::string_view json, Trace& trace);

} // namespace racetrace
