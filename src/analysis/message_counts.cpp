#include "analysis/message_counts.hpp"

#include <map>
#include <optional>
#include <set>
#include <utility>

namespace racetrace {

namespace {

using ChannelTag = std::pair<std::uint16_t, std::int64_t>;

/// Indices of the receives that got a torn message (a MessageTorn follows
/// them in their worker's own order): their first tag is not a delivery.
std::set<std::size_t> tornReceives(const Trace& trace) {
    std::set<std::size_t> torn;
    std::map<std::uint32_t, std::size_t> lastReceive;
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::Receive) lastReceive[e.worker] = i;
        if (e.kind == EventKind::MessageTorn && lastReceive.count(e.worker) != 0) torn.insert(lastReceive[e.worker]);
    }
    return torn;
}

/// Whole receives matched to sends by (channel, tag): duplicates and order
/// per sender. Lost is what neither arrived whole nor went into a torn
/// receive: sent = received whole + torn + lost.
void countDeliveries(const Trace& trace, MessageCounts& counts) {
    const std::set<std::size_t> torn = tornReceives(trace);
    std::set<ChannelTag> delivered;
    std::map<std::pair<std::uint16_t, std::uint32_t>, std::uint64_t> nextOfSender; // (channel, sender)
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::Receive || torn.count(i) != 0) continue;
        if (!delivered.insert({e.variable, e.value}).second) {
            ++counts.duplicated;
            continue;
        }
        const auto sender = tagSender(e.value);
        if (!sender) continue;
        std::uint64_t& next = nextOfSender[{e.variable, *sender}];
        if (tagSequence(e.value) < next)
            ++counts.outOfOrder;
        else
            next = tagSequence(e.value) + 1;
    }
    const std::uint64_t accounted = delivered.size() + torn.size();
    counts.lost += counts.sent > accounted ? counts.sent - accounted : 0;
}

/// Blocked intervals per worker; one still open ends where the worker was killed, or with the run.
void countBlockedTime(const Trace& trace, MessageCounts& counts) {
    counts.blockedNs.assign(trace.workers.size(), 0);
    std::vector<std::optional<std::uint64_t>> since(trace.workers.size());
    for (const Event& e : trace.events) {
        if (e.worker >= since.size()) continue;
        auto& open = since[e.worker];
        if (e.kind == EventKind::BlockedBegin) open = e.timestamp;
        const bool closes = e.kind == EventKind::BlockedEnd || e.kind == EventKind::WorkerKilled;
        if (closes && open) {
            counts.blockedNs[e.worker] += e.timestamp > *open ? e.timestamp - *open : 0;
            open.reset();
        }
    }
    for (std::size_t k = 0; k < since.size(); ++k)
        if (since[k] && trace.durationNs > *since[k]) counts.blockedNs[k] += trace.durationNs - *since[k];
}

} // namespace

MessageCounts countMessages(const Trace& trace) {
    MessageCounts counts;
    for (const Event& e : trace.events) {
        switch (e.kind) {
        case EventKind::Send: ++counts.sent; break;
        case EventKind::Receive: ++counts.received; break;
        case EventKind::MessageTorn: ++counts.torn; break;
        case EventKind::WouldBlock: ++counts.wouldBlock; break;
        case EventKind::MessageDropped: ++counts.dropped; break;
        case EventKind::BrokenPipe: ++counts.lost; break;
        default: break;
        }
    }
    countDeliveries(trace, counts);
    countBlockedTime(trace, counts);
    return counts;
}

} // namespace racetrace
