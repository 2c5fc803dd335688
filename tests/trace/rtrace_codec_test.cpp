// Version 2 of the .rtrace file (trace/rtrace_file.hpp) and its block codec
// (trace/rtrace_codec.hpp): events must come back bit for bit whatever they
// hold, and a damaged or lying file must be refused in one sentence that says
// where, without believing (or allocating for) what its header claims.
#include "trace/rtrace_codec.hpp"
#include "trace/rtrace_file.hpp"

#include "lab/run.hpp"
#include "support/trace_builder.hpp"
#include "support/trace_compare.hpp"

#include <catch2/catch.hpp>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

using namespace racetrace;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

// Offsets from the layout in rtrace_file.hpp, repeated on purpose: if the
// writer moves a field, these tests should notice.
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kMetaBytesOffset = 16;
constexpr std::size_t kEventCountOffset = 24;
constexpr std::size_t kBlockEventsOffset = 40;
constexpr std::size_t kReservedOffset = 44;
constexpr std::size_t kHeaderSize = 64;

using Bytes = std::vector<std::uint8_t>;

template <class T> T readAt(const Bytes& bytes, std::size_t offset) {
    T value{};
    std::memcpy(&value, bytes.data() + offset, sizeof(value));
    return value;
}

template <class T> void writeAt(Bytes& bytes, std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof(value));
}

/// Where the parts of a version 2 file are, read from its bytes.
struct V2Layout {
    std::uint64_t blockCount = 0;
    std::size_t tableOffset = 0;
    std::size_t eventsOffset = 0;
    std::vector<std::size_t> blockOffsets; ///< and the file size at the end

    explicit V2Layout(const Bytes& file) {
        const auto meta = readAt<std::uint64_t>(file, kMetaBytesOffset);
        const auto events = readAt<std::uint64_t>(file, kEventCountOffset);
        const auto perBlock = readAt<std::uint32_t>(file, kBlockEventsOffset);
        blockCount = (events + perBlock - 1) / perBlock;
        tableOffset = kHeaderSize + meta;
        eventsOffset = tableOffset + blockCount * 16 + 8;
        std::size_t at = eventsOffset;
        for (std::uint64_t i = 0; i < blockCount; ++i) {
            blockOffsets.push_back(at);
            at += readAt<std::uint64_t>(file, tableOffset + i * 16);
        }
        blockOffsets.push_back(at);
    }
};

/// Recomputes the checksum of the header, metadata and block list, so that
/// only the reader's other checks can catch an edit there.
void resealHead(Bytes& file) {
    const V2Layout layout(file);
    const std::size_t checked = layout.eventsOffset - 8;
    writeAt(file, checked, static_cast<std::uint64_t>(XXH64(file.data(), checked, 0)));
}

/// The file with block `index` replaced by `frame`, its list entry and the
/// head checksum fixed up: a block that lies but is sealed as if it did not.
Bytes withBlock(const Bytes& file, std::size_t index, const Bytes& frame) {
    const V2Layout layout(file);
    Bytes out(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(layout.blockOffsets[index]));
    out.insert(out.end(), frame.begin(), frame.end());
    out.insert(out.end(), file.begin() + static_cast<std::ptrdiff_t>(layout.blockOffsets[index + 1]), file.end());
    writeAt(out, layout.tableOffset + index * 16, static_cast<std::uint64_t>(frame.size()));
    writeAt(out, layout.tableOffset + index * 16 + 8, static_cast<std::uint64_t>(XXH64(frame.data(), frame.size(), 0)));
    resealHead(out);
    return out;
}

/// A trace whose events vary every field a file stores, yet pass the reader's
/// checks: kinds, variables and lines from a hand-built naive-flag run of three
/// workers, then any value (half negative), timestamps with gaps of up to 2^40
/// ns and one of 2^62, seq with gaps (dropped events), CPUs that jump around,
/// aux of any 32 bits where the kind does not make it a word index.
Trace variedTrace(std::size_t count) {
    test::TraceBuilder builder(test::Shape::NaiveFlag, 3);
    std::uint64_t ns = 0;
    for (std::uint32_t w = 0; w < 3; ++w) {
        builder.load(w, ns += 10, builder.guard());
        builder.store(w, ns += 10, builder.guard(), 0);
        builder.spin(w, ns += 10, 7);
        builder.csEnter(w, ns += 10);
        builder.fetchAdd(w, ns += 10, builder.counter(), -1);
        builder.exchange(w, ns += 10, builder.guard(), 1);
        builder.compareExchange(w, ns += 10, builder.guard(), 1, 0);
        builder.recordWrite(w, ns += 10, 3);
        builder.recordCheck(w, ns += 10, 2);
        builder.fence(w, ns += 10);
        builder.csExit(w, ns += 10);
    }
    const Trace pattern = builder.build();
    Trace trace = pattern;
    trace.events.clear();
    std::mt19937_64 random(count);
    std::uint64_t time = 0;
    std::array<std::uint32_t, 3> seq{};
    for (std::size_t i = 0; i < count; ++i) {
        Event event = pattern.events[i % pattern.events.size()];
        time += i % 1000 == 999 ? std::uint64_t{1} << 40 : random() % 700;
        if (i == count / 2) time += std::uint64_t{1} << 62;
        event.timestamp = time;
        event.value = static_cast<std::int64_t>(random());
        seq[event.worker] += random() % 64 == 0 ? 2 + static_cast<std::uint32_t>(random() % 100'000) : 1;
        event.seq = seq[event.worker];
        if (random() % 8 == 0) event.cpu = static_cast<std::uint16_t>(random());
        if (event.kind != EventKind::RecordWordWrite && event.kind != EventKind::RecordCheck)
            event.aux = static_cast<std::uint32_t>(random());
        trace.events.push_back(event);
    }
    trace.durationNs = time + 1;
    return trace;
}

void requireSameEvents(const Trace& a, const Trace& b) {
    REQUIRE(a.events.size() == b.events.size());
    if (!a.events.empty()) REQUIRE(std::memcmp(a.events.data(), b.events.data(), a.events.size() * sizeof(Event)) == 0);
}

std::string rejection(const Bytes& bytes) {
    const auto result = decodeRtrace(bytes.data(), bytes.size());
    REQUIRE_FALSE(result.has_value());
    REQUIRE_FALSE(result.error().empty());
    return result.error();
}

Bytes readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

/// A zstd frame made by hand: it says it unpacks to `claimed` bytes but holds
/// one run of `runBytes` zero bytes (an RLE block).
Bytes lyingFrame(std::uint64_t claimed, std::uint32_t runBytes) {
    Bytes frame = {0x28, 0xB5, 0x2F, 0xFD, 0xE0}; // magic; single segment, 8-byte content size
    for (int b = 0; b < 8; ++b)
        frame.push_back(static_cast<std::uint8_t>(claimed >> (8 * b)));
    const std::uint32_t blockHeader = 1 | (1 << 1) | (runBytes << 3); // last block, RLE, its size
    for (int b = 0; b < 3; ++b)
        frame.push_back(static_cast<std::uint8_t>(blockHeader >> (8 * b)));
    frame.push_back(0);
    return frame;
}

Bytes zstdFrame(const Bytes& content) {
    Bytes frame(ZSTD_compressBound(content.size()));
    const std::size_t size = ZSTD_compress(frame.data(), frame.size(), content.data(), content.size(), 1);
    REQUIRE_FALSE(ZSTD_isError(size));
    frame.resize(size);
    return frame;
}

} // namespace

TEST_CASE("rtrace codec: any 32 bytes per event come back bit for bit", "[trace][rtrace][codec]") {
    std::mt19937_64 random(7);
    BlockEncoder encoder;
    BlockDecoder decoder;
    for (const std::size_t count :
         {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{1000}, std::size_t{kBlockEvents}}) {
        std::vector<Event> events(count);
        for (Event& event : events) { // random bits everywhere: nothing about order or validity is assumed
            std::array<std::uint64_t, 4> bits{};
            for (auto& word : bits)
                word = random();
            std::memcpy(&event, bits.data(), sizeof(event));
        }
        if (count >= 2) { // and the extremes the transforms wrap around
            events[0].timestamp = std::numeric_limits<std::uint64_t>::max();
            events[1].timestamp = 0;
            events[0].value = std::numeric_limits<std::int64_t>::min();
            events[1].value = std::numeric_limits<std::int64_t>::max();
            events[0].seq = 0;
            events[1].seq = 0xFFFFFFFFu;
            events[0].variable = kNoVariable;
            events[0].worker = events[1].worker = 255;
        }
        Bytes frame;
        encoder.append(events, frame);
        std::vector<Event> back;
        const auto problem = decoder.append(frame, count, back);
        REQUIRE(back.size() == (problem ? 0 : count));
        INFO(count << " events: " << problem.value_or("decoded"));
        REQUIRE_FALSE(problem.has_value());
        if (count > 0) CHECK(std::memcmp(events.data(), back.data(), count * sizeof(Event)) == 0);
    }
}

TEST_CASE("rtrace v2 round trip keeps every event, across block boundaries", "[trace][rtrace]") {
    for (const std::size_t count :
         {std::size_t{0}, std::size_t{1}, std::size_t{kBlockEvents - 1}, std::size_t{kBlockEvents},
          std::size_t{kBlockEvents + 1}, std::size_t{3 * kBlockEvents + 5}}) {
        INFO(count << " events");
        const Trace original = variedTrace(count);
        const Bytes bytes = encodeRtrace(original);
        CHECK(readAt<std::uint32_t>(bytes, kVersionOffset) == 2);
        CHECK(readAt<std::uint32_t>(bytes, kBlockEventsOffset) == kBlockEvents);
        CHECK(readAt<std::uint64_t>(bytes, kEventCountOffset) == count);
        const V2Layout layout(bytes);
        CHECK(layout.blockCount == (count + kBlockEvents - 1) / kBlockEvents);
        CHECK(layout.blockOffsets.back() == bytes.size());

        const auto decoded = decodeRtrace(bytes.data(), bytes.size());
        INFO((decoded ? std::string() : decoded.error()));
        REQUIRE(decoded.has_value());
        test::requireSameMetadata(original, *decoded);
        requireSameEvents(original, *decoded);
        CHECK(decoded->file.version == 2);
        CHECK(decoded->file.bytes == bytes.size());
        CHECK(encodeRtrace(*decoded) == bytes); // and encoding is deterministic
    }
}

TEST_CASE("rtrace v2 round trip of a real run (starts worker processes)", "[trace][rtrace]") {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 4000; // ~120,000 events: two blocks
    options.windowNs = 200;
    const auto run = runToCompletion(options);
    INFO((run ? std::string() : run.error()));
    REQUIRE(run.has_value());
    REQUIRE(run->events.size() > kBlockEvents);

    const Bytes bytes = encodeRtrace(*run);
    const auto decoded = decodeRtrace(bytes.data(), bytes.size());
    INFO((decoded ? std::string() : decoded.error()));
    REQUIRE(decoded.has_value());
    test::requireSameMetadata(*run, *decoded);
    requireSameEvents(*run, *decoded);
    // A real run's events are neighbours in time and seq: far below 6 bytes each.
    CHECK(static_cast<double>(bytes.size()) / static_cast<double>(run->events.size()) < 6.0);
}

TEST_CASE("rtrace v1 files still open, and say so, saved again they are version 2", "[trace][rtrace]") {
    for (const char* name :
         {"naive-flag-race", "tas-mutex-clean", "stepped-race", "dropped-events", "stopped-by-watchdog"}) {
        INFO(name);
        const Bytes v1 = readFile(std::string(RACETRACE_GOLDEN_DIR) + "/" + name + ".rtrace");
        REQUIRE(readAt<std::uint32_t>(v1, kVersionOffset) == 1);
        const auto trace = decodeRtrace(v1.data(), v1.size());
        INFO((trace ? std::string() : trace.error()));
        REQUIRE(trace.has_value());
        CHECK(trace->file.version == 1);
        CHECK(trace->file.bytes == v1.size());

        const Bytes v2 = encodeRtrace(*trace);
        const auto again = decodeRtrace(v2.data(), v2.size());
        REQUIRE(again.has_value());
        test::requireSameMetadata(*trace, *again);
        requireSameEvents(*trace, *again);
        CHECK(v2.size() < v1.size());
    }
}

TEST_CASE("rtrace v2 names the damaged block and its events", "[trace][rtrace]") {
    const Bytes bytes = encodeRtrace(variedTrace(3 * kBlockEvents + 5));
    const V2Layout layout(bytes);
    REQUIRE(layout.blockCount == 4);
    const char* expected[] = {
        "The trace is damaged: block 0 of 4 (events 0 to 65,535) fails its checksum.",
        "The trace is damaged: block 1 of 4 (events 65,536 to 131,071) fails its checksum.",
        "The trace is damaged: block 2 of 4 (events 131,072 to 196,607) fails its checksum.",
        "The trace is damaged: block 3 of 4 (events 196,608 to 196,612) fails its checksum.",
    };
    for (std::size_t block = 0; block < 4; ++block) {
        for (const std::size_t at :
             {layout.blockOffsets[block], (layout.blockOffsets[block] + layout.blockOffsets[block + 1]) / 2,
              layout.blockOffsets[block + 1] - 1}) {
            Bytes damaged = bytes;
            damaged[at] ^= 0x10;
            INFO("block " << block << ", byte " << at);
            CHECK(rejection(damaged) == expected[block]);
        }
    }
    const Bytes one = encodeRtrace(variedTrace(1));
    Bytes damaged = one;
    damaged.back() ^= 1;
    CHECK(rejection(damaged) == "The trace is damaged: block 0 of 1 (event 0) fails its checksum.");
}

TEST_CASE("rtrace v2 refuses a file with any single byte changed", "[trace][rtrace]") {
    const Bytes bytes = encodeRtrace(variedTrace(40));
    for (std::uint8_t mask : {std::uint8_t{0xFF}, std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            Bytes damaged = bytes;
            damaged[i] ^= mask;
            INFO("byte " << i << " xor " << int(mask));
            (void)rejection(damaged);
        }
    }
    Bytes damaged = bytes;
    damaged[kHeaderSize + 5] ^= 0x20; // inside the metadata
    CHECK(rejection(damaged) == "The trace is corrupt: its checksum does not match (the file was changed or damaged).");
    damaged = bytes;
    damaged[V2Layout(bytes).tableOffset] ^= 0x01; // a block's size in the list
    CHECK(rejection(damaged) == "The trace is corrupt: its checksum does not match (the file was changed or damaged).");
}

TEST_CASE("rtrace v2 refuses every truncation", "[trace][rtrace]") {
    const Bytes small = encodeRtrace(variedTrace(40));
    for (std::size_t cut = 1; cut < small.size(); ++cut) {
        const Bytes part(small.begin(), small.begin() + static_cast<std::ptrdiff_t>(cut));
        INFO("cut at " << cut);
        REQUIRE_THAT(rejection(part), StartsWith("The trace is truncated:"));
    }
    const Bytes big = encodeRtrace(variedTrace(2 * kBlockEvents + 1));
    const V2Layout layout(big);
    for (const std::size_t cut : {layout.eventsOffset - 1, layout.eventsOffset, layout.blockOffsets[1],
                                  layout.blockOffsets[1] + 1, layout.blockOffsets[2] - 1, big.size() - 1}) {
        const Bytes part(big.begin(), big.begin() + static_cast<std::ptrdiff_t>(cut));
        INFO("cut at " << cut);
        CHECK_THAT(rejection(part), StartsWith("The trace is truncated: it has " + std::to_string(cut) + " bytes"));
    }
    CHECK(rejection(Bytes(big.begin(), big.end() - 1)) ==
          "The trace is truncated: it has " + std::to_string(big.size() - 1) + " bytes but its block list says " +
              std::to_string(big.size()) + ".");
    Bytes longer = big;
    longer.push_back(0);
    CHECK_THAT(rejection(longer), Contains("so something was added at its end"));
}

TEST_CASE("rtrace v2 refuses a header claiming 10^12 events in a small file, at once", "[trace][rtrace]") {
    Bytes bytes = encodeRtrace(variedTrace(40));
    writeAt(bytes, kEventCountOffset, std::uint64_t{1'000'000'000'000});
    const auto start = std::chrono::steady_clock::now();
    const std::string error = rejection(bytes);
    const auto took = std::chrono::steady_clock::now() - start;
    // A reader that believed it would ask for 32 TB (and say "memory") or read for minutes.
    CHECK(error == "The trace has a damaged header: it claims 1000000000000 events, more than its " +
                       std::to_string(bytes.size()) + " bytes could hold.");
    CHECK(took < std::chrono::milliseconds(100));

    // Just under what the file could hold at zstd's largest ratio: refused by the block list's size.
    Bytes under = encodeRtrace(variedTrace(40));
    writeAt(under, kEventCountOffset, static_cast<std::uint64_t>(under.size()) * kMaxEventsPerCompressedByte);
    CHECK_THAT(rejection(under), StartsWith("The trace is truncated: it has " + std::to_string(under.size()) +
                                            " bytes but its header says at least "));
}

TEST_CASE("rtrace v2 refuses a block whose frame lies about its size", "[trace][rtrace]") {
    const Bytes bytes = encodeRtrace(variedTrace(40)); // one block of 40 events: 15 + 40 * 2 to 15 + 40 * 32 bytes
    CHECK(rejection(withBlock(bytes, 0, lyingFrame(std::uint64_t{1} << 40, 100))) ==
          "The trace is damaged: block 0 of 1 (events 0 to 39) claims to unpack to 1099511627776 bytes, where its 40 "
          "events take 95 to 1295.");
    CHECK(rejection(withBlock(bytes, 0, lyingFrame(10, 10))) ==
          "The trace is damaged: block 0 of 1 (events 0 to 39) claims to unpack to 10 bytes, where its 40 events take "
          "95 to 1295.");
    // Within the bounds, but the frame holds fewer bytes than it claims.
    CHECK_THAT(rejection(withBlock(bytes, 0, lyingFrame(500, 100))),
               StartsWith("The trace is damaged: block 0 of 1 ("));
    CHECK_THAT(rejection(withBlock(bytes, 0, Bytes{1, 2, 3, 4, 5})), EndsWith("is not zstd-compressed data."));
    Bytes extra = zstdFrame(Bytes(95, 0));
    extra.push_back(0);
    CHECK_THAT(rejection(withBlock(bytes, 0, extra)), EndsWith("has 1 byte after its zstd frame."));

    Bytes widths(15 + 40 * (9 + 2), 0); // a 9-byte-wide timestamp column
    widths[8] = 9;
    CHECK_THAT(rejection(withBlock(bytes, 0, zstdFrame(widths))),
               EndsWith("gives column 0 9-byte values, wider than its 8 bytes."));
    Bytes short_(15 + 40 * 3, 0); // widths of 2 bytes per event plus kind and worker, but 3 bytes per event held
    CHECK_THAT(rejection(withBlock(bytes, 0, zstdFrame(short_))),
               EndsWith("unpacks to 135 bytes where its 40 events and column widths need 95."));
    Bytes tiny = zstdFrame(Bytes(95, 0)); // well-formed, but every kind 0
    CHECK_THAT(rejection(withBlock(bytes, 0, tiny)), Contains("event 0 has the unknown kind 0"));
}

TEST_CASE("rtrace v2 refuses other header damage with a sentence", "[trace][rtrace]") {
    const Bytes bytes = encodeRtrace(variedTrace(40));
    Bytes newer = bytes;
    writeAt(newer, kVersionOffset, std::uint32_t{3});
    CHECK(rejection(newer) ==
          "The trace was written by a newer racetrace (trace format version 3) and this one reads versions up to 2.");
    Bytes zero = bytes;
    writeAt(zero, kVersionOffset, std::uint32_t{0});
    CHECK(rejection(zero) == "The trace has an unknown trace format version 0.");
    for (const std::uint32_t perBlock : {std::uint32_t{0}, kMaxBlockEvents + 1}) {
        Bytes blocks = bytes;
        writeAt(blocks, kBlockEventsOffset, perBlock);
        CHECK(rejection(blocks) == "The trace has a damaged header: it gives blocks of " + std::to_string(perBlock) +
                                       " events where version 2 allows 1 to 1,048,576.");
    }
    Bytes reserved = bytes;
    reserved[kReservedOffset + 7] = 1;
    CHECK(rejection(reserved) == "The trace has a damaged header: its reserved bytes are not zero.");
}
