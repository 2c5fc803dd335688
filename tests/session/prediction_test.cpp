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

} // namespace racetrace
