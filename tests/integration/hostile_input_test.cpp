// Inputs that once crashed or misled a command (issue 15), each now one
// sentence with the right exit status: a NaN watchdog is a bad option (exit
// 2), and a trace that claims a spin of four billion repetitions in a few
// bytes is refused before its replay schedule is expanded (it grew to 15.8
// GB before).
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

TEST_CASE("hostile: a spin of four billion repetitions is refused before the replay expands it", "[hostile]") {
    TempDir dir;
    test::TraceBuilder builder(test::Shape::TasMutex);
    const std::uint64_t ns = builder.serialIteration(test::A, 10);
    builder.exchange(test::B, ns + 5, builder.guard(), 1);
    builder.spin(test::B, ns + 6, 4'294'967'295u);
    const std::string path = dir.file("spin.rtrace");
    REQUIRE(saveRtrace(builder.build(), path).has_value());
    REQUIRE(runCli({"info", path}).exitCode == 0); // the file itself is well formed

    const auto start = Clock::now();
    const CliResult replay = runCli({"replay", path}, std::chrono::seconds(30));
    CHECK_FALSE(replay.timedOut);
    CHECK(secondsSince(start) < 10.0);
    CHECK(replay.exitCode == 1);
    CHECK_THAT(replay.err, Catch::Contains("steps to replay (spins counted out), more than this machine's memory"));
}

} // namespace racetrace::testing
