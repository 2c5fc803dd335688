// Per-worker lanes of a trace and the "where was worker K at event i" lookups the
// timeline and code views make every frame. Built in two passes side by side
// (the lanes' events, the stays); every lookup is a binary search, so a frame
// costs O(workers · log events) however long the run.
#include "analysis/trace_index.hpp"

#include "trace/parallel_tasks.hpp"

#include <algorithm>
#include <array>

namespace racetrace {

namespace {

/// Each worker's events, in trace order. Counted first so each lane is
/// allocated once: a million push_backs into growing vectors would cost more
/// than the whole pass.
void fillLaneEvents(const Trace& trace, std::vector<WorkerEvents>& lanes) {
    std::array<std::uint64_t, kMaxWorkers> counts{};
    for (const Event& e : trace.events)
        ++counts[e.worker];
    for (std::size_t w = 0; w < lanes.size() && w < kMaxWorkers; ++w)
        lanes[w].events.reserve(counts[w]);
    // A bad trace may name a worker it has no record of: such events belong to no lane.
    const auto& events = trace.events;
    for (std::uint64_t i = 0; i < events.size(); ++i)
        if (events[i].worker < lanes.size()) lanes[events[i].worker].events.push_back(i);
}

} // namespace

TraceIndex TraceIndex::build(const Trace& trace) {
    return build(trace, criticalSections(trace));
}

TraceIndex TraceIndex::build(const Trace& trace, const std::vector<CriticalSectionSpan>& spans) {
    TraceIndex index;
    auto& lanes = index.m_lanes;
    lanes.resize(trace.workers.size());
    // The lanes' events and their stays are independent: side by side.
    runTasks(2, [&](std::size_t task) {
        if (task == 0) return fillLaneEvents(trace, lanes);
        // criticalSections lists every worker's spans in CsEnter order, so each
        // worker's share stays ascending when split out.
        std::vector<std::size_t> counts(lanes.size(), 0);
        for (const CriticalSectionSpan& span : spans)
            if (span.worker < lanes.size()) ++counts[span.worker];
        for (std::size_t w = 0; w < lanes.size(); ++w)
            lanes[w].spans.reserve(counts[w]);
        for (const CriticalSectionSpan& span : spans)
            if (span.worker < lanes.size()) lanes[span.worker].spans.push_back(span);
    });
    return index;
}

std::uint64_t TraceIndex::lastEventOf(std::uint32_t worker, std::uint64_t eventIndex) const {
    // kNoEvent is the cursor before the first event: nobody has done anything yet.
    if (worker >= m_lanes.size() || eventIndex == kNoEvent) return kNoEvent;
    const auto& lane = m_lanes[worker].events;
    const auto after = std::upper_bound(lane.begin(), lane.end(), eventIndex);
    return after == lane.begin() ? kNoEvent : *std::prev(after);
}

std::uint64_t TraceIndex::nextEventOf(std::uint32_t worker, std::uint64_t eventIndex) const {
    if (worker >= m_lanes.size()) return kNoEvent;
    const auto& lane = m_lanes[worker].events;
    if (lane.empty()) return kNoEvent;
    if (eventIndex == kNoEvent) return lane.front();
    const auto after = std::upper_bound(lane.begin(), lane.end(), eventIndex);
    return after == lane.end() ? kNoEvent : *after;
}

std::optional<std::uint16_t> TraceIndex::lineAt(const Trace& trace, std::uint32_t worker,
                                                std::uint64_t eventIndex) const {
    const std::uint64_t last = lastEventOf(worker, eventIndex);
    // The index may have been built from another trace than the one passed in.
    if (last >= trace.events.size()) return std::nullopt;
    return trace.events[last].line;
}

std::vector<std::uint32_t> TraceIndex::insideAfter(std::uint64_t eventIndex) const {
    std::vector<std::uint32_t> inside;
    if (eventIndex == kNoEvent) return inside; // before the first event
    for (std::uint32_t w = 0; w < m_lanes.size(); ++w) {
        const auto& spans = m_lanes[w].spans;
        // The last stay entered at or before the event: is it still going on?
        const auto after =
            std::upper_bound(spans.begin(), spans.end(), eventIndex,
                             [](std::uint64_t i, const CriticalSectionSpan& s) { return i < s.enterEvent; });
        if (after != spans.begin() && eventIndex < std::prev(after)->endPosition) inside.push_back(w);
    }
    return inside;
}

bool TraceIndex::hasStays() const {
    return std::any_of(m_lanes.begin(), m_lanes.end(), [](const WorkerEvents& lane) { return !lane.spans.empty(); });
}

std::uint64_t TraceIndex::firstEventAtOrAfter(const Trace& trace, std::uint64_t ns) {
    const auto& events = trace.events;
    const auto found = std::lower_bound(events.begin(), events.end(), ns,
                                        [](const Event& e, std::uint64_t t) { return e.timestamp < t; });
    return static_cast<std::uint64_t>(found - events.begin());
}

} // namespace racetrace
