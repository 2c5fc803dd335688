// `racetrace stats` on real runs: a lock that works never races (rate 0, an
// interval that still admits a little), the naive flag with a wide window
// races in most runs, and Ctrl-C stops a long sweep and prints what it has.
#include "session/race_stats.hpp"
#include "support/integration_support.hpp"

#include <csignal>

namespace racetrace::testing {

namespace {

StatsReport statsOrFail(const std::string& scenario, const std::string& sweep, std::uint32_t runs,
                        std::uint64_t iterations, bool untracedToo = false) {
    StatsPlan plan;
    plan.base.scenario = scenario;
    plan.base.workers = 0;
    plan.base.iterations = iterations;
    auto parsed = parseSweep(sweep, plan.base);
    REQUIRE(parsed.has_value());
    plan.sweep = *parsed;
    plan.runs = runs;
    plan.untracedToo = untracedToo;
    std::atomic<bool> never{false};
    auto report = runStats(plan, never);
    REQUIRE(report.has_value());
    return *report;
}

} // namespace

TEST_CASE("stats: tas-mutex never races, and its interval still admits a small rate", "[stats]") {
    const StatsReport report = statsOrFail("tas-mutex", "window-ns=0,2000", 8, 300, true);
    REQUIRE(report.points.size() == 2);
    CHECK_FALSE(report.stopped);
    for (const StatsPoint& point : report.points) {
        INFO(point.value);
        CHECK(point.traced.runs == 8);
        CHECK(point.traced.races == 0);
        CHECK(point.traced.interval.low == 0.0);
        CHECK(point.traced.interval.high > 0.0);
        CHECK(point.traced.interval.high < 1.0);
        CHECK(point.traced.lostPer1000.mean == 0.0);
        REQUIRE(point.untraced.has_value());
        CHECK(point.untraced->races == 0); // the counter is right without recording too
    }
}

TEST_CASE("stats: the naive flag with a wide window races in most runs", "[stats]") {
    // 20 µs between checking and setting the flag, 200 times per worker: in
    // hundreds of trials every run raced; half the runs is the bar.
    const StatsReport report = statsOrFail("naive-flag", "window-ns=20000", 8, 200);
    REQUIRE(report.points.size() == 1);
    const PointOutcome& traced = report.points[0].traced;
    CHECK(traced.runs == 8);
    CHECK(traced.rate() > 0.5);
    CHECK(traced.overlapsPer1000->mean > 0.0);
    CHECK(traced.interval.low <= traced.rate());
    CHECK(traced.interval.high >= traced.rate());
}

TEST_CASE("stats: --json prints the points and --csv writes them", "[stats][cli]") {
    TempDir dir;
    const CliResult result = runCli({"stats", "-s", "no-sync", "--runs", "3", "-n", "200", "--sweep", "workers=2,3",
                                     "--json", "--csv", dir.file("points.csv")});
    REQUIRE(result.exitCode == 0);
    const nlohmann::json json = parseJsonOutput(result);
    REQUIRE(json.at("points").size() == 2);
    CHECK(json.at("points").at(1).at("value") == "3");
    CHECK(json.at("points").at(1).at("runs") == 3);
    std::ifstream csv(dir.file("points.csv"));
    std::string header;
    std::getline(csv, header);
    CHECK(header.starts_with("value,tracing,runs,races,rate,ci_low,ci_high"));
    CHECK(runCli({"stats", "--sweep", "speed=1"}).exitCode == 2);
}

TEST_CASE("stats: Ctrl-C stops a long sweep and prints the runs it made", "[stats][cli]") {
    TempDir dir;
    const int out = ::open(dir.file("out.json").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(out >= 0);
    const pid_t stats = spawnProgram(
        RACETRACE_CLI_PATH, {"stats", "--runs", "100000", "-n", "200", "--sweep", "window-ns=0,1000", "--json"}, out);
    ::close(out);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    REQUIRE(::kill(stats, SIGINT) == 0);
    int status = 0;
    const auto start = Clock::now();
    while (::waitpid(stats, &status, WNOHANG) == 0 && secondsSince(start) < 30)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(secondsSince(start) < 30);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::ifstream in(dir.file("out.json"));
    const nlohmann::json json = nlohmann::json::parse(in);
    CHECK(json.at("stopped") == true);
    CHECK(json.at("runs").get<std::uint64_t>() > 0);
    CHECK(json.at("runs").get<std::uint64_t>() < 200000);
    CHECK(json.at("reading").get<std::string>().ends_with("(stopped early)."));
}

} // namespace racetrace::testing
