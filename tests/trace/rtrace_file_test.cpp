// The .rtrace reader is fed files we did not write (downloads, damaged copies,
// other formats), so most of these tests hand it bad bytes and check that it says
// so in one sentence instead of crashing or believing a header.
#include "trace/rtrace_test_files.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>

#include <sys/stat.h>

using namespace racetrace;
using namespace racetrace::test::rtrace_files;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

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
