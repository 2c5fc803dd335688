// What the timeline needs from a document, prepared once when the document
// changes so that a frame only does lookups: per lane the events' x positions
// and a tree of "which kinds of tick lie in this range", the critical-section
// stays and the findings as sorted intervals on both axes. With these, a frame
// costs O(pixels x lanes x log n), whatever the number of events.
#pragma once

#include "analysis/findings.hpp"
#include "gui/timeline/tick_pyramid.hpp"
#include "gui/view_state.hpp"
#include "trace/galloping_search.hpp"
#include "trace/trace.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace racetrace {

struct Palette;
struct TraceDocument;

/// What a tick means, which decides its colour. Ordered by importance: when
/// several events share one pixel column, the lowest value present wins.
enum class TickKind : std::uint8_t {
    LockAcquire,    ///< exchange/CAS on a Lock that found it free
    FlagWrite,      ///< store to a Flag
    LockRelease,    ///< store of a Lock (or a blocking lock released)
    DataWrite,      ///< store to a counter or another word
    MessageSend,    ///< a message handed to a pipe or a queue
    RecordWord,     ///< one word of a record written
    RecordCheck,    ///< one word of a record read back
    LockTry,        ///< a failed exchange/CAS, or a plain read of a Lock
    FlagRead,       ///< load of a Flag
    DataRead,       ///< load of a counter or another word
    MessageReceive, ///< a message taken from a pipe or a queue
    Marker,         ///< fences, critical-section enter/exit, start/exit/kill, blocking
    Count,
};
inline constexpr std::uint16_t kSpinBit = 1u << 15; ///< in a tick mask: a Spin lies in the range

/// The head drawn on top of a lone tick: what the accessed variable is for.
/// Event kinds are told apart by shape and by ink (full for writes, dim for
/// reads), never by hue: hues belong to the workers alone.
enum class TickHead : std::uint8_t { None, Square, Diamond, Circle, Up, Down };

/// One row per tick kind: its name, its height, its ink and its head.
struct TickStyle {
    TickKind kind;
    std::string_view name; ///< tooltips and the legend
    bool tall;             ///< writes and lock steps full height; reads shorter
    bool dim;              ///< drawn in the dim ink (reads, tries)
    TickHead head;
    bool filledHead; ///< a solid head (writes, a lock taken); hollow otherwise
};

// clang-format off
inline constexpr std::array<TickStyle, static_cast<std::size_t>(TickKind::Count)> kTickStyles = {{
    {TickKind::LockAcquire,    "lock taken",        true,  false, TickHead::Diamond, true},
    {TickKind::FlagWrite,      "flag write",        true,  false, TickHead::Square,  true},
    {TickKind::LockRelease,    "lock released",     true,  false, TickHead::Diamond, false},
    {TickKind::DataWrite,      "counter write",     true,  false, TickHead::None,    true},
    {TickKind::MessageSend,    "message sent",      true,  false, TickHead::Up,      true},
    {TickKind::RecordWord,     "record word write", true,  false, TickHead::Circle,  true},
    {TickKind::RecordCheck,    "record check",      false, true,  TickHead::Circle,  false},
    {TickKind::LockTry,        "lock try",          false, true,  TickHead::Diamond, false},
    {TickKind::FlagRead,       "flag read",         false, true,  TickHead::Square,  false},
    {TickKind::DataRead,       "counter read",      false, true,  TickHead::None,    false},
    {TickKind::MessageReceive, "message received",  false, true,  TickHead::Down,    true},
    {TickKind::Marker,         "marker",            false, true,  TickHead::None,    false},
}};
// clang-format on
static_assert(
    [] {
        for (std::size_t k = 0; k < kTickStyles.size(); ++k)
            if (kTickStyles[k].kind != static_cast<TickKind>(k)) return false;
        return true;
    }(),
    "kTickStyles lists the tick kinds in their order");

constexpr const TickStyle& tickStyle(TickKind kind) {
    return kTickStyles[static_cast<std::size_t>(kind)];
}

/// Classifies one event (a Spin takes the kind of the access it repeats).
TickKind tickKindOf(const Trace& trace, const Event& event);
constexpr std::string_view tickKindName(TickKind kind) { ///< "flag read", "lock taken", ...
    return tickStyle(kind).name;
}
ImU32 tickColor(const Palette& palette, TickKind kind); ///< the full or the dim ink
/// Writes and lock steps are drawn full height; reads and markers shorter.
constexpr bool isTallTick(TickKind kind) {
    return tickStyle(kind).tall;
}
/// The most important kind in a mask of (1 << TickKind) bits.
TickKind dominantTick(std::uint16_t mask);

/// The channel events that are neither a send nor a receive nor a wait, drawn
/// as small glyphs above the ticks at every zoom.
enum class ChannelMark : std::uint8_t { WouldBlock, EndOfFile, BrokenPipe, MessageTorn, MessageDropped, Count };
inline constexpr std::size_t kChannelMarkCount = static_cast<std::size_t>(ChannelMark::Count);
/// The mark of `kind`, or ChannelMark::Count for a kind drawn otherwise.
ChannelMark channelMarkOf(EventKind kind);
std::string_view channelMarkName(ChannelMark mark); ///< "would block", "end of file", ...

constexpr int axisSlot(TimeAxis axis) {
    return axis == TimeAxis::RealTime ? 0 : 1;
}

/// Intervals sorted by begin, with the running maximum of their ends, so the
/// ones touching a range are found by binary search and neighbours closer than
/// a few pixels can be merged into one run without visiting each of them.
class IntervalRuns {
  public:
    void add(double begin, double end, std::uint32_t item) { m_entries.push_back({begin, std::max(begin, end), item}); }
    void finish();
    std::size_t size() const { return m_entries.size(); }
    std::uint32_t item(std::size_t k) const { return m_entries[k].item; }
    double begin(std::size_t k) const { return m_entries[k].begin; } ///< of the k-th entry by begin
    double end(std::size_t k) const { return m_entries[k].end; }

    /// Calls f(first, last, runBegin, runEnd) for each run of entries [first, last)
    /// that touch [from, to], where entries closer than `mergeUnits` form one run
    /// (a run that leaves the view ends with the last entry beginning in it).
    /// Costs O(runs x log n): entries inside a run are skipped, not visited.
    template <class F> void forEachRun(double from, double to, double mergeUnits, F&& f) const {
        const std::size_t n = m_entries.size();
        std::size_t i =
            static_cast<std::size_t>(std::lower_bound(m_maxEnd.begin(), m_maxEnd.end(), from) - m_maxEnd.begin());
        while (i < n && m_entries[i].begin <= to) {
            const double runBegin = m_entries[i].begin;
            double runEnd = m_maxEnd[i];
            std::size_t j = i + 1;
            for (;;) { // every entry that starts before the run's end (plus the merge gap) joins it
                if (runEnd + mergeUnits >= to) {
                    // The run leaves the view: what begins in view joins it, the rest is not drawn.
                    // (An interval reaching far beyond the view made this walk through millions
                    // of entries a few at a time: 8 ms a frame zoomed in on 100 M events.)
                    j = std::max(j, firstBeginAfter(j, to));
                    runEnd = m_maxEnd[j - 1];
                    break;
                }
                const std::size_t k = firstBeginAfter(j, runEnd + mergeUnits);
                if (k == j) break;
                j = k;
                runEnd = m_maxEnd[j - 1];
            }
            f(i, j, runBegin, runEnd);
            i = j;
        }
    }

  private:
    /// The first entry from `j` on that begins after `limit`. A galloping search
    /// from j: the answer is usually a few entries on, and a binary search over
    /// all the rest missed the cache at nearly every probe (a frame zoomed in
    /// on 100 M events took 20 ms, most of it here).
    std::size_t firstBeginAfter(std::size_t j, double limit) const {
        return gallopFrom(j, m_entries.size(), [&](std::size_t k) { return m_entries[k].begin <= limit; });
    }

    struct Entry {
        double begin, end;
        std::uint32_t item;
    };
    std::vector<Entry> m_entries;
    std::vector<double> m_maxEnd; ///< [k] = max end of entries 0..k: ascending, so binary-searchable
};

/// One worker's lane.
struct LaneModel {
    std::span<const std::uint64_t> events; ///< indices into Trace::events, ascending (TraceIndex)
    /// Trace::events, whose stamps are x on the RealTime axis: read through
    /// `events`, not copied (a copy was 8 bytes per event of the trace).
    std::span<const Event> traceEvents;
    std::vector<std::uint16_t> maskTree; ///< segment tree of tick bits: leaves at [n, 2n)
    IntervalRuns spans[2];               ///< critical-section stays per axis; item = index in WorkerEvents::spans
    /// Per axis: [k] = how many of spans' first k entries were contended, so a
    /// merged block of stays knows in O(1) whether any of them was.
    std::vector<std::uint32_t> contendedBefore[2];
    std::vector<std::uint64_t> lifecycle; ///< start/exit/killed events, drawn as glyphs at every zoom
    /// Per ChannelMark: its events in this lane, ascending (so ascending on both axes).
    std::array<std::vector<std::uint64_t>, kChannelMarkCount> marks;
    IntervalRuns blocked[2]; ///< blocking channel calls per axis; item = index into MessageStats::waits
    /// Entry code run while another worker was inside (waiting for the lock),
    /// per axis; item = index in WorkerEvents::spans of the stay it led to.
    IntervalRuns lockWaits[2];
    TickPyramid pyramid[2]; ///< per axis slot: ticks and intervals summarised for the GPU (empty for short lanes)
    /// Its last stay is still going on (a live step-mode trace: the worker is
    /// inside and has not left or ended). That stay reaches the live end of the
    /// trace, and is drawn at least a few pixels wide: it is happening now.
    bool openStay = false;

    std::size_t size() const { return events.size(); }
    double x(TimeAxis axis, std::size_t k) const {
        return axis == TimeAxis::RealTime ? static_cast<double>(traceEvents[events[k]].timestamp)
                                          : static_cast<double>(events[k]);
    }
    /// First k >= from with x(k) >= value (size() if none).
    std::size_t lowerBound(TimeAxis axis, double value, std::size_t from = 0) const;
    /// OR of the tick bits of events [from, to): O(log n).
    std::uint16_t mask(std::size_t from, std::size_t to) const;
};

/// Findings that are drawn alike (same kind, same lanes), as intervals per axis.
struct FindingGroup {
    FindingKind kind = FindingKind::Overlap;
    std::vector<std::uint32_t>
        lanes;            ///< workers: overlap: those inside; lost update: {overwriter, lost}; torn: {checker}
    IntervalRuns runs[2]; ///< item = index into Analysis::findings
    BandPyramid bands[2]; ///< overlaps: `runs` summarised for the GPU, per axis slot (empty when few)
};

/// One channel's fill level as a step function, prepared for drawing a few
/// vertices per pixel column: the max over any range of points in O(log n).
struct ChannelModel {
    std::uint16_t channel = 0;          ///< index into ScenarioInfo::channels
    std::vector<double> x[2];           ///< per axis slot: the fill points' positions
    std::vector<std::uint64_t> events;  ///< the Send or Receive of each point
    std::vector<std::uint32_t> maxTree; ///< segment tree of `held`: leaves at [n, 2n)
    std::uint64_t capacity = 0;         ///< in messages (ChannelInfo::capacityInMessages)
    std::uint64_t maxHeld = 0;
    FillPyramid pyramid[2]; ///< per axis slot: the fill level summarised for the GPU (empty when few points)

    std::size_t size() const { return events.size(); }
    std::uint32_t held(std::size_t k) const { return maxTree[size() + k]; }
    /// First k with x >= value on `axis`.
    std::size_t lowerBound(TimeAxis axis, double value) const;
    /// Largest `held` among points [from, to): O(log n).
    std::uint32_t maxHeldIn(std::size_t from, std::size_t to) const;
};

/// A send -> receive pair (MessageStats::matches with a known send), ascending receive.
struct MessageArrow {
    std::uint64_t send = kNoEvent, receive = kNoEvent;
};

class TimelineModel {
  public:
    explicit TimelineModel(std::shared_ptr<const TraceDocument> document);

    const TraceDocument& document() const { return *m_document; }
    const Trace& trace() const;
    const std::vector<LaneModel>& lanes() const { return m_lanes; }
    const std::vector<FindingGroup>& groups() const { return m_groups; }
    const std::vector<ChannelModel>& channels() const { return m_channels; }
    const std::vector<MessageArrow>& arrows() const { return m_arrows; }
    /// From the send (or receive) that ended a blocked wait to the wait's end
    /// (its BlockedEnd), ordered by the end: drawn dashed.
    const std::vector<MessageArrow>& wakeArrows() const { return m_wakes; }

    /// x of event `index` on `axis` (ns, or the index itself).
    double eventX(std::uint64_t index, TimeAxis axis) const;
    /// The extent of finding `index` on `axis`; false for a bad index.
    bool findingExtent(int index, TimeAxis axis, double& begin, double& end) const;
    /// What framing finding `index` must show: its extent and every key event
    /// (an overlap's deciding reads, which its sentence names, come before it).
    bool focusExtent(int index, TimeAxis axis, double& begin, double& end) const;
    /// The whole trace on `axis`. In event order a trace with an open stay ends
    /// one slot after its last event: the slot of the access still to come,
    /// which the open stay and overlap reach into.
    double fullBegin(TimeAxis) const { return 0.0; }
    double fullEnd(TimeAxis axis) const;
    /// True for the overlap still going on at the end of a live trace (two
    /// workers inside, neither has left): it is drawn to the live end.
    bool isOpenFinding(std::uint32_t index) const { return index == m_openOverlap; }
    /// Moves a position from one axis to the other through the events (monotone).
    double convert(double value, TimeAxis from, TimeAxis to) const;
    /// The event nearest to `value` on `axis` among all workers (kNoEvent if none).
    std::uint64_t nearestEvent(TimeAxis axis, double value) const;

  private:
    void buildLanes();
    void buildLane(std::size_t worker); ///< one worker's lane: ticks, stays, lock waits
    void buildLaneStays(std::size_t worker);
    void buildFindings();
    /// Marks and blocked waits into the worker lanes, channel fill levels, arrows.
    void buildChannels();
    void buildWaits();
    /// Each lane's tick pyramids, once its ticks, stays and waits are in, the
    /// overlap groups' band pyramids and the channels' fill pyramids.
    void buildPyramids();
    /// The finding's extent on both axes, into m_findingX. `cursor`: where the
    /// previous finding began in the events (0 at first), then where this one does.
    void placeFinding(std::size_t index, std::uint64_t& cursor);
    /// The workers whose lanes a finding is drawn on (overlap: those inside;
    /// lost update: the overwriter's and the erased one's; torn: the checker's).
    std::vector<std::uint32_t> findingWorkers(const Finding& finding) const;
    std::uint64_t lastEventAtOrBefore(double ns) const;
    bool isOpenOverlap(const Finding& finding) const;

    std::shared_ptr<const TraceDocument> m_document;
    std::vector<LaneModel> m_lanes;
    std::vector<FindingGroup> m_groups;
    std::vector<ChannelModel> m_channels;
    std::vector<MessageArrow> m_arrows;
    std::vector<MessageArrow> m_wakes;
    std::vector<double> m_findingX;               ///< per finding: begin/end on RealTime, then on EventOrder
    std::vector<std::uint64_t> m_openStayBeginNs; ///< per worker: begin of its open stay, or kNoEvent
    bool m_liveSlot = false;                      ///< some stay is open: event order has one slot more
    std::uint32_t m_openOverlap = ~0u;            ///< index of the open overlap finding, if any
};

} // namespace racetrace
