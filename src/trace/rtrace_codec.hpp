// The events of a version 2 .rtrace file (trace/rtrace_file.hpp): blocks of
// consecutive events, each stored as columns and compressed as one zstd frame.
//
// A block unpacks to (all integers little-endian):
//
//   +-------------------------------------------------------------+
//   | first timestamp of the block (8 bytes)                      |
//   | width in bytes of each of the 7 coded columns (7 bytes)     |
//   +-------------------------------------------------------------+
//   | coded columns, in this order, each `width` planes of n      |
//   | bytes (plane b holds byte b of every value, low byte first):|
//   |   timestamp  zigzag(t - previous event's t)                 |
//   |   value      zigzag(v - previous value of the same variable)|
//   |   seq        zigzag(seq - (same worker's previous seq + 1)) |
//   |   aux        zigzag(aux as int32)                           |
//   |   line       as it is                                       |
//   |   variable   variable + 1 (kNoVariable becomes 0)           |
//   |   cpu        zigzag(cpu - same worker's previous cpu)       |
//   +-------------------------------------------------------------+
//   | kind: n bytes | worker: n bytes                             |
//   +-------------------------------------------------------------+
//
// Why this shape: a trace interleaves workers in time order, so neighbouring
// events are a few hundred ns apart, a worker's seq goes up by one, and a
// variable's value changes little; the coded values are therefore small and a
// column's width is the bytes its largest value needs (0 when all are zero).
// Splitting values into byte planes puts the mostly-zero high bytes together,
// where zstd stores them for almost nothing. Every transform wraps, so any 32
// bytes round-trip exactly, valid events or not. Blocks depend on nothing
// outside themselves (every "previous" starts afresh), so a damaged block
// loses only its own events and blocks could be decoded in parallel.
#pragma once

#include "ipc/result.hpp"
#include "trace/event.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace racetrace {

/// Events per block as the writer makes them: 2 MiB of events, so a block's
/// buffers stay in the cache and a damaged block costs at most 65,536 events.
inline constexpr std::uint32_t kBlockEvents = 65536;
/// The largest block a reader accepts (a header says the block size): bounds
/// the memory one block can make a reader allocate to 32 MiB.
inline constexpr std::uint32_t kMaxBlockEvents = 1u << 20;

/// The most events a block of `compressedBytes` can hold, whatever it claims.
/// A block of n events unpacks to at least 2n bytes (the kind and worker
/// columns), and zstd cannot unpack more than 128 KiB per 3 bytes of frame:
/// every zstd block has a 3-byte header and yields at most 128 KiB (RFC 8878,
/// Block_Maximum_Size). So n <= compressedBytes * 131072 / 3 / 2.
constexpr std::uint64_t kMaxEventsPerCompressedByte = 131072 / 3 / 2 + 1;

/// One entry of a version 2 file's block list.
struct BlockEntry {
    std::uint64_t bytes;    ///< the size of the block's zstd frame
    std::uint64_t checksum; ///< XXH64 of those bytes
};
static_assert(sizeof(BlockEntry) == 16, "the block list is part of the file format");

/// Packs `events` into blocks of kBlockEvents: their frames are appended to
/// `blocks` and an entry for each to `list`.
void encodeBlocks(std::span<const Event> events, std::vector<BlockEntry>& list, std::vector<std::uint8_t>& blocks);

/// The events part of a version 2 file, where its checked header puts it.
struct BlockedEvents {
    std::uint64_t eventCount = 0;
    std::uint32_t blockEvents = 0;      ///< 1 to kMaxBlockEvents
    std::span<const std::uint8_t> list; ///< the block list: an entry per block
    std::uint64_t blocksOffset = 0;     ///< where the blocks begin in the file
    std::span<const std::uint8_t> rest; ///< the file from there to its end
};

/// Checks the block list against the size of the file, then every block's
/// size, checksum and frame header, all before allocating for the events;
/// then unpacks the blocks into `events`, stopping early if `cancel` turns
/// true. A problem is one sentence about `name`: "t.rtrace is damaged: block 3
/// of 92 (events 196,608 to 262,143) fails its checksum."
Result<void> decodeBlocks(const BlockedEvents& file, const std::string& name, const std::atomic<bool>* cancel,
                          std::vector<Event>& events);

/// Packs blocks of events; keeps its zstd context and buffers between blocks.
class BlockEncoder {
  public:
    BlockEncoder();
    ~BlockEncoder();
    BlockEncoder(const BlockEncoder&) = delete;
    BlockEncoder& operator=(const BlockEncoder&) = delete;

    /// Appends the zstd frame of `events` (at most kMaxBlockEvents) to `out`.
    void append(std::span<const Event> events, std::vector<std::uint8_t>& out);

  private:
    struct Zstd;
    std::unique_ptr<Zstd> m_zstd;
    std::vector<std::uint64_t> m_values; ///< one column's coded values
    std::vector<std::uint8_t> m_columns; ///< what the frame compresses
    std::vector<std::uint8_t> m_frame;   ///< the frame, before it is appended
};

/// Unpacks blocks; keeps its zstd context and buffer between blocks.
class BlockDecoder {
  public:
    BlockDecoder();
    ~BlockDecoder();
    BlockDecoder(const BlockDecoder&) = delete;
    BlockDecoder& operator=(const BlockDecoder&) = delete;

    /// Checks the frame header of a block meant to hold `eventCount` events
    /// without unpacking it: the problem as a clause ("claims to unpack to ..."),
    /// or nothing. Cheap, so a reader can check every block before allocating.
    static std::optional<std::string> checkFrame(std::span<const std::uint8_t> frame, std::size_t eventCount);

    /// Unpacks `frame`, a block of `count` events, and appends them to `out`;
    /// or says in a clause why it cannot, having appended nothing. Never reads
    /// outside `frame`, and allocates no more than `count` events allow.
    std::optional<std::string> append(std::span<const std::uint8_t> frame, std::size_t count, std::vector<Event>& out);
    /// The same into `out`, which holds exactly the block's events (a problem leaves it half written).
    std::optional<std::string> unpack(std::span<const std::uint8_t> frame, std::span<Event> out);

  private:
    struct Zstd;
    std::unique_ptr<Zstd> m_zstd;
    std::vector<std::uint8_t> m_columns; ///< the unpacked frame
};

} // namespace racetrace
