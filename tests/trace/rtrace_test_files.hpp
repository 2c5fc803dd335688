#pragma once
// Shared by the .rtrace file tests: a trace with every field set, and ways to
// edit a version 1 file's bytes (header fields, metadata, checksum).

#include "trace/rtrace_file.hpp"

#include "support/trace_compare.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace racetrace::test::rtrace_files {

// Header offsets from the layout in rtrace_file.hpp, repeated here on purpose:
// if the writer moves a field, these tests should notice.
inline constexpr std::size_t kVersionOffset = 8;
inline constexpr std::size_t kMetaBytesOffset = 16;
inline constexpr std::size_t kEventCountOffset = 24;
inline constexpr std::size_t kWorkerCountOffset = 32;
inline constexpr std::size_t kReservedOffset = 40;
inline constexpr std::size_t kHeaderSize = 64;

inline Event makeEvent(std::uint64_t timestamp, std::uint8_t worker, EventKind kind, std::uint16_t variable,
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
inline Trace makeTrace() {
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

inline void requireSameTrace(const Trace& a, const Trace& b) {
    test::requireSameMetadata(a, b);
    REQUIRE(a.events.size() == b.events.size());
    if (!a.events.empty()) CHECK(std::memcmp(a.events.data(), b.events.data(), a.events.size() * sizeof(Event)) == 0);
}

inline std::uint64_t readU64(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
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
inline void reseal(std::vector<std::uint8_t>& bytes) {
    writeAt(bytes, bytes.size() - 8, static_cast<std::uint64_t>(XXH64(bytes.data(), bytes.size() - 8, 0)));
}

inline std::string metadataOf(const std::vector<std::uint8_t>& file) {
    const auto metaBytes = readU64(file, kMetaBytesOffset);
    return std::string(reinterpret_cast<const char*>(file.data() + kHeaderSize), metaBytes);
}

/// The same file with other metadata text, sizes and checksum fixed up.
inline std::vector<std::uint8_t> withMetadata(const std::vector<std::uint8_t>& file, const std::string& meta) {
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
inline std::string rejection(const std::vector<std::uint8_t>& bytes) {
    const auto result = decodeRtrace(bytes.data(), bytes.size());
    REQUIRE_FALSE(result.has_value());
    REQUIRE_FALSE(result.error().empty());
    return result.error();
}

inline std::string rejectionOfTrace(const Trace& trace) {
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

inline void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

} // namespace racetrace::test::rtrace_files
