// What happened to the messages of a run, worked out once from its channel
// events (trace/channel_info.hpp says what each one means): how many were
// sent, received, lost, torn, duplicated, received out of order, refused
// without waiting (EAGAIN) and given up; how long each worker waited in a
// blocking channel call and, for each wait, who ended it; how full each
// channel was over time; and which send each receive took its message from,
// for the views' send -> receive arrows. All zeros and empty for a scenario
// without channels. The message finders (analysis/message_finders.cpp) turn
// the lists here into sentences.
//
// Stamps of two workers say little about the order of their channel calls: a
// worker records a Send after its write() returned, so the reader that took
// the message may have recorded its Receive first. So the counts depend only
// on each worker's own events, which are in its program order; only the fill
// levels and who ended a wait (BlockedWait::endedBy) read the order of two
// workers' events, and say so.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace racetrace {

/// A channel's fill level after one of its Sends or Receives.
struct FillPoint {
    std::uint64_t ns = 0;           ///< the event's time
    std::uint64_t event = kNoEvent; ///< the Send or Receive
    std::uint64_t held = 0;         ///< messages in the channel after it
    bool send = false;              ///< a Send (else a Receive)
};

/// How full one channel was, in the trace's order: +1 at each Send, -1 at each
/// Receive, never below 0. A receive recorded before the send it took counts as
/// taking nothing, and a send recorded late can lift the level a message above
/// the channel's capacity for a moment.
struct ChannelFill {
    std::vector<FillPoint> points; ///< in trace order
    std::uint64_t maxHeld = 0;
};

/// A receive and the send of the message it began with (by tag, on its channel).
struct MessageMatch {
    std::uint64_t receive = kNoEvent;
    std::uint64_t send = kNoEvent; ///< kNoEvent when no send of that tag was recorded
};

/// A receive that took a message again, or after a later one of its sender.
struct MisdeliveredReceive {
    std::uint64_t receive = kNoEvent; ///< the receive at fault
    std::uint64_t earlier = kNoEvent; ///< the first receive of the same tag, or of the later message
};

/// A MessageTorn and the Receive it belongs to.
struct TornReceive {
    std::uint64_t torn = kNoEvent;
    std::uint64_t receive = kNoEvent; ///< kNoEvent when the worker's event before it was not that Receive
};

/// One blocking channel call that had to wait.
struct BlockedWait {
    std::uint32_t worker = 0;
    std::uint16_t channel = 0;
    ChannelDirection direction = ChannelDirection::Receive; ///< Receive: waited for data; Send: for space
    std::uint64_t begin = kNoEvent;                         ///< the BlockedBegin
    std::uint64_t end = kNoEvent;                           ///< the BlockedEnd; kNoEvent when the call never returned
    std::uint64_t killed = kNoEvent;                        ///< the worker's WorkerKilled that ended the wait, if so
    std::uint64_t previous = kNoEvent; ///< the worker's event before `begin` (kNoEvent: none, or a gap)
    std::uint64_t outcome = kNoEvent;  ///< its event after `end`: what the call came to (a Receive, EndOfFile, ...)
    /// The Send (when waiting for data) or Receive (for space) of another
    /// worker that ended the wait; kNoEvent when nobody made data or space (the
    /// worker was killed while blocked, or woke to end-of-file). Stamps lag the
    /// calls they record, so it is, of the first that exists: for a wait for
    /// data, the send of the message the worker then received (by its tag);
    /// the first such event between `begin` and `end`; the last one between
    /// `previous` and `begin` (made after the worker's try, stamped before its
    /// BlockedBegin); the first one after `end`, before its next wait on the
    /// channel.
    std::uint64_t endedBy = kNoEvent;
    std::uint64_t beginNs = 0;
    std::uint64_t endNs = 0; ///< BlockedEnd, the kill, or the end of the run
};

struct MessageStats {
    std::uint64_t sent = 0;       ///< Send events
    std::uint64_t received = 0;   ///< Receive events, whole or torn
    std::uint64_t lost = 0;       ///< sent and never read by the end, plus messages refused by EPIPE (broken pipe)
    std::uint64_t torn = 0;       ///< MessageTorn events
    std::uint64_t duplicated = 0; ///< receives of a tag already received on the channel
    std::uint64_t outOfOrder = 0; ///< receives of a message after a later one of its sender (same reader)
    std::uint64_t wouldBlock = 0; ///< WouldBlock events
    std::uint64_t dropped = 0;    ///< MessageDropped events

    std::vector<std::uint64_t> blockedNs; ///< per worker of Trace::workers: time spent waiting in channel calls
    std::vector<ChannelFill> fill;        ///< per channel of ScenarioInfo::channels
    std::vector<MessageMatch> matches;    ///< one per Receive, ascending `receive`

    // What the message finders report, each list in trace order.
    /// The Send of each lost message, or its BrokenPipe. A channel of which
    /// sent - received messages were never read loses that many of the sends
    /// no reader saw, the last written: bytes of the others may have been read
    /// inside torn reads, which name only the first foreign message.
    std::vector<std::uint64_t> lostMessages;
    std::vector<TornReceive> tornReceives;
    std::vector<MisdeliveredReceive> duplicates;
    std::vector<MisdeliveredReceive> outOfOrderReceives;
    std::vector<BlockedWait> waits; ///< ascending `begin`

    /// The Send a Receive took its message from; kNoEvent when none is known.
    std::uint64_t sendOf(std::uint64_t receive) const;
    /// The Sends of the messages `channel` held after event `at` (kNoEvent:
    /// before the first event), oldest first: the latest sends, as many as
    /// its fill level says (a channel delivers in order).
    std::vector<std::uint64_t> heldAfter(std::uint16_t channel, std::uint64_t at) const;
};

/// Everything above for one trace, in a few linear passes over its events.
MessageStats analyseMessages(const Trace& trace);

} // namespace racetrace
