// The channel half of the timeline model (gui/timeline/timeline_model.hpp):
// the small marks and the blocked waits in the worker lanes, each channel's
// fill level, the send -> receive arrows and the dashed arrows from the call
// that ended a wait to the wait's end, all from Analysis::messages,
// prepared once per document.
#include "gui/timeline/timeline_model.hpp"

#include "session/document.hpp"

#include <algorithm>

namespace racetrace {

ChannelMark channelMarkOf(EventKind kind) {
    switch (kind) {
    case EventKind::WouldBlock: return ChannelMark::WouldBlock;
    case EventKind::EndOfFile: return ChannelMark::EndOfFile;
    case EventKind::BrokenPipe: return ChannelMark::BrokenPipe;
    case EventKind::MessageTorn: return ChannelMark::MessageTorn;
    case EventKind::MessageDropped: return ChannelMark::MessageDropped;
    default: return ChannelMark::Count;
    }
}

std::string_view channelMarkName(ChannelMark mark) {
    switch (mark) {
    case ChannelMark::WouldBlock: return "would block";
    case ChannelMark::EndOfFile: return "end of file";
    case ChannelMark::BrokenPipe: return "broken pipe";
    case ChannelMark::MessageTorn: return "torn message";
    case ChannelMark::MessageDropped: return "message dropped";
    default: return "";
    }
}

std::size_t ChannelModel::lowerBound(TimeAxis axis, double value) const {
    const std::vector<double>& xs = x[axisSlot(axis)];
    return static_cast<std::size_t>(std::lower_bound(xs.begin(), xs.end(), value) - xs.begin());
}

std::uint32_t ChannelModel::maxHeldIn(std::size_t from, std::size_t to) const {
    const std::size_t n = size();
    std::uint32_t best = 0;
    for (std::size_t l = from + n, r = std::min(to, n) + n; l < r; l >>= 1, r >>= 1) {
        if (l & 1) best = std::max(best, maxTree[l++]);
        if (r & 1) best = std::max(best, maxTree[--r]);
    }
    return best;
}

void TimelineModel::buildChannels() {
    const Trace& tr = trace();
    const MessageStats& messages = m_document->analysis.messages;
    const std::size_t eventCount = tr.events.size();
    for (std::size_t c = 0; c < tr.scenario.channels.size(); ++c) {
        ChannelModel channel;
        channel.channel = static_cast<std::uint16_t>(c);
        channel.capacity = tr.scenario.channels[c].capacityInMessages();
        if (c < messages.fill.size()) {
            channel.maxHeld = messages.fill[c].maxHeld;
            std::vector<std::uint32_t> held;
            for (const FillPoint& point : messages.fill[c].points) {
                if (point.event >= eventCount) continue; // a damaged file
                channel.x[0].push_back(static_cast<double>(point.ns));
                channel.x[1].push_back(static_cast<double>(point.event));
                channel.events.push_back(point.event);
                held.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(point.held, ~0u)));
            }
            const std::size_t n = held.size();
            channel.maxTree.assign(2 * n, 0);
            std::copy(held.begin(), held.end(), channel.maxTree.begin() + static_cast<std::ptrdiff_t>(n));
            for (std::size_t k = n; k-- > 1;)
                channel.maxTree[k] = std::max(channel.maxTree[2 * k], channel.maxTree[2 * k + 1]);
        }
        m_channels.push_back(std::move(channel));
    }
    for (const MessageMatch& match : messages.matches)
        if (match.send < eventCount && match.receive < eventCount) m_arrows.push_back({match.send, match.receive});
    buildWaits();
}

void TimelineModel::buildWaits() {
    const Trace& tr = trace();
    const auto& waits = m_document->analysis.messages.waits;
    const std::size_t eventCount = tr.events.size();
    if (eventCount == 0) return;
    for (std::size_t i = 0; i < waits.size(); ++i) {
        const BlockedWait& wait = waits[i];
        if (wait.worker >= m_lanes.size() || wait.begin >= eventCount) continue;
        // A wait the call never returned from lasts until the kill, or the end of the trace.
        const std::uint64_t end = wait.end < eventCount      ? wait.end
                                  : wait.killed < eventCount ? wait.killed
                                                             : eventCount - 1;
        LaneModel& lane = m_lanes[wait.worker];
        const auto item = static_cast<std::uint32_t>(i);
        lane.blocked[0].add(static_cast<double>(wait.beginNs), static_cast<double>(wait.endNs), item);
        lane.blocked[1].add(static_cast<double>(wait.begin), static_cast<double>(std::max(end, wait.begin)), item);
        if (wait.endedBy < eventCount && wait.end < eventCount) m_wakes.push_back({wait.endedBy, wait.end});
    }
    std::sort(m_wakes.begin(), m_wakes.end(),
              [](const MessageArrow& a, const MessageArrow& b) { return a.receive < b.receive; });
    for (LaneModel& lane : m_lanes) {
        lane.blocked[0].finish();
        lane.blocked[1].finish();
    }
}

} // namespace racetrace
