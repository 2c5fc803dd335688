// The .rtrace reader is fed files we did not write (downloads, damaged copies,
// other formats), so most of these tests hand it bad bytes and check that it says
// so in one sentence instead of crashing or believing a header.
#include "trace/rtrace_file.hpp"

#include "support/trace_compare.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace racetrace;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// Header offsets from the layout in rtrace_file.hpp, repeated here on purpose:
// if the writer moves a field, these tests should notice.
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kMetaBytesOffset = 16;
constexpr std::size_t kEventCountOffset = 24;
constexpr std::size_t kWorkerCountOffset = 32;
constexpr std::size_t kReservedOffset = 40;
constexpr std::size_t kHeaderSize = 64;

Event makeEvent(std::uint64_t timestamp, std::uint8_t worker, EventKind kind, std::uint16_t variable,
                std::uint16_t line, std::int64_t value, std::uint32_t aux = 0) {
    Event event{};
    event.timestamp = timestamp;
    event.value = value;
    event.seq = 0; // filled in below, per worker
    event.aux = aux;
    event.line = line;
    event.variable = variable;
    event.cpu = worker; // each worker on its own CPU
    event.kind = kind;
    event.worker = worker;
    return event;
}

/// A naive-flag run of two workers where both got into the critical section.
Trace makeTrace() {
    Trace trace;
    auto& scenario = trace.scenario;
    scenario.name = "naive-flag";
    scenario.title = "Naive boolean flag";
    scenario.description = "Both workers test Y, then set it. Between the test and the set, the other may test too.";
    scenario.source = "name = \"naive-flag\"\n[[variables]]\nname = \"Y\" # a \"quoted\" comment → ü\n\ttab\n";
    scenario.variables = {
        declareVariable("Y", VariableRole::Flag, 1, 1, 0),
        declareVariable("counter", VariableRole::Counter, 1, 0, 1),
        declareVariable("X", VariableRole::Record, 4, -1, 2),
    };
    // Declared meanings, unlike the role's defaults, and not ASCII.
    scenario.variables[0].meanings = {1, {{1, "frei"}, {0, "besetzt (ü)"}}, "?"};
    scenario.programs = {{"worker",
                          {{"while (Y == false) {}"},
                           {"Y = false;"},
                           {"// critical section"},
                           {"counter = counter + 1;"},
                           {"X = {me, me, me, me}; check X;"},
                           {"Y = true;"}}}};
    scenario.invariants = {{"counter == workers * iterations", 1, 20}};

    trace.settings.scenario = "naive-flag";
    trace.settings.workers = 2;
    trace.settings.iterations = 10;
    trace.settings.windowNs = 500;
    trace.settings.pin = PinMode::Spread;
    trace.settings.seed = 0xDEADBEEFCAFEF00Dull; // above INT64_MAX: must survive JSON
    trace.settings.traceEnabled = true;
    trace.settings.watchdogSeconds = 2.5;
    trace.machine = {"Test CPU @ 3.00GHz", 2, "Linux 6.1.0"};
    trace.clock = {ClockKind::Tsc, 2.918273645123};

    WorkerRecord a;
    a.index = 0;
    a.pid = 4242;
    a.role = "worker";
    a.dropped = 3;
    a.iterationsDone = 10;
    a.exit = {WorkerExit::How::Exited, 0, 0};
    a.cpus = {0};
    WorkerRecord b = a;
    b.index = 1;
    b.pid = 4243;
    b.dropped = 0;
    b.iterationsDone = 7;
    b.exit = {WorkerExit::How::Killed, 0, 9};
    b.cpus = {1, 3};
    trace.workers = {a, b};

    trace.events = {
        makeEvent(100, 0, EventKind::WorkerStart, kNoVariable, 0, 0),
        makeEvent(110, 1, EventKind::WorkerStart, kNoVariable, 0, 0),
        makeEvent(200, 0, EventKind::Load, 0, 0, 1),
        makeEvent(205, 1, EventKind::Load, 0, 0, 1),
        makeEvent(300, 0, EventKind::Store, 0, 1, 0),
        makeEvent(301, 1, EventKind::Store, 0, 1, 0),
        makeEvent(350, 0, EventKind::CsEnter, kNoVariable, 2, 0),
        makeEvent(360, 1, EventKind::CsEnter, kNoVariable, 2, 0),
        makeEvent(400, 0, EventKind::Load, 1, 3, 41),
        makeEvent(401, 1, EventKind::FetchAdd, 1, 3, -3, 0xFFFFFFFFu), // negative value, delta -1
        makeEvent(500, 0, EventKind::RecordWordWrite, 2, 4, 0xA, 3),
        makeEvent(510, 1, EventKind::RecordCheck, 2, 4, 0xA, 3),
        makeEvent(600, 1, EventKind::Spin, 0, 0, 0, 1203),
        makeEvent(650, 0, EventKind::Fence, kNoVariable, 5, 0),
        makeEvent(700, 0, EventKind::CsExit, kNoVariable, 5, 0),
        makeEvent(900, 0, EventKind::WorkerExit, kNoVariable, 0, 10),
        makeEvent(950, 1, EventKind::WorkerKilled, kNoVariable, 0, 9),
    };
    std::uint32_t seq[2] = {0, 0};
    for (auto& event : trace.events)
        event.seq = seq[event.worker]++;

    trace.finalWords = {1, 19, 0xA, 0xA, 0xB, 0xA};
    trace.stopReason = "Worker B was killed by the watchdog after 2.5 s without progress.";
    trace.durationNs = 1'000'000;
    return trace;
}

void requireSameTrace(const Trace& a, const Trace& b) {
    test::requireSameMetadata(a, b);
    REQUIRE(a.events.size() == b.events.size());
    if (!a.events.empty()) CHECK(std::memcmp(a.events.data(), b.events.data(), a.events.size() * sizeof(Event)) == 0);
}

std::uint64_t readU64(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes.data() + offset, sizeof(value));
    return value;
}

template <class T> void writeAt(std::vector<std::uint8_t>& bytes, std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof(value));
}

// The helpers below edit files in the layout of version 1 (one trailing
// checksum, the events right after the metadata), which is also what the
// tests of the header and the metadata use: the metadata is the same JSON in
// both versions. rtrace_codec_test.cpp tests the layout of version 2.

/// Recomputes the trailing checksum, so that only the reader's other checks can catch an edit.
void reseal(std::vector<std::uint8_t>& bytes) {
    writeAt(bytes, bytes.size() - 8, static_cast<std::uint64_t>(XXH64(bytes.data(), bytes.size() - 8, 0)));
}

std::string metadataOf(const std::vector<std::uint8_t>& file) {
    const auto metaBytes = readU64(file, kMetaBytesOffset);
    return std::string(reinterpret_cast<const char*>(file.data() + kHeaderSize), metaBytes);
}

/// The same file with other metadata text, sizes and checksum fixed up.
std::vector<std::uint8_t> withMetadata(const std::vector<std::uint8_t>& file, const std::string& meta) {
    const auto oldMeta = readU64(file, kMetaBytesOffset);
    const std::size_t tail = file.size() - kHeaderSize - oldMeta; // events and checksum
    // Sized up front and filled with memcpy: GCC 12 warns falsely about vector::insert here.
    std::vector<std::uint8_t> out(kHeaderSize + meta.size() + tail);
    std::memcpy(out.data(), file.data(), kHeaderSize);
    if (!meta.empty()) std::memcpy(out.data() + kHeaderSize, meta.data(), meta.size());
    std::memcpy(out.data() + kHeaderSize + meta.size(), file.data() + kHeaderSize + oldMeta, tail);
    writeAt(out, kMetaBytesOffset, static_cast<std::uint64_t>(meta.size()));
    reseal(out);
    return out;
}

/// Edits the metadata as JSON and returns the re-sealed file.
template <class Edit> std::vector<std::uint8_t> withEditedMetadata(const std::vector<std::uint8_t>& file, Edit edit) {
    auto json = nlohmann::json::parse(metadataOf(file));
    edit(json);
    return withMetadata(file, json.dump());
}

/// The reader's sentence for `bytes`, which must be refused.
std::string rejection(const std::vector<std::uint8_t>& bytes) {
    const auto result = decodeRtrace(bytes.data(), bytes.size());
    REQUIRE_FALSE(result.has_value());
    REQUIRE_FALSE(result.error().empty());
    return result.error();
}

std::string rejectionOfTrace(const Trace& trace) {
    return rejection(encodeRtrace(trace));
}

/// A fresh directory for one test, removed with everything in it afterwards.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static int counter = 0;
        path = std::filesystem::temp_directory_path() /
               ("racetrace-rtrace-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

} // namespace

TEST_CASE("rtrace version 1 round trip keeps every field and every event byte for byte", "[trace][rtrace]") {
    const Trace original = makeTrace();
    const auto bytes = encodeRtrace(original, 1);

    REQUIRE(bytes.size() == kHeaderSize + readU64(bytes, kMetaBytesOffset) + original.events.size() * 32 + 8);
    CHECK(std::memcmp(bytes.data(), "RTRACE\r\n", 8) == 0);
    CHECK(readU64(bytes, kEventCountOffset) == original.events.size());

    const auto decoded = decodeRtrace(bytes.data(), bytes.size());
    INFO((decoded ? std::string() : decoded.error()));
    REQUIRE(decoded.has_value());
    requireSameTrace(original, *decoded);
    CHECK(decoded->file.version == 1);
    CHECK(decoded->file.bytes == bytes.size());
    CHECK(encodeRtrace(*decoded, 1) == bytes); // and encoding is deterministic
}

TEST_CASE("rtrace round trip of an empty trace", "[trace][rtrace]") {
    const Trace empty;
    for (const std::uint32_t version : {1u, 2u}) {
        const auto bytes = encodeRtrace(empty, version);
        const auto decoded = decodeRtrace(bytes.data(), bytes.size());
        INFO("version " << version << ": " << (decoded ? std::string() : decoded.error()));
        REQUIRE(decoded.has_value());
        requireSameTrace(empty, *decoded);
        CHECK(decoded->file.version == version);
    }
    CHECK(decodeRtrace(nullptr, 0).error() == "The trace is empty, so it is not a racetrace trace.");
}

TEST_CASE("rtrace metadata with invalid UTF-8 is saved, not refused", "[trace][rtrace]") {
    Trace trace = makeTrace();
    trace.machine.cpuModel = "Broken \xff\xfe CPU";
    const auto bytes = encodeRtrace(trace);
    const auto decoded = decodeRtrace(bytes.data(), bytes.size());
    REQUIRE(decoded.has_value());
    CHECK_THAT(decoded->machine.cpuModel, StartsWith("Broken "));
}

TEST_CASE("rtrace refuses every truncation of a version 1 file", "[trace][rtrace]") {
    const auto bytes = encodeRtrace(makeTrace(), 1);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        // An exact-size copy, so a read past the end is caught by sanitizers.
        const std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
        const auto result = decodeRtrace(part.data(), part.size());
        INFO("cut at " << cut);
        REQUIRE_FALSE(result.has_value());
        if (cut > 0) REQUIRE_THAT(result.error(), StartsWith("The trace is truncated:"));
    }
    CHECK(rejection(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 1000)) ==
          "The trace is truncated: it has 1000 bytes but its header says " + std::to_string(bytes.size()) + ".");
}

TEST_CASE("rtrace refuses a version 1 file with any single byte changed", "[trace][rtrace]") {
    const auto bytes = encodeRtrace(makeTrace(), 1);
    for (std::uint8_t mask : {std::uint8_t{0xFF}, std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            auto damaged = bytes;
            damaged[i] ^= mask;
            INFO("byte " << i << " xor " << int(mask));
            const auto result = decodeRtrace(damaged.data(), damaged.size());
            REQUIRE_FALSE(result.has_value());
            REQUIRE_FALSE(result.error().empty());
        }
    }
    auto damaged = bytes;
    damaged[kHeaderSize + 5] ^= 0x20; // inside the metadata
    CHECK(rejection(damaged) == "The trace is corrupt: its checksum does not match (the file was changed or damaged).");
}

TEST_CASE("rtrace refuses a version 1 header that lies about sizes without believing it", "[trace][rtrace]") {
    const auto bytes = encodeRtrace(makeTrace(), 1);
    const auto metaBytes = readU64(bytes, kMetaBytesOffset);
    const auto eventCount = readU64(bytes, kEventCountOffset);
    // Each of these would ask a trusting reader for petabytes (or wrap around); the
    // reader must say what is wrong instead of failing to allocate.
    auto lie = [&](std::uint64_t newMeta, std::uint64_t newCount) {
        auto edited = bytes;
        writeAt(edited, kMetaBytesOffset, newMeta);
        writeAt(edited, kEventCountOffset, newCount);
        reseal(edited);
        const std::string error = rejection(edited);
        CHECK_THAT(error, !Contains("memory"));
        return error;
    };
    CHECK_THAT(lie(metaBytes, std::uint64_t{1} << 60), Contains("more than any file can hold"));
    CHECK_THAT(lie(std::uint64_t{1} << 60, eventCount), StartsWith("The trace is truncated:"));
    CHECK_THAT(lie(std::numeric_limits<std::uint64_t>::max(), eventCount), Contains("more than any file can hold"));
    // Chosen so that 64 + meta + count * 32 + 8 wraps around to exactly the real size.
    CHECK_THAT(lie(metaBytes, eventCount + (std::uint64_t{1} << 59)), Contains("more than any file can hold"));
    CHECK_THAT(lie(metaBytes + (std::uint64_t{1} << 63), eventCount + (std::uint64_t{1} << 58)),
               Contains("more than any file can hold"));
    // Sizes that add up but split the parts wrongly: the metadata swallows an event.
    CHECK_THAT(lie(metaBytes + 32, eventCount - 1), Contains("is not valid JSON"));
    CHECK_THAT(lie(metaBytes, eventCount + 1), StartsWith("The trace is truncated:"));

    auto longer = bytes;
    longer.push_back(0);
    CHECK_THAT(rejection(longer), Contains("something was added at its end"));
}

TEST_CASE("rtrace refuses other header damage with a sentence", "[trace][rtrace]") {
    const auto bytes = encodeRtrace(makeTrace(), 1);
    auto newer = bytes;
    writeAt(newer, kVersionOffset, std::uint32_t{3});
    CHECK(rejection(newer) ==
          "The trace was written by a newer racetrace (trace format version 3) and this one reads versions up to 2.");

    auto reserved = bytes;
    reserved[kReservedOffset + 3] = 1;
    reseal(reserved);
    CHECK_THAT(rejection(reserved), Contains("reserved bytes are not zero"));

    auto workers = bytes;
    writeAt(workers, kWorkerCountOffset, std::uint32_t{3});
    reseal(workers);
    CHECK(rejection(workers) == "The trace is inconsistent: its header says 3 workers but its metadata lists 2.");
}

TEST_CASE("rtrace refuses files of other formats", "[trace][rtrace]") {
    const std::vector<std::vector<std::uint8_t>> foreign = {
        {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0, 0, 0, 1, 0, 8, 6},
        {0x7F, 'E', 'L', 'F', 2, 1, 1, 0},
        {'h', 'e', 'l', 'l', 'o', '\n'},
        {'R', 'T', 'R', 'A', 'C', 'E', '\n', '\n'}, // a text-mode copy rewrote "\r\n"
        {'{', '"', 's', 'c', 'e', 'n', 'a', 'r', 'i', 'o', '"', ':', '{', '}', '}'},
        std::vector<std::uint8_t>(200, 0),
    };
    for (const auto& file : foreign) {
        INFO("file of " << file.size() << " bytes");
        CHECK(rejection(file) == "The trace is not a racetrace trace (it does not start with the RTRACE signature).");
    }
    CHECK_THAT(rejection({'R', 'T', 'R'}), StartsWith("The trace is truncated:"));
}

TEST_CASE("rtrace refuses events that do not fit the metadata", "[trace][rtrace]") {
    // encodeRtrace seals whatever it is given, so only event validation can catch these.
    auto withEvent = [](std::size_t index, auto change) {
        Trace trace = makeTrace();
        change(trace.events.at(index));
        return rejectionOfTrace(trace);
    };
    CHECK(withEvent(3, [](Event& e) { e.worker = 2; }) ==
          "The trace has a bad event: event 3 (load) names worker 2, but the trace has 2 workers.");
    CHECK_THAT(withEvent(3, [](Event& e) { e.kind = static_cast<EventKind>(99); }),
               Contains("event 3 has the unknown kind 99"));
    CHECK_THAT(withEvent(3, [](Event& e) { e.kind = static_cast<EventKind>(kEventKindCount); }),
               Contains("event 3 has the unknown kind " + std::to_string(kEventKindCount)));
    CHECK_THAT(withEvent(0, [](Event& e) { e.kind = EventKind::Invalid; }), Contains("event 0 has the unknown kind 0"));
    CHECK_THAT(withEvent(2, [](Event& e) { e.variable = 3; }),
               Contains("event 2 (load) names variable 3, but the scenario has 3 variables"));
    CHECK_THAT(withEvent(2, [](Event& e) { e.variable = kNoVariable; }),
               Contains("accesses memory but names no variable"));
    CHECK_THAT(withEvent(10, [](Event& e) { e.aux = 4; }),
               Contains("event 10 (record-write) touches word 4 of variable 2, which has 4 words"));
    CHECK_THAT(withEvent(11, [](Event& e) { e.aux = 0xFFFFFFFFu; }), Contains("touches word 4294967295"));
    CHECK_THAT(withEvent(11, [](Event& e) { e.variable = 0; }),
               Contains("touches word 3 of variable 0, which has 1 word"));
    CHECK_THAT(withEvent(4, [](Event& e) { e.line = 6; }),
               Contains("event 4 (store) is on line 6, but worker A's program has 6 lines"));
    CHECK_THAT(withEvent(5, [](Event& e) { e.timestamp = 1; }),
               Contains("event 5 is earlier than the event before it"));

    Trace noPrograms = makeTrace();
    noPrograms.scenario.programs.clear();
    CHECK_THAT(rejectionOfTrace(noPrograms),
               Contains("event 2 (load) is on line 0, but worker A's program has 0 lines"));
}

TEST_CASE("rtrace refuses metadata that contradicts itself", "[trace][rtrace]") {
    auto with = [](auto change) {
        Trace trace = makeTrace();
        change(trace);
        return rejectionOfTrace(trace);
    };
    CHECK(with([](Trace& t) { t.scenario.invariants[0].variable = 9; }) ==
          "The trace has invalid metadata: invariant 0 names variable 9 but the scenario has 3 variables.");
    CHECK_THAT(with([](Trace& t) { t.finalWords.resize(5); }),
               Contains("variable 2 ends at word 6 but the final memory has only 5 words"));
    CHECK_THAT(with([](Trace& t) { t.scenario.variables[1].words = 0; }), Contains("variable 1 has no words"));
    CHECK_THAT(with([](Trace& t) { t.scenario.variables[2].firstWord = 0xFFFFFFFFu; }),
               Contains("variable 2 ends at word"));
    CHECK_THAT(with([](Trace& t) { t.workers[1].index = 5; }), Contains("worker record 1 says it is worker 5"));
    CHECK_THAT(with([](Trace& t) { t.clock.ticksPerNs = 0.0; }), Contains("is not a positive number"));
}

TEST_CASE("rtrace refuses metadata JSON of the wrong shape, naming the field", "[trace][rtrace]") {
    using nlohmann::json;
    const auto bytes = encodeRtrace(makeTrace(), 1);
    auto edited = [&](auto edit) { return rejection(withEditedMetadata(bytes, edit)); };

    CHECK(edited([](json& j) { j["scenario"]["variables"][2]["words"] = "four"; }) ==
          "The trace has invalid metadata: field \"scenario.variables[2].words\" should be a whole number but is a "
          "string.");
    CHECK_THAT(edited([](json& j) { j.erase("durationNs"); }), Contains("field \"durationNs\" is missing"));
    CHECK_THAT(edited([](json& j) { j["options"]["seed"] = -1; }),
               Contains("field \"options.seed\" is -1, outside the range 0 to 18446744073709551615"));
    CHECK_THAT(edited([](json& j) { j["options"]["workers"] = 2.5; }),
               Contains("field \"options.workers\" should be a whole number but is 2.5"));
    CHECK_THAT(edited([](json& j) { j["options"]["traceEnabled"] = 1; }),
               Contains("field \"options.traceEnabled\" should be true or false but is 1"));
    CHECK_THAT(edited([](json& j) { j["options"]["pin"] = "diagonal"; }),
               Contains("field \"options.pin\" is \"diagonal\", which is not a known pin mode"));
    CHECK_THAT(edited([](json& j) { j["scenario"]["variables"][0]["kind"] = "blob"; }),
               Contains("\"scenario.variables[0].kind\" is \"blob\", which is not a known variable kind"));
    CHECK_THAT(edited([](json& j) { j["clock"]["kind"] = "sundial"; }), Contains("\"clock.kind\""));
    CHECK_THAT(edited([](json& j) { j["workers"][0]["exit"]["how"] = 3; }),
               Contains("field \"workers[0].exit.how\" should be a string but is 3"));
    CHECK_THAT(edited([](json& j) { j["workers"][1]["cpus"][0] = 70000; }),
               Contains("field \"workers[1].cpus[0]\" is 70000, outside the range 0 to 65535"));
    CHECK_THAT(edited([](json& j) { j["workers"][1]["pid"] = 5'000'000'000; }), Contains("\"workers[1].pid\""));
    CHECK_THAT(edited([](json& j) { j["scenario"]["programs"][0]["lines"][2] = "text"; }),
               Contains("field \"scenario.programs[0].lines[2]\" should be an object but is a string"));
    CHECK_THAT(edited([](json& j) { j["scenario"]["invariants"] = json::object(); }),
               Contains("field \"scenario.invariants\" should be an array but is an object"));
    CHECK_THAT(edited([](json& j) { j["machine"] = nullptr; }),
               Contains("field \"machine\" should be an object but is null"));
    CHECK_THAT(edited([](json& j) { j["finalWords"][0] = "1"; }), Contains("\"finalWords[0]\""));

    CHECK_THAT(rejection(withMetadata(bytes, "{")), Contains("has invalid metadata: it is not valid JSON"));
    CHECK_THAT(rejection(withMetadata(bytes, "")), Contains("it is not valid JSON"));
    CHECK_THAT(rejection(withMetadata(bytes, "[1, 2]")), Contains("it should be a JSON object but is an array"));
    CHECK_THAT(rejection(withMetadata(bytes, std::string(100000, '['))), Contains("it is not valid JSON"));

    CHECK_THAT(edited([](json& j) { j["scenario"]["variables"][0]["meanings"][0]["words"] = 1; }),
               Contains("field \"scenario.variables[0].meanings[0].words\" should be a string but is 1"));
    CHECK_THAT(edited([](json& j) { j["scenario"]["variables"][0]["free"] = "yes"; }),
               Contains("field \"scenario.variables[0].free\" should be a whole number but is a string"));

    // Unknown keys are tolerated: a later v1 writer may add some.
    const auto extra = withEditedMetadata(bytes, [](json& j) { j["comment"] = "added later"; });
    CHECK(decodeRtrace(extra.data(), extra.size()).has_value());
}

TEST_CASE("rtrace files written before values had meanings get their roles' meanings", "[trace][rtrace]") {
    using nlohmann::json;
    const auto bytes = withEditedMetadata(encodeRtrace(makeTrace(), 1), [](json& j) {
        for (auto& variable : j["scenario"]["variables"]) {
            variable.erase("free");
            variable.erase("meanings");
            variable.erase("otherWords");
        }
    });
    const auto trace = decodeRtrace(bytes.data(), bytes.size());
    REQUIRE(trace.has_value());
    const ValueMeanings& flag = trace->scenario.variables[0].meanings; // a flag: 1 = free
    CHECK(flag.isFree(1));
    CHECK(flag.of(1) == "free");
    CHECK(flag.of(0) == "in use");
    const ValueMeanings& counter = trace->scenario.variables[1].meanings;
    CHECK_FALSE(counter.free);
    CHECK(counter.of(7).empty());
}

TEST_CASE("rtrace save and load through a real file", "[trace][rtrace]") {
    TempDir dir;
    const std::string path = dir.file("run.rtrace");
    const Trace original = makeTrace();

    const auto saved = saveRtrace(original, path);
    INFO((saved ? std::string() : saved.error()));
    REQUIRE(saved.has_value());
    const auto loaded = loadRtrace(path);
    INFO((loaded ? std::string() : loaded.error()));
    REQUIRE(loaded.has_value());
    requireSameTrace(original, *loaded);
    CHECK(loaded->file.version == kRtraceVersion);
    CHECK(loaded->file.bytes == std::filesystem::file_size(path));

    // Saving again replaces the file, and leaves no temporary file behind.
    Trace second = makeTrace();
    second.stopReason.clear();
    REQUIRE(saveRtrace(second, path).has_value());
    CHECK(loadRtrace(path)->stopReason.empty());
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("rtrace load reports the bytes it read, and stops when asked to", "[trace][rtrace]") {
    TempDir dir;
    const std::string path = dir.file("run.rtrace");
    const Trace original = makeTrace();
    REQUIRE(saveRtrace(original, path).has_value());
    const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(path));

    LoadControl control;
    const auto loaded = loadRtrace(path, &control);
    REQUIRE(loaded.has_value());
    requireSameTrace(original, *loaded);
    CHECK(control.bytesTotal.load() == size);
    CHECK(control.bytesRead.load() == size);

    LoadControl stopped;
    stopped.cancel.store(true);
    const auto refused = loadRtrace(path, &stopped);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() == "Stopped reading " + path + ".");
    CHECK(stopped.bytesRead.load() == 0);
}

TEST_CASE("rtrace file errors name the path", "[trace][rtrace]") {
    TempDir dir;
    const std::string missing = dir.file("missing.rtrace");
    CHECK_THAT(loadRtrace(missing).error(), Contains(missing));
    CHECK(loadRtrace(dir.path.string()).error() == dir.path.string() + " is a directory, not a trace file.");

    const std::string nowhere = dir.file("no-such-dir/run.rtrace");
    const auto saved = saveRtrace(makeTrace(), nowhere);
    REQUIRE_FALSE(saved.has_value());
    CHECK_THAT(saved.error(), Contains(nowhere));

    const std::string fifo = dir.file("pipe.rtrace");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THAT(loadRtrace(fifo).error(), Contains("is not a regular file")); // and does not hang

    const auto bytes = encodeRtrace(makeTrace());
    const std::string truncated = dir.file("truncated.rtrace");
    writeFile(truncated, std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 100));
    CHECK_THAT(loadRtrace(truncated).error(), StartsWith(truncated + " is truncated:"));

    const std::string lying = dir.file("lying.rtrace");
    auto lie = bytes;
    writeAt(lie, kEventCountOffset, std::uint64_t{1} << 60);
    writeFile(lying, lie);
    CHECK_THAT(loadRtrace(lying).error(), StartsWith(lying + " has a damaged header"));

    const std::string text = dir.file("notes.txt");
    writeFile(text, {'n', 'o', 't', 'e', 's', '\n'});
    CHECK(loadRtrace(text).error() ==
          text + " is not a racetrace trace (it does not start with the RTRACE signature).");

    const std::string empty = dir.file("empty.rtrace");
    writeFile(empty, {});
    CHECK(loadRtrace(empty).error() == empty + " is empty, so it is not a racetrace trace.");
}

// --- hostile metadata and huge files (issue 15) -------------------------------

namespace {

/// Runs `body` in a child process whose address space is limited to what it
/// uses now plus `extraMiB`, and returns what it wrote to `out` (a sentence).
/// Under AddressSanitizer (which reserves terabytes of shadow) the limit is
/// left off: the answer is the same, only a regression would then cost memory.
template <class Body> std::string inChildWithMemoryLimit(std::uint64_t extraMiB, Body body) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(fds[0]);
#if defined(__SANITIZE_ADDRESS__)
        (void)extraMiB;
#else
        std::uint64_t sizeKiB = 0;
        std::ifstream status("/proc/self/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmSize:", 0) == 0) sizeKiB = std::stoull(line.substr(7));
        const rlimit limit{(sizeKiB << 10) + (extraMiB << 20), (sizeKiB << 10) + (extraMiB << 20)};
        ::setrlimit(RLIMIT_AS, &limit);
#endif
        const std::string said = body();
        const ssize_t written = ::write(fds[1], said.data(), said.size());
        ::_exit(written == static_cast<ssize_t>(said.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string said;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;)
        said.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    return said;
}

/// A file of `size` bytes that starts with `head` and is a hole after it.
void writeSparse(const std::string& path, const std::vector<std::uint8_t>& head, std::uint64_t size) {
    writeFile(path, head);
    REQUIRE(::truncate(path.c_str(), static_cast<off_t>(size)) == 0);
}

} // namespace

TEST_CASE("rtrace refuses metadata with counts no run can have in one sentence", "[trace][rtrace]") {
    auto with = [](auto change) {
        Trace trace = makeTrace();
        change(trace);
        return rejectionOfTrace(trace);
    };
    constexpr auto kAll = std::numeric_limits<std::uint64_t>::max(); // "-1" to a signed reader
    CHECK(with([](Trace& t) { t.settings.workers = 1'000'000; }) ==
          "The trace has invalid metadata: its options say 1000000 workers but it lists 2.");
    CHECK(with([](Trace& t) { t.settings.iterations = kAll; }) ==
          "The trace has invalid metadata: its options say 18446744073709551615 iterations per worker, more than "
          "any run makes (at most 1000000000).");
    CHECK(with([](Trace& t) { t.settings.windowNs = 1'000'000'001; }) ==
          "The trace has invalid metadata: its options give a race window of 1000000001 ns, more than any run uses "
          "(at most 1000000000).");
    CHECK(with([](Trace& t) { t.settings.watchdogSeconds = -1.0; }) ==
          "The trace has invalid metadata: its options give a watchdog of -1.000000 seconds, not a number from 0 to "
          "1000000.");
    CHECK(with([](Trace& t) {
              t.settings.killAtEntry = 3;
              t.settings.killWorker = 7;
          }) == "The trace has invalid metadata: its options kill worker 7 but it lists 2 workers.");
    CHECK(with([](Trace& t) { t.durationNs = kAll; }) ==
          "The trace has invalid metadata: it says the run took 18446744073709551615 ns, which is negative as a "
          "time.");
    CHECK(with([](Trace& t) { t.workers[1].pid = -1; }) ==
          "The trace has invalid metadata: worker record 1 gives the process id -1, which is negative.");
    CHECK(with([](Trace& t) { t.workers[0].iterationsDone = kAll; }) ==
          "The trace has invalid metadata: worker record 0 says 18446744073709551615 iterations were done, more "
          "than any run makes (at most 1000000000).");
    CHECK(with([](Trace& t) { t.workers[0].dropped = kAll; }) ==
          "The trace has invalid metadata: worker record 0 says 18446744073709551615 events were dropped, which is "
          "negative as a count.");

    // The limits themselves are accepted.
    Trace edge = makeTrace();
    edge.settings.iterations = 1'000'000'000;
    edge.settings.windowNs = 1'000'000'000;
    edge.settings.watchdogSeconds = 1'000'000.0;
    const auto bytes = encodeRtrace(edge);
    const auto loaded = decodeRtrace(bytes.data(), bytes.size());
    INFO((loaded ? std::string() : loaded.error()));
    CHECK(loaded.has_value());
}

TEST_CASE("rtrace refuses a header claiming more than 64 MiB of metadata before reading it", "[trace][rtrace]") {
    TempDir dir;
    CHECK(kMaxRtraceMetadataBytes == 64u << 20);
    for (const std::uint32_t version : {1u, 2u}) {
        // A file whose sizes add up (its metadata a hole on disk), so only the cap can refuse it.
        auto bytes = encodeRtrace(makeTrace(), version);
        const std::uint64_t tail = bytes.size() - kHeaderSize - readU64(bytes, kMetaBytesOffset);
        writeAt(bytes, kMetaBytesOffset, kMaxRtraceMetadataBytes + 1);
        const std::string path = dir.file("big-metadata-v" + std::to_string(version) + ".rtrace");
        writeSparse(path, std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + kHeaderSize),
                    kHeaderSize + kMaxRtraceMetadataBytes + 1 + tail);
        CHECK(loadRtrace(path).error() == path + " has a damaged header: it claims 67108865 bytes of metadata, more "
                                                 "than the 64 MiB a trace may hold.");
    }
}

TEST_CASE("rtrace leaves out kept memory orders that would pass the metadata cap, and the trace still loads",
          "[trace][rtrace]") {
    TempDir dir;
    Trace trace = makeTrace();
    KeptMemoryOrders kept;
    // 1.5 million [read, write] pairs of 13-digit numbers (~50 bytes each): well over 64 MiB as indented JSON.
    constexpr std::uint64_t kPairs = 1'500'000, kBig = 1'000'000'000'000;
    kept.readsUnlikeTraceOrder.reserve(kPairs);
    for (std::uint64_t k = 0; k < kPairs; ++k)
        kept.readsUnlikeTraceOrder.emplace_back(kBig + 2 * k, kBig + 2 * k + 1);
    trace.keptOrders = std::move(kept);
    const std::string meta = encodeRtraceMetadata(trace);
    CHECK(meta.size() <= kMaxRtraceMetadataBytes);
    CHECK(meta.find("\"memoryOrders\"") == std::string::npos);
    CHECK(meta.find("\"stopReason\"") != std::string::npos); // everything else is kept

    const std::string path = dir.file("big-orders.rtrace");
    REQUIRE(saveRtrace(trace, path).has_value());
    const auto loaded = loadRtrace(path);
    INFO((loaded ? std::string() : loaded.error()));
    REQUIRE(loaded.has_value());
    CHECK_FALSE(loaded->keptOrders.has_value()); // a reader searches again, as for a file from before they were kept
    CHECK(loaded->events.size() == trace.events.size());
}

TEST_CASE("rtrace refuses to save metadata over the cap in one sentence, and the old file stays", "[trace][rtrace]") {
    TempDir dir;
    const std::string path = dir.file("kept.rtrace");
    REQUIRE(saveRtrace(makeTrace(), path).has_value());
    const auto before = std::filesystem::file_size(path);
    Trace huge = makeTrace();
    huge.scenario.source.assign(kMaxRtraceMetadataBytes + 1, 'x');
    const auto saved = saveRtrace(huge, path);
    REQUIRE_FALSE(saved.has_value());
    CHECK_THAT(saved.error(), Catch::StartsWith("Cannot save " + path + ": its metadata would take ") &&
                                  Catch::EndsWith(" bytes, more than the 64 MiB a trace may hold."));
    CHECK(std::filesystem::file_size(path) == before);
    CHECK(loadRtrace(path).has_value());
}

TEST_CASE("rtrace metadata keys it does not read cost no memory beyond their bytes", "[trace][rtrace]") {
    // 40 MB of an unknown array: ~640 MB as a JSON DOM; read in 200 MB more than the child has.
    const auto file = encodeRtrace(makeTrace(), 1);
    auto json = nlohmann::json::parse(metadataOf(file));
    json["padding"] = nlohmann::json::array();
    std::string meta = json.dump();
    std::string zeros;
    zeros.reserve(40u << 20);
    for (int i = 0; i < (20 << 20) - 1; ++i)
        zeros += "0,";
    zeros += "0";
    meta.insert(meta.find("\"padding\":[") + 11, zeros);
    zeros = std::string();
    const auto padded = withMetadata(file, meta);
    meta = std::string();
    const std::string said = inChildWithMemoryLimit(200, [&padded] {
        const auto loaded = decodeRtrace(padded.data(), padded.size());
        return loaded ? std::string("loaded, stop reason: ") + loaded->stopReason : loaded.error();
    });
    CHECK(said == "loaded, stop reason: " + makeTrace().stopReason);
}

TEST_CASE("rtrace load streams the checksum: a huge damaged file is refused in bounded memory", "[trace][rtrace]") {
    TempDir dir;
    constexpr std::uint64_t kHuge = std::uint64_t{1} << 30; // 1 GiB, a hole on disk

    SECTION("version 1: a header that adds up to 1 GiB of events, all zero") {
        auto bytes = encodeRtrace(makeTrace(), 1);
        const std::uint64_t metaBytes = readU64(bytes, kMetaBytesOffset);
        const std::uint64_t events = (kHuge - 72 - metaBytes) / 32;
        writeAt(bytes, kEventCountOffset, events);
        const std::string path = dir.file("huge-v1.rtrace");
        writeSparse(path, bytes, 72 + metaBytes + events * 32);
        const std::string said = inChildWithMemoryLimit(256, [&path] { return loadRtrace(path).error(); });
        CHECK(said == path + " is corrupt: its checksum does not match (the file was changed or damaged).");
    }
    SECTION("version 2: a block list whose one block is 1 GiB long") {
        auto bytes = encodeRtrace(makeTrace(), 2);
        const std::uint64_t metaBytes = readU64(bytes, kMetaBytesOffset);
        const std::size_t list = kHeaderSize + metaBytes; // one block: one entry
        const std::size_t eventsOffset = list + 16 + 8;
        writeAt(bytes, list, kHuge);
        writeAt(bytes, eventsOffset - 8, static_cast<std::uint64_t>(XXH64(bytes.data(), eventsOffset - 8, 0)));
        const std::string path = dir.file("huge-v2.rtrace");
        writeSparse(path, bytes, eventsOffset + kHuge);
        const std::string said = inChildWithMemoryLimit(256, [&path] { return loadRtrace(path).error(); });
        const auto events = makeTrace().events.size();
        CHECK(said ==
              path + " is damaged: block 0 of 1 (events 0 to " + std::to_string(events - 1) + ") fails its checksum.");
    }
}
