// `racetrace compare FIRST SECOND`, run as a user runs it: any two scenarios
// under one schedule (real processes stepped through their gates), a known
// pair keeping its own schedule, --free, --json with stable keys, and bad
// input refused with one sentence and exit 2.
#include "support/integration_support.hpp"

#include <nlohmann/json.hpp>

using namespace racetrace;
using namespace racetrace::testing;
using nlohmann::json;

namespace {

const json& side(const json& object, std::size_t index) {
    REQUIRE(object.at("sides").size() == 2);
    return object.at("sides").at(index);
}

} // namespace

TEST_CASE("cli: compare tas-mutex ticket-lock: the same schedule, both wait and neither lets two in",
          "[integration][cli][compare]") {
    const json object = parseJsonOutput(runCli({"compare", "tas-mutex", "ticket-lock", "--json"}));
    INFO(object.dump(2));
    CHECK(object.at("free_runs") == false);
    CHECK(object.at("policy").get<std::string>().starts_with("the workers take turns at every shared access"));
    for (std::size_t i = 0; i < 2; ++i) {
        const json& s = side(object, i);
        CHECK(s.at("raced") == false);
        CHECK(s.at("findings").at("overlaps") == 0);
        CHECK(s.at("counter").at("final") == 6);
        CHECK(s.at("iterations") == 3);
        // Under strict turns each waits while the other is inside, and says so.
        CHECK_THAT(s.at("sentence").get<std::string>(), Catch::Matchers::Contains("waited"));
        CHECK_THAT(s.at("sentence").get<std::string>(), Catch::Matchers::Contains("never two inside"));
        CHECK(s.at("locks").at("A").at("acquired") == 3);
    }
    CHECK(side(object, 0).at("scenario") == "tas-mutex");
    CHECK(side(object, 1).at("scenario") == "ticket-lock");
}

TEST_CASE("cli: compare naive-flag semaphore in text: one line per side, the flag lets B in every round",
          "[integration][cli][compare]") {
    const CliResult result = runCli({"compare", "naive-flag", "semaphore"});
    INFO("stdout: " << result.out << "\nstderr: " << result.err);
    REQUIRE(result.exitCode == 0);
    const auto lines = nonEmptyLines(result.out);
    REQUIRE(lines.size() == 4);
    CHECK_THAT(lines[1], Catch::Matchers::StartsWith("  naive-flag (Naive boolean flag): B entered while A was "
                                                     "inside, 3 times"));
    // The semaphore puts the second worker to sleep: a wait is a call, not accesses.
    CHECK_THAT(lines[2], Catch::Matchers::StartsWith("  semaphore (POSIX semaphore): "));
    CHECK_THAT(lines[2], Catch::Matchers::Contains(" times"));
    CHECK_THAT(lines[2], Catch::Matchers::Contains("never two inside (counter = 6 as expected)."));
}

TEST_CASE("cli: compare keeps a known pair's schedule in either order", "[integration][cli][compare]") {
    const json object = parseJsonOutput(runCli({"compare", "mq-nonblocking", "mq-blocking", "--json"}));
    INFO(object.dump(2));
    CHECK(object.at("policy").get<std::string>().starts_with("A makes three calls for each of B's"));
    CHECK(side(object, 0).at("scenario") == "mq-nonblocking");
    CHECK(side(object, 1).at("scenario") == "mq-blocking");
    // A producer three times as fast fills the queue of four: one side drops, the other waits.
    CHECK(side(object, 0).at("findings").at("dropped_messages").get<int>() > 0);
    CHECK(side(object, 1).at("findings").at("blocked_waits").get<int>() > 0);
    CHECK(side(object, 1).at("findings").at("dropped_messages") == 0);
}

TEST_CASE("cli: compare --free runs each side on its own", "[integration][cli][compare]") {
    const json object = parseJsonOutput(runCli({"compare", "no-sync", "tas-mutex", "--free", "-n", "20000", "--json"}));
    INFO(object.dump(2));
    CHECK(object.at("free_runs") == true);
    CHECK(side(object, 0).at("iterations") == 20000);
    CHECK(side(object, 1).at("findings").at("overlaps") == 0);
    CHECK(side(object, 1).at("counter").at("final") == 40000);
}

TEST_CASE("cli: compare refuses unknown scenarios and over-long stepped runs with one sentence",
          "[integration][cli][compare]") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"compare", "naive-flag", "no-such-lock"},
          std::vector<std::string>{"compare", "/nonexistent/x.toml", "tas-mutex"},
          std::vector<std::string>{"compare", "naive-flag", "tas-mutex", "-n", "5000"},
          std::vector<std::string>{"compare", "naive-flag"}}) {
        const CliResult result = runCli(args);
        INFO("args: " << Catch::Detail::stringify(args) << "\nstdout: " << result.out << "\nstderr: " << result.err);
        CHECK(result.exitCode == 2);
        CHECK(result.out.empty());
        CHECK(nonEmptyLines(result.err).size() == 1);
        CHECK_THAT(result.err, Catch::Matchers::StartsWith("racetrace: "));
    }
}
