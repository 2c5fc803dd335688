// analyseMessages(): a handful of linear passes over the events, each with one
// job. Messages are found by (channel, tag) in hash maps, so the cost grows
// with the number of events, not with messages times receives.
#include "analysis/message_analysis.hpp"

#include "trace/event_gaps.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace racetrace {

namespace {

using TagIndex = std::unordered_map<std::int64_t, std::uint64_t>; ///< tag -> an event index
using TagSet = std::unordered_set<std::int64_t>;

/// True for an event on a channel the scenario declares: a trace file is
/// untrusted, and an index past the channels must not index anything.
bool onKnownChannel(const Trace& trace, const Event& e) {
    return onChannel(e.kind) && e.variable < trace.scenario.channels.size();
}

/// The counts that are plain counts of one kind of event.
void countKinds(const Trace& trace, MessageStats& stats) {
    for (const Event& e : trace.events) {
        if (!onKnownChannel(trace, e)) continue;
        switch (e.kind) {
        case EventKind::Send: ++stats.sent; break;
        case EventKind::Receive: ++stats.received; break;
        case EventKind::MessageTorn: ++stats.torn; break;
        case EventKind::WouldBlock: ++stats.wouldBlock; break;
        case EventKind::MessageDropped: ++stats.dropped; break;
        default: break;
        }
    }
}

/// Per channel, the first Send of each tag (a tag is sent once; a damaged
/// trace that repeats one keeps its first).
std::vector<TagIndex> indexSends(const Trace& trace) {
    std::vector<TagIndex> sends(trace.scenario.channels.size());
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::Send && onKnownChannel(trace, e)) sends[e.variable].try_emplace(e.value, i);
    }
    return sends;
}

/// Every Receive with the Send of its tag. The send may come later in the
/// trace than the receive (it is recorded once write() returned), so the
/// sends are indexed first.
void matchReceives(const Trace& trace, const std::vector<TagIndex>& sends, MessageStats& stats) {
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::Receive || !onKnownChannel(trace, e)) continue;
        const auto found = sends[e.variable].find(e.value);
        stats.matches.push_back({i, found == sends[e.variable].end() ? kNoEvent : found->second});
    }
}

/// Per channel, the sends whose tag no reader saw, neither at the start of a
/// read nor inside a torn one (as the first foreign tag of a MessageTorn).
std::vector<std::vector<std::uint64_t>> unseenSends(const Trace& trace, const std::vector<TagIndex>& sends) {
    std::vector<TagSet> seen(trace.scenario.channels.size());
    for (const Event& e : trace.events)
        if ((e.kind == EventKind::Receive || e.kind == EventKind::MessageTorn) && onKnownChannel(trace, e))
            seen[e.variable].insert(e.value);
    std::vector<std::vector<std::uint64_t>> unseen(trace.scenario.channels.size());
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::Send && onKnownChannel(trace, e) && !seen[e.variable].contains(e.value) &&
            sends[e.variable].at(e.value) == i)
            unseen[e.variable].push_back(i);
    }
    return unseen;
}

/// Lost: sent and never received by the end, plus every message a broken pipe
/// refused (it never entered the channel). Every read takes one message's
/// worth of bytes, so at most sent - received messages of a channel were never
/// read. A torn read names only the first foreign message inside it, so more
/// sends than that can be unseen: the others were read in pieces. The ones
/// never read are the last written (first in, first out).
void findLost(const Trace& trace, const std::vector<TagIndex>& sends, MessageStats& stats) {
    std::vector<std::uint64_t> sent(trace.scenario.channels.size()), received(trace.scenario.channels.size());
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (!onKnownChannel(trace, e)) continue;
        if (e.kind == EventKind::Send) ++sent[e.variable];
        if (e.kind == EventKind::Receive) ++received[e.variable];
        if (e.kind == EventKind::BrokenPipe) stats.lostMessages.push_back(i);
    }
    auto unseen = unseenSends(trace, sends);
    for (std::size_t c = 0; c < unseen.size(); ++c) {
        const std::uint64_t unread = sent[c] > received[c] ? sent[c] - received[c] : 0;
        const auto kept = std::min<std::uint64_t>(unread, unseen[c].size());
        stats.lostMessages.insert(stats.lostMessages.end(), unseen[c].end() - static_cast<std::ptrdiff_t>(kept),
                                  unseen[c].end());
    }
    std::sort(stats.lostMessages.begin(), stats.lostMessages.end());
    stats.lost = stats.lostMessages.size();
}

/// Each MessageTorn with its Receive: the same worker's event just before it,
/// on the same channel, with no event missing in between. Returns the receives
/// that were torn.
std::unordered_set<std::uint64_t> findTorn(const Trace& trace, MessageStats& stats) {
    std::unordered_set<std::uint64_t> torn;
    std::array<std::uint64_t, kMaxWorkers> previous;
    previous.fill(kNoEvent);
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::MessageTorn && onKnownChannel(trace, e)) {
            const std::uint64_t p = previous[e.worker];
            const bool follows = p != kNoEvent && trace.events[p].kind == EventKind::Receive &&
                                 trace.events[p].variable == e.variable && trace.events[p].seq + 1 == e.seq;
            stats.tornReceives.push_back({i, follows ? p : kNoEvent});
            if (follows) torn.insert(p);
        }
        previous[e.worker] = i;
    }
    return torn;
}

/// Duplicates and messages out of order, among the receives that were not torn
/// (a torn read's first tag is part of a tearing, reported as such; bytes of
/// one message can begin two torn reads). Order is judged per reader: one
/// reader's events are in its program order, two readers' stamps are not
/// ordered like their read() calls.
void checkDeliveries(const Trace& trace, const std::unordered_set<std::uint64_t>& torn, MessageStats& stats) {
    struct Latest {
        std::uint64_t sequence;
        std::uint64_t receive;
    };
    std::vector<TagIndex> firstReceive(trace.scenario.channels.size());
    std::unordered_map<std::uint32_t, Latest> latest; // (channel, sender, reader) -> highest sequence so far
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::Receive || !onKnownChannel(trace, e) || torn.contains(i)) continue;
        const auto [first, isFirst] = firstReceive[e.variable].try_emplace(e.value, i);
        if (!isFirst) {
            stats.duplicates.push_back({i, first->second});
            continue;
        }
        const auto sender = tagSender(e.value);
        if (!sender) continue;
        const std::uint32_t key = std::uint32_t{e.variable} << 16 | *sender << 8 | e.worker;
        const auto [at, fresh] = latest.try_emplace(key, Latest{tagSequence(e.value), i});
        if (fresh) continue;
        if (tagSequence(e.value) < at->second.sequence)
            stats.outOfOrderReceives.push_back({i, at->second.receive});
        else
            at->second = {tagSequence(e.value), i};
    }
    stats.duplicated = stats.duplicates.size();
    stats.outOfOrder = stats.outOfOrderReceives.size();
}

/// Ends an open wait with the next event its worker recorded: the BlockedEnd
/// of the call, or the WorkerKilled of a worker killed while blocked. A blocked
/// worker records nothing else, so anything else means damage: false, its end
/// is unknown.
bool closeWait(BlockedWait& wait, const Event& e, std::uint64_t index) {
    if (e.kind == EventKind::BlockedEnd && e.variable == wait.channel)
        wait.end = index;
    else if (e.kind == EventKind::WorkerKilled)
        wait.killed = index;
    else
        return false;
    wait.endNs = std::max(e.timestamp, wait.beginNs);
    return true;
}

/// The blocked intervals, each in its worker's own order: BlockedBegin to the
/// BlockedEnd after it, or to the WorkerKilled of a worker killed while
/// blocked, or to the end of the run. A wait with events missing inside it has
/// no known end and is left out, as is a damaged one (see closeWait). Each
/// wait also notes its worker's events just before and just after it.
void measureWaits(const Trace& trace, MessageStats& stats) {
    std::array<std::uint64_t, kMaxWorkers> open, ended, previous; // waits (indices into stats.waits), events
    open.fill(kNoEvent);
    ended.fill(kNoEvent);
    previous.fill(kNoEvent);
    std::vector<char> known; // per wait
    SequenceWatch sequence;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        const bool gap = sequence.gapBefore(e);
        if (const std::uint64_t w = std::exchange(ended[e.worker], kNoEvent); w != kNoEvent && !gap)
            stats.waits[w].outcome = i;
        if (std::uint64_t& current = open[e.worker]; current != kNoEvent) {
            known[current] = !gap && closeWait(stats.waits[current], e, i);
            if (known[current] != 0 && e.kind == EventKind::BlockedEnd) ended[e.worker] = current;
            current = kNoEvent;
        }
        if (e.kind == EventKind::BlockedBegin && onKnownChannel(trace, e)) {
            open[e.worker] = stats.waits.size();
            BlockedWait wait;
            wait.worker = e.worker;
            wait.channel = e.variable;
            wait.direction = static_cast<ChannelDirection>(e.aux & 1);
            wait.begin = i;
            wait.previous = gap ? kNoEvent : previous[e.worker];
            wait.beginNs = wait.endNs = e.timestamp;
            stats.waits.push_back(wait);
            known.push_back(1);
        }
        previous[e.worker] = i;
    }
    // Still open: waited until the run ended, unless the worker's last events were dropped.
    const EventGaps gaps(trace);
    for (std::uint64_t w : open)
        if (w != kNoEvent) {
            stats.waits[w].endNs = std::max(trace.durationNs, stats.waits[w].beginNs);
            known[w] = !gaps.endsInGap(stats.waits[w].worker);
        }
    std::size_t kept = 0;
    for (std::size_t k = 0; k < stats.waits.size(); ++k)
        if (known[k] != 0) stats.waits[kept++] = stats.waits[k];
    stats.waits.resize(kept);
}

/// Per worker of the trace, the time its waits lasted.
void sumBlockedTime(const Trace& trace, MessageStats& stats) {
    stats.blockedNs.assign(trace.workers.size(), 0);
    for (const BlockedWait& wait : stats.waits)
        if (wait.worker < stats.blockedNs.size()) stats.blockedNs[wait.worker] += wait.endNs - wait.beginNs;
}

/// The first of `makers` (ascending event indices) after `after` and at or
/// before `upTo` that another worker than `worker` recorded.
std::uint64_t firstOfAnother(const Trace& trace, const std::vector<std::uint64_t>& makers, std::uint32_t worker,
                             std::uint64_t after, std::uint64_t upTo) {
    for (auto it = std::upper_bound(makers.begin(), makers.end(), after); it != makers.end() && *it <= upTo; ++it)
        if (trace.events[*it].worker != worker) return *it;
    return kNoEvent;
}

/// The last of `makers` after `after` and before `before` that another worker recorded.
std::uint64_t lastOfAnother(const Trace& trace, const std::vector<std::uint64_t>& makers, std::uint32_t worker,
                            std::uint64_t after, std::uint64_t before) {
    for (auto it = std::lower_bound(makers.begin(), makers.end(), before); it != makers.begin();) {
        if (*--it <= after) break;
        if (trace.events[*it].worker != worker) return *it;
    }
    return kNoEvent;
}

/// The send of the message a wait for data ended with, if another worker sent it.
std::uint64_t sendOfWhatCame(const Trace& trace, const MessageStats& stats, const BlockedWait& wait) {
    if (wait.direction != ChannelDirection::Receive || wait.outcome == kNoEvent) return kNoEvent;
    const Event& came = trace.events[wait.outcome];
    if (came.kind != EventKind::Receive || came.variable != wait.channel) return kNoEvent;
    const std::uint64_t send = stats.sendOf(wait.outcome);
    return send != kNoEvent && trace.events[send].worker != wait.worker ? send : kNoEvent;
}

/// Who ended one wait that ended, trying the candidates in the order
/// BlockedWait::endedBy gives; `makers` are the channel's Sends for a wait for
/// data, its Receives for a wait for space.
std::uint64_t wakerOf(const Trace& trace, const MessageStats& stats, const BlockedWait& wait,
                      const std::vector<std::uint64_t>& makers, std::uint64_t nextWait) {
    if (wait.outcome != kNoEvent) {
        const EventKind came = trace.events[wait.outcome].kind;
        if (came == EventKind::EndOfFile || came == EventKind::BrokenPipe) return kNoEvent; // the other side closed
    }
    if (const std::uint64_t send = sendOfWhatCame(trace, stats, wait); send != kNoEvent) return send;
    if (const auto during = firstOfAnother(trace, makers, wait.worker, wait.begin, wait.end); during != kNoEvent)
        return during;
    if (wait.previous != kNoEvent)
        if (const auto before = lastOfAnother(trace, makers, wait.worker, wait.previous, wait.begin);
            before != kNoEvent)
            return before;
    return firstOfAnother(trace, makers, wait.worker, wait.end, nextWait - 1);
}

/// BlockedWait::endedBy of every wait that ended.
void findWakers(const Trace& trace, MessageStats& stats) {
    const std::size_t channels = trace.scenario.channels.size();
    std::vector<std::vector<std::uint64_t>> sends(channels), receives(channels);
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (!onKnownChannel(trace, e)) continue;
        if (e.kind == EventKind::Send) sends[e.variable].push_back(i);
        if (e.kind == EventKind::Receive) receives[e.variable].push_back(i);
    }
    std::unordered_map<std::uint32_t, std::uint64_t> nextWait; // (worker, channel) -> begin of its next wait
    for (auto wait = stats.waits.rbegin(); wait != stats.waits.rend(); ++wait) {
        const std::uint32_t key = wait->worker << 16 | wait->channel;
        const auto next = nextWait.find(key);
        const std::uint64_t limit = next == nextWait.end() ? trace.events.size() : next->second;
        nextWait[key] = wait->begin;
        if (wait->end == kNoEvent) continue; // never woken
        const bool forData = wait->direction == ChannelDirection::Receive;
        wait->endedBy = wakerOf(trace, stats, *wait, forData ? sends[wait->channel] : receives[wait->channel], limit);
    }
}

/// Each channel's fill level after each of its Sends and Receives.
void measureFill(const Trace& trace, MessageStats& stats) {
    stats.fill.assign(trace.scenario.channels.size(), {});
    std::vector<std::uint64_t> held(trace.scenario.channels.size(), 0);
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if ((e.kind != EventKind::Send && e.kind != EventKind::Receive) || !onKnownChannel(trace, e)) continue;
        std::uint64_t& level = held[e.variable];
        if (e.kind == EventKind::Send)
            ++level;
        else if (level > 0)
            --level;
        ChannelFill& fill = stats.fill[e.variable];
        fill.points.push_back({e.timestamp, i, level, e.kind == EventKind::Send});
        fill.maxHeld = std::max(fill.maxHeld, level);
    }
}

} // namespace

std::uint64_t MessageStats::sendOf(std::uint64_t receive) const {
    const auto found = std::lower_bound(matches.begin(), matches.end(), receive,
                                        [](const MessageMatch& m, std::uint64_t r) { return m.receive < r; });
    return found != matches.end() && found->receive == receive ? found->send : kNoEvent;
}

std::vector<std::uint64_t> MessageStats::heldAfter(std::uint16_t channel, std::uint64_t at) const {
    std::vector<std::uint64_t> held;
    if (channel >= fill.size() || at == kNoEvent) return held;
    const auto& points = fill[channel].points;
    auto it = std::upper_bound(points.begin(), points.end(), at,
                               [](std::uint64_t event, const FillPoint& p) { return event < p.event; });
    if (it == points.begin()) return held;
    const std::uint64_t level = std::prev(it)->held;
    while (held.size() < level && it != points.begin()) {
        --it;
        if (it->send) held.push_back(it->event);
    }
    std::reverse(held.begin(), held.end());
    return held;
}

MessageStats analyseMessages(const Trace& trace) {
    MessageStats stats;
    stats.blockedNs.assign(trace.workers.size(), 0);
    if (trace.scenario.channels.empty()) return stats; // shared memory only: nothing to look at
    countKinds(trace, stats);
    const std::vector<TagIndex> sends = indexSends(trace);
    matchReceives(trace, sends, stats);
    findLost(trace, sends, stats);
    checkDeliveries(trace, findTorn(trace, stats), stats);
    measureWaits(trace, stats);
    sumBlockedTime(trace, stats);
    findWakers(trace, stats);
    measureFill(trace, stats);
    return stats;
}

} // namespace racetrace
