// The racetrace command line, run as a child process exactly as a user runs it:
// stable JSON keys, exit codes (0 done, 1 run or file failed, 2 bad options),
// one sentence on stderr for bad input, and saved traces that reopen with the
// same numbers.
#include "support/integration_support.hpp"
#include "trace/event_text.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

using namespace racetrace;
using namespace racetrace::testing;
using nlohmann::json;

namespace {

/// A bad invocation: exit 2, nothing on stdout, one line on stderr naming `option`.
void requireUsageError(const std::vector<std::string>& args, const std::string& option) {
    const CliResult result = runCli(args);
    INFO("args: " << Catch::Detail::stringify(args) << "\nstdout: " << result.out << "\nstderr: " << result.err);
    CHECK(result.exitCode == 2);
    CHECK(result.out.empty());
    CHECK(nonEmptyLines(result.err).size() == 1);
    CHECK_THAT(result.err, Catch::Matchers::Contains(option));
}

/// A file `info` must refuse: exit 1 (not a crash), one sentence on stderr.
void requireFileRefused(const std::string& path) {
    const CliResult result = runCli({"info", path});
    INFO("path: " << path << "\nstdout: " << result.out << "\nstderr: " << result.err);
    CHECK(result.exitCode == 1);
    CHECK(result.out.empty());
    const auto lines = nonEmptyLines(result.err);
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Matchers::StartsWith("racetrace: "));
    CHECK_THAT(lines[0], Catch::Matchers::EndsWith("."));
    CHECK_THAT(lines[0], Catch::Matchers::Contains(path));
}

} // namespace

TEST_CASE("cli: run --json prints one object with the stable keys", "[integration][cli]") {
    const json object = parseJsonOutput(runCli({"run", "-s", "naive-flag", "-w", "3", "-n", "300", "--json"}));
    INFO(object.dump(2));
    CHECK(object.at("scenario") == "naive-flag");
    CHECK(object.at("workers") == 3);
    CHECK(object.at("iterations") == 300);
    CHECK(object.at("events").is_number_unsigned());
    CHECK(object.at("events").get<std::uint64_t>() > 0);
    CHECK(object.at("dropped").is_number_unsigned());
    CHECK(object.at("counter").at("expected") == 900);
    CHECK(object.at("counter").at("final").is_number_integer());
    CHECK(object.at("counter").at("final").get<std::int64_t>() <= 900);
    CHECK(object.at("findings").at("overlaps").is_number_unsigned());
    CHECK(object.at("findings").at("lost_updates").is_number_unsigned());
    CHECK(object.at("findings").at("torn_records").is_number_unsigned());
}

TEST_CASE("cli: run with the scenario's defaults and a custom scenario file", "[integration][cli]") {
    SECTION("defaults of tas-mutex: exact counter, no findings") {
        const json object = parseJsonOutput(runCli({"run", "-s", "tas-mutex", "--json"}));
        INFO(object.dump(2));
        CHECK(object.at("workers") == 2);
        CHECK(object.at("iterations") == 5000);
        CHECK(object.at("counter").at("final") == object.at("counter").at("expected"));
        if (object.at("dropped") == 0) {
            CHECK(object.at("findings").at("overlaps") == 0);
            CHECK(object.at("findings").at("lost_updates") == 0);
            CHECK(object.at("findings").at("torn_records") == 0);
        }
    }
    SECTION("a scenario given as a .toml path") {
        TempDir dir;
        const std::string path = dir.write("counting.toml", R"toml(
name = "counting"
[[variable]]
name = "counter"
kind = "counter"
[[invariant]]
variable = "counter"
equals = "workers * iterations"
[[program]]
role = "worker"
lines = [ { text = "counter += 1 (atomic)", ops = ["fetch_add r0 counter 1"] } ]
)toml");
        const json object = parseJsonOutput(runCli({"run", "-s", path, "-n", "1000", "--json"}));
        INFO(object.dump(2));
        CHECK(object.at("scenario") == "counting");
        CHECK(object.at("counter").at("expected") == 2000);
        CHECK(object.at("counter").at("final") == 2000);
    }
}

TEST_CASE("cli: bad options exit 2 with one line naming the option", "[integration][cli]") {
    requireUsageError({"run", "--workers", "1"}, "--workers");
    requireUsageError({"run", "--workers", "65"}, "--workers");
    requireUsageError({"run", "--pin", "diagonal"}, "--pin");
    requireUsageError({"run", "--window-ns", "-5"}, "--window-ns");
    requireUsageError({"run", "--bogus"}, "--bogus");
    requireUsageError({"run", "--iterations", "0"}, "--iterations");
    requireUsageError({"run", "--iterations", "100000001"}, "--iterations");
    requireUsageError({"run", "--window-ns", "100000001"}, "--window-ns");
    requireUsageError({"run", "--workers", "two"}, "--workers");
    requireUsageError({"run", "--kill", "A"}, "--kill");
    requireUsageError({"run", "--kill", "A@0"}, "--kill");
    requireUsageError({"run", "--kill", "a@3"}, "--kill");
}

TEST_CASE("cli: --kill naming a worker the run does not have fails with one sentence", "[integration][cli][kill]") {
    const CliResult result = runCli({"run", "-s", "tas-mutex", "-w", "2", "--kill", "C@3"});
    INFO("stderr: " << result.err);
    CHECK(result.exitCode == 2); // a bad option, checked before any process starts
    CHECK(nonEmptyLines(result.err).size() == 1);
    CHECK_THAT(result.err, Catch::Matchers::Contains("--kill names worker C, but the run has only 2 workers."));
}

TEST_CASE("cli: a scenario that does not exist fails with one sentence", "[integration][cli]") {
    for (const std::string scenario : {"no-such-scenario", "/nonexistent/dir/x.toml"}) {
        const CliResult result = runCli({"run", "-s", scenario});
        INFO("scenario: " << scenario << "\nstderr: " << result.err);
        CHECK(result.exitCode == 1);
        CHECK(result.out.empty());
        CHECK(nonEmptyLines(result.err).size() == 1);
        CHECK_THAT(result.err, Catch::Matchers::Contains(scenario));
    }
}

TEST_CASE("cli: info refuses missing, directory and garbage files", "[integration][cli][info]") {
    TempDir dir;
    requireFileRefused(dir.file("missing.rtrace"));
    requireFileRefused(dir.path());
    requireFileRefused(dir.write("garbage.rtrace", std::string(4096, 'x')));
    requireFileRefused(dir.write("empty.rtrace", ""));
    // A real trace with one byte changed: the checksum catches it.
    const std::string good = dir.file("good.rtrace");
    REQUIRE(runCli({"run", "-s", "no-sync", "-n", "200", "--out", good}).exitCode == 0);
    std::string bytes;
    {
        std::ifstream in(good, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    REQUIRE(bytes.size() > 200);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
    requireFileRefused(dir.write("flipped.rtrace", bytes));
    requireFileRefused(dir.write("truncated.rtrace", bytes.substr(0, bytes.size() / 3)));
}

TEST_CASE("cli: replay --out --json prints one JSON object and nothing after it", "[integration][cli][replay]") {
    TempDir dir;
    const std::string original = dir.file("stepped.rtrace");
    const std::string replayed = dir.file("replayed.rtrace");
    REQUIRE(runCli({"run", "-s", "naive-flag", "-n", "50", "--alternate", "--out", original}).exitCode == 0);
    const json object = parseJsonOutput(runCli({"replay", original, "--out", replayed, "--json"}));
    CHECK(object.at("trace_file") == replayed);
    CHECK(object.at("replay").at("diverged") == false);
    CHECK(std::filesystem::is_regular_file(replayed));
}

TEST_CASE("cli: run --out then info --json gives the same numbers", "[integration][cli][info]") {
    TempDir dir;
    const std::string path = dir.file("run.rtrace");
    const json ran = parseJsonOutput(
        runCli({"run", "-s", "naive-flag", "-n", "500", "--window-ns", "5000", "--out", path, "--json"}));
    CHECK(ran.at("trace_file") == path);
    REQUIRE(std::filesystem::is_regular_file(path));
    const json info = parseJsonOutput(runCli({"info", path, "--json"}));
    INFO("run: " << ran.dump(2) << "\ninfo: " << info.dump(2));
    for (const char* key :
         {"scenario", "workers", "iterations", "window_ns", "pin", "seed", "traced", "events", "dropped", "duration_ns",
          "counter", "findings", "invariants", "race", "headline", "stop_reason", "worker_details", "order_repair"})
        CHECK(info.at(key) == ran.at(key));

    // The text form names the file and says it is valid.
    const CliResult text = runCli({"info", path});
    CHECK(text.exitCode == 0);
    CHECK_THAT(text.out, Catch::Matchers::Contains("a valid racetrace trace (format v2)"));
    // ... and how the file stores the events (compressed, so the ratio varies).
    CHECK_THAT(text.out, Catch::Matchers::Contains("\nFile: version 2, "));
    CHECK_THAT(text.out, Catch::Matchers::Contains(" bytes per event, "));
    // ... and what the order repair changed, as the JSON counts it.
    const auto moved = info.at("order_repair").at("moved").get<std::uint64_t>();
    const std::string eventsMoved =
        groupedNumber(static_cast<std::int64_t>(moved)) + (moved == 1 ? " event was put" : " events were put");
    CHECK_THAT(text.out, Catch::Matchers::Contains(moved == 0 ? "\nOrder: the clocks' stamps already agreed"
                                                              : "\nOrder: " + eventsMoved));
    // Nothing but the trace is left in the directory (the save is atomic via a temporary).
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
        ++entries;
    CHECK(entries == 1);
}

// A longer run's order repair leaves some reads unlike the saved order; the
// file keeps them (its metadata's "memoryOrders"), and info then finds exactly
// what the run found without searching again.
TEST_CASE("cli: a longer run's file keeps its memory orders, and info finds what the run found",
          "[integration][cli][info][saved-orders]") {
    TempDir dir;
    const std::string path = dir.file("long.rtrace");
    const json ran = parseJsonOutput(runCli({"run", "-s", "naive-flag", "-n", "30000", "--out", path, "--json"}));
    REQUIRE(ran.at("dropped") == 0);
    std::ifstream file(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const bool kept = bytes.find("\"memoryOrders\"") != std::string::npos; // not the bytes in a failure message
    CHECK(kept);
    const json info = parseJsonOutput(runCli({"info", path, "--json"}));
    for (const char* key : {"events", "counter", "findings", "invariants", "race", "headline", "order_repair"})
        CHECK(info.at(key) == ran.at(key));
}

TEST_CASE("cli: scenarios lists the built-ins, shared memory, locks and message passing", "[integration][cli]") {
    const CliResult result = runCli({"scenarios"});
    CHECK(result.exitCode == 0);
    CHECK(result.err.empty());
    const auto lines = nonEmptyLines(result.out);
    CHECK(lines.size() == 16);
    for (const char* name : {"naive-flag", "tas-mutex", "cas-lock", "ticket-lock", "semaphore", "pthread-mutex",
                             "peterson", "peterson-fence", "no-sync", "shm-handoff", "shm-ready-flag", "pipe",
                             "pipe-many-writers", "pipe-forgot-close", "mq-blocking", "mq-nonblocking"}) {
        const bool listed =
            std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return line.rfind(name, 0) == 0; });
        CHECK(listed);
    }
}

TEST_CASE("cli: run --no-trace records nothing but still checks the counter", "[integration][cli]") {
    SECTION("tas-mutex: exact") {
        const json object = parseJsonOutput(
            runCli({"run", "-s", "tas-mutex", "-n", "100000", "--window-ns", "0", "--no-trace", "--json"}));
        INFO(object.dump(2));
        CHECK(object.at("events") == 0);
        CHECK(object.at("traced") == false);
        CHECK(object.at("counter").at("expected") == 200000);
        CHECK(object.at("counter").at("final") == 200000);
        CHECK(object.at("invariants").at(0).at("holds") == true);
    }
    SECTION("no-sync: the counter comes out short within a few runs") {
        bool shortCounter = false;
        for (int trial = 0; trial < 10 && !shortCounter; ++trial) {
            const json object = parseJsonOutput(
                runCli({"run", "-s", "no-sync", "-n", "1000", "--window-ns", "20000", "--no-trace", "--json"}));
            CHECK(object.at("events") == 0);
            const auto expected = object.at("counter").at("expected").get<std::int64_t>();
            const auto final = object.at("counter").at("final").get<std::int64_t>();
            CHECK(final <= expected);
            if (final < expected) {
                shortCounter = true;
                CHECK(object.at("invariants").at(0).at("holds") == false);
            }
        }
        CHECK(shortCounter);
    }
    SECTION("text form says recording was off") {
        const CliResult result = runCli({"run", "-s", "tas-mutex", "-n", "1000", "--no-trace"});
        CHECK(result.exitCode == 0);
        CHECK_THAT(result.out, Catch::Matchers::Contains("recording off"));
        CHECK_THAT(result.out, Catch::Matchers::Contains("as expected"));
    }
}

TEST_CASE("cli: help and the hidden worker subcommand", "[integration][cli]") {
    const CliResult help = runCli({"run", "--help"});
    CHECK(help.exitCode == 0);
    CHECK_THAT(help.out, Catch::Matchers::Contains("--window-ns"));
    // `worker` started by hand (not by racetrace) refuses politely.
    const CliResult worker = runCli({"worker"});
    CHECK(worker.exitCode != 0);
    CHECK(nonEmptyLines(worker.err).size() == 1);
}

TEST_CASE("cli: --version names the version, and a word that is neither a command nor a file gets a sentence",
          "[integration][cli]") {
    const CliResult version = runCli({"--version"});
    CHECK(version.exitCode == 0);
    CHECK_THAT(version.out, Catch::Matchers::Matches("racetrace [0-9]+\\.[0-9]+\\.[0-9]+\n"));

    const CliResult typo = runCli({"rnu"});
    CHECK(typo.exitCode == 2);
    CHECK(typo.out.empty());
    CHECK(typo.err == "racetrace: 'rnu' is neither a command nor a file to open. See 'racetrace --help'.\n");
}

TEST_CASE("cli: a run this machine's memory cannot hold is refused before it starts, in one sentence",
          "[integration][cli][memory]") {
    // 64 x 100,000,000 naive-flag iterations: about 100 billion events, terabytes to analyse.
    const auto started = std::chrono::steady_clock::now();
    const CliResult result = runCli({"run", "-w", "64", "-n", "100000000"});
    INFO("stderr: " << result.err);
    CHECK(result.exitCode == 1);
    CHECK(result.out.empty());
    CHECK(nonEmptyLines(result.err).size() == 1);
    CHECK_THAT(result.err, Catch::Matchers::Contains("64 workers x 100,000,000 iterations of naive-flag would record "
                                                     "about"));
    CHECK_THAT(result.err, Catch::Matchers::Contains("available: lower the iterations"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10)); // refused, not started and killed
}
