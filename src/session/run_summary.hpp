// What `racetrace run` and `racetrace info` print about a trace: a few
// readable lines, or one JSON object with stable keys for scripts.
#pragma once

#include "analysis/findings.hpp"
#include "trace/trace.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace racetrace {

/// The stable JSON summary: scenario, workers, iterations, events, dropped,
/// counter.{expected,final}, findings.{overlaps,lost_updates,torn_records}, ...
nlohmann::json summaryJson(const Trace& trace, const Analysis& analysis);

/// A few lines for people; ends with a newline.
std::string summaryText(const Trace& trace, const Analysis& analysis);

} // namespace racetrace
