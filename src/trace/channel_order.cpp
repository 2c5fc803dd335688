#include "trace/channel_order.hpp"

#include "trace/channel_info.hpp"

#include <array>
#include <limits>
#include <map>
#include <set>

namespace racetrace {

namespace {

using Index = std::uint32_t;
using Edges = std::vector<std::pair<Index, Index>>;
constexpr Index kNone = std::numeric_limits<Index>::max();

/// S -> R and B -> S, on every channel.
void messageEdges(const std::vector<Event>& events, Edges& edges) {
    std::map<std::pair<std::uint16_t, std::int64_t>, Index> sendOf; // (channel, tag) -> first Send
    for (Index i = 0; i < events.size(); ++i)
        if (events[i].kind == EventKind::Send) sendOf.try_emplace({events[i].variable, events[i].value}, i);
    std::set<std::pair<std::uint16_t, std::int64_t>> received;
    std::array<Index, kMaxWorkers> emptyFoundAt; // the worker's BlockedBegin of a receive still waiting
    emptyFoundAt.fill(kNone);
    for (Index i = 0; i < events.size(); ++i) {
        const Event& event = events[i];
        if (event.kind == EventKind::BlockedBegin && event.aux == static_cast<std::uint32_t>(ChannelDirection::Receive))
            emptyFoundAt[event.worker] = i;
        if (event.kind == EventKind::EndOfFile) emptyFoundAt[event.worker] = kNone;
        if (event.kind != EventKind::Receive) continue;
        const auto send = sendOf.find({event.variable, event.value});
        const Index waited = std::exchange(emptyFoundAt[event.worker], kNone);
        if (send == sendOf.end()) continue;
        if (received.insert(send->first).second) edges.emplace_back(send->second, i);
        if (waited != kNone) edges.emplace_back(waited, send->second);
    }
}

/// A call on a channel that holds whole messages and how full the trace's order says the queue was then.
struct QueueCall {
    enum class Found : std::uint8_t { Full, Empty, Room } found;
    Index event;
    std::size_t sendsBefore, receivesBefore;
};

/// F -> R_k, E -> S_k and R_k -> S on one queue.
void queueEdges(const std::vector<Event>& events, std::uint16_t channel, std::uint64_t capacity, Edges& edges) {
    std::vector<Index> sends, receives;
    std::vector<QueueCall> calls;
    for (Index i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        if (!onChannel(e.kind) || e.variable != channel) continue;
        const bool sending = e.aux == static_cast<std::uint32_t>(ChannelDirection::Send);
        if (e.kind == EventKind::Send) calls.push_back({QueueCall::Found::Room, i, sends.size(), receives.size()});
        if (e.kind == EventKind::WouldBlock || e.kind == EventKind::BlockedBegin)
            calls.push_back(
                {sending ? QueueCall::Found::Full : QueueCall::Found::Empty, i, sends.size(), receives.size()});
        if (e.kind == EventKind::Send) sends.push_back(i);
        if (e.kind == EventKind::Receive) receives.push_back(i);
    }
    for (const QueueCall& call : calls) {
        const std::size_t held = call.sendsBefore - std::min(call.sendsBefore, call.receivesBefore);
        // The receive that made room for send number n was receive n - capacity.
        const std::size_t roomMaker = call.sendsBefore - std::min<std::size_t>(call.sendsBefore, capacity);
        switch (call.found) {
        case QueueCall::Found::Full:
            if (held >= capacity) break;
            // Either a receive stamped before it came after it, or a send
            // stamped after it (a send is stamped when it returned) came before.
            if (call.sendsBefore >= capacity && roomMaker < call.receivesBefore)
                edges.emplace_back(call.event, receives[roomMaker]);
            else if (call.receivesBefore + capacity - 1 < sends.size())
                edges.emplace_back(sends[call.receivesBefore + capacity - 1], call.event);
            break;
        case QueueCall::Found::Empty:
            if (held > 0 && call.receivesBefore < sends.size())
                edges.emplace_back(call.event, sends[call.receivesBefore]);
            break;
        case QueueCall::Found::Room:
            if (held >= capacity && roomMaker < receives.size()) edges.emplace_back(receives[roomMaker], call.event);
            break;
        }
    }
}

} // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> channelOrderEdges(const Trace& trace) {
    Edges edges;
    if (trace.scenario.channels.empty() || trace.events.size() >= kNone) return edges;
    messageEdges(trace.events, edges);
    for (std::uint16_t c = 0; c < trace.scenario.channels.size(); ++c) {
        const ChannelInfo& channel = trace.scenario.channels[c];
        if (channel.holdsWholeMessages() && channel.capacityInMessages() > 0)
            queueEdges(trace.events, c, channel.capacityInMessages(), edges);
    }
    return edges;
}

} // namespace racetrace
