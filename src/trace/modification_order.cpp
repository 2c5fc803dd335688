// Each location's modification order, from one pass over the trace: every
// access goes to the history of its location (variable, word), and each
// history is ordered by trace/location_order.cpp, which says how.
#include "trace/modification_order.hpp"

#include "trace/location_history.hpp"
#include "trace/parallel_tasks.hpp"
#include "trace/sequence_watch.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_map>

namespace racetrace {

namespace {

using location::HistoryBuilder;
using location::kNone;

/// Where events go: one slot per location (variable, word) that the trace touches.
class LocationSlots {
  public:
    explicit LocationSlots(const Trace& trace) : m_trace(trace) { m_lastWord.fill(0); }

    /// The slot of the location `e` accesses, or kNone for events that touch
    /// none (or none we can name). Call once per event, in trace order: a spin
    /// repeats its worker's previous access, so its word is remembered.
    std::size_t slotOf(const Event& e) {
        const auto& variables = m_trace.scenario.variables;
        if (e.variable >= variables.size()) return kNone;
        const VariableInfo& variable = variables[e.variable];
        std::uint32_t word = 0;
        if (auxIsWord(e.kind)) {
            word = e.aux;
        } else if (eventKindInfo(e.kind).aux == AuxMeaning::RepeatCount) {
            word = m_lastWord[e.worker]; // a spin repeats its worker's previous access
        } else if (variable.words != 1) {
            // Exchange, compare-exchange and fetch-add keep a value in aux, not
            // their word: only a one-word variable says where they went (and a
            // spin repeating one on a record cannot say either).
            m_lastWord[e.worker] = kUnknownWord;
            return kNone;
        }
        m_lastWord[e.worker] = word;
        if (word >= variable.words) return kNone;
        const std::uint64_t key = (std::uint64_t{e.variable} << 32) | word;
        const auto [it, added] = m_slots.try_emplace(key, locations.size());
        if (added) locations.push_back({e.variable, word});
        return it->second;
    }

    std::vector<std::pair<std::uint16_t, std::uint32_t>> locations; ///< (variable, word) of each slot

  private:
    const Trace& m_trace;
    std::unordered_map<std::uint64_t, std::size_t> m_slots;
    static constexpr std::uint32_t kUnknownWord = ~std::uint32_t{0};
    std::array<std::uint32_t, kMaxWorkers> m_lastWord;
};

} // namespace

std::uint64_t ModificationOrder::sourceOf(std::uint64_t read) const {
    const auto it = std::lower_bound(sources.begin(), sources.end(), read,
                                     [](const auto& pair, std::uint64_t event) { return pair.first < event; });
    return it != sources.end() && it->first == read ? it->second : kNoEvent;
}

std::vector<ModificationOrder> counterModificationOrders(const Trace& trace,
                                                         const std::vector<ModificationOrder>& all) {
    std::vector<ModificationOrder> orders;
    const auto& variables = trace.scenario.variables;
    for (std::size_t v = 0; v < variables.size(); ++v) {
        if (!variableRoleInfo(variables[v].role).countsUpdates) continue;
        const auto it = std::find_if(all.begin(), all.end(),
                                     [&](const ModificationOrder& o) { return o.variable == v && o.word == 0; });
        if (it != all.end())
            orders.push_back(*it);
        else
            orders.emplace_back().variable = static_cast<std::uint16_t>(v);
    }
    return orders;
}

std::vector<ModificationOrder> counterModificationOrders(const Trace& trace) {
    return counterModificationOrders(trace, modificationOrders(trace));
}

namespace {

/// Each access's location slot (kNoSlot for none) and each slot's (reads, writes).
struct SlotCounts {
    static constexpr auto kNoSlot = ~std::uint32_t{0};
    std::vector<std::uint32_t> slotOfEvent;
    std::vector<std::pair<std::size_t, std::size_t>> counts;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> locations; ///< (variable, word) of each slot
};

SlotCounts countSlots(const Trace& trace) {
    LocationSlots slots(trace);
    SlotCounts result;
    result.slotOfEvent.assign(trace.events.size(), SlotCounts::kNoSlot);
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (!valueWasRead(e) && !changesMemory(e)) continue;
        const std::size_t slot = slots.slotOf(e);
        if (slot == kNone) continue;
        if (slot == result.counts.size()) result.counts.emplace_back(0, 0);
        result.counts[slot].first += valueWasRead(e) ? 1 : 0;
        result.counts[slot].second += changesMemory(e) ? 1 : 0;
        result.slotOfEvent[i] = static_cast<std::uint32_t>(slot);
    }
    result.locations = std::move(slots.locations);
    return result;
}

/// Per location, what the pass below needs to know of its writes so far.
struct LatestWrites {
    std::int64_t value = 0;               ///< what memory holds now
    std::uint64_t latest = kInitialValue; ///< the latest write (event index)
    std::uint64_t lastStamp = 0;
    std::size_t runStart = 0;                 ///< position of the first write of the current run of that value
    std::array<std::size_t, kMaxWorkers> own; ///< each worker's latest write (position), kNone before any
};

/// A trace whose order its values already agree with (what the run's order
/// repair saves: each read after the write it returned and before the next
/// one) needs no search: a read returned its location's latest write in trace
/// order, or, where its own worker wrote the same value and nobody wrote
/// another since, its own write (the search's rule for a value both wrote,
/// see location_order.cpp). One pass fills each slot's order that way and
/// marks the slots where a read disagrees (false in the result): those are
/// left for the search. Not tried across dropped events (a missing write would
/// go unnoticed) nor by the order repair itself (stamps are not an order yet).
std::vector<bool> ordersFromTraceOrder(const Trace& trace, const SlotCounts& slots,
                                       std::vector<ModificationOrder>& orders) {
    const std::size_t n = slots.counts.size();
    std::vector<bool> agrees(n, true);
    std::vector<LatestWrites> state(n);
    for (std::size_t slot = 0; slot < n; ++slot) {
        state[slot].value = trace.scenario.variables[slots.locations[slot].first].initial;
        state[slot].own.fill(kNone);
        orders[slot].sources.reserve(slots.counts[slot].first);
        orders[slot].writes.reserve(slots.counts[slot].second);
    }
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const std::uint32_t slot = slots.slotOfEvent[i];
        if (slot == SlotCounts::kNoSlot || !agrees[slot]) continue;
        const Event& e = trace.events[i];
        ModificationOrder& order = orders[slot];
        LatestWrites& s = state[slot];
        if (valueWasRead(e)) {
            if (e.value != s.value) {
                agrees[slot] = false;
                order = ModificationOrder{};
                continue;
            }
            const std::size_t own = s.own[e.worker];
            order.sources.emplace_back(i, own != kNone && own >= s.runStart ? order.writes[own] : s.latest);
        }
        if (!changesMemory(e)) continue;
        const std::int64_t value = writtenValue(e);
        if (order.writes.empty() || value != s.value) s.runStart = order.writes.size();
        if (e.timestamp < s.lastStamp) ++order.moved;
        s.own[e.worker] = order.writes.size();
        order.writes.push_back(i);
        s.latest = i;
        s.value = value;
        s.lastStamp = e.timestamp;
    }
    return agrees;
}

/// The wanted slots in groups of about equal accesses, one group per CPU
/// (the biggest slot first into the lightest group).
std::vector<std::vector<std::size_t>> balancedGroups(const SlotCounts& slots, const std::vector<bool>& wanted) {
    std::vector<std::size_t> searched;
    for (std::size_t slot = 0; slot < wanted.size(); ++slot)
        if (wanted[slot]) searched.push_back(slot);
    const auto accesses = [&](std::size_t slot) { return slots.counts[slot].first + slots.counts[slot].second; };
    std::stable_sort(searched.begin(), searched.end(),
                     [&](std::size_t a, std::size_t b) { return accesses(a) > accesses(b); });
    std::vector<std::vector<std::size_t>> groups(std::min(cpuCount(), searched.size()));
    std::vector<std::size_t> load(groups.size(), 0);
    for (const std::size_t slot : searched) {
        const auto lightest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        groups[lightest].push_back(slot);
        load[lightest] += accesses(slot);
    }
    return groups;
}

/// The search (trace/location_order.cpp) for the slots `wanted` marks. The
/// slots are split into groups, one per CPU; each group's task collects its
/// slots' histories in its own pass over the events, then searches them. (Most
/// of the time is fresh memory for the histories, ~1 s per GB on these
/// machines, and page faults on two CPUs go side by side.)
void searchOrders(const Trace& trace, const SlotCounts& slots, const EventGaps& missing,
                  const std::vector<bool>& wanted, std::vector<ModificationOrder>& orders) {
    std::vector<HistoryBuilder> builders(slots.counts.size());
    const std::vector<std::vector<std::size_t>> groups = balancedGroups(slots, wanted);
    runTasks(groups.size(), [&](std::size_t g) {
        std::vector<bool> mine(slots.counts.size(), false);
        for (const std::size_t slot : groups[g]) {
            mine[slot] = true;
            // Reserved from the counts, so a history never grows by copying itself.
            builders[slot].reserve(slots.counts[slot].first, slots.counts[slot].second);
        }
        SequenceWatch sequence;
        std::array<std::uint32_t, kMaxWorkers> gaps{};
        for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
            const Event& e = trace.events[i];
            if (sequence.gapBefore(e)) ++gaps[e.worker];
            const std::uint32_t slot = slots.slotOfEvent[i];
            if (slot != SlotCounts::kNoSlot && mine[slot]) builders[slot].add(e, i, gaps[e.worker]);
        }
        for (const std::size_t slot : groups[g]) {
            const location::History history = builders[slot].finish();
            const std::uint16_t variable = slots.locations[slot].first;
            orders[slot] = location::orderLocation(history, trace.scenario.variables[variable].initial, missing);
        }
    });
}

} // namespace

std::vector<ModificationOrder> modificationOrders(const Trace& trace, OrderFinding how) {
    // Positions in a history are 32-bit (location_history.hpp), as are the
    // slots below: 2^32 events would be 128 GB of them, more than any machine
    // this runs on holds; such a trace gets no orders rather than wrong ones.
    if (trace.events.size() >= std::numeric_limits<std::uint32_t>::max()) return {};
    SlotCounts slots = countSlots(trace);
    std::vector<ModificationOrder> orders(slots.counts.size());
    const EventGaps missing(trace);
    std::vector<bool> searched(slots.counts.size(), true);
    if (how == OrderFinding::TraceOrderWhereItAgrees && missing.empty()) {
        searched = ordersFromTraceOrder(trace, slots, orders);
        searched.flip(); // the slots whose reads disagreed with the trace order
    }
    searchOrders(trace, slots, missing, searched, orders);
    for (std::size_t slot = 0; slot < orders.size(); ++slot) {
        orders[slot].variable = slots.locations[slot].first;
        orders[slot].word = slots.locations[slot].second;
    }
    // Variable order, then word order, whatever order the trace first touched them in.
    std::sort(orders.begin(), orders.end(), [](const ModificationOrder& a, const ModificationOrder& b) {
        return a.variable != b.variable ? a.variable < b.variable : a.word < b.word;
    });
    return orders;
}

} // namespace racetrace
