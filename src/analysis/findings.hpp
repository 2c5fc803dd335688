// What went wrong in a run, as data: each finding names its kind, the workers and
// the events involved, and carries one plain sentence a student understands.
// Analysis runs once per trace; views and the CLI only read these results.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace racetrace {

enum class FindingKind : std::uint8_t {
    Overlap,    ///< two or more workers inside the critical section at once
    LostUpdate, ///< a counter write overwrote another worker's update
    TornRecord, ///< a record check saw words from more than one writer
};
std::string_view findingKindName(FindingKind kind); ///< "overlap", "lost-update", "torn-record"

struct Finding {
    FindingKind kind = FindingKind::Overlap;
    std::vector<std::uint32_t> workers;   ///< workers involved, ascending
    std::vector<std::uint64_t> events;    ///< indices into Trace::events, the key ones first (see finders)
    std::uint64_t beginNs = 0;            ///< when it starts (ns since run start)
    std::uint64_t endNs = 0;              ///< when it ends (== beginNs for instants)
    std::uint16_t variable = kNoVariable; ///< the variable concerned, if one
    std::string sentence;                 ///< one plain sentence
};

/// An invariant checked against the final memory.
struct InvariantResult {
    InvariantInfo invariant;
    std::int64_t actual = 0;
    bool holds = false;
    std::string sentence; ///< "counter = 19,874 but 20,000 were expected: 126 updates were lost."
};

/// The final state of one record variable: who wrote each word last.
struct RecordState {
    std::uint16_t variable = 0;
    std::vector<std::int64_t> words;      ///< final values
    std::vector<std::int32_t> lastWriter; ///< per word: worker index, or -1 if never written
    bool torn = false;                    ///< last writers differ between words
};

struct Analysis {
    std::vector<Finding> findings; ///< ascending beginNs
    std::uint64_t overlaps = 0;    ///< Overlap findings
    /// Counter updates lost, from values: what each lost-update store erased
    /// (memory before it minus what its worker had read), summed. One store can
    /// erase many updates, so this is not the number of LostUpdate findings; for
    /// a trace with nothing dropped it equals the counter's shortfall.
    std::uint64_t lostUpdates = 0;
    std::uint64_t tornRecords = 0; ///< TornRecord findings
    std::vector<InvariantResult> invariants;
    std::vector<RecordState> records;
    /// One sentence for the status line: the first finding's sentence, or that all was well.
    std::string headline;
};

/// Runs every finder on `trace`. Pure: depends only on the trace's content.
Analysis analyse(const Trace& trace);

// The finders, exposed for tests. Each appends to `out` and returns how many it added.
std::size_t findOverlaps(const Trace& trace, std::vector<Finding>& out);
std::size_t findLostUpdates(const Trace& trace, std::vector<Finding>& out);
std::size_t findTornRecords(const Trace& trace, std::vector<Finding>& out);
std::vector<InvariantResult> checkInvariants(const Trace& trace);
std::vector<RecordState> recordStates(const Trace& trace);

} // namespace racetrace
