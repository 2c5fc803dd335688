// Predict, then reveal: before a run in lecture mode the window asks one
// question about what the run will show, and after it puts the answer the
// analysis gives beside the guess (as OSTEP's simulators hide results behind
// "?" so that students commit first). The questions and how each is decided
// live here; the window only asks and shows.
#pragma once

#include "lab/run_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

struct TraceDocument;

enum class PredictionKind : std::uint8_t {
    Counter,    ///< what the counter will be: exactly, less or more than expected
    BothInside, ///< whether two workers will be inside the critical section at once
};

struct Prediction {
    PredictionKind kind = PredictionKind::Counter;
    std::string question;             ///< "Two processes add 1 to counter 300 times each. What will it be?"
    std::vector<std::string> choices; ///< "exactly 600", "less than 600", "more than 600"
    std::uint16_t variable = 0;       ///< Counter: the counter
};

/// The question for a run of `options`: the counter where its scenario counts
/// updates, else whether two will be inside where it has a critical section,
/// else nothing (the run goes ahead without one).
std::optional<Prediction> predictionFor(const RunOptions& options);

/// What the run showed: the choice that was right and the fact that decides
/// it ("counter = 501: 99 updates were lost.").
struct Reveal {
    int correct = -1; ///< index into Prediction::choices; -1: the run cannot tell (events were dropped)
    std::string fact;
};
Reveal revealOf(const Prediction& prediction, const TraceDocument& document);

} // namespace racetrace
