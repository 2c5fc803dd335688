// What `racetrace run`, `info` and `replay` print about a trace: a few
// readable lines, or one JSON object with stable keys for scripts. The JSON
// is written in its own translation unit (summary_json.cpp), so nlohmann/json
// is compiled there only.
#pragma once

#include "analysis/findings.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace racetrace {

/// A few lines for people; ends with a newline. A scenario with channels gets
/// one line of message counts and each worker's blocked time.
std::string summaryText(const Trace& trace, const Analysis& analysis);

/// The races that concern this trace, counted: "5,952 overlaps in the
/// critical section, 479 lost updates, 1,231 torn records" (shared memory), "0
/// lost messages, 12 torn messages, ..." (channels).
std::string raceCounts(const Trace& trace, const Analysis& analysis);

/// "Recorded on CPU, N cores, KERNEL; clock tsc.": what `info` adds.
std::string machineText(const Trace& trace);

/// What the order repair changed, in one line ("Order: 1,234 events were put
/// before events stamped earlier, to fit the values they read; ..."), or ""
/// for a file that does not say: what `info` adds.
std::string orderRepairText(const Trace& trace);

/// The first invariant on a counter ("counter == workers * iterations"), else
/// the first invariant, else null: what the summaries call "the counter".
const InvariantResult* counterInvariant(const Trace& trace, const Analysis& analysis);

/// What a replay adds to a summary.
struct ReplayReport {
    std::string source;                    ///< the replayed file
    std::uint64_t steps = 0;               ///< steps followed
    std::optional<std::string> divergence; ///< where it could not follow, in one sentence
    bool sameFindings = false;             ///< every finding count as in the original
    /// It diverged where no single order of the original's accesses gives every
    /// value (ReplayResult::noSingleOrder): counted apart from a real divergence.
    bool noSingleOrder = false;
};

/// What a command adds to the JSON summary beyond the trace itself.
struct SummaryExtras {
    bool traceFileKey = false;            ///< write "trace_file" (the path, or null)
    std::optional<std::string> traceFile; ///< the file the trace came from or went to
    bool machine = false;                 ///< write "machine" (cpu, cores, kernel)
    std::optional<ReplayReport> replay;   ///< write "replay"
};

/// The stable JSON summary, indented: scenario, workers, iterations, events,
/// dropped, counter.{name,expected,final}, findings.{one key per finding kind
/// (analysis/finders.hpp), total}, messages.{sent,received,lost,torn,
/// duplicated,out_of_order,would_block,dropped}, blocked_ns.{A,B,...}, race (a
/// blocked wait alone is none), headline, invariants, worker_details, stop_reason,
/// order_repair.{moved,restamped,max_shift_ns,conflicts} (absent for a file that does not keep it), ...
std::string summaryJson(const Trace& trace, const Analysis& analysis, const SummaryExtras& extras = {});

struct Comparison;
/// `racetrace compare --json`: policy, free_runs, lesson, headline, and sides
/// (scenario, title, sentence, raced, workers, iterations, events, counter,
/// findings, locks: the keys of the summary above).
std::string comparisonJson(const Comparison& comparison);

} // namespace racetrace
