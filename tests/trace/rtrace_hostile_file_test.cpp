// Hostile .rtrace files (issue 15): metadata with counts no run can have,
// metadata over the cap, keys nobody reads, and huge damaged files, each refused
// in one sentence and in bounded memory.
#include "trace/rtrace_test_files.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace racetrace;
using namespace racetrace::test::rtrace_files;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

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
