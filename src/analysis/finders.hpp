// The registry of finders: one row per kind of finding, with the finder that
// looks for it, how its findings are counted and the words that name them in
// summaries. analyse() runs every row; the CLI's summary, the replay's
// comparison and the window's counts read the rows. A new kind of finding is
// one row (and its FindingKind) plus its finder.
#pragma once

#include "analysis/findings.hpp"
#include "trace/modification_order.hpp"

#include <array>
#include <cstdint>
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
};

/// Appends the findings of one kind to `out`, in time order or close to it.
using Finder = void (*)(const AnalysisInput& input, std::vector<Finding>& out);
/// The number a summary shows for a kind, given its findings.
using FindingCounter = std::uint64_t (*)(const AnalysisInput& input, const std::vector<Finding>& found);

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
};

void findOverlaps(const AnalysisInput& input, std::vector<Finding>& out);
void findLostUpdates(const AnalysisInput& input, std::vector<Finding>& out);
void findTornRecords(const AnalysisInput& input, std::vector<Finding>& out);
/// Updates erased by lost-update findings, summed (see updatesErased).
std::uint64_t erasedUpdates(const AnalysisInput& input, const std::vector<Finding>& found);

// clang-format off
inline constexpr std::array<FindingKindInfo, kFindingKindCount> kFindingKinds = {{
    {FindingKind::Overlap, "overlap", "overlaps", "Overlaps", "overlap", "overlaps", " in the critical section",
     findOverlaps, nullptr},
    {FindingKind::LostUpdate, "lost-update", "lost_updates", "Lost updates", "lost update", "lost updates", "",
     findLostUpdates, erasedUpdates},
    {FindingKind::TornRecord, "torn-record", "torn_records", "Torn records", "torn record", "torn records", "",
     findTornRecords, nullptr},
}};
// clang-format on

constexpr const FindingKindInfo& findingKindInfo(FindingKind kind) {
    return kFindingKinds[static_cast<std::size_t>(kind)];
}

/// One finder on a bare trace, computing what it needs itself (for tests and
/// tools that want one kind only). Returns how many findings it added.
std::size_t findOnly(FindingKind kind, const Trace& trace, std::vector<Finding>& out);

} // namespace racetrace
