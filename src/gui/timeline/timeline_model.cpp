#include "gui/timeline/timeline_model.hpp"

#include "analysis/trace_queries.hpp"
#include "gui/theme.hpp"
#include "session/document.hpp"
#include "trace/parallel_tasks.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <utility>

namespace racetrace {

namespace {

/// A plain read or write, coloured by what its variable is for.
TickKind plainTick(const VariableInfo* variable, bool write) {
    if (variable == nullptr) return write ? TickKind::DataWrite : TickKind::DataRead;
    switch (variable->role) {
    case VariableRole::Flag: return write ? TickKind::FlagWrite : TickKind::FlagRead;
    case VariableRole::Lock: return write ? TickKind::LockRelease : TickKind::LockTry;
    case VariableRole::Record: return write ? TickKind::RecordWord : TickKind::RecordCheck;
    default: return write ? TickKind::DataWrite : TickKind::DataRead;
    }
}

} // namespace

TickKind tickKindOf(const Trace& trace, const Event& event) {
    const VariableInfo* variable = variableOf(trace, event.variable);
    const bool lock = variable != nullptr && variable->role == VariableRole::Lock;
    const auto isFree = [&](std::int64_t value) { return variable != nullptr && variable->meanings.isFree(value); };
    switch (eventKindInfo(event.kind).color) {
    case ColorRole::Read: return plainTick(variable, false); // a spin repeats a read (or a failed test-and-set)
    case ColorRole::Write: return plainTick(variable, true);
    case ColorRole::Swap:
        if (lock) return isFree(event.value) ? TickKind::LockAcquire : TickKind::LockTry;
        return plainTick(variable, true);
    case ColorRole::CompareSwap:
        if (event.aux == 0) return plainTick(variable, false); // failed: it only looked
        if (lock) return isFree(event.value) ? TickKind::LockRelease : TickKind::LockAcquire;
        return plainTick(variable, true);
    case ColorRole::RecordWrite: return TickKind::RecordWord;
    case ColorRole::RecordRead: return TickKind::RecordCheck;
    case ColorRole::LockWait: return TickKind::LockTry;
    case ColorRole::LockAcquire: return TickKind::LockAcquire;
    case ColorRole::LockRelease: return TickKind::LockRelease;
    case ColorRole::Send: return TickKind::MessageSend;
    case ColorRole::Receive: return TickKind::MessageReceive;
    case ColorRole::None: return TickKind::Marker;
    }
    return TickKind::Marker;
}

ImU32 tickColor(const Palette& palette, TickKind kind) {
    return tickStyle(kind).dim ? palette.tickDim : palette.tickInk;
}

TickKind dominantTick(std::uint16_t mask) {
    const auto kinds = static_cast<std::uint16_t>(mask & ~kSpinBit);
    if (kinds == 0) return TickKind::Marker;
    return static_cast<TickKind>(std::countr_zero(kinds));
}

void IntervalRuns::finish() {
    std::stable_sort(m_entries.begin(), m_entries.end(),
                     [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
    m_maxEnd.resize(m_entries.size());
    double running = -INFINITY;
    for (std::size_t k = 0; k < m_entries.size(); ++k)
        m_maxEnd[k] = running = std::max(running, m_entries[k].end);
}

std::size_t LaneModel::lowerBound(TimeAxis axis, double value, std::size_t from) const {
    // A frame walks a lane column by column, each search starting where the
    // last one ended; every probe on the RealTime axis reads the event's stamp
    // through its index.
    return gallopFrom(std::min(from, size()), size(), [&](std::size_t k) { return x(axis, k) < value; });
}

std::uint16_t LaneModel::mask(std::size_t from, std::size_t to) const {
    const std::size_t n = size();
    std::uint16_t bits = 0;
    for (std::size_t l = from + n, r = std::min(to, n) + n; l < r; l >>= 1, r >>= 1) {
        if (l & 1) bits |= maskTree[l++];
        if (r & 1) bits |= maskTree[--r];
    }
    return bits;
}

TimelineModel::TimelineModel(std::shared_ptr<const TraceDocument> document) : m_document(std::move(document)) {
    buildLanes();
    buildFindings();
    buildChannels();
    buildPyramids();
}

const Trace& TimelineModel::trace() const {
    return m_document->trace;
}

void TimelineModel::buildLanes() {
    const std::size_t workers = trace().workers.size();
    m_lanes.resize(workers);
    m_openStayBeginNs.assign(workers, kNoEvent);
    // Each lane reads only the trace and writes only itself: side by side.
    runTasks(std::min(workers, m_document->index.lanes().size()), [&](std::size_t w) { buildLane(w); });
    m_liveSlot = std::any_of(m_lanes.begin(), m_lanes.end(), [](const LaneModel& lane) { return lane.openStay; });
}

void TimelineModel::buildLane(std::size_t w) {
    const Trace& tr = trace();
    LaneModel& lane = m_lanes[w];
    const WorkerEvents& source = m_document->index.lanes()[w];
    lane.events = source.events;
    const std::size_t n = lane.events.size();
    lane.traceEvents = tr.events;
    lane.maskTree.assign(2 * n, 0);
    for (std::size_t k = 0; k < n; ++k) {
        const Event& e = tr.events[lane.events[k]];
        auto bits = static_cast<std::uint16_t>(1u << static_cast<unsigned>(tickKindOf(tr, e)));
        if (e.kind == EventKind::Spin) bits |= kSpinBit;
        lane.maskTree[n + k] = bits;
        if (eventKindInfo(e.kind).timeline == TimelineClass::Lifecycle) lane.lifecycle.push_back(lane.events[k]);
        if (const ChannelMark mark = channelMarkOf(e.kind); mark != ChannelMark::Count)
            lane.marks[static_cast<std::size_t>(mark)].push_back(lane.events[k]);
    }
    for (std::size_t k = n; k-- > 1;)
        lane.maskTree[k] = lane.maskTree[2 * k] | lane.maskTree[2 * k + 1];
    buildLaneStays(w);
}

/// The lane's stays and lock waits, on both axes.
void TimelineModel::buildLaneStays(std::size_t w) {
    const Trace& tr = trace();
    LaneModel& lane = m_lanes[w];
    const WorkerEvents& source = m_document->index.lanes()[w];
    // A worker that has neither left its last stay nor ended is inside right
    // now (step mode shows such live traces). Without an exit event that
    // stay would end on the last event in event order, which is its own
    // enter when it just went in: zero wide at the very moment that matters.
    // (A worker with dropped events may have lost its exit: never open.)
    const bool ended = !lane.lifecycle.empty() && tr.events[lane.lifecycle.back()].kind != EventKind::WorkerStart;
    lane.openStay = !ended && tr.workers[w].dropped == 0 && !source.spans.empty() &&
                    source.spans.back().exitEvent >= tr.events.size();

    const auto& spans = source.spans;
    for (std::size_t s = 0; s < spans.size(); ++s) {
        const CriticalSectionSpan& span = spans[s];
        const auto item = static_cast<std::uint32_t>(s);
        lane.spans[0].add(static_cast<double>(span.beginNs), static_cast<double>(span.endNs), item);
        const double enter = span.enterEvent < tr.events.size()
                                 ? static_cast<double>(span.enterEvent)
                                 : static_cast<double>(TraceIndex::firstEventAtOrAfter(tr, span.beginNs));
        double exit = span.exitEvent < tr.events.size()
                          ? static_cast<double>(span.exitEvent)
                          : static_cast<double>(lastEventAtOrBefore(static_cast<double>(span.endNs)));
        if (lane.openStay && s + 1 == spans.size()) { // into the slot of the access still to come
            exit = static_cast<double>(tr.events.size());
            m_openStayBeginNs[w] = span.beginNs;
        }
        lane.spans[1].add(enter, exit, item);
        if (span.waitedForOther && span.waitEvent < tr.events.size()) {
            lane.lockWaits[0].add(static_cast<double>(span.waitBeginNs), static_cast<double>(span.beginNs), item);
            lane.lockWaits[1].add(static_cast<double>(span.waitEvent), enter, item);
        }
    }
    for (int slot = 0; slot < 2; ++slot) {
        lane.spans[slot].finish();
        lane.lockWaits[slot].finish();
        const IntervalRuns& runs = lane.spans[slot];
        auto& before = lane.contendedBefore[slot];
        before.assign(runs.size() + 1, 0);
        for (std::size_t k = 0; k < runs.size(); ++k)
            before[k + 1] = before[k] + (spans[runs.item(k)].contended ? 1u : 0u);
    }
}

void TimelineModel::buildPyramids() {
    const std::size_t lanes = std::min(m_lanes.size(), m_document->index.lanes().size());
    // Each lane and axis reads its own lane and writes its own pyramid: side by side.
    runTasks(lanes * 2, [&](std::size_t task) {
        const std::size_t w = task / 2;
        const TimeAxis axis = task % 2 == 0 ? TimeAxis::RealTime : TimeAxis::EventOrder;
        m_lanes[w].pyramid[axisSlot(axis)] = buildTickPyramid(m_lanes[w], axis, m_document->index.lanes()[w].spans);
    });
    for (FindingGroup& group : m_groups)
        if (group.kind == FindingKind::Overlap)
            for (int slot = 0; slot < 2; ++slot) {
                const IntervalRuns& runs = group.runs[slot];
                double extent = 0.0;
                for (std::size_t k = 0; k < runs.size(); ++k)
                    extent = std::max(extent, runs.end(k) + 1.0);
                group.bands[slot] = buildBandPyramid(runs, extent);
            }
    for (ChannelModel& channel : m_channels)
        for (int slot = 0; slot < 2; ++slot)
            channel.pyramid[slot] = buildFillPyramid(
                channel.x[slot],
                std::span<const std::uint32_t>(channel.maxTree).subspan(channel.size(), channel.size()));
}

namespace {

/// The first of `events` from `from` on for which `before` is false (`before`
/// holds for a prefix). The findings come in time order, so placing each one
/// searches on from the last (trace/galloping_search.hpp).
template <class Before>
std::uint64_t firstNotBefore(const std::vector<Event>& events, std::uint64_t from, Before before) {
    return gallopFrom(from, events.size(), [&](std::size_t k) { return before(events[k]); });
}

/// True when every event a finding names is in the trace (a damaged file may say otherwise).
bool eventsInTrace(const Finding& f, std::size_t eventCount) {
    return std::all_of(f.events.begin(), f.events.end(), [&](std::uint64_t e) { return e < eventCount; });
}

} // namespace

std::vector<std::uint32_t> TimelineModel::findingWorkers(const Finding& f) const {
    const Trace& tr = trace();
    if (f.kind == FindingKind::Overlap) {
        std::vector<std::uint32_t> workers;
        for (auto w : f.workers)
            if (w < m_lanes.size()) workers.push_back(w);
        return workers;
    }
    if (!eventsInTrace(f, tr.events.size())) return {};
    if (f.kind == FindingKind::LostUpdate && f.events.size() >= 2)
        return {tr.events[f.events[0]].worker, tr.events[f.events[1]].worker};
    if (f.kind == FindingKind::TornRecord && !f.events.empty()) return {tr.events[f.events.front()].worker};
    if (f.kind == FindingKind::StoreBuffering && f.events.size() >= 4)
        return {tr.events[f.events[0]].worker, tr.events[f.events[2]].worker};
    return {};
}

void TimelineModel::placeFinding(std::size_t i, std::uint64_t& cursor) {
    const Trace& tr = trace();
    const Finding& f = m_document->analysis.findings[i];
    const std::size_t eventCount = tr.events.size();
    const std::uint64_t endNs = std::max(f.beginNs, f.endNs);
    double* x = &m_findingX[i * 4]; // RealTime begin/end, EventOrder begin/end
    x[0] = static_cast<double>(f.beginNs);
    x[1] = static_cast<double>(endNs);
    // The cursor is the first event at or after the previous finding's begin:
    // a finding that begins earlier (not in time order after all) searches from the start.
    if (cursor > 0 && tr.events[cursor - 1].timestamp >= f.beginNs) cursor = 0;
    cursor = firstNotBefore(tr.events, cursor, [&](const Event& e) { return e.timestamp < f.beginNs; });
    const std::uint64_t after = firstNotBefore(tr.events, cursor, [&](const Event& e) { return e.timestamp <= endNs; });
    x[2] = static_cast<double>(std::min<std::uint64_t>(cursor, eventCount ? eventCount - 1 : 0));
    x[3] = std::max(x[2], static_cast<double>(after == 0 ? 0 : after - 1));
    if (f.kind == FindingKind::Overlap && isOpenOverlap(f)) {
        // Still going on: to the live slot, as its workers' open stays.
        m_openOverlap = static_cast<std::uint32_t>(i);
        x[3] = static_cast<double>(eventCount);
    }
    if (f.kind == FindingKind::Overlap || f.events.empty() || !eventsInTrace(f, eventCount)) return;
    // Marks sit on the events themselves: the extent is theirs, not the time range.
    const std::size_t used =
        std::min<std::size_t>(f.kind == FindingKind::LostUpdate ? 2 : f.events.size(), f.events.size());
    for (int slot = 0; slot < 2; ++slot) {
        const auto axis = slot == 0 ? TimeAxis::RealTime : TimeAxis::EventOrder;
        double lo = INFINITY, hi = -INFINITY;
        for (std::size_t k = 0; k < used; ++k) {
            lo = std::min(lo, eventX(f.events[k], axis));
            hi = std::max(hi, eventX(f.events[k], axis));
        }
        x[slot * 2] = lo;
        x[slot * 2 + 1] = hi;
    }
}

void TimelineModel::buildFindings() {
    const auto& findings = m_document->analysis.findings;
    std::map<std::pair<FindingKind, std::vector<std::uint32_t>>, std::size_t> groupOf;
    m_findingX.assign(findings.size() * 4, 0.0);
    std::uint64_t cursor = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        placeFinding(i, cursor);
        const std::vector<std::uint32_t> workers = findingWorkers(findings[i]);
        const bool drawable = !workers.empty() && std::all_of(workers.begin(), workers.end(),
                                                              [&](std::uint32_t w) { return w < m_lanes.size(); });
        if (!drawable) continue;
        auto [it, added] = groupOf.try_emplace({findings[i].kind, workers}, m_groups.size());
        if (added) m_groups.push_back(FindingGroup{findings[i].kind, workers, {}, {}});
        FindingGroup& group = m_groups[it->second];
        const double* x = &m_findingX[i * 4];
        for (int slot = 0; slot < 2; ++slot)
            group.runs[slot].add(x[slot * 2], x[slot * 2 + 1], static_cast<std::uint32_t>(i));
    }
    for (FindingGroup& group : m_groups) {
        group.runs[0].finish();
        group.runs[1].finish();
    }
}

bool TimelineModel::isOpenOverlap(const Finding& f) const {
    // Two workers whose open stays began before the overlap ended are inside
    // together from then to the end: the overlap is the one still going on.
    int open = 0;
    for (auto w : f.workers)
        open += w < m_openStayBeginNs.size() && m_openStayBeginNs[w] != kNoEvent && m_openStayBeginNs[w] <= f.endNs;
    return open >= 2;
}

double TimelineModel::eventX(std::uint64_t index, TimeAxis axis) const {
    if (axis == TimeAxis::EventOrder) return static_cast<double>(index);
    const auto& events = trace().events;
    return index < events.size() ? static_cast<double>(events[index].timestamp) : 0.0;
}

bool TimelineModel::findingExtent(int index, TimeAxis axis, double& begin, double& end) const {
    if (index < 0 || static_cast<std::size_t>(index) * 4 >= m_findingX.size()) return false;
    const double* x = &m_findingX[static_cast<std::size_t>(index) * 4 + static_cast<std::size_t>(axisSlot(axis)) * 2];
    begin = x[0];
    end = x[1];
    return true;
}

bool TimelineModel::focusExtent(int index, TimeAxis axis, double& begin, double& end) const {
    if (!findingExtent(index, axis, begin, end)) return false;
    const Finding& f = m_document->analysis.findings[static_cast<std::size_t>(index)];
    if (!eventsInTrace(f, trace().events.size())) return true;
    for (auto event : f.events) {
        begin = std::min(begin, eventX(event, axis));
        end = std::max(end, eventX(event, axis));
    }
    return true;
}

double TimelineModel::fullEnd(TimeAxis axis) const {
    const auto& events = trace().events;
    if (axis == TimeAxis::EventOrder)
        return std::max(1.0, static_cast<double>(events.size()) - (m_liveSlot ? 0.0 : 1.0));
    const std::uint64_t last = events.empty() ? 0 : events.back().timestamp;
    return std::max(1.0, static_cast<double>(std::max(last, trace().durationNs)));
}

double TimelineModel::convert(double value, TimeAxis from, TimeAxis to) const {
    const auto& events = trace().events;
    const std::size_t n = events.size();
    if (from == to || n < 2) return value;
    const double first = static_cast<double>(events.front().timestamp);
    const double last = static_cast<double>(events.back().timestamp);
    const double lastIndex = static_cast<double>(n - 1);
    const double rate = last > first ? lastIndex / (last - first) : 1.0; // events per ns, for outside the trace
    auto ts = [&](std::size_t k) { return static_cast<double>(events[k].timestamp); };

    if (from == TimeAxis::RealTime) {
        if (value <= first) return (value - first) * rate;
        if (value >= last) return lastIndex + (value - last) * rate;
        const auto k = static_cast<std::size_t>(
            std::lower_bound(events.begin(), events.end(), value,
                             [](const Event& e, double v) { return static_cast<double>(e.timestamp) < v; }) -
            events.begin());
        const double gap = ts(k) - ts(k - 1);
        return static_cast<double>(k - 1) + (gap > 0 ? (value - ts(k - 1)) / gap : 1.0);
    }
    if (value <= 0) return first + value / rate;
    if (value >= lastIndex) return last + (value - lastIndex) / rate;
    const auto k = static_cast<std::size_t>(value);
    return ts(k) + (value - static_cast<double>(k)) * (ts(k + 1) - ts(k));
}

std::uint64_t TimelineModel::nearestEvent(TimeAxis axis, double value) const {
    const auto& events = trace().events;
    if (events.empty()) return kNoEvent;
    if (axis == TimeAxis::EventOrder)
        return static_cast<std::uint64_t>(std::clamp(std::round(value), 0.0, static_cast<double>(events.size() - 1)));
    const auto k = static_cast<std::size_t>(
        std::lower_bound(events.begin(), events.end(), value,
                         [](const Event& e, double v) { return static_cast<double>(e.timestamp) < v; }) -
        events.begin());
    if (k == 0) return 0;
    if (k == events.size()) return k - 1;
    const double before = value - static_cast<double>(events[k - 1].timestamp);
    const double after = static_cast<double>(events[k].timestamp) - value;
    return before <= after ? k - 1 : k;
}

std::uint64_t TimelineModel::lastEventAtOrBefore(double ns) const {
    const auto& events = trace().events;
    const auto found = std::upper_bound(events.begin(), events.end(), ns,
                                        [](double v, const Event& e) { return v < static_cast<double>(e.timestamp); });
    return found == events.begin() ? 0 : static_cast<std::uint64_t>(found - events.begin()) - 1;
}

} // namespace racetrace
