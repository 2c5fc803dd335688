// The .rtrace file: a saved Trace that can be reopened, checked and replayed
// anywhere. Version 2 is written; version 1 files are still read, forever.
// All integers little-endian.
//
// Version 2: events compressed in blocks, each with its own checksum.
//
//   +--------------------------------------------+  offset 0
//   | FileHeader (64 bytes): magic "RTRACE\r\n",  |
//   |   version 2, metadata size, event count,   |
//   |   worker count, events per block (65,536)  |
//   +--------------------------------------------+  64
//   | metadata: UTF-8 JSON (scenario incl. source,|
//   |   options, machine, clock, workers, final   |
//   |   memory, stop reason)                      |
//   +--------------------------------------------+  64 + metaBytes
//   | block list: one 16-byte entry per block:    |
//   |   its size in bytes, XXH64 of its bytes     |
//   +--------------------------------------------+
//   | XXH64 of every byte before it (8 bytes)     |
//   +--------------------------------------------+  eventsOffset
//   | blocks, back to back: each one zstd frame   |
//   |   of up to 65,536 events stored as columns  |
//   |   (trace/rtrace_codec.hpp); the last block  |
//   |   holds what is left                        |
//   +--------------------------------------------+  == file size, exactly
//
// The number of blocks follows from the header (event count / events per
// block, rounded up), so the header alone says where the blocks begin, and a
// damaged block is named with the events it held.
//
// Version 1: the events as their 32-byte records, one checksum for all.
//
//   +--------------------------------------------+  offset 0
//   | FileHeader (64 bytes), version 1, events    |
//   |   per block 0                               |
//   +--------------------------------------------+  64
//   | metadata: UTF-8 JSON, as in version 2       |
//   +--------------------------------------------+  64 + metaBytes
//   | events: eventCount x 32-byte Event records  |
//   +--------------------------------------------+
//   | XXH64 of every byte before it (8 bytes)     |
//   +--------------------------------------------+  == file size, exactly
//
// A reader trusts nothing: sizes are checked against the real file size before
// anything is allocated (an event count against what the file could hold at
// zstd's largest possible ratio; metadata against kMaxRtraceMetadataBytes),
// checksums before anything is parsed (loadRtrace streams them through a small
// buffer before it reads the file whole), and
// every event field against the metadata before the Trace is returned.
#pragma once

#include "ipc/result.hpp"
#include "trace/rtrace_metadata.hpp"
#include "trace/trace.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace racetrace {

/// The version the writer writes; a reader reads this one and every earlier one.
inline constexpr std::uint32_t kRtraceVersion = 2;

/// Serialises `trace` to the bytes of a .rtrace file. Version 1 is written only
/// on request: tests and benchmarks need the files earlier racetraces wrote.
std::vector<std::uint8_t> encodeRtrace(const Trace& trace, std::uint32_t version = kRtraceVersion);
/// Parses and validates a whole .rtrace file held in memory.
Result<Trace> decodeRtrace(const std::uint8_t* data, std::size_t size);

/// Writes safely (ipc/output_file.hpp): a temporary file renamed over a regular
/// file or a new name only; a failure leaves the old file and says why.
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
