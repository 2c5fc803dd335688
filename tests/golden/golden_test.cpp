// Golden traces: small .rtrace files made once by real runs and committed next
// to the `racetrace info --json` each must keep printing (README.md here says
// what each shows and how it was made). This is the test of the rule "a v1
// .rtrace file opens forever": every golden file is format version 1, opens,
// and sums up exactly as it did when it was committed. A changed golden .json
// is a decision, never a fix to make this test pass.
//
// The one key that depends on where the repository lives is "trace_file": the
// test passes info an absolute path, checks that the summary echoes that path,
// then replaces it with the file's base name before comparing. The committed
// .json files hold the base name because they are made from inside this folder
// (cd tests/golden && racetrace info --json NAME.rtrace > NAME.json).
//
// Only the real CLI is run (RACETRACE_CLI_PATH); nothing of racetrace is linked.
#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace racetrace::testing;
using nlohmann::json;
namespace fs = std::filesystem;

/// The committed traces, each NAME.rtrace with its NAME.json. Adding one is a
/// deliberate change: the folder must hold exactly these.
constexpr std::array<const char*, 5> kGoldenTraces = {
    "naive-flag-race", "tas-mutex-clean", "stepped-race", "dropped-events", "stopped-by-watchdog",
};

/// Goldens stay small: they are committed, and every clone carries them.
constexpr std::uintmax_t kMaxGoldenBytes = 200 * 1024;

std::string goldenPath(const std::string& name, const std::string& extension) {
    return std::string(RACETRACE_GOLDEN_DIR) + "/" + name + extension;
}

json readJsonFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    INFO("expected file: " << path);
    REQUIRE(file.good());
    json object;
    REQUIRE_NOTHROW(object = json::parse(file));
    return object;
}

std::string childKey(const std::string& where, const std::string& key) {
    return where.empty() ? key : where + "." + key;
}

/// The first place where `actual` differs from `expected`, as one sentence
/// naming the key ("findings.overlaps", "worker_details[1].exit"), or nothing.
std::optional<std::string> firstDifference(const json& expected, const json& actual, const std::string& where = "") {
    const std::string name = where.empty() ? "the summary" : "'" + where + "'";
    if (expected.is_number() && actual.is_number()) {
        if (expected == actual) return std::nullopt;
    } else if (expected.type() != actual.type()) {
        return name + " is " + actual.dump() + " but the golden file has " + expected.dump();
    }
    if (expected.is_object()) {
        for (const auto& [key, value] : expected.items()) {
            if (!actual.contains(key))
                return "'" + childKey(where, key) + "' is missing (the golden file has " + value.dump() + ")";
            if (auto difference = firstDifference(value, actual.at(key), childKey(where, key))) return difference;
        }
        for (const auto& [key, value] : actual.items())
            if (!expected.contains(key))
                return "'" + childKey(where, key) + "' is new (" + value.dump() + "), not in the golden file";
        return std::nullopt;
    }
    if (expected.is_array()) {
        const std::size_t common = std::min(expected.size(), actual.size());
        for (std::size_t i = 0; i < common; ++i)
            if (auto difference = firstDifference(expected[i], actual[i], where + "[" + std::to_string(i) + "]"))
                return difference;
        if (expected.size() != actual.size())
            return name + " has " + std::to_string(actual.size()) + " elements but the golden file has " +
                   std::to_string(expected.size());
        return std::nullopt;
    }
    if (expected != actual) return name + " is " + actual.dump() + " but the golden file has " + expected.dump();
    return std::nullopt;
}

/// `racetrace info --json` of a golden trace, "trace_file" made independent of
/// where the repository lives (see the comment at the top).
json infoJson(const std::string& name) {
    const std::string path = goldenPath(name, ".rtrace");
    json summary = parseJsonOutput(runCli({"info", "--json", path}));
    REQUIRE(summary.contains("trace_file"));
    CHECK(summary.at("trace_file") == path);
    summary["trace_file"] = name + ".rtrace";
    return summary;
}

} // namespace

TEST_CASE("the folder holds exactly the listed traces, each small and with its .json", "[golden]") {
    std::set<std::string> listed;
    for (const char* name : kGoldenTraces) {
        listed.insert(std::string(name) + ".rtrace");
        listed.insert(std::string(name) + ".json");
    }
    std::set<std::string> found;
    for (const auto& entry : fs::directory_iterator(RACETRACE_GOLDEN_DIR)) {
        const std::string extension = entry.path().extension().string();
        if (extension == ".rtrace" || extension == ".json") found.insert(entry.path().filename().string());
    }
    CHECK(found == listed);
    for (const char* name : kGoldenTraces) {
        const std::string path = goldenPath(name, ".rtrace");
        INFO(path);
        REQUIRE(fs::exists(path));
        CHECK(fs::file_size(path) < kMaxGoldenBytes);
    }
}

TEST_CASE("info --json of every golden trace is exactly its committed .json", "[golden]") {
    for (const char* name : kGoldenTraces) {
        const json expected = readJsonFile(goldenPath(name, ".json"));
        const json actual = infoJson(name);
        const auto difference = firstDifference(expected, actual);
        INFO(name << ".rtrace: " << difference.value_or("no difference found, yet the two are not equal"));
        CHECK(actual == expected);
    }
}

TEST_CASE("every golden trace is a format v1 file and info says so", "[golden]") {
    for (const char* name : kGoldenTraces) {
        const std::string path = goldenPath(name, ".rtrace");
        INFO(path);
        // The header as written (trace/rtrace_file.hpp): magic "RTRACE\r\n", then
        // the version, little-endian. Checked in the bytes so that a golden
        // regenerated by a later writer cannot quietly stop being a v1 file.
        std::ifstream file(path, std::ios::binary);
        std::array<unsigned char, 12> header{};
        file.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header.size()));
        REQUIRE(file.gcount() == static_cast<std::streamsize>(header.size()));
        CHECK(std::string(header.begin(), header.begin() + 8) == std::string("RTRACE\r\n"));
        const std::uint32_t version =
            static_cast<std::uint32_t>(header[8]) | static_cast<std::uint32_t>(header[9]) << 8 |
            static_cast<std::uint32_t>(header[10]) << 16 | static_cast<std::uint32_t>(header[11]) << 24;
        CHECK(version == 1);

        const CliResult result = runCli({"info", path});
        INFO("stdout: " << result.out << "\nstderr: " << result.err);
        CHECK(result.exitCode == 0);
        CHECK_THAT(result.out, Catch::Matchers::Contains("a valid racetrace trace (format v1)"));
        CHECK_THAT(result.out, Catch::Matchers::Contains("\nFile: version 1, uncompressed (32 bytes per event).\n"));
        CHECK(result.err.empty());
    }
}

TEST_CASE("each golden trace still shows what it was committed to show", "[golden]") {
    // The committed .json could be regenerated into something that no longer
    // makes its point; these are the points (README.md here).
    SECTION("naive-flag-race: overlaps, lost updates and torn records, counter short") {
        const json s = infoJson("naive-flag-race");
        CHECK(s.at("scenario") == "naive-flag");
        CHECK(s.at("race") == true);
        CHECK(s.at("findings").at("overlaps").get<std::uint64_t>() > 0);
        CHECK(s.at("findings").at("lost_updates").get<std::uint64_t>() > 0);
        CHECK(s.at("findings").at("torn_records").get<std::uint64_t>() > 0);
        CHECK(s.at("counter").at("final").get<std::int64_t>() < s.at("counter").at("expected").get<std::int64_t>());
        CHECK(s.at("dropped") == 0);
        CHECK(s.at("findings_lower_bound") == false);
    }
    SECTION("tas-mutex-clean: no finding, counter exact") {
        const json s = infoJson("tas-mutex-clean");
        CHECK(s.at("scenario") == "tas-mutex");
        CHECK(s.at("race") == false);
        CHECK(s.at("findings").at("total") == 0);
        CHECK(s.at("counter").at("final") == s.at("counter").at("expected"));
        CHECK(s.at("dropped") == 0);
        CHECK(s.at("stop_reason").is_null());
    }
    SECTION("stepped-race: A and B take turns at every access, so both enter every round") {
        const json s = infoJson("stepped-race");
        CHECK(s.at("scenario") == "naive-flag");
        CHECK(s.at("iterations") == 3);
        CHECK(s.at("findings").at("overlaps") == 3);
        CHECK(s.at("findings").at("lost_updates") == 3);
        CHECK(s.at("counter").at("final") == 3);
        CHECK(s.at("counter").at("expected") == 6);
    }
    SECTION("dropped-events: rings overflowed") {
        const json s = infoJson("dropped-events");
        CHECK(s.at("dropped").get<std::uint64_t>() > 0);
        for (const auto& worker : s.at("worker_details"))
            CHECK(worker.at("dropped").get<std::uint64_t>() > 0);
        // What was found across the gaps is a lower bound, and says so.
        CHECK(s.at("findings_lower_bound") == true);
        const CliResult text = runCli({"info", goldenPath("dropped-events", ".rtrace")});
        CHECK_THAT(text.out, Catch::Matchers::Contains("RACE: at least 2 overlaps in the critical section, 0 lost "
                                                       "updates, at least 2 torn records (71,812 events were "
                                                       "dropped: the gaps may hide more)."));
    }
    SECTION("stopped-by-watchdog: a stop reason, every worker killed") {
        const json s = infoJson("stopped-by-watchdog");
        REQUIRE(s.at("stop_reason").is_string());
        CHECK_THAT(s.at("stop_reason").get<std::string>(), Catch::Matchers::StartsWith("The watchdog stopped the run"));
        for (const auto& worker : s.at("worker_details")) {
            CHECK(worker.at("exit") == "killed");
            CHECK(worker.at("signal") == SIGKILL);
        }
    }
}

TEST_CASE("the stepped race replays: every step followed, exit 0", "[golden]") {
    // A stepped trace always replays: its order was forced, so new processes can be forced through it again.
    const CliResult result = runCli({"replay", "--json", goldenPath("stepped-race", ".rtrace")});
    const json s = parseJsonOutput(result);
    INFO(s.dump(2));
    REQUIRE(s.contains("replay"));
    CHECK(s.at("replay").at("diverged") == false);
    CHECK(s.at("replay").at("divergence").is_null());
    CHECK(s.at("replay").at("steps").get<std::uint64_t>() > 0);
    CHECK(s.at("replay").at("same_findings") == true);
    CHECK(s.at("findings") == infoJson("stepped-race").at("findings"));
}
