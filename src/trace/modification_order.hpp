// The order in which a location's writes really reached memory, from values
// (for counters, flags, locks and each word of a record).
//
// Timestamps are read next to each access, not at the instant the access took
// effect: a store waits in its CPU's store buffer until it owns the cache line,
// rdtsc is not ordered with the loads and stores around it, and a worker can be
// interrupted between an access and its clock read. So two writes of different
// workers a few tens of ns apart can be stamped in the opposite order to the one
// the memory saw, and a load can be stamped before the store it returned. The
// values cannot lie that way: a load that returned v read a write of v.
//
//   stamped:  A: store 1,065 (7,659,579)   B: store 1,129 (7,659,619)
//   then:     A: load 1,065   B: load 1,065   <- so B's 1,129 came first
//
// For each read this chooses the write it returned (the write of that value
// nearest in time that the reader's own program order allows), then orders the
// writes by timestamp subject to what those choices require: a read that
// returned another worker's write W places W after the reader's previous write
// and before its next one. With those constraints, a store whose predecessor is
// its own worker's previous write was paired with a read of exactly that value,
// so summing what each store erased over lost-update findings gives the
// counter's shortfall (see lost_update_finder.cpp).
#pragma once

#include "trace/event.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace racetrace {

/// A read's source when no recorded write can be it: it returned the variable's initial value.
inline constexpr std::uint64_t kInitialValue = ~std::uint64_t{0} - 1;

struct ModificationOrder {
    std::uint16_t variable = 0;
    std::uint32_t word = 0; ///< the word within a record; 0 for one-word variables
    /// The variable's writes (indices into Trace::events), in the order memory took them.
    std::vector<std::uint64_t> writes;
    /// What each read returned: (read, write) pairs of event indices sorted by read;
    /// write is kInitialValue for the initial value, kNoEvent when no write of
    /// that value exists (a scribbled or dropped value). Reads are loads, spins, record checks,
    /// failed compare-exchanges and the old values of exchanges and fetch-adds.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> sources;
    /// Writes the values moved out of timestamp order.
    std::uint64_t moved = 0;
    /// Reads whose value no recorded write could have given them (scribbled
    /// values, or writes lost with dropped events): they constrain nothing.
    std::uint64_t unsourced = 0;
    /// Times the chosen sources contradicted each other and a write was placed
    /// against one of them. A real trace has a consistent choice (the hardware
    /// made one); a contradiction means a damaged trace or, where a value was
    /// written more than once, a read attributed to the wrong write of it.
    std::uint64_t conflicts = 0;

    /// The write `read` returned (see sources); kNoEvent if `read` is not one of the reads.
    std::uint64_t sourceOf(std::uint64_t read) const;
};

/// One ModificationOrder per counter variable (its word 0), in variable order,
/// picked from `all` (what modificationOrders gave); a counter nobody touched
/// gets an empty one, so every counter is looked at.
std::vector<ModificationOrder> counterModificationOrders(const Trace& trace, const std::vector<ModificationOrder>& all);
/// The same, computing every location's order first.
std::vector<ModificationOrder> counterModificationOrders(const Trace& trace);

/// How modificationOrders finds a location's order.
enum class OrderFinding {
    /// Read it off the trace's own order where every read of the location
    /// returned its latest write there (a saved trace, mostly: the run's order
    /// repair put it so) or the source Trace::keptOrders names, and search
    /// the other locations.
    TraceOrderWhereItAgrees,
    /// Search every location (the reference the shortcut is tested against).
    SearchEveryLocation,
};

/// What a file keeps of `trace.memoryOrders` so that modificationOrders gives
/// them back from the saved trace without the search: the reads whose source
/// is not the one the trace order gives, and the locations whose order is not
/// the trace's. Nullopt without memoryOrders, or across dropped events (the
/// shortcut is not tried there: the file's reader searches every location).
std::optional<KeptMemoryOrders> keepMemoryOrders(const Trace& trace);

/// One ModificationOrder per location (variable, word) the trace reads or
/// writes, in variable then word order. Exchanges, compare-exchanges and
/// fetch-adds on a record's words are left out: their events do not say which word.
std::vector<ModificationOrder> modificationOrders(const Trace& trace,
                                                  OrderFinding how = OrderFinding::TraceOrderWhereItAgrees);

} // namespace racetrace
