// Each location's modification order, from one pass over the trace: every
// access goes to the history of its location (variable, word), and each
// history is ordered by trace/location_order.cpp, which says how.
#include "trace/modification_order.hpp"

#include "trace/location_history.hpp"
#include "trace/sequence_watch.hpp"

#include <algorithm>
#include <array>
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

std::vector<ModificationOrder> modificationOrders(const Trace& trace) {
    // A first pass finds each access's location and counts them, so that the
    // second, which collects each location's reads and writes, never grows a
    // history by copying it (fresh memory costs ~1 s per GB on these machines).
    const EventGaps missing(trace);
    LocationSlots slots(trace);
    constexpr auto kNoSlot = ~std::uint32_t{0};
    std::vector<std::uint32_t> slotOfEvent(trace.events.size(), kNoSlot);
    std::vector<std::pair<std::size_t, std::size_t>> counts; // per slot: reads, writes
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (!valueWasRead(e) && !changesMemory(e)) continue;
        const std::size_t slot = slots.slotOf(e);
        if (slot == kNone) continue;
        if (slot == counts.size()) counts.emplace_back(0, 0);
        counts[slot].first += valueWasRead(e) ? 1 : 0;
        counts[slot].second += changesMemory(e) ? 1 : 0;
        slotOfEvent[i] = static_cast<std::uint32_t>(slot);
    }
    std::vector<HistoryBuilder> builders(counts.size());
    for (std::size_t slot = 0; slot < counts.size(); ++slot)
        builders[slot].reserve(counts[slot].first, counts[slot].second);
    SequenceWatch sequence;
    std::array<std::uint32_t, kMaxWorkers> gaps{};
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (sequence.gapBefore(e)) ++gaps[e.worker];
        if (slotOfEvent[i] != kNoSlot) builders[slotOfEvent[i]].add(e, i, gaps[e.worker]);
    }
    slotOfEvent = {};

    std::vector<ModificationOrder> orders;
    orders.reserve(builders.size());
    for (std::size_t slot = 0; slot < builders.size(); ++slot) {
        const auto [variable, word] = slots.locations[slot];
        const location::History history = builders[slot].finish();
        ModificationOrder& order =
            orders.emplace_back(location::orderLocation(history, trace.scenario.variables[variable].initial, missing));
        order.variable = variable;
        order.word = word;
    }
    // Variable order, then word order, whatever order the trace first touched them in.
    std::sort(orders.begin(), orders.end(), [](const ModificationOrder& a, const ModificationOrder& b) {
        return a.variable != b.variable ? a.variable < b.variable : a.word < b.word;
    });
    return orders;
}

} // namespace racetrace
