#include "trace/rtrace_file.hpp"

#include "ipc/output_file.hpp"

#include "trace/event_text.hpp"
#include "trace/rtrace_codec.hpp"
#include "trace/rtrace_metadata.hpp"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace racetrace {

namespace {

// The format is little-endian and the header and events are copied as bytes;
// a big-endian port would have to swap every field here.
static_assert(std::endian::native == std::endian::little, "the .rtrace format is little-endian");

constexpr char kMagic[8] = {'R', 'T', 'R', 'A', 'C', 'E', '\r', '\n'}; // no NUL: all 8 bytes are signature
constexpr std::uint64_t kHeaderBytes = 64;
constexpr std::uint64_t kEventBytes = sizeof(Event);
constexpr std::uint64_t kChecksumBytes = 8;
constexpr std::uint64_t kBlockEntryBytes = sizeof(BlockEntry); ///< version 2: a block's size and checksum

/// The first 64 bytes of every .rtrace file. "\r\n" in the magic makes a text-mode
/// transfer that rewrites line endings break the signature instead of the data.
struct FileHeader {
    char magic[8];             ///< kMagic
    std::uint32_t version;     ///< 1 or 2; a reader refuses newer ones
    std::uint32_t headerBytes; ///< 64
    std::uint64_t metaBytes;   ///< length of the JSON metadata that follows the header
    std::uint64_t eventCount;  ///< number of events in the file
    std::uint32_t workerCount; ///< must equal the metadata's worker list; bounds Event::worker
    std::uint32_t eventBytes;  ///< 32: the size of an Event once decoded
    std::uint32_t blockEvents; ///< version 2: events per block, all but the last full; zero in version 1
    std::uint8_t reserved[20]; ///< zero
};
static_assert(sizeof(FileHeader) == kHeaderBytes, "the .rtrace header is 64 bytes");
static_assert(offsetof(FileHeader, version) == 8 && offsetof(FileHeader, metaBytes) == 16 &&
                  offsetof(FileHeader, eventCount) == 24 && offsetof(FileHeader, workerCount) == 32 &&
                  offsetof(FileHeader, eventBytes) == 36 && offsetof(FileHeader, blockEvents) == 40 &&
                  offsetof(FileHeader, reserved) == 44,
              "the .rtrace header layout is part of the file format");
static_assert(std::is_trivially_copyable_v<FileHeader>);
static_assert(kEventBytes == 32, "version 1 stores events as their 32-byte in-memory records");

/// What the header promises, once checked against the real size of the file.
struct Layout {
    std::uint32_t version = 0;
    std::uint64_t metaBytes = 0;
    std::uint64_t eventCount = 0;
    std::uint32_t workerCount = 0;
    std::uint32_t blockEvents = 0; ///< version 2
    std::uint64_t blockCount = 0;  ///< version 2
    /// Where the events begin: after the metadata (version 1), after the block
    /// list and its checksum (version 2).
    std::uint64_t eventsOffset = 0;
};

/// "1 byte", "4 bytes": counts in sentences people read.
std::string countText(std::uint64_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::string bytesText(std::uint64_t count) {
    return countText(count, "byte");
}

// 64 + metaBytes + (events or block list) + 8 must not wrap: a header that lies
// with huge counts could otherwise wrap around to the real size and be believed.
constexpr std::uint64_t kMaxSize = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kFixedBytes = kHeaderBytes + kChecksumBytes;

std::string tooLargeForAnyFile(const FileHeader& header, const std::string& name) {
    return name + " has a damaged header: it claims " + countText(header.eventCount, "event") + " and " +
           bytesText(header.metaBytes) + " of metadata, more than any file can hold.";
}

/// Version 1: the size is exactly the header's sum.
Result<Layout> checkSizesV1(const FileHeader& header, std::uint64_t fileSize, const std::string& name) {
    if (header.metaBytes > kMaxSize - kFixedBytes ||
        header.eventCount > (kMaxSize - kFixedBytes - header.metaBytes) / kEventBytes)
        return fail(tooLargeForAnyFile(header, name));
    const std::uint64_t expected = kFixedBytes + header.metaBytes + header.eventCount * kEventBytes;
    if (fileSize < expected)
        return fail(name + " is truncated: it has " + bytesText(fileSize) + " but its header says " +
                    std::to_string(expected) + ".");
    if (fileSize > expected)
        return fail(name + " is damaged: it has " + bytesText(fileSize) + " but its header says " +
                    std::to_string(expected) + ", so something was added at its end.");
    return Layout{1, header.metaBytes, header.eventCount, header.workerCount, 0, 0, kHeaderBytes + header.metaBytes};
}

/// Version 2: the header gives the size up to the blocks; the block list, read
/// later, gives the rest. The event count is refused first if no file of this
/// size could hold it (kMaxEventsPerCompressedByte), so nothing is ever worked
/// out, let alone allocated, from a count the file cannot back.
Result<Layout> checkSizesV2(const FileHeader& header, std::uint64_t fileSize, const std::string& name) {
    static_assert(kMaxBlockEvents == 1'048'576, "the sentence below spells the limit out");
    if (header.blockEvents == 0 || header.blockEvents > kMaxBlockEvents)
        return fail(name + " has a damaged header: it gives blocks of " + countText(header.blockEvents, "event") +
                    " where version 2 allows 1 to 1,048,576.");
    if (header.eventCount > 0 && (header.eventCount - 1) / kMaxEventsPerCompressedByte >= fileSize)
        return fail(name + " has a damaged header: it claims " + countText(header.eventCount, "event") +
                    ", more than its " + bytesText(fileSize) + " could hold.");
    const std::uint64_t blocks =
        header.eventCount / header.blockEvents + (header.eventCount % header.blockEvents != 0 ? 1 : 0);
    if (header.metaBytes > kMaxSize - kFixedBytes ||
        blocks > (kMaxSize - kFixedBytes - header.metaBytes) / kBlockEntryBytes)
        return fail(tooLargeForAnyFile(header, name));
    const std::uint64_t eventsOffset = kFixedBytes + header.metaBytes + blocks * kBlockEntryBytes;
    if (fileSize < eventsOffset)
        return fail(name + " is truncated: it has " + bytesText(fileSize) + " but its header says at least " +
                    std::to_string(eventsOffset) + ".");
    return Layout{2, header.metaBytes, header.eventCount, header.workerCount, header.blockEvents, blocks, eventsOffset};
}

/// Checks the header in the first `available` bytes of a file of `fileSize` bytes.
/// Needs only the header, so loadRtrace can refuse a file before reading all of it.
Result<Layout> checkHeader(const std::uint8_t* data, std::size_t available, std::uint64_t fileSize,
                           const std::string& name) {
    if (fileSize == 0) return fail(name + " is empty, so it is not a racetrace trace.");
    const std::size_t compared = std::min<std::size_t>(available, sizeof(kMagic));
    if (std::memcmp(data, kMagic, compared) != 0)
        return fail(name + " is not a racetrace trace (it does not start with the RTRACE signature).");
    if (fileSize < kHeaderBytes || available < kHeaderBytes)
        return fail(name + " is truncated: it has " + bytesText(fileSize) + ", fewer than the 64-byte header.");

    FileHeader header;
    std::memcpy(&header, data, sizeof(header));
    const std::string version = std::to_string(header.version);
    if (header.version > kRtraceVersion)
        return fail(name + " was written by a newer racetrace (trace format version " + version +
                    ") and this one reads versions up to " + std::to_string(kRtraceVersion) + ".");
    if (header.version != 1 && header.version != 2)
        return fail(name + " has an unknown trace format version " + version + ".");
    if (header.headerBytes != kHeaderBytes || header.eventBytes != kEventBytes)
        return fail(name + " has a damaged header: it gives " + std::to_string(header.headerBytes) +
                    "-byte headers and " + std::to_string(header.eventBytes) + "-byte events where version " + version +
                    " has 64 and 32.");
    const bool reservedUsed =
        std::any_of(std::begin(header.reserved), std::end(header.reserved), [](std::uint8_t b) { return b != 0; });
    if (reservedUsed || (header.version == 1 && header.blockEvents != 0))
        return fail(name + " has a damaged header: its reserved bytes are not zero.");
    auto layout = header.version == 1 ? checkSizesV1(header, fileSize, name) : checkSizesV2(header, fileSize, name);
    if (layout && header.metaBytes > kMaxRtraceMetadataBytes)
        return fail(name + " has a damaged header: it claims " + bytesText(header.metaBytes) +
                    " of metadata, more than the 64 MiB a trace may hold.");
    return layout;
}

/// Lifecycle events happen outside the program, so only the others name a line.
constexpr bool carriesLine(EventKind kind) {
    return kind != EventKind::WorkerStart && kind != EventKind::WorkerExit && kind != EventKind::WorkerKilled;
}

/// The number of lines of each worker's program, worked out once: a load checks millions of events.
using ProgramLines = std::array<std::size_t, kMaxWorkers>;
ProgramLines programLines(const Trace& trace) {
    ProgramLines lines{};
    for (std::uint32_t worker = 0; worker < kMaxWorkers; ++worker)
        if (const ProgramInfo* program = trace.programOf(worker)) lines[worker] = program->lines.size();
    return lines;
}

/// Every field an analysis or a view will use as an index, checked against the metadata.
/// Returns the problem as a clause ("event 5 names worker 9, ...").
std::optional<std::string> checkEvent(const Trace& trace, const ProgramLines& programs, std::size_t index) {
    const Event& event = trace.events[index];
    // The sentence is only built for a bad event: millions of good ones are checked per load.
    auto which = [&] { return "event " + std::to_string(index); };
    const auto kindByte = static_cast<unsigned>(event.kind);
    if (kindByte >= kEventKindCount || event.kind == EventKind::Invalid)
        return which() + " has the unknown kind " + std::to_string(kindByte);
    auto kind = [&] { return std::string(eventKindName(event.kind)); };
    if (event.worker >= trace.workers.size())
        return which() + " (" + kind() + ") names worker " + std::to_string(event.worker) + ", but the trace has " +
               countText(trace.workers.size(), "worker");
    const auto& variables = trace.scenario.variables;
    if (onChannel(event.kind)) {
        if (event.variable >= trace.scenario.channels.size())
            return which() + " (" + kind() + ") names channel " + std::to_string(event.variable) +
                   ", but the scenario has " + countText(trace.scenario.channels.size(), "channel");
    } else if (event.variable != kNoVariable && event.variable >= variables.size())
        return which() + " (" + kind() + ") names variable " + std::to_string(event.variable) +
               ", but the scenario has " + countText(variables.size(), "variable");
    if (event.variable == kNoVariable && (isRead(event.kind) || isWrite(event.kind)))
        return which() + " (" + kind() + ") accesses memory but names no variable";
    if (event.kind == EventKind::RecordWordWrite || event.kind == EventKind::RecordCheck) {
        const auto words = variables[event.variable].words;
        if (event.aux >= words)
            return which() + " (" + kind() + ") touches word " + std::to_string(event.aux) + " of variable " +
                   std::to_string(event.variable) + ", which has " + countText(words, "word");
    }
    if (carriesLine(event.kind)) {
        const std::size_t lines = programs[event.worker];
        if (event.line >= lines)
            return which() + " (" + kind() + ") is on line " + std::to_string(event.line) + ", but worker " +
                   workerName(event.worker) + "'s program has " + countText(lines, "line");
    }
    // Views find moments by binary search, so the order is a promise of the format.
    if (index > 0 && event.timestamp < trace.events[index - 1].timestamp)
        return which() + " is earlier than the event before it, but events must be in time order";
    return std::nullopt;
}

/// The events of a version 1 or 2 file whose header and sizes were checked.
Result<void> decodeEvents(const std::uint8_t* data, std::size_t size, const Layout& layout, const std::string& name,
                          LoadControl* control, std::vector<Event>& events) {
    if (layout.version == 1) {
        // The records may sit at any alignment in `data`, so they are copied
        // through an aligned buffer (no resize(): it would zero them first).
        events.reserve(layout.eventCount); // the count was checked against the real size
        std::array<Event, 1024> chunk;
        for (std::uint64_t done = 0; done < layout.eventCount; done += chunk.size()) {
            const auto count =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), layout.eventCount - done));
            std::memcpy(chunk.data(), data + layout.eventsOffset + done * kEventBytes, count * kEventBytes);
            events.insert(events.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(count));
        }
        return {};
    }
    const BlockedEvents blocked{layout.eventCount,
                                layout.blockEvents,
                                {data + kHeaderBytes + layout.metaBytes, layout.blockCount * kBlockEntryBytes},
                                layout.eventsOffset,
                                {data + layout.eventsOffset, size - layout.eventsOffset}};
    return decodeBlocks(blocked, name, control != nullptr ? &control->cancel : nullptr, events);
}

/// Version 1's checksum covers the whole file; version 2's the header, the
/// metadata and the block list (each block has its own).
bool checksumMatches(const std::uint8_t* data, std::size_t size, const Layout& layout) {
    const std::size_t checked = layout.version == 1 ? size - kChecksumBytes : layout.eventsOffset - kChecksumBytes;
    std::uint64_t stored = 0;
    std::memcpy(&stored, data + checked, sizeof(stored));
    return XXH64(data, checked, 0) == stored;
}

Result<Trace> decodeNamed(const std::uint8_t* data, std::size_t size, const std::string& name,
                          LoadControl* control = nullptr) {
    static constexpr std::uint8_t kNothing = 0;
    if (data == nullptr) data = &kNothing; // size is 0 then: checkHeader reports an empty file
    auto layout = checkHeader(data, size, size, name);
    if (!layout) return std::unexpected(std::move(layout.error()));

    // From here the sizes up to the events add up within the real size, so every offset below is in bounds.
    if (!checksumMatches(data, size, *layout))
        return fail(name + " is corrupt: its checksum does not match (the file was changed or damaged).");

    Trace trace;
    const auto* meta = reinterpret_cast<const char*>(data + kHeaderBytes);
    if (auto decoded = decodeRtraceMetadata(std::string_view(meta, layout->metaBytes), trace); !decoded)
        return fail(name + " has invalid metadata: " + decoded.error() + ".");
    if (trace.workers.size() != layout->workerCount)
        return fail(name + " is inconsistent: its header says " + countText(layout->workerCount, "worker") +
                    " but its metadata lists " + std::to_string(trace.workers.size()) + ".");

    if (auto events = decodeEvents(data, size, *layout, name, control, trace.events); !events)
        return std::unexpected(std::move(events.error()));
    const ProgramLines programs = programLines(trace);
    for (std::size_t i = 0; i < trace.events.size(); ++i)
        if (auto problem = checkEvent(trace, programs, i)) return fail(name + " has a bad event: " + *problem + ".");
    trace.file = {layout->version, size};
    return trace;
}

/// Closes a descriptor on every return path.
class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (m_fd >= 0) ::close(m_fd);
    }
    int get() const { return m_fd; }
    /// Closes now, so the caller can see the error (a full disk may only show up here).
    bool close() {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }

  private:
    int m_fd;
};

/// Reads up to `count` bytes at `offset`; fewer only at end of file. False on a read error.
bool readAt(int fd, std::uint8_t* out, std::size_t count, std::uint64_t offset, std::size_t& got) {
    got = 0;
    while (got < count) {
        const ssize_t n = ::pread(fd, out + got, count - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    return true;
}

/// Reads the whole file in chunks, so that progress can be shown and a stop
/// request honoured: false and `stopped` when `control` asked to stop.
bool readWhole(int fd, std::vector<std::uint8_t>& bytes, std::size_t& got, LoadControl* control, bool& stopped) {
    constexpr std::size_t kChunk = std::size_t{8} << 20;
    got = 0;
    stopped = false;
    while (got < bytes.size()) {
        if (control != nullptr && control->cancel.load()) {
            stopped = true;
            return false;
        }
        std::size_t chunk = 0;
        if (!readAt(fd, bytes.data() + got, std::min(kChunk, bytes.size() - got), got, chunk)) return false;
        got += chunk;
        if (control != nullptr)
            control->bytesRead.store(bytes.size() - (bytes.size() - got) / 2); // after the checksums' half
        if (chunk == 0) break; // end of file: the caller sees the file shrank
    }
    return true;
}

/// The checksums of a file whose header was checked, streamed through a buffer
/// of 1 MiB before the file is read whole: version 1's over the whole file,
/// version 2's over the header, metadata and block list, then each block's
/// (its block list read a chunk at a time). So a damaged or hostile file of any
/// size is refused at the memory cost of a small one. Also refuses a block list
/// that does not add up to the file, since nothing else would be read right.
/// Reports the first half of the load's progress.
class StreamedCheck {
  public:
    StreamedCheck(int fd, std::uint64_t fileSize, const std::string& path, LoadControl* control)
        : m_fd(fd), m_fileSize(fileSize), m_path(path), m_control(control), m_buffer(kChunk),
          m_state(XXH64_createState()) {}
    StreamedCheck(const StreamedCheck&) = delete;
    StreamedCheck& operator=(const StreamedCheck&) = delete;
    ~StreamedCheck() { XXH64_freeState(m_state); }

    Result<void> run(const Layout& layout) {
        const std::uint64_t checked =
            layout.version == 1 ? m_fileSize - kChecksumBytes : layout.eventsOffset - kChecksumBytes;
        std::uint64_t hash = 0;
        if (auto hashed = hashRange(0, checked, hash); !hashed) return hashed;
        std::uint64_t stored = 0;
        if (auto read = readExactly(checked, reinterpret_cast<std::uint8_t*>(&stored), sizeof(stored)); !read)
            return read;
        if (hash != stored)
            return fail(m_path + " is corrupt: its checksum does not match (the file was changed or damaged).");
        return layout.version == 1 ? Result<void>{} : checkBlocks(layout);
    }

  private:
    static constexpr std::size_t kChunk = std::size_t{1} << 20;

    Result<void> readExactly(std::uint64_t offset, std::uint8_t* out, std::size_t count) {
        std::size_t got = 0;
        if (!readAt(m_fd, out, count, offset, got)) return fail(errnoSentence("Cannot read " + m_path));
        if (got != count)
            return fail(m_path + " changed while it was being read: it is shorter than the " + bytesText(m_fileSize) +
                        " it had.");
        return {};
    }

    /// XXH64 of `length` bytes at `offset`.
    Result<void> hashRange(std::uint64_t offset, std::uint64_t length, std::uint64_t& hash) {
        XXH64_reset(m_state, 0);
        while (length > 0) {
            if (m_control != nullptr && m_control->cancel.load()) return fail("Stopped reading " + m_path + ".");
            const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(length, kChunk));
            if (auto read = readExactly(offset, m_buffer.data(), count); !read) return read;
            XXH64_update(m_state, m_buffer.data(), count);
            offset += count;
            length -= count;
            m_done += count;
            if (m_control != nullptr) m_control->bytesRead.store(m_done / 2);
        }
        hash = XXH64_digest(m_state);
        return {};
    }

    /// Version 2: the block list must add up to the file, and each block match its checksum.
    Result<void> checkBlocks(const Layout& layout) {
        const std::uint64_t listOffset = kHeaderBytes + layout.metaBytes;
        constexpr std::uint64_t kEntriesPerChunk = 4096;
        std::vector<BlockEntry> entries(kEntriesPerChunk);
        std::uint64_t end = layout.eventsOffset;
        for (int pass = 0; pass < 2; ++pass) { // sizes first, so no block is read past the file's end
            std::uint64_t at = layout.eventsOffset;
            for (std::uint64_t first = 0; first < layout.blockCount; first += kEntriesPerChunk) {
                const auto count = static_cast<std::size_t>(std::min(kEntriesPerChunk, layout.blockCount - first));
                if (auto read = readExactly(listOffset + first * kBlockEntryBytes,
                                            reinterpret_cast<std::uint8_t*>(entries.data()), count * kBlockEntryBytes);
                    !read)
                    return read;
                for (std::size_t i = 0; i < count; ++i) {
                    if (pass == 0) {
                        if (__builtin_add_overflow(end, entries[i].bytes, &end))
                            return fail(m_path +
                                        " is damaged: its block list gives more bytes than any file can hold.");
                        continue;
                    }
                    std::uint64_t hash = 0;
                    if (auto hashed = hashRange(at, entries[i].bytes, hash); !hashed) return hashed;
                    if (hash != entries[i].checksum)
                        return fail(m_path + " is damaged: " + blockName(layout, first + i) + " fails its checksum.");
                    at += entries[i].bytes;
                }
            }
            if (pass == 0 && end != m_fileSize)
                return fail(m_path + (m_fileSize < end ? " is truncated" : " is damaged") + ": it has " +
                            bytesText(m_fileSize) + " but its block list says " + std::to_string(end) +
                            (m_fileSize < end ? "." : ", so something was added at its end."));
        }
        return {};
    }

    static std::string grouped(std::uint64_t value) { return groupedNumber(static_cast<std::int64_t>(value)); }
    /// As the codec names a block: "block 3 of 92 (events 196,608 to 262,143)".
    static std::string blockName(const Layout& layout, std::uint64_t block) {
        const std::uint64_t first = block * layout.blockEvents;
        const std::uint64_t last = first + std::min<std::uint64_t>(layout.blockEvents, layout.eventCount - first) - 1;
        return "block " + std::to_string(block) + " of " + std::to_string(layout.blockCount) + " (" +
               (first == last ? "event " + grouped(first) : "events " + grouped(first) + " to " + grouped(last)) + ")";
    }

    int m_fd;
    std::uint64_t m_fileSize;
    const std::string& m_path;
    LoadControl* m_control;
    std::vector<std::uint8_t> m_buffer;
    XXH64_state_t* m_state;
    std::uint64_t m_done = 0;
};

} // namespace

namespace {

FileHeader headerFor(const Trace& trace, std::uint32_t version, std::size_t metaBytes) {
    FileHeader header{};
    std::memcpy(header.magic, kMagic, sizeof(kMagic));
    header.version = version;
    header.headerBytes = kHeaderBytes;
    header.metaBytes = metaBytes;
    header.eventCount = trace.events.size();
    header.workerCount = static_cast<std::uint32_t>(trace.workers.size());
    header.eventBytes = kEventBytes;
    header.blockEvents = version == 1 ? 0 : kBlockEvents;
    return header;
}

std::vector<std::uint8_t> encodeVersion1(const Trace& trace) {
    const std::string meta = encodeRtraceMetadata(trace);
    const FileHeader header = headerFor(trace, 1, meta.size());
    const std::size_t eventsBytes = trace.events.size() * kEventBytes;
    std::vector<std::uint8_t> bytes(kHeaderBytes + meta.size() + eventsBytes + kChecksumBytes);
    std::uint8_t* out = bytes.data();
    std::memcpy(out, &header, kHeaderBytes);
    std::memcpy(out + kHeaderBytes, meta.data(), meta.size());
    if (eventsBytes > 0) std::memcpy(out + kHeaderBytes + meta.size(), trace.events.data(), eventsBytes);
    const std::size_t checked = bytes.size() - kChecksumBytes;
    const std::uint64_t checksum = XXH64(out, checked, 0);
    std::memcpy(out + checked, &checksum, sizeof(checksum));
    return bytes;
}

std::vector<std::uint8_t> encodeVersion2(const Trace& trace) {
    const std::string meta = encodeRtraceMetadata(trace);
    const FileHeader header = headerFor(trace, 2, meta.size());
    std::vector<BlockEntry> list;
    std::vector<std::uint8_t> blocks;
    encodeBlocks(trace.events, list, blocks);

    const std::size_t tableBytes = list.size() * kBlockEntryBytes;
    const std::size_t eventsOffset = kHeaderBytes + meta.size() + tableBytes + kChecksumBytes;
    std::vector<std::uint8_t> bytes(eventsOffset + blocks.size());
    std::uint8_t* out = bytes.data();
    std::memcpy(out, &header, kHeaderBytes);
    std::memcpy(out + kHeaderBytes, meta.data(), meta.size());
    if (tableBytes > 0) std::memcpy(out + kHeaderBytes + meta.size(), list.data(), tableBytes);
    const std::uint64_t checksum = XXH64(out, eventsOffset - kChecksumBytes, 0);
    std::memcpy(out + eventsOffset - kChecksumBytes, &checksum, sizeof(checksum));
    if (!blocks.empty()) std::memcpy(out + eventsOffset, blocks.data(), blocks.size());
    return bytes;
}

} // namespace

std::vector<std::uint8_t> encodeRtrace(const Trace& trace, std::uint32_t version) {
    return version == 1 ? encodeVersion1(trace) : encodeVersion2(trace);
}

Result<Trace> decodeRtrace(const std::uint8_t* data, std::size_t size) {
    try {
        return decodeNamed(data, size, "The trace");
    } catch (const std::bad_alloc&) {
        return fail("The trace is too large to load into memory.");
    }
}

Result<void> saveRtrace(const Trace& trace, const std::string& path) {
    const std::vector<std::uint8_t> bytes = encodeRtrace(trace);
    FileHeader header{};
    std::memcpy(&header, bytes.data(), kHeaderBytes);
    // A file no reader would open is not written (the old file stays).
    if (header.metaBytes > kMaxRtraceMetadataBytes)
        return fail("Cannot save " + path + ": its metadata would take " + bytesText(header.metaBytes) +
                    ", more than the 64 MiB a trace may hold.");
    return writeFileSafely(path, bytes);
}

Result<Trace> loadRtrace(const std::string& path, LoadControl* control) {
    // O_NONBLOCK so that a FIFO given by mistake cannot hang us before the S_ISREG check.
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (file.get() < 0) return fail(errnoSentence("Cannot open " + path));
    struct stat info {};
    if (::fstat(file.get(), &info) != 0) return fail(errnoSentence("Cannot read " + path));
    if (S_ISDIR(info.st_mode)) return fail(path + " is a directory, not a trace file.");
    if (!S_ISREG(info.st_mode)) return fail(path + " is not a regular file, so it cannot be a trace.");
    const auto fileSize = static_cast<std::uint64_t>(info.st_size);

    // Check the header first: a wrong or lying file is refused after 64 bytes,
    // and the full buffer is only ever as large as the file really is.
    std::uint8_t head[kHeaderBytes] = {};
    std::size_t got = 0;
    if (!readAt(file.get(), head, std::min<std::uint64_t>(fileSize, kHeaderBytes), 0, got))
        return fail(errnoSentence("Cannot read " + path));
    auto layout = checkHeader(head, got, fileSize, path);
    if (!layout) return std::unexpected(std::move(layout.error()));
    if (fileSize > std::numeric_limits<std::size_t>::max()) return fail(path + " is too large to load into memory.");

    if (control != nullptr) control->bytesTotal.store(fileSize);
    try {
        // The checksums first, streamed: only a file that passes them is read whole.
        if (auto checked = StreamedCheck(file.get(), fileSize, path, control).run(*layout); !checked)
            return std::unexpected(std::move(checked.error()));
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(fileSize));
        bool stopped = false;
        if (!readWhole(file.get(), bytes, got, control, stopped))
            return fail(stopped ? "Stopped reading " + path + "." : errnoSentence("Cannot read " + path));
        if (got != bytes.size())
            return fail(path + " changed while it was being read: it shrank from " + bytesText(fileSize) + " to " +
                        bytesText(got) + ".");
        return decodeNamed(bytes.data(), bytes.size(), path, control);
    } catch (const std::bad_alloc&) {
        return fail(path + " is too large to load into memory (" + bytesText(fileSize) + ").");
    }
}

} // namespace racetrace
