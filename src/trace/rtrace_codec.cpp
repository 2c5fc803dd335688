#include "trace/rtrace_codec.hpp"

#include "trace/event_text.hpp"
#include "trace/parallel_tasks.hpp"

#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace racetrace {

namespace {

/// zstd level 1: on a 6 M-event naive-flag trace level 3 made the file 3% smaller
/// (1.28 instead of 1.31 bytes per event) but the encoding 15% slower (level 2:
/// no smaller), and a save follows every recorded run.
constexpr int kZstdLevel = 1;

/// The coded columns, in the order their widths and planes are stored.
enum Column : std::size_t { Timestamp, Value, Seq, Aux, Line, Variable, Cpu, kColumnCount };
/// The largest width each column may have: the field's own size.
constexpr std::array<std::uint8_t, kColumnCount> kNaturalWidth = {8, 8, 4, 4, 2, 2, 2};

constexpr std::size_t kBlockHeaderBytes = 8 + kColumnCount; // first timestamp, widths
/// Bytes per event a block always holds whatever the widths: kind and worker.
constexpr std::size_t kFixedBytesPerEvent = 2;

constexpr std::uint64_t minContentBytes(std::uint64_t events) {
    return kBlockHeaderBytes + events * kFixedBytesPerEvent;
}
constexpr std::uint64_t maxContentBytes(std::uint64_t events) {
    return kBlockHeaderBytes + events * sizeof(Event);
}
static_assert(8 + 8 + 4 + 4 + 2 + 2 + 2 + kFixedBytesPerEvent == sizeof(Event));

// Zigzag: small negative and positive differences both become small numbers.
constexpr std::uint64_t zigzag64(std::uint64_t difference) {
    return (difference << 1) ^ (0 - (difference >> 63));
}
constexpr std::uint64_t unzigzag64(std::uint64_t coded) {
    return (coded >> 1) ^ (0 - (coded & 1));
}
constexpr std::uint32_t zigzag32(std::uint32_t difference) {
    return (difference << 1) ^ (0 - (difference >> 31));
}
constexpr std::uint32_t unzigzag32(std::uint64_t coded) {
    const auto value = static_cast<std::uint32_t>(coded);
    return (value >> 1) ^ (0 - (value & 1));
}
constexpr std::uint16_t zigzag16(std::uint16_t difference) {
    return static_cast<std::uint16_t>((difference << 1) ^ (0 - (difference >> 15)));
}
constexpr std::uint16_t unzigzag16(std::uint64_t coded) {
    const auto value = static_cast<std::uint16_t>(coded);
    return static_cast<std::uint16_t>((value >> 1) ^ (0 - (value & 1)));
}

/// Values are predicted per variable, from 256 slots: a scenario has a handful
/// of variables, and a collision (variable 255 with "none") only costs size.
constexpr std::uint8_t valueSlot(std::uint16_t variable) {
    return static_cast<std::uint8_t>(variable + 1);
}

/// The state a column's prediction keeps between events; starts afresh per block.
struct Predictions {
    std::uint64_t timestamp = 0;
    std::array<std::uint64_t, 256> value{};
    std::array<std::uint32_t, kMaxWorkers> seq;
    std::array<std::uint16_t, kMaxWorkers> cpu{};
    explicit Predictions(std::uint64_t firstTimestamp) : timestamp(firstTimestamp) { seq.fill(~std::uint32_t{0}); }
};

/// The coded value of column C for `event`, updating the prediction.
template <Column C> std::uint64_t codedValue(const Event& event, Predictions& state) {
    if constexpr (C == Timestamp) {
        const std::uint64_t difference = event.timestamp - state.timestamp;
        state.timestamp = event.timestamp;
        return zigzag64(difference);
    } else if constexpr (C == Value) {
        auto& previous = state.value[valueSlot(event.variable)];
        const std::uint64_t difference = static_cast<std::uint64_t>(event.value) - previous;
        previous = static_cast<std::uint64_t>(event.value);
        return zigzag64(difference);
    } else if constexpr (C == Seq) {
        auto& previous = state.seq[event.worker];
        const std::uint32_t difference = event.seq - (previous + 1);
        previous = event.seq;
        return zigzag32(difference);
    } else if constexpr (C == Aux) {
        return zigzag32(event.aux);
    } else if constexpr (C == Line) {
        return event.line;
    } else if constexpr (C == Variable) {
        return static_cast<std::uint16_t>(event.variable + 1);
    } else {
        auto& previous = state.cpu[event.worker];
        const auto difference = static_cast<std::uint16_t>(event.cpu - previous);
        previous = event.cpu;
        return zigzag16(difference);
    }
}

/// Codes column C of `events` into byte planes at `out`; returns its width.
template <Column C>
std::uint8_t encodeColumn(std::span<const Event> events, std::uint64_t first, std::vector<std::uint64_t>& values,
                          std::uint8_t* out) {
    Predictions state(first);
    std::uint64_t all = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        values[i] = codedValue<C>(events[i], state);
        all |= values[i];
    }
    const auto width = static_cast<std::uint8_t>((std::bit_width(all) + 7) / 8); // 0 when all are zero
    for (unsigned b = 0; b < width; ++b, out += events.size())
        for (std::size_t i = 0; i < events.size(); ++i)
            out[i] = static_cast<std::uint8_t>(values[i] >> (8 * b));
    return width;
}

/// Value i of a column of Width planes of `stride` bytes. Written as a fold,
/// not a loop, so that it is unrolled: GCC -O2 kept the loop and its shifts.
template <unsigned Width> std::uint64_t gather(const std::uint8_t* planes, std::size_t stride, std::size_t i) {
    return [&]<std::size_t... B>(std::index_sequence<B...>) {
        return (std::uint64_t{0} | ... | (std::uint64_t{planes[B * stride + i]} << (8 * B)));
    }
    (std::make_index_sequence<Width>{});
}

/// Calls fn(j, coded value) for events first + j of a column of `width`
/// planes of `stride` bytes, j < count. The width is dispatched once, so each
/// loop is branch-free.
template <class Fn>
void forEachCoded(const std::uint8_t* planes, std::size_t stride, std::size_t first, std::size_t count, unsigned width,
                  Fn&& fn) {
    auto run = [&]<unsigned Width>() {
        for (std::size_t j = 0; j < count; ++j)
            fn(j, gather<Width>(planes, stride, first + j));
    };
    switch (width) {
    case 0: run.template operator()<0>(); break;
    case 1: run.template operator()<1>(); break;
    case 2: run.template operator()<2>(); break;
    case 3: run.template operator()<3>(); break;
    case 4: run.template operator()<4>(); break;
    case 5: run.template operator()<5>(); break;
    case 6: run.template operator()<6>(); break;
    case 7: run.template operator()<7>(); break;
    default: run.template operator()<8>(); break;
    }
}

/// Rebuilds the events of a block's unpacked bytes (their size checked against
/// the widths), a run of them at a time: each column is a pass over the events,
/// so a run small enough for the cache keeps those passes out of memory.
class ColumnReader {
  public:
    ColumnReader(const std::uint8_t* content, std::size_t count) : m_count(count), m_state(0) {
        std::memcpy(&m_state.timestamp, content, sizeof(m_state.timestamp));
        std::memcpy(m_widths.data(), content + 8, kColumnCount);
        const std::uint8_t* at = content + kBlockHeaderBytes;
        for (std::size_t column = 0; column < kColumnCount; ++column) {
            m_planes[column] = at;
            at += m_widths[column] * count;
        }
        m_kinds = at;
        m_workers = at + count;
    }

    /// Events first .. first + out.size(), read in order from the first on.
    void read(std::size_t first, std::span<Event> out) {
        for (std::size_t j = 0; j < out.size(); ++j) {
            out[j].kind = static_cast<EventKind>(m_kinds[first + j]);
            out[j].worker = m_workers[first + j];
        }
        // Variable before value, worker before seq and cpu: they choose the prediction.
        auto column = [&](Column c, auto fn) {
            forEachCoded(m_planes[c], m_count, first, out.size(), m_widths[c], fn);
        };
        column(Variable, [&](std::size_t j, std::uint64_t v) { out[j].variable = static_cast<std::uint16_t>(v - 1); });
        column(Line, [&](std::size_t j, std::uint64_t v) { out[j].line = static_cast<std::uint16_t>(v); });
        column(Aux, [&](std::size_t j, std::uint64_t v) { out[j].aux = unzigzag32(v); });
        column(Timestamp,
               [&](std::size_t j, std::uint64_t v) { out[j].timestamp = m_state.timestamp += unzigzag64(v); });
        column(Value, [&](std::size_t j, std::uint64_t v) {
            auto& previous = m_state.value[valueSlot(out[j].variable)];
            previous += unzigzag64(v);
            out[j].value = static_cast<std::int64_t>(previous);
        });
        column(Seq,
               [&](std::size_t j, std::uint64_t v) { out[j].seq = m_state.seq[out[j].worker] += 1 + unzigzag32(v); });
        column(Cpu, [&](std::size_t j, std::uint64_t v) { out[j].cpu = m_state.cpu[out[j].worker] += unzigzag16(v); });
    }

  private:
    std::size_t m_count; ///< events in the block: the size of a plane
    Predictions m_state;
    std::array<std::uint8_t, kColumnCount> m_widths{};
    std::array<const std::uint8_t*, kColumnCount> m_planes{};
    const std::uint8_t* m_kinds = nullptr;
    const std::uint8_t* m_workers = nullptr;
};

/// Events rebuilt per run of ColumnReader: 128 KiB, well inside a core's L2.
constexpr std::size_t kReadRun = 4096;

} // namespace

struct BlockEncoder::Zstd {
    ZSTD_CCtx* context = ZSTD_createCCtx();
    ~Zstd() { ZSTD_freeCCtx(context); }
};

BlockEncoder::BlockEncoder() : m_zstd(std::make_unique<Zstd>()) {
    if (m_zstd->context == nullptr) throw std::bad_alloc();
}
BlockEncoder::~BlockEncoder() = default;

void BlockEncoder::append(std::span<const Event> events, std::vector<std::uint8_t>& out) {
    const std::size_t count = events.size();
    const std::uint64_t first = count > 0 ? events[0].timestamp : 0;
    m_columns.resize(maxContentBytes(count));
    m_values.resize(count);
    std::uint8_t* at = m_columns.data();
    std::memcpy(at, &first, sizeof(first));
    std::uint8_t* widths = at + 8;
    at += kBlockHeaderBytes;
    auto column = [&]<Column C>() {
        widths[C] = encodeColumn<C>(events, first, m_values, at);
        at += widths[C] * count;
    };
    column.template operator()<Timestamp>();
    column.template operator()<Value>();
    column.template operator()<Seq>();
    column.template operator()<Aux>();
    column.template operator()<Line>();
    column.template operator()<Variable>();
    column.template operator()<Cpu>();
    for (const Event& event : events)
        *at++ = static_cast<std::uint8_t>(event.kind);
    for (const Event& event : events)
        *at++ = event.worker;
    const auto used = static_cast<std::size_t>(at - m_columns.data());

    // Into a buffer of our own, which only ever grows: resizing `out` by the
    // bound each time would zero 2 MiB per block for ~100 KiB of frame.
    m_frame.resize(std::max(m_frame.size(), ZSTD_compressBound(used)));
    const std::size_t packed =
        ZSTD_compressCCtx(m_zstd->context, m_frame.data(), m_frame.size(), m_columns.data(), used, kZstdLevel);
    // With a ZSTD_compressBound destination only a failed allocation can fail.
    if (ZSTD_isError(packed)) throw std::bad_alloc();
    out.insert(out.end(), m_frame.begin(), m_frame.begin() + static_cast<std::ptrdiff_t>(packed));
}

struct BlockDecoder::Zstd {
    ZSTD_DCtx* context = ZSTD_createDCtx();
    ~Zstd() { ZSTD_freeDCtx(context); }
};

BlockDecoder::BlockDecoder() : m_zstd(std::make_unique<Zstd>()) {
    if (m_zstd->context == nullptr) throw std::bad_alloc();
}
BlockDecoder::~BlockDecoder() = default;

std::optional<std::string> BlockDecoder::checkFrame(std::span<const std::uint8_t> frame, std::size_t eventCount) {
    const unsigned long long claimed = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (claimed == ZSTD_CONTENTSIZE_ERROR) return "is not zstd-compressed data";
    if (claimed == ZSTD_CONTENTSIZE_UNKNOWN) return "does not say how many bytes it unpacks to";
    const std::uint64_t least = minContentBytes(eventCount);
    const std::uint64_t most = maxContentBytes(eventCount);
    if (claimed < least || claimed > most)
        return "claims to unpack to " + std::to_string(claimed) + " bytes, where its " + std::to_string(eventCount) +
               " events take " + std::to_string(least) + " to " + std::to_string(most);
    // One frame, and nothing after it: zstd would also unpack a second frame.
    const std::size_t length = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
    if (ZSTD_isError(length)) return "is cut short inside its zstd frame";
    if (const std::size_t extra = frame.size() - length; extra > 0)
        return "has " + std::to_string(extra) + (extra == 1 ? " byte" : " bytes") + " after its zstd frame";
    return std::nullopt;
}

std::optional<std::string> BlockDecoder::unpack(std::span<const std::uint8_t> frame, std::span<Event> out) {
    const std::size_t count = out.size();
    if (auto problem = checkFrame(frame, count)) return problem;
    // Bounded by maxContentBytes(count): checkFrame refused anything larger.
    const std::size_t claimed = ZSTD_getFrameContentSize(frame.data(), frame.size());
    m_columns.resize(claimed);
    const std::size_t unpacked =
        ZSTD_decompressDCtx(m_zstd->context, m_columns.data(), m_columns.size(), frame.data(), frame.size());
    if (ZSTD_isError(unpacked))
        return std::string("cannot be unpacked (zstd says: ") + ZSTD_getErrorName(unpacked) + ")";
    if (unpacked != claimed)
        return "unpacks to " + std::to_string(unpacked) + " bytes where its frame says " + std::to_string(claimed);

    const std::uint8_t* widths = m_columns.data() + 8;
    std::size_t perEvent = kFixedBytesPerEvent;
    for (std::size_t column = 0; column < kColumnCount; ++column) {
        if (widths[column] > kNaturalWidth[column])
            return "gives column " + std::to_string(column) + " " + std::to_string(widths[column]) +
                   "-byte values, wider than its " + std::to_string(kNaturalWidth[column]) + " bytes";
        perEvent += widths[column];
    }
    if (claimed != kBlockHeaderBytes + count * perEvent)
        return "unpacks to " + std::to_string(claimed) + " bytes where its " + std::to_string(count) +
               " events and column widths need " + std::to_string(kBlockHeaderBytes + count * perEvent);

    ColumnReader reader(m_columns.data(), count);
    for (std::size_t first = 0; first < count; first += kReadRun)
        reader.read(first, out.subspan(first, std::min(kReadRun, count - first)));
    return std::nullopt;
}

std::optional<std::string> BlockDecoder::append(std::span<const std::uint8_t> frame, std::size_t count,
                                                std::vector<Event>& out) {
    const std::size_t start = out.size();
    out.resize(start + count); // count was checked against the block's place in the file
    auto problem = unpack(frame, std::span<Event>(out.data() + start, count));
    if (problem) out.resize(start);
    return problem;
}

/// [first, last) block ranges, one per CPU, of about equal size: blocks are
/// independent, so each range is packed or unpacked by its own task.
std::vector<std::pair<std::size_t, std::size_t>> blockRanges(std::size_t blocks) {
    const std::size_t ranges = std::min(cpuCount(), blocks);
    std::vector<std::pair<std::size_t, std::size_t>> result;
    for (std::size_t r = 0; r < ranges; ++r)
        result.emplace_back(blocks * r / ranges, blocks * (r + 1) / ranges);
    return result;
}

void encodeBlocks(std::span<const Event> events, std::vector<BlockEntry>& list, std::vector<std::uint8_t>& blocks) {
    const std::size_t count = (events.size() + kBlockEvents - 1) / kBlockEvents;
    const auto ranges = blockRanges(count);
    std::vector<std::vector<std::uint8_t>> packed(ranges.size());
    std::vector<BlockEntry> entries(count);
    runTasks(ranges.size(), [&](std::size_t r) {
        BlockEncoder encoder;
        for (std::size_t block = ranges[r].first; block < ranges[r].second; ++block) {
            const std::size_t first = block * kBlockEvents;
            const std::size_t start = packed[r].size();
            encoder.append(events.subspan(first, std::min<std::size_t>(kBlockEvents, events.size() - first)),
                           packed[r]);
            entries[block] = {packed[r].size() - start, XXH64(packed[r].data() + start, packed[r].size() - start, 0)};
        }
    });
    list.insert(list.end(), entries.begin(), entries.end());
    for (auto& range : packed) {
        blocks.insert(blocks.end(), range.begin(), range.end());
        range = {};
    }
}

namespace {

std::string countText(std::uint64_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

/// 196608 -> "196,608": event numbers in the millions, for people to read.
std::string grouped(std::uint64_t value) {
    return groupedNumber(static_cast<std::int64_t>(value));
}

/// A version 2 file's blocks, as its block list describes them.
class BlockList {
  public:
    explicit BlockList(const BlockedEvents& file) : m_file(file) {}

    std::uint64_t count() const { return m_file.list.size() / sizeof(BlockEntry); }
    BlockEntry entry(std::uint64_t block) const {
        BlockEntry entry;
        std::memcpy(&entry, m_file.list.data() + block * sizeof(BlockEntry), sizeof(entry));
        return entry;
    }
    std::uint64_t events(std::uint64_t block) const {
        return std::min<std::uint64_t>(m_file.blockEvents, m_file.eventCount - block * m_file.blockEvents);
    }
    /// "block 3 of 92 (events 196,608 to 262,143)": where a damaged block's events were.
    std::string name(std::uint64_t block) const {
        const std::uint64_t first = block * m_file.blockEvents;
        const std::uint64_t last = first + events(block) - 1;
        const std::string which =
            first == last ? "event " + grouped(first) : "events " + grouped(first) + " to " + grouped(last);
        return "block " + std::to_string(block) + " of " + std::to_string(count()) + " (" + which + ")";
    }

  private:
    const BlockedEvents& m_file;
};

/// The block list must add up to the rest of the file exactly.
Result<void> checkSizes(const BlockedEvents& file, const BlockList& blocks, const std::string& name) {
    std::uint64_t expected = file.blocksOffset;
    for (std::uint64_t block = 0; block < blocks.count(); ++block)
        if (__builtin_add_overflow(expected, blocks.entry(block).bytes, &expected))
            return fail(name + " is damaged: its block list gives more bytes than any file can hold.");
    const std::uint64_t size = file.blocksOffset + file.rest.size();
    if (size != expected)
        return fail(name + (size < expected ? " is truncated" : " is damaged") + ": it has " + countText(size, "byte") +
                    " but its block list says " + std::to_string(expected) +
                    (size < expected ? "." : ", so something was added at its end."));
    return {};
}

/// Every block's size, checksum and frame header, before anything is
/// allocated for the events: a lying block is refused at no cost.
Result<void> checkBlocks(const BlockedEvents& file, const BlockList& blocks, const std::string& name) {
    const std::uint8_t* block = file.rest.data();
    for (std::uint64_t i = 0; i < blocks.count(); ++i) {
        const BlockEntry entry = blocks.entry(i);
        const std::uint64_t events = blocks.events(i);
        if ((events - 1) / kMaxEventsPerCompressedByte >= entry.bytes)
            return fail(name + " is damaged: " + blocks.name(i) + " has only " + countText(entry.bytes, "byte") +
                        ", too few for " + countText(events, "event") + ".");
        if (XXH64(block, entry.bytes, 0) != entry.checksum)
            return fail(name + " is damaged: " + blocks.name(i) + " fails its checksum.");
        if (auto problem = BlockDecoder::checkFrame({block, entry.bytes}, events))
            return fail(name + " is damaged: " + blocks.name(i) + " " + *problem + ".");
        block += entry.bytes;
    }
    return {};
}

/// Events a real trace's file holds per byte, at most (~1; 16 for a very
/// repetitive one). A file claiming more is unpacked by decodeInTurn into a
/// vector that grows with what really unpacks, so a crafted file whose frames
/// all claim the most cannot make us reserve ~700,000 times its size up front.
constexpr std::uint64_t kReservedEventsPerByte = 16;

/// A file claiming more events than kReservedEventsPerByte allows: unpacked
/// block after block.
Result<void> decodeInTurn(const BlockedEvents& file, const BlockList& blocks, const std::string& name,
                          const std::atomic<bool>* cancel, std::vector<Event>& events) {
    events.reserve(events.size() + file.rest.size() * kReservedEventsPerByte);
    BlockDecoder decoder;
    const std::uint8_t* block = file.rest.data();
    for (std::uint64_t i = 0; i < blocks.count(); ++i) {
        if (cancel != nullptr && cancel->load()) return fail("Stopped reading " + name + ".");
        const BlockEntry entry = blocks.entry(i);
        if (auto problem = decoder.append({block, entry.bytes}, blocks.events(i), events))
            return fail(name + " is damaged: " + blocks.name(i) + " " + *problem + ".");
        block += entry.bytes;
    }
    return {};
}

} // namespace

Result<void> decodeBlocks(const BlockedEvents& file, const std::string& name, const std::atomic<bool>* cancel,
                          std::vector<Event>& events) {
    const BlockList blocks(file);
    if (auto sizes = checkSizes(file, blocks, name); !sizes) return sizes;
    if (auto checked = checkBlocks(file, blocks, name); !checked) return checked;
    if (file.eventCount > file.rest.size() * kReservedEventsPerByte)
        return decodeInTurn(file, blocks, name, cancel, events);
    // A real trace's file: room for every event now, and the blocks unpacked side by side into their places.
    const std::size_t base = events.size();
    events.resize(base + file.eventCount);
    const auto ranges = blockRanges(blocks.count());
    std::vector<std::uint64_t> offsets(blocks.count() + 1, 0); // where each block's frame starts in file.rest
    for (std::uint64_t i = 0; i < blocks.count(); ++i)
        offsets[i + 1] = offsets[i] + blocks.entry(i).bytes;
    std::vector<std::optional<std::string>> problems(ranges.size()); // each range's first, with its block
    runTasks(ranges.size(), [&](std::size_t r) {
        BlockDecoder decoder;
        for (std::uint64_t i = ranges[r].first; i < ranges[r].second && !problems[r]; ++i) {
            if (cancel != nullptr && cancel->load()) {
                problems[r] = "Stopped reading " + name + ".";
                break;
            }
            const std::span<Event> out(events.data() + base + i * file.blockEvents, blocks.events(i));
            if (auto problem = decoder.unpack({file.rest.data() + offsets[i], blocks.entry(i).bytes}, out))
                problems[r] = name + " is damaged: " + blocks.name(i) + " " + *problem + ".";
        }
    });
    for (const auto& problem : problems) // the earliest damaged block is the one to name
        if (problem) {
            events.resize(base);
            return fail(*problem);
        }
    return {};
}

} // namespace racetrace
