// The message finders: one finding per lost, torn, duplicated, out-of-order
// or dropped message, and one per blocked wait, each with one plain sentence. The
// matching and counting was done once by analyseMessages (AnalysisInput::
// messages); these only put its lists into words.
//
// Every finding is one row of the list, as for the memory finders: a run that
// loses 500 messages lists 500 of them, so N and P walk through each one.
#include "analysis/finders.hpp"
#include "analysis/message_analysis.hpp"
#include "analysis/plain_words.hpp"
#include "trace/event_gaps.hpp"

#include <algorithm>
#include <initializer_list>
#include <unordered_map>

namespace racetrace {

namespace {

const ChannelInfo* channelOf(const Trace& trace, std::uint16_t channel) {
    return channel < trace.scenario.channels.size() ? &trace.scenario.channels[channel] : nullptr;
}

/// "pipe P", "queue Q", or "channel #3" for an index the scenario does not declare.
std::string channelName(const Trace& trace, std::uint16_t channel) {
    const ChannelInfo* info = channelOf(trace, channel);
    return info ? info->displayName() : "channel #" + std::to_string(channel);
}

bool isQueue(const Trace& trace, std::uint16_t channel) {
    const ChannelInfo* info = channelOf(trace, channel);
    return info && info->kind == ChannelKind::Queue;
}

/// Workers ascending, each once (Finding::workers).
void sortWorkers(Finding& finding) {
    std::sort(finding.workers.begin(), finding.workers.end());
    finding.workers.erase(std::unique(finding.workers.begin(), finding.workers.end()), finding.workers.end());
}

/// A finding about `channel` over `events` (the key ones first; kNoEvent is
/// skipped): the workers who recorded them, and the time they span.
Finding channelFinding(FindingKind kind, const Trace& trace, std::uint16_t channel,
                       std::initializer_list<std::uint64_t> events) {
    Finding finding;
    finding.kind = kind;
    finding.channel = channel;
    for (const std::uint64_t index : events) {
        if (index >= trace.events.size()) continue;
        const Event& e = trace.events[index];
        finding.beginNs = finding.events.empty() ? e.timestamp : std::min(finding.beginNs, e.timestamp);
        finding.endNs = std::max(finding.endNs, e.timestamp);
        finding.events.push_back(index);
        finding.workers.push_back(e.worker);
    }
    sortWorkers(finding);
    return finding;
}

/// Adds the sender a tag names to the finding's workers (its send may not have been recorded).
void addSender(Finding& finding, std::int64_t tag) {
    if (const auto sender = tagSender(tag)) finding.workers.push_back(*sender);
    sortWorkers(finding);
}

std::string lostSentence(const Trace& trace, const Event& e) {
    if (e.kind == EventKind::BrokenPipe)
        return messageName(e.value) + " never reached a reader: nobody read " + channelName(trace, e.variable) +
               " any more (broken pipe).";
    return messageName(e.value) + " was never received from " + channelName(trace, e.variable) + ".";
}

std::string tornSentence(const Trace& trace, const Event& torn, const Event* receive) {
    const ChannelInfo* info = channelOf(trace, torn.variable);
    const std::string bytes =
        groupedNumber(torn.aux) + (info ? " of its " + groupedNumber(info->messageBytes) + " bytes" : " bytes");
    return workerName(torn.worker) + " read a torn message from " + channelName(trace, torn.variable) + ": " +
           (receive ? "it began as " + messageName(receive->value) + ", but " : "") + bytes + " were " +
           messageName(torn.value) + ".";
}

/// "twice", "3 times".
std::string times(std::uint64_t count) {
    return count == 2 ? std::string("twice") : groupedNumber(static_cast<std::int64_t>(count)) + " times";
}

std::string duplicateSentence(const Trace& trace, const Event& again, const Event& first, std::uint64_t count) {
    const std::string message = messageName(again.value);
    const std::string from = " from " + channelName(trace, again.variable);
    if (again.worker == first.worker)
        return workerName(again.worker) + " received " + message + from + " " + times(count) + ".";
    return workerName(again.worker) + " received " + message + from + ", which " + workerName(first.worker) +
           " had already received.";
}

/// What the waiting call is called, and what the one who ended it did:
/// write()/read() on a pipe, mq_send()/mq_receive() on a queue.
struct WaitWords {
    std::string_view call;  ///< "write"
    std::string_view state; ///< "full"
    std::string_view ended; ///< "read": what the other worker did to end it
};

WaitWords waitWords(bool queue, ChannelDirection direction) {
    if (direction == ChannelDirection::Send) return {queue ? "send" : "write", "full", queue ? "received" : "read"};
    return {queue ? "receive" : "read", "empty", queue ? "sent" : "wrote"};
}

/// " (4,096 bytes)", " (4 messages)": what a full channel held.
std::string capacityWords(const Trace& trace, std::uint16_t channel) {
    const ChannelInfo* info = channelOf(trace, channel);
    if (!info || info->capacity == 0) return {};
    return " (" +
           (info->kind == ChannelKind::Queue ? countOf(info->capacity, "message", "messages")
                                             : countOf(info->capacity, "byte", "bytes")) +
           ")";
}

/// How a wait that nobody ended came to an end: what the call returned.
std::string unwokenEnd(const Trace& trace, const BlockedWait& wait) {
    if (wait.outcome == kNoEvent) return {};
    const EventKind came = trace.events[wait.outcome].kind;
    if (came == EventKind::EndOfFile) return " until end of file";
    if (came == EventKind::BrokenPipe) return " until nobody read it any more (broken pipe)";
    return {};
}

std::string blockedSentence(const Trace& trace, const BlockedWait& wait) {
    const WaitWords words = waitWords(isQueue(trace, wait.channel), wait.direction);
    const std::string who = workerName(wait.worker);
    const std::string lasted = humanDuration(wait.endNs - wait.beginNs);
    std::string sentence = who + "'s " + std::string(words.call) + " found " + channelName(trace, wait.channel) + " " +
                           std::string(words.state) +
                           (wait.direction == ChannelDirection::Send ? capacityWords(trace, wait.channel) : "") +
                           " and " + who;
    if (wait.end == kNoEvent) return sentence + " was still waiting when the run ended, " + lasted + " later.";
    sentence += " waited " + lasted;
    if (wait.endedBy != kNoEvent)
        return sentence + " until " + workerName(trace.events[wait.endedBy].worker) + " " + std::string(words.ended) +
               ".";
    return sentence + unwokenEnd(trace, wait) + ".";
}

} // namespace

void findLostMessages(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    // A reader's dropped events may have held the receive of a message that
    // looks lost: with a gap, only what a broken pipe refused is certain.
    const bool complete = EventGaps(trace).empty();
    for (const std::uint64_t index : input.messages.lostMessages) {
        const Event& e = trace.events[index];
        if (!complete && e.kind != EventKind::BrokenPipe) continue;
        Finding finding = channelFinding(FindingKind::LostMessage, trace, e.variable, {index});
        finding.sentence = lostSentence(trace, e);
        out.push_back(std::move(finding));
    }
}

void findTornMessages(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    for (const TornReceive& torn : input.messages.tornReceives) {
        const Event& e = trace.events[torn.torn];
        const Event* receive = torn.receive == kNoEvent ? nullptr : &trace.events[torn.receive];
        const std::uint64_t send = torn.receive == kNoEvent ? kNoEvent : input.messages.sendOf(torn.receive);
        Finding finding = channelFinding(FindingKind::TornMessage, trace, e.variable, {torn.receive, torn.torn, send});
        addSender(finding, e.value);
        finding.sentence = tornSentence(trace, e, receive);
        out.push_back(std::move(finding));
    }
}

void findDuplicatedMessages(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    std::unordered_map<std::uint64_t, std::uint64_t> receivedSoFar; // first receive -> times received
    for (const MisdeliveredReceive& again : input.messages.duplicates) {
        const Event& e = trace.events[again.receive];
        const std::uint64_t count = ++receivedSoFar.try_emplace(again.earlier, 1).first->second;
        Finding finding = channelFinding(FindingKind::DuplicatedMessage, trace, e.variable,
                                         {again.receive, again.earlier, input.messages.sendOf(again.receive)});
        addSender(finding, e.value);
        finding.sentence = duplicateSentence(trace, e, trace.events[again.earlier], count);
        out.push_back(std::move(finding));
    }
}

void findOutOfOrderMessages(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    for (const MisdeliveredReceive& late : input.messages.outOfOrderReceives) {
        const Event& e = trace.events[late.receive];
        Finding finding = channelFinding(FindingKind::OutOfOrderMessage, trace, e.variable,
                                         {late.receive, late.earlier, input.messages.sendOf(late.receive)});
        addSender(finding, e.value);
        finding.sentence = workerName(e.worker) + " received " + messageName(e.value) + " from " +
                           channelName(trace, e.variable) + " after " + messageName(trace.events[late.earlier].value) +
                           ".";
        out.push_back(std::move(finding));
    }
}

void findBlockedWaits(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    for (const BlockedWait& wait : input.messages.waits) {
        Finding finding = channelFinding(FindingKind::BlockedWait, trace, wait.channel,
                                         {wait.begin, wait.end == kNoEvent ? wait.killed : wait.end, wait.endedBy});
        // The wait itself, not the maker's stamp, which can be later (see BlockedWait::endedBy).
        finding.beginNs = wait.beginNs;
        finding.endNs = wait.endNs;
        finding.sentence = blockedSentence(trace, wait);
        out.push_back(std::move(finding));
    }
}

void findDroppedMessages(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::MessageDropped) continue;
        Finding finding = channelFinding(FindingKind::DroppedMessage, trace, e.variable, {i});
        const ChannelInfo* channel = channelOf(trace, e.variable);
        const std::string room =
            channel ? " (" + countOf(channel->capacityInMessages(), "message", "messages") + ")" : std::string();
        finding.sentence = workerName(e.worker) + " dropped " + messageName(e.value) + ": " +
                           channelName(trace, e.variable) + " was full" + room +
                           " and its send failed with EAGAIN instead of waiting.";
        out.push_back(std::move(finding));
    }
}

} // namespace racetrace
