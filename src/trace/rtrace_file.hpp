// The .rtrace file, version 1: a saved Trace that can be reopened, checked and
// replayed anywhere. Layout (all integers little-endian):
//
//   +--------------------------------------------+  offset 0
//   | FileHeader (64 bytes): magic "RTRACE\r\n",  |
//   |   version, sizes of the two parts below     |
//   +--------------------------------------------+  64
//   | metadata: UTF-8 JSON (scenario incl. source,|
//   |   options, machine, clock, workers, final   |
//   |   memory, stop reason)                      |
//   +--------------------------------------------+  64 + metaBytes
//   | events: eventCount x 32-byte Event records  |
//   +--------------------------------------------+
//   | XXH64 of every byte before it (8 bytes)     |
//   +--------------------------------------------+  == file size, exactly
//
// A reader trusts nothing: sizes are checked against the real file size before
// anything is allocated, the checksum before anything is parsed, and every
// event field against the metadata before the Trace is returned.
#pragma once

#include "ipc/result.hpp"
#include "trace/trace.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace racetrace {

inline constexpr std::uint32_t kRtraceVersion = 1;

/// Serialises `trace` to the bytes of a .rtrace file.
std::vector<std::uint8_t> encodeRtrace(const Trace& trace);
/// Parses and validates a whole .rtrace file held in memory.
Result<Trace> decodeRtrace(const std::uint8_t* data, std::size_t size);

/// Writes atomically (temporary file, then rename) so a crash never leaves half a file.
Result<void> saveRtrace(const Trace& trace, const std::string& path);
/// How far a load has got, and a way to stop it: shared between the thread
/// that reads and the one that shows the progress.
struct LoadControl {
    std::atomic<std::uint64_t> bytesRead{0};
    std::atomic<std::uint64_t> bytesTotal{0}; ///< 0 until the header has been checked
    std::atomic<bool> cancel{false};          ///< seen between chunks of the file
};

/// Reads, validates and decodes; the error says in one sentence what is wrong.
/// With `control`, reports the bytes read and stops early when asked to.
Result<Trace> loadRtrace(const std::string& path, LoadControl* control = nullptr);

} // namespace racetrace
