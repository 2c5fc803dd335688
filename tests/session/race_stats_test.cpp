// The arithmetic and the words of `racetrace stats` (session/race_stats.hpp)
// without running anything: Wilson intervals against published values, the
// sweep's parsing, the reading sentence and the JSON keys.
#include "session/race_stats.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace racetrace {

TEST_CASE("stats: Wilson 95 % intervals match the published values", "[stats]") {
    // Wilson (1927); the figures as any Wilson calculator gives them.
    const Interval none = wilsonInterval(0, 50);
    CHECK(none.low == Approx(0.0).margin(1e-12));
    CHECK(none.high == Approx(0.07135).margin(5e-5));
    const Interval most = wilsonInterval(48, 50);
    CHECK(most.low == Approx(0.8654).margin(5e-5));
    CHECK(most.high == Approx(0.9890).margin(5e-5));
    const Interval half = wilsonInterval(5, 10);
    CHECK(half.low == Approx(0.2366).margin(5e-5));
    CHECK(half.high == Approx(0.7634).margin(5e-5));
    const Interval all = wilsonInterval(50, 50);
    CHECK(all.low == Approx(0.9287).margin(5e-5));
    CHECK(all.high == 1.0);
    CHECK(wilsonInterval(0, 0).high == 1.0); // no runs: nothing is known
}

TEST_CASE("stats: a sweep names a known knob and values a run would accept", "[stats]") {
    RunOptions base;
    const auto windows = parseSweep("window-ns=0,500,2000", base);
    REQUIRE(windows.has_value());
    CHECK(windows->knob == SweepKnob::WindowNs);
    CHECK(windows->values == std::vector<std::string>{"0", "500", "2000"});
    CHECK(optionsAt(base, *windows, "500").windowNs == 500u);
    const auto pins = parseSweep("pin=spread,same", base);
    REQUIRE(pins.has_value());
    CHECK(optionsAt(base, *pins, "same").pin == PinMode::Same);

    for (const char* bad : {"window-ns", "speed=1,2", "workers=1,2", "workers=two", "pin=up",
                            "window-ns=", "iterations=0", "window-ns=-5"}) {
        INFO(bad);
        const auto refused = parseSweep(bad, base);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().ends_with("."));
    }
}

namespace {
StatsReport twoPoints() {
    StatsReport report;
    report.scenario = "naive-flag";
    report.knob = SweepKnob::WindowNs;
    for (const auto& [value, races] : {std::pair<const char*, std::uint64_t>{"0", 9}, {"2000", 48}}) {
        StatsPoint point{value, {}, {}};
        point.traced.runs = 50;
        point.traced.races = races;
        point.traced.interval = wilsonInterval(races, 50);
        point.traced.overlapsPer1000 = Spread{1.5, 0.5};
        report.points.push_back(point);
        report.runsDone += 50;
    }
    return report;
}
} // namespace

TEST_CASE("stats: the reading names the likeliest and the least likely point in one sentence", "[stats]") {
    CHECK(statsReading(twoPoints()) ==
          "With a 2,000 ns race window naive-flag raced in 48 of 50 runs; with no race window in 9 of 50.");
    StatsReport stopped = twoPoints();
    stopped.stopped = true;
    CHECK(statsReading(stopped).ends_with("(stopped early)."));
    CHECK(statsReading(StatsReport{}) == "No run was finished.");
    StatsReport eight = twoPoints();
    eight.points[1].value = "8000";
    CHECK(statsReading(eight).starts_with("With an 8,000 ns race window"));
}

TEST_CASE("stats: a point whose runs go on reads as so far until all its runs are done", "[stats]") {
    StatsPlan plan;
    plan.sweep = {SweepKnob::WindowNs, {"0", "2000", "8000"}};
    plan.runs = 50;
    plan.untracedToo = true;
    const StatsReport planned = plannedReport(plan);
    CHECK(planned.values == std::vector<std::string>{"0", "2000", "8000"}); // every slot known before a run
    CHECK(planned.points.empty());

    StatsReport report = twoPoints();
    report.values = planned.values;
    report.runsPerPoint = 50;
    CHECK(report.complete(report.points[0]));
    report.points[1].traced.runs = 1;
    report.points[1].traced.races = 1;
    CHECK_FALSE(report.complete(report.points[1]));
    CHECK(statsReading(report) == "With a 2,000 ns race window naive-flag raced in 1 of 1 runs so far; "
                                  "with no race window in 9 of 50.");
    report.stopped = true; // the end says so: no "so far"
    CHECK(
        statsReading(report) ==
        "With a 2,000 ns race window naive-flag raced in 1 of 1 runs; with no race window in 9 of 50 (stopped early).");

    report.stopped = false;
    report.points[0].traced.races = 50; // 50 of 50 and 1 of 1: alike in rate only
    CHECK(statsReading(report) == "naive-flag raced in every run at each of the 2 points so far.");
    report.points[1].traced.races = 0;
    report.points[0].traced.races = 0;
    CHECK(statsReading(report) == "naive-flag raced in no run at any of the 2 points so far.");

    report = twoPoints();
    report.runsPerPoint = 50;
    report.untracedToo = true; // traced runs done, the untraced ones not yet
    CHECK_FALSE(report.complete(report.points[0]));
    report.points[0].untraced = PointOutcome{};
    report.points[0].untraced->runs = 50;
    CHECK(report.complete(report.points[0]));
}

TEST_CASE("stats: the JSON has the points with their contract keys", "[stats]") {
    const nlohmann::json json = nlohmann::json::parse(statsJson(twoPoints()));
    REQUIRE(json.at("points").size() == 2);
    const nlohmann::json& point = json.at("points").at(1);
    for (const char* key :
         {"value", "runs", "races", "rate", "ci_low", "ci_high", "overlaps_per_1000", "lost_per_1000"})
        CHECK(point.contains(key));
    CHECK(point.at("value") == "2000");
    CHECK(point.at("rate").get<double>() == Approx(0.96));
    CHECK(point.at("ci_low").get<double>() == Approx(0.8654).margin(5e-5));
    CHECK(json.at("knob") == "window-ns");
}

} // namespace racetrace
