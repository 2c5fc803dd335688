// The registry of finders: one row per kind of finding, with the finder that
// looks for it, how its findings are counted and the words that name them in
// summaries. analyse() runs every row; the CLI's summary, the replay's
// comparison and the window's counts read the rows. A new kind of finding is
// one row (and its FindingKind) plus its finder.
#pragma once

#include "analysis/critical_sections.hpp"
#include "analysis/findings.hpp"
#include "trace/modification_order.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

/// What every finder may use, worked out once per trace.
struct AnalysisInput {
    const Trace& trace;
    /// Every location's modification order: the ones the merge that ordered
    /// the trace used (Trace::memoryOrders), or computed once for a trace read
    /// from a file.
    const std::vector<ModificationOrder>& orders;
    /// The messages, matched and counted once for all the message finders.
    const MessageStats& messages;
    /// Every worker's stays in the critical section (criticalSections), worked out once.
    const std::vector<CriticalSectionSpan>& spans;
};

/// Appends the findings of one kind to `out`, in time order or close to it.
using Finder = void (*)(const AnalysisInput& input, std::vector<Finding>& out);
/// The number a summary shows for a kind, given its findings.
using FindingCounter = std::uint64_t (*)(const AnalysisInput& input, const std::vector<Finding>& found);

/// What a kind of finding is about: shared memory or channels. The summary's
/// "RACE: ..." line lists the kinds of the trace's own domain (and any other
/// with findings), so a shared-memory run reads as it always did.
enum class FindingDomain : std::uint8_t {
    Memory,   ///< shared variables
    Channels, ///< pipes and message queues
    Mailbox,  ///< messages handed over through a shared mailbox (a scenario with a mailbox variable)
    /// How memory ordered plain accesses: named when something was found (a
    /// lock that only plain loads and stores build can show it; most cannot).
    MemoryOrder,
};

struct FindingKindInfo {
    FindingKind kind;
    std::string_view name;       ///< stable: files, exports, tooltips ("lost-update")
    std::string_view jsonKey;    ///< under "findings" in --json ("lost_updates")
    std::string_view label;      ///< a heading for its count ("Lost updates")
    std::string_view singular;   ///< "lost update"
    std::string_view plural;     ///< "lost updates"
    std::string_view raceClause; ///< after the count in "RACE: ..." (" in the critical section")
    Finder find;
    FindingCounter count; ///< nullptr: the number of findings
    /// A race: something went wrong because of how the workers interleaved. A
    /// blocked wait is not one (waiting is what a blocking call is for), so it
    /// is listed with the findings but never makes a run count as racy.
    bool isRace;
    FindingDomain domain;
};

void findOverlaps(const AnalysisInput& input, std::vector<Finding>& out);
void findLostUpdates(const AnalysisInput& input, std::vector<Finding>& out);
void findTornRecords(const AnalysisInput& input, std::vector<Finding>& out);
// The message finders (message_finders.cpp), from AnalysisInput::messages.
void findLostMessages(const AnalysisInput& input, std::vector<Finding>& out);
void findTornMessages(const AnalysisInput& input, std::vector<Finding>& out);
void findDuplicatedMessages(const AnalysisInput& input, std::vector<Finding>& out);
void findOutOfOrderMessages(const AnalysisInput& input, std::vector<Finding>& out);
void findBlockedWaits(const AnalysisInput& input, std::vector<Finding>& out);
void findDroppedMessages(const AnalysisInput& input, std::vector<Finding>& out);
// Loads that read past the other worker's buffered store (store_buffering_finder.cpp).
void findStoreBuffering(const AnalysisInput& input, std::vector<Finding>& out);
// The mailbox finders (handoff_finder.cpp): one pass finds all four kinds.
void findHandoffsOf(FindingKind kind, const AnalysisInput& input, std::vector<Finding>& out);
template <FindingKind kKind> void findHandoffs(const AnalysisInput& input, std::vector<Finding>& out) {
    findHandoffsOf(kKind, input, out);
}
/// For a scenario with a mailbox and no broken handoff: "every message was
/// read once and whole, but the waiting spun (A 1,234 times, ...)"; else "".
std::string handoffClause(const Trace& trace);
/// Updates erased by lost-update findings, summed (see updatesErased).
std::uint64_t erasedUpdates(const AnalysisInput& input, const std::vector<Finding>& found);

// clang-format off
inline constexpr std::array<FindingKindInfo, kFindingKindCount> kFindingKinds = {{
    {FindingKind::Overlap, "overlap", "overlaps", "Overlaps", "overlap", "overlaps", " in the critical section",
     findOverlaps, nullptr, true, FindingDomain::Memory},
    {FindingKind::LostUpdate, "lost-update", "lost_updates", "Lost updates", "lost update", "lost updates", "",
     findLostUpdates, erasedUpdates, true, FindingDomain::Memory},
    {FindingKind::TornRecord, "torn-record", "torn_records", "Torn records", "torn record", "torn records", "",
     findTornRecords, nullptr, true, FindingDomain::Memory},
    {FindingKind::LostMessage, "lost-message", "lost_messages", "Lost messages", "lost message", "lost messages", "",
     findLostMessages, nullptr, true, FindingDomain::Channels},
    {FindingKind::TornMessage, "torn-message", "torn_messages", "Torn messages", "torn message", "torn messages", "",
     findTornMessages, nullptr, true, FindingDomain::Channels},
    {FindingKind::DuplicatedMessage, "duplicated-message", "duplicated_messages", "Duplicated messages",
     "duplicated message", "duplicated messages", "", findDuplicatedMessages, nullptr, true, FindingDomain::Channels},
    {FindingKind::OutOfOrderMessage, "out-of-order-message", "out_of_order_messages", "Messages out of order",
     "message out of order", "messages out of order", "", findOutOfOrderMessages, nullptr, true,
     FindingDomain::Channels},
    {FindingKind::BlockedWait, "blocked-wait", "blocked_waits", "Blocked waits", "blocked wait", "blocked waits", "",
     findBlockedWaits, nullptr, false, FindingDomain::Channels},
    {FindingKind::BlankRead, "blank-read", "blank_reads", "Blank reads", "blank read", "blank reads", "",
     findHandoffs<FindingKind::BlankRead>, nullptr, true, FindingDomain::Mailbox},
    {FindingKind::TornHandoff, "torn-handoff", "torn_handoffs", "Torn handoffs", "torn handoff", "torn handoffs", "",
     findHandoffs<FindingKind::TornHandoff>, nullptr, true, FindingDomain::Mailbox},
    {FindingKind::LostHandoff, "lost-handoff", "lost_handoffs", "Messages overwritten unread",
     "message overwritten unread", "messages overwritten unread", "", findHandoffs<FindingKind::LostHandoff>, nullptr,
     true, FindingDomain::Mailbox},
    {FindingKind::RepeatedRead, "repeated-read", "repeated_reads", "Messages read twice", "message read twice",
     "messages read twice", "", findHandoffs<FindingKind::RepeatedRead>, nullptr, true, FindingDomain::Mailbox},
    {FindingKind::DroppedMessage, "dropped-message", "dropped_messages", "Dropped messages", "dropped message",
     "dropped messages", "", findDroppedMessages, nullptr, false, FindingDomain::Channels},
    {FindingKind::StoreBuffering, "store-buffering", "store_buffering", "Store buffering",
     "store-buffering reordering", "store-buffering reorderings", "", findStoreBuffering, nullptr, true,
     FindingDomain::MemoryOrder},
}};
// clang-format on

constexpr bool findingRowsFollowTheEnum() {
    for (std::size_t i = 0; i < kFindingKinds.size(); ++i)
        if (static_cast<std::size_t>(kFindingKinds[i].kind) != i) return false;
    return true;
}
static_assert(findingRowsFollowTheEnum(), "kFindingKinds must have one row per FindingKind, in enum order");

constexpr const FindingKindInfo& findingKindInfo(FindingKind kind) {
    return kFindingKinds[static_cast<std::size_t>(kind)];
}

/// Whether a summary names `kind` for this trace: kinds of its own domain
/// (shared memory when it has variables or no channels, channels when it has
/// channels), and any kind that found something.
bool concernsTrace(const Trace& trace, const Analysis& analysis, const FindingKindInfo& kind);

/// One finder on a bare trace, computing what it needs itself (for tests and
/// tools that want one kind only). Returns how many findings it added.
std::size_t findOnly(FindingKind kind, const Trace& trace, std::vector<Finding>& out);

} // namespace racetrace
