// What went wrong in a run, as data: each finding names its kind, the workers and
// the events involved, and carries one plain sentence a student understands.
// Analysis runs once per trace; views and the CLI only read these results.
#pragma once

#include "analysis/fault_outcome.hpp"
#include "analysis/lock_stats.hpp"
#include "analysis/message_analysis.hpp"
#include "trace/trace.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

struct CriticalSectionSpan;

/// One per finder (analysis/finders.hpp has the table of them).
enum class FindingKind : std::uint8_t {
    Overlap,           ///< two or more workers inside the critical section at once
    LostUpdate,        ///< a counter write overwrote another worker's update
    TornRecord,        ///< a record check saw words from more than one writer
    LostMessage,       ///< a message sent and never received, or refused by a broken pipe
    TornMessage,       ///< a message read with bytes of another send inside
    DuplicatedMessage, ///< a message received again
    OutOfOrderMessage, ///< a message received after a later one of its sender
    BlockedWait,       ///< a channel call that had to wait (no race: see FindingKindInfo::isRace)
    BlankRead,         ///< a mailbox read before anything was put into it
    TornHandoff,       ///< a mailbox read while a put was half-way
    LostHandoff,       ///< a message put and overwritten before anyone read it
    RepeatedRead,      ///< the same message read from a mailbox again
    DroppedMessage,    ///< a message given up after a send that could not wait found no room (no race)
    StoreBuffering,    ///< two workers' loads each read past the other's store, still in a store buffer
};
inline constexpr std::size_t kFindingKindCount = 14;
std::string_view findingKindName(FindingKind kind); ///< "overlap", "lost-update", "torn-record", ...

struct Finding {
    FindingKind kind = FindingKind::Overlap;
    std::vector<std::uint32_t> workers;   ///< workers involved, ascending
    std::vector<std::uint64_t> events;    ///< indices into Trace::events, the key ones first (see finders)
    std::uint64_t beginNs = 0;            ///< when it starts (ns since run start)
    std::uint64_t endNs = 0;              ///< when it ends (== beginNs for instants)
    std::uint16_t variable = kNoVariable; ///< the variable concerned, if one
    std::uint16_t channel = kNoVariable;  ///< the channel concerned (ScenarioInfo::channels), if one
    std::string sentence;                 ///< one plain sentence
};

/// How long a finding's story lasts: from the earliest of its key events (the
/// reads its sentence names) or its begin, to the latest of them or its end.
std::uint64_t storySpanNs(const Trace& trace, const Finding& finding);

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
    std::vector<Finding> findings; ///< ascending beginNs; races and, for channels, blocked waits
    /// Per finding kind, what its finder counts (see analysis/finders.hpp):
    /// overlaps and torn records are counted as findings; lost updates as the
    /// updates erased, from values, which for a complete trace equals the
    /// counter's shortfall (one store can erase many).
    std::array<std::uint64_t, kFindingKindCount> counts{};
    std::vector<InvariantResult> invariants;
    std::vector<RecordState> records;
    /// What happened to the messages (all zeros without channels): the counts,
    /// blocked time, fill levels and the send of each receive, for the views.
    MessageStats messages;
    /// Per worker: entries into the critical section, time waiting to get in
    /// and inside (empty when nobody entered one; see lock_stats.hpp).
    std::vector<WorkerLockStats> locks;
    /// What killing a worker on purpose (--kill) did, or nothing.
    std::optional<FaultOutcome> fault;
    /// One sentence for the status line: the first race's sentence, or that all was well.
    std::string headline;

    std::uint64_t count(FindingKind kind) const { return counts[static_cast<std::size_t>(kind)]; }
    /// The first finding that is a race (FindingKindInfo::isRace), or nullptr:
    /// a blocked wait alone does not make a run racy.
    const Finding* firstRace() const;
    bool raced() const { return firstRace() != nullptr; }
    /// The finding a view opens on: the first race whose story (storySpanNs)
    /// is short enough to be seen at once (a race whose two reads lie
    /// milliseconds apart, because a worker was preempted, cannot be framed)
    /// and whose key events lie in every lane it names (a torn record shows
    /// only its checker's reads), else the shortest such of the first races,
    /// else the first finding (a blocked wait), else -1.
    int openingFinding(const Trace& trace) const;
    /// True when every kind's count is the same in both (a replay's question).
    bool sameCounts(const Analysis& other) const { return counts == other.counts; }
};

/// Runs every finder of the registry on `trace`. Pure: depends only on the
/// trace's content (and the modification orders its merge left, if any).
/// `stays`, when given, receives the trace's stays (criticalSections), worked
/// out on the way, for a caller that indexes the trace too.
Analysis analyse(const Trace& trace, std::vector<CriticalSectionSpan>* stays = nullptr);

std::vector<InvariantResult> checkInvariants(const Trace& trace);
std::vector<RecordState> recordStates(const Trace& trace);

} // namespace racetrace
