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

    /// The slot of (variable, word), or kNone when the trace does not touch it.
    std::size_t slotOf(std::uint16_t variable, std::uint32_t word) const {
        const auto it = std::find(locations.begin(), locations.end(), std::pair{variable, word});
        return it == locations.end() ? kNone : static_cast<std::size_t>(it - locations.begin());
    }
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

/// Per location, its writes so far in trace order, and the source the trace
/// order gives a read: the latest write, or, where the reader itself wrote the
/// same value and nobody wrote another since, its own write (the search's rule
/// for a value both wrote, see location_order.cpp).
class LatestWrites {
  public:
    explicit LatestWrites(std::int64_t initial) : m_value(initial) { m_own.fill(kNoEvent); }

    /// The source of read `e`, or kNoEvent when memory did not hold its value.
    std::uint64_t sourceOf(const Event& e) const {
        if (e.value != m_value) return kNoEvent;
        const std::uint64_t own = m_own[e.worker];
        return own != kNoEvent && own >= m_runStart ? own : m_latest;
    }

    void write(const Event& e, std::uint64_t index) {
        const std::int64_t value = writtenValue(e);
        if (m_latest == kInitialValue || value != m_value) m_runStart = index;
        m_own[e.worker] = index;
        m_latest = index;
        m_value = value;
    }

  private:
    std::int64_t m_value;                         ///< what memory holds now
    std::uint64_t m_latest = kInitialValue;       ///< the latest write (event index)
    std::uint64_t m_runStart = 0;                 ///< the first write of the current run of that value
    std::array<std::uint64_t, kMaxWorkers> m_own; ///< each worker's latest write, kNoEvent before any
};

std::vector<LatestWrites> latestWritesPerSlot(const Trace& trace, const SlotCounts& slots) {
    std::vector<LatestWrites> state;
    state.reserve(slots.locations.size());
    for (const auto& [variable, word] : slots.locations)
        state.emplace_back(trace.scenario.variables[variable].initial);
    return state;
}

/// Per slot, whether its (variable, word) is one of `locations`.
std::vector<bool> slotsListed(const SlotCounts& slots,
                              const std::vector<std::pair<std::uint16_t, std::uint32_t>>& locations) {
    std::vector<bool> listed(slots.locations.size(), false);
    for (const auto& [variable, word] : locations)
        if (const std::size_t slot = slots.slotOf(variable, word); slot != kNone) listed[slot] = true;
    return listed;
}

/// Whether `source`, kept in a file for read `e` of `slot`, is one it can have returned.
bool plausibleSource(const Trace& trace, const SlotCounts& slots, std::uint32_t slot, const Event& e,
                     std::uint64_t source) {
    if (source == kNoEvent) return true; // a value no recorded write gave
    if (source == kInitialValue) return e.value == trace.scenario.variables[slots.locations[slot].first].initial;
    return source < trace.events.size() && slots.slotOfEvent[source] == slot && changesMemory(trace.events[source]) &&
           writtenValue(trace.events[source]) == e.value;
}

/// Puts the run's writes where `location` (from a file) says they were, and
/// its conflicts; a location the list does not fit is left for the search.
void applyKeptLocation(const SlotCounts& slots, const KeptMemoryOrders::Location& location, std::vector<bool>& agrees,
                       std::vector<ModificationOrder>& orders) {
    const std::size_t slot = slots.slotOf(location.variable, location.word);
    if (slot == kNone || !agrees[slot]) return;
    std::vector<std::uint64_t>& writes = orders[slot].writes;
    // The listed writes must be the ones they replace, in another order.
    std::vector<std::uint64_t> replaced, placed;
    for (const auto& [position, write] : location.writesUnlikeTraceOrder) {
        if (position >= writes.size()) break;
        replaced.push_back(writes[position]);
        placed.push_back(write);
    }
    std::sort(replaced.begin(), replaced.end());
    std::sort(placed.begin(), placed.end());
    if (replaced.size() != location.writesUnlikeTraceOrder.size() || replaced != placed) {
        agrees[slot] = false;
        orders[slot] = ModificationOrder{};
        return;
    }
    for (const auto& [position, write] : location.writesUnlikeTraceOrder)
        writes[position] = write;
    orders[slot].conflicts = location.conflicts;
}

/// A trace whose order its values already agree with (what the run's order
/// repair saves: each read after the write it returned and before the next
/// one) needs no search: each read returned the source LatestWrites gives,
/// unless the file kept another (Trace::keptOrders). One pass fills each
/// slot's order that way and marks the slots where a read disagrees, or the
/// file says to search (false in the result): those are left for the search.
/// Not tried across dropped events (a missing write would go unnoticed) nor by
/// the order repair itself (stamps are not an order yet).
std::vector<bool> ordersFromTraceOrder(const Trace& trace, const SlotCounts& slots,
                                       std::vector<ModificationOrder>& orders) {
    const std::size_t n = slots.counts.size();
    const KeptMemoryOrders none;
    const KeptMemoryOrders& kept = trace.keptOrders ? *trace.keptOrders : none;
    std::vector<bool> agrees = slotsListed(slots, kept.searched);
    agrees.flip();
    std::vector<LatestWrites> state = latestWritesPerSlot(trace, slots);
    std::vector<std::uint64_t> lastStamp(n, 0);
    for (std::size_t slot = 0; slot < n; ++slot) {
        orders[slot].sources.reserve(slots.counts[slot].first);
        orders[slot].writes.reserve(slots.counts[slot].second);
    }
    auto keptSource = kept.readsUnlikeTraceOrder.begin();
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const std::uint32_t slot = slots.slotOfEvent[i];
        if (slot == SlotCounts::kNoSlot || !agrees[slot]) continue;
        const Event& e = trace.events[i];
        ModificationOrder& order = orders[slot];
        if (valueWasRead(e)) {
            while (keptSource != kept.readsUnlikeTraceOrder.end() && keptSource->first < i)
                ++keptSource;
            const bool listed = keptSource != kept.readsUnlikeTraceOrder.end() && keptSource->first == i;
            const std::uint64_t source = listed ? keptSource->second : state[slot].sourceOf(e);
            if (listed ? !plausibleSource(trace, slots, slot, e, source) : source == kNoEvent) {
                agrees[slot] = false;
                order = ModificationOrder{};
                continue;
            }
            order.sources.emplace_back(i, source);
            if (source == kNoEvent) ++order.unsourced;
        }
        if (!changesMemory(e)) continue;
        if (e.timestamp < lastStamp[slot]) ++order.moved;
        lastStamp[slot] = e.timestamp;
        order.writes.push_back(i);
        state[slot].write(e, i);
    }
    for (const KeptMemoryOrders::Location& location : kept.locations)
        applyKeptLocation(slots, location, agrees, orders);
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

/// A slot's order as the run found it, walked beside the trace.
struct RunOrderCursor {
    const ModificationOrder* order = nullptr;
    std::size_t write = 0, source = 0; ///< the next of its writes and sources to meet

    /// Whether every write and source was met, in the trace's order.
    bool finished() const { return write == order->writes.size() && source == order->sources.size(); }
};

/// Each slot's run order, null where the run kept none or placed a write
/// against a read (a conflict): those are searched again.
std::vector<RunOrderCursor> runOrdersPerSlot(const Trace& trace, const SlotCounts& slots) {
    std::vector<RunOrderCursor> run(slots.locations.size());
    for (const ModificationOrder& order : *trace.memoryOrders)
        if (const std::size_t slot = slots.slotOf(order.variable, order.word); slot != kNone) run[slot].order = &order;
    return run;
}

/// The most reads of a location a file lists before it asks for the search
/// instead: a few dozen in millions in a real run, and a bound on the metadata.
std::size_t listedAtMost(std::size_t reads) {
    return 16 + reads / 256;
}

/// Where one location's run order differs from the trace's.
struct SlotDifferences {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> reads;  ///< (read, the run's source)
    std::vector<std::pair<std::uint64_t, std::uint64_t>> writes; ///< (position, the run's write there)
};

/// keepMemoryOrders' differences of each slot gathered into one list, where
/// they are short enough; the other slots are to be searched.
KeptMemoryOrders gatherKept(const SlotCounts& slots, const std::vector<RunOrderCursor>& run,
                            std::vector<SlotDifferences>& differences) {
    KeptMemoryOrders kept;
    for (std::size_t slot = 0; slot < run.size(); ++slot) {
        SlotDifferences& mine = differences[slot];
        const auto [variable, word] = slots.locations[slot];
        if (run[slot].order == nullptr || !run[slot].finished() ||
            mine.reads.size() > listedAtMost(slots.counts[slot].first) ||
            mine.writes.size() > listedAtMost(slots.counts[slot].second)) {
            kept.searched.emplace_back(variable, word);
            continue;
        }
        kept.readsUnlikeTraceOrder.insert(kept.readsUnlikeTraceOrder.end(), mine.reads.begin(), mine.reads.end());
        if (mine.writes.empty() && run[slot].order->conflicts == 0) continue;
        kept.locations.push_back({variable, word, run[slot].order->conflicts, std::move(mine.writes)});
    }
    std::sort(kept.readsUnlikeTraceOrder.begin(), kept.readsUnlikeTraceOrder.end());
    return kept;
}

} // namespace

std::optional<KeptMemoryOrders> keepMemoryOrders(const Trace& trace) {
    if (!trace.memoryOrders || trace.events.size() >= std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    if (!EventGaps(trace).empty()) return std::nullopt; // the shortcut is not tried across a gap
    const SlotCounts slots = countSlots(trace);
    std::vector<RunOrderCursor> run = runOrdersPerSlot(trace, slots);
    std::vector<LatestWrites> state = latestWritesPerSlot(trace, slots);
    std::vector<SlotDifferences> differences(run.size());
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const std::uint32_t slot = slots.slotOfEvent[i];
        if (slot == SlotCounts::kNoSlot || run[slot].order == nullptr) continue;
        const Event& e = trace.events[i];
        RunOrderCursor& c = run[slot];
        if (valueWasRead(e)) {
            if (c.source == c.order->sources.size() || c.order->sources[c.source].first != i) {
                c.order = nullptr; // the run's reads are not the trace's: searched
                continue;
            }
            const std::uint64_t source = c.order->sources[c.source++].second;
            const std::uint64_t given = state[slot].sourceOf(e);
            if (source != given || given == kNoEvent) differences[slot].reads.emplace_back(i, source);
        }
        if (!changesMemory(e)) continue;
        if (c.write == c.order->writes.size()) {
            c.order = nullptr;
            continue;
        }
        if (c.order->writes[c.write] != i) differences[slot].writes.emplace_back(c.write, c.order->writes[c.write]);
        ++c.write;
        state[slot].write(e, i);
    }
    return gatherKept(slots, run, differences);
}

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
