// The side-by-side as data, with real processes: Peterson's pair runs each
// side freely (a store buffer cannot be stepped), and the fenced side is never
// shared. Whether the unfenced side breaks in one pair of runs is chance (a
// few overlaps per 20,000 rounds); tests/integration/peterson_test.cpp checks
// that it does break.
#include "session/comparison.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;

TEST_CASE("comparison: peterson and peterson-fence side by side, two free runs of 50,000 rounds",
          "[session][comparison][peterson]") {
    const ComparisonPair& pair = comparisonFor("peterson-fence");
    REQUIRE(pair.first == "peterson");
    REQUIRE(&comparisonFor("peterson") == &pair);
    REQUIRE(pair.freeIterations == 50'000);
    auto comparison = buildComparison(pair);
    REQUIRE(comparison);
    const Comparison& c = **comparison;
    REQUIRE(c.sides.size() == 2);
    CHECK(c.headline.starts_with("Each on its own: "));
    for (const ComparisonSide& side : c.sides) {
        INFO(side.title << ": " << side.sentence);
        CHECK(side.document->trace.stopReason.empty());
        CHECK(side.document->trace.settings.iterations == 50'000);
        CHECK_FALSE(side.sentence.empty());
    }
    const Analysis& fenced = c.sides[1].document->analysis;
    CHECK(c.sides[1].title == "Peterson's algorithm with a fence");
    CHECK(fenced.count(FindingKind::Overlap) == 0);
    CHECK(fenced.invariants.at(0).holds);
}

TEST_CASE("comparison: the stepped pairs still share one schedule of 3 iterations", "[session][comparison]") {
    const ComparisonPair& pair = comparisonFor("tas-mutex");
    CHECK(pair.first == "naive-flag");
    CHECK(pair.freeIterations == 0);
    CHECK(pair.iterations() == kComparisonIterations);
}

TEST_CASE("comparison: any two scenarios make a pair, a known pair keeps its schedule in either order",
          "[session][comparison]") {
    const ComparisonPair known = comparisonOf("mq-nonblocking", "mq-blocking");
    CHECK(known.first == "mq-nonblocking");
    CHECK(known.second == "mq-blocking");
    CHECK(known.stepsPerTurn == std::vector<std::uint32_t>{3, 1});
    CHECK(known.policy == comparisonFor("mq-blocking").policy);

    const ComparisonPair any = comparisonOf("tas-mutex", "ticket-lock");
    CHECK(any.stepsPerTurn.empty());
    CHECK(any.freeIterations == 0);
    CHECK(any.workers == 0); // each scenario's own
    CHECK(any.menuItem == "Compare: tas-mutex vs ticket-lock");
    CHECK(comparisonOf("/home/me/my-lock.toml", "tas-mutex").button[1] == "Compare my-lock.toml vs tas-mutex");
}

TEST_CASE("comparison: the ticket lock's waiting is counted though its guard is a plain word",
          "[session][comparison]") {
    auto comparison = buildComparison(comparisonOf("ticket-lock", "cas-lock"));
    REQUIRE(comparison);
    for (const ComparisonSide& side : (*comparison)->sides) {
        INFO(side.title << ": " << side.sentence);
        CHECK_FALSE(side.raced);
        CHECK_THAT(side.sentence, Catch::Matchers::Contains("waited"));
        CHECK_THAT(side.sentence, Catch::Matchers::Contains("never two inside"));
    }
}

TEST_CASE("comparison: C with any other lock shown puts the naive flag above it, channels keep the first pair",
          "[session][comparison]") {
    const ComparisonPair& semaphore = comparisonFor("semaphore");
    CHECK(semaphore.first == "naive-flag");
    CHECK(semaphore.second == "semaphore");
    CHECK(&comparisonFor("semaphore") == &semaphore); // made once, asked every frame
    CHECK(comparisonFor("ticket-lock").second == "ticket-lock");
    CHECK(comparisonFor("pipe").second == comparisonPairs().front().second);
    CHECK(comparisonFor("no-such-scenario").second == comparisonPairs().front().second);
}
