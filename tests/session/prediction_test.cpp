// Predict, then reveal (session/prediction.hpp): which question a scenario
// gets, and which choice a run's analysis says was right.
#include "session/document.hpp"
#include "session/prediction.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

namespace racetrace {

TEST_CASE("prediction: a counting scenario asks for the counter, a lock without one whether two get in",
          "[prediction]") {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 300;
    const auto counter = predictionFor(options);
    REQUIRE(counter.has_value());
    CHECK(counter->kind == PredictionKind::Counter);
    CHECK(counter->question == "2 processes add 1 to counter 300 times each. What will counter be at the end?");
    CHECK(counter->choices == std::vector<std::string>{"exactly 600", "less than 600", "more than 600"});

    options.scenario = "pipe"; // no counter, no critical section: nothing to ask
    CHECK_FALSE(predictionFor(options).has_value());
    options.scenario = "no-such-scenario";
    CHECK_FALSE(predictionFor(options).has_value());
}

TEST_CASE("prediction: the reveal names the right choice from the run's analysis", "[prediction]") {
    test::TraceBuilder racy(test::Shape::NaiveFlag);
    // A and B both read the counter as 0 and both write 1: one update lost.
    racy.load(test::A, 10, 1);
    racy.load(test::B, 20, 1);
    racy.store(test::A, 30, 1, 1);
    racy.store(test::B, 40, 1, 1);
    const auto document = buildDocument(racy.expectCounter(2).build(), "racy", "", DocumentUse::Summary);
    const Prediction counter{PredictionKind::Counter, "?", {"exactly 2", "less than 2", "more than 2"}, 1};
    const Reveal reveal = revealOf(counter, *document);
    CHECK(reveal.correct == 1);
    CHECK(reveal.fact == "counter = 1 but 2 were expected: 1 update was lost.");

    const Prediction inside{PredictionKind::BothInside, "?", {"yes", "no"}, 0};
    CHECK(revealOf(inside, *document).correct == 1); // nobody entered: never two at once
}

TEST_CASE("prediction: an exact counter after an overlap says the race was there all the same", "[prediction]") {
    test::TraceBuilder lucky(test::Shape::NaiveFlag);
    // Both read Y free and both enter, but their increments do not interleave:
    // the counter ends right although two were inside at once.
    lucky.load(test::A, 100, lucky.guard());
    lucky.load(test::B, 240, lucky.guard());
    lucky.store(test::A, 300, lucky.guard(), 0);
    lucky.store(test::B, 350, lucky.guard(), 0);
    lucky.csEnter(test::A, 400);
    lucky.csEnter(test::B, 450);
    lucky.increment(test::A, 500);
    lucky.increment(test::B, 600);
    lucky.csExit(test::A, 800);
    lucky.csExit(test::B, 900);
    const auto document = buildDocument(lucky.expectCounter(2).build(), "lucky", "", DocumentUse::Summary);
    REQUIRE(document->analysis.count(FindingKind::Overlap) == 1);

    const Prediction counter{PredictionKind::Counter, "?", {"exactly 2", "less than 2", "more than 2"}, 1};
    const Reveal reveal = revealOf(counter, *document);
    CHECK(reveal.correct == 0);
    CHECK(reveal.fact == "counter = 2, as expected, but both were inside the critical section together once: "
                         "the race was there, it just lost no update this time.");

    const Prediction inside{PredictionKind::BothInside, "?", {"yes", "no"}, 0};
    const Reveal both = revealOf(inside, *document);
    CHECK(both.correct == 0);
    CHECK(both.fact == "Two were inside at once 1 time.");
}

TEST_CASE("prediction: an exact counter without an overlap is said plainly", "[prediction]") {
    test::TraceBuilder calm(test::Shape::NaiveFlag);
    calm.serialIteration(test::A, 100);
    calm.serialIteration(test::B, 1000);
    const auto document = buildDocument(calm.expectCounter(2).build(), "calm", "", DocumentUse::Summary);
    const Prediction counter{PredictionKind::Counter, "?", {"exactly 2", "less than 2", "more than 2"}, 1};
    const Reveal reveal = revealOf(counter, *document);
    CHECK(reveal.correct == 0);
    CHECK(reveal.fact == "counter = 2 as expected: no two were inside the critical section at once.");

    test::TraceBuilder bare(test::Shape::NaiveFlag); // increments without entering: nothing to say about inside
    bare.increment(test::A, 100);
    bare.increment(test::B, 200);
    const auto counted = buildDocument(bare.expectCounter(2).build(), "bare", "", DocumentUse::Summary);
    CHECK(revealOf(counter, *counted).fact == "counter = 2 as expected.");
}

} // namespace racetrace
