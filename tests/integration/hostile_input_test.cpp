// Inputs that once crashed or misled a command (issue 15), each now one
// sentence with the right exit status: a NaN watchdog is a bad option (exit
// 2), and a trace that claims a spin of four billion repetitions in a few
// bytes replays at once (a spin is one step; the schedule grew to 15.8 GB when
// spins were expanded).
#include "lab/builtin_scenarios.hpp"
#include "support/integration_support.hpp"
#include "support/trace_builder.hpp"
#include "trace/rtrace_file.hpp"

namespace racetrace::testing {

TEST_CASE("hostile: a NaN watchdog is a bad option", "[hostile]") {
    const CliResult result = runCli({"run", "-n", "10", "--watchdog", "nan"});
    CHECK(result.exitCode == 2);
    CHECK_THAT(result.err, Catch::Contains("--watchdog"));
    CHECK(result.out.empty());
}

TEST_CASE("hostile: a spin of four billion repetitions is one step of a replay", "[hostile]") {
    TempDir dir;
    test::TraceBuilder builder(test::Shape::TasMutex);
    const std::uint64_t ns = builder.serialIteration(test::A, 10);
    builder.exchange(test::B, ns + 5, builder.guard(), 1);
    builder.spin(test::B, ns + 6, 4'294'967'295u);
    Trace trace = builder.build();
    auto scenario = loadScenario("tas-mutex");
    REQUIRE(scenario.has_value());
    trace.scenario.source = scenario->info.source; // so that it can be replayed
    const std::string path = dir.file("spin.rtrace");
    REQUIRE(saveRtrace(trace, path).has_value());
    REQUIRE(runCli({"info", path}).exitCode == 0); // the file itself is well formed

    // Expanded, the spin was 4.3e9 steps (15.8 GB, then refused); as one step
    // the replay is a handful of steps: it ends at once, followed or not.
    const auto start = Clock::now();
    const CliResult replay = runCli({"replay", path}, std::chrono::seconds(30));
    CHECK_FALSE(replay.timedOut);
    CHECK(secondsSince(start) < 10.0);
    INFO(replay.out << replay.err);
    CHECK_THAT(replay.out + replay.err, !Catch::Contains("memory") && Catch::Contains("steps"));
}

} // namespace racetrace::testing
