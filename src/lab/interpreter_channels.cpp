// The channel instructions: real write()/read() on pipes and mq_send()/
// mq_receive() on message queues, recorded like shared accesses. A call first
// tries without waiting; only when that would block does it record
// BlockedBegin, make the waiting call and record BlockedEnd, so a blocked
// interval in the trace is exactly the time the call waited in the kernel.
#include "lab/interpreter.hpp"

#include "lab/step_gate.hpp"

#include <cstring>

namespace racetrace {

namespace {
constexpr auto kRelaxed = std::memory_order_relaxed;
constexpr auto kSendDirection = static_cast<std::uint32_t>(ChannelDirection::Send);
constexpr auto kReceiveDirection = static_cast<std::uint32_t>(ChannelDirection::Receive);

std::int64_t statusValue(ChannelStatus status) {
    return static_cast<std::int64_t>(status);
}

} // namespace

void Interpreter::gateCall(EventKind kind, const Instruction& in, bool waits, std::int64_t value,
                           std::optional<bool> sending) {
    if (m_ctx.slot->gateEnabled.load(kRelaxed) == 0) return;
    std::function<CallOutlook()> look;
    if (sending) {
        const ChannelEndpoint& channel = (*m_ctx.channels)[in.channel];
        look = [&channel, toSend = *sending] { return channel.look(toSend); };
    }
    passGate(*m_ctx.slot, *m_ctx.stop, {kind, in.line, in.channel, waits ? 1u : 0u, value}, look);
}

template <class Call> ChannelOutcome Interpreter::waitForChannel(std::uint32_t handledChecks, Call&& call) {
    if (m_ctx.slot->gateEnabled.load(kRelaxed) != 0) {
        while (awaitRetry(*m_ctx.slot, *m_ctx.stop, handledChecks))
            if (const ChannelOutcome outcome = call(false); outcome != ChannelOutcome::WouldBlock) return outcome;
    }
    return call(true);
}

template <bool kTraced, class Call>
ChannelOutcome Interpreter::callChannel(const Instruction& in, bool sending, bool wait, const std::size_t& done,
                                        Call&& call, std::optional<Stamp>& began) {
    // Read before the wait is announced: a check asked after that must be answered by a try.
    const std::uint32_t handledChecks = checksSoFar(*m_ctx.slot);
    // Stamped when the call began: see callChannel in interpreter.hpp.
    Stamp tried;
    if constexpr (kTraced) tried.ticks = readClock(m_ctx.clock.kind, tried.cpu, m_ctx.clock.tscRead);
    began = tried;
    const ChannelOutcome outcome = call(false);
    if (outcome != ChannelOutcome::WouldBlock || !(wait || done > 0)) return outcome;
    beginWait<kTraced>(in, sending, tried);
    const ChannelOutcome waited = waitForChannel(handledChecks, call);
    endWait<kTraced>(in, sending);
    began.reset(); // what the call came to is stamped when it returned
    return waited;
}

std::uint32_t Interpreter::channelFault(const Instruction& in, const char* what) {
    const ChannelEndpoint& channel = (*m_ctx.channels)[in.channel];
    m_fault = "line " + std::to_string(in.sourceLine) + " of the scenario: " + workerName(m_ctx.worker) + " cannot " +
              what + " " + m_ctx.scenario->channels[in.channel].name + ": " + channel.error() + ".";
    return kFault;
}

template <bool kTraced> void Interpreter::beginWait(const Instruction& in, bool sending, Stamp tried) {
    m_ctx.slot->line.store(in.line, kRelaxed);
    m_ctx.slot->blocked.store(blockedWord(in.channel, sending), kRelaxed);
    channelEvent<kTraced>(EventKind::BlockedBegin, in.line, in.channel, 0, sending ? kSendDirection : kReceiveDirection,
                          tried);
}

template <bool kTraced> void Interpreter::endWait(const Instruction& in, bool sending) {
    channelEvent<kTraced>(EventKind::BlockedEnd, in.line, in.channel, 0, sending ? kSendDirection : kReceiveDirection);
    m_ctx.slot->blocked.store(0, kRelaxed);
}

template <bool kTraced> std::optional<ChannelStatus> Interpreter::sendMessage(const Instruction& in, bool wait) {
    ChannelEndpoint& channel = (*m_ctx.channels)[in.channel];
    const std::int64_t tag = messageTag(m_ctx.worker, m_nextMessage[in.channel]);
    const std::int64_t payload = operand(in.a);
    const std::size_t words = channel.messageBytes() / sizeof(std::int64_t);
    std::fill_n(m_message.begin(), words, tag);
    m_message[1] = payload;
    const auto bytes = std::as_bytes(std::span(m_message.data(), words));
    gateCall(EventKind::Send, in, wait, tag, true);
    std::size_t done = 0;
    std::optional<Stamp> began;
    // A try that wrote part of a large message cannot take it back: it finishes waiting.
    const ChannelOutcome outcome = callChannel<kTraced>(
        in, true, wait, done, [&](bool waiting) { return channel.send(bytes, done, waiting); }, began);
    switch (outcome) {
    case ChannelOutcome::Done:
        channelEvent<kTraced>(EventKind::Send, in.line, in.channel, tag, static_cast<std::uint32_t>(payload));
        ++m_nextMessage[in.channel];
        return ChannelStatus::Ok;
    case ChannelOutcome::WouldBlock:
        channelEvent<kTraced>(EventKind::WouldBlock, in.line, in.channel, tag, kSendDirection, began);
        return ChannelStatus::WouldBlock; // the message stays this worker's next: a retry sends it again
    case ChannelOutcome::Broken:
        channelEvent<kTraced>(EventKind::BrokenPipe, in.line, in.channel, tag, 0);
        ++m_nextMessage[in.channel];
        return ChannelStatus::Broken;
    default: channelFault(in, "write into"); return std::nullopt;
    }
}

template <bool kTraced>
std::int64_t Interpreter::recordReceived(const Instruction& in, std::size_t bytes, std::optional<Stamp> began) {
    const std::size_t words = bytes / sizeof(std::int64_t);
    const std::int64_t tag = words > 0 ? m_message[0] : 0;
    const std::int64_t payload = words > 1 ? m_message[1] : 0;
    channelEvent<kTraced>(EventKind::Receive, in.line, in.channel, tag, static_cast<std::uint32_t>(payload), began);
    // The tag repeats after the payload: any other word came from another send.
    std::int64_t foreign = 0;
    std::uint32_t foreignBytes = 0;
    for (std::size_t w = 2; w < words; ++w) {
        if (m_message[w] == tag) continue;
        if (foreignBytes == 0) foreign = m_message[w];
        foreignBytes += sizeof(std::int64_t);
    }
    if (foreignBytes > 0) channelEvent<kTraced>(EventKind::MessageTorn, in.line, in.channel, foreign, foreignBytes);
    return payload;
}

template <bool kTraced>
std::optional<ChannelStatus> Interpreter::receiveMessage(const Instruction& in, bool wait, std::int64_t& payload) {
    ChannelEndpoint& channel = (*m_ctx.channels)[in.channel];
    const std::size_t words = channel.messageBytes() / sizeof(std::int64_t);
    std::fill_n(m_message.begin(), words, 0);
    const auto buffer = std::as_writable_bytes(std::span(m_message.data(), words));
    gateCall(EventKind::Receive, in, wait, 0, false);
    std::size_t done = 0;
    std::optional<Stamp> began;
    // Part of a message taken (a pipe's large message) must be read to its end.
    const ChannelOutcome outcome = callChannel<kTraced>(
        in, false, wait, done, [&](bool waiting) { return channel.receive(buffer, done, waiting); }, began);
    switch (outcome) {
    case ChannelOutcome::Done: payload = recordReceived<kTraced>(in, done, began); return ChannelStatus::Ok;
    case ChannelOutcome::WouldBlock:
        channelEvent<kTraced>(EventKind::WouldBlock, in.line, in.channel, 0, kReceiveDirection, began);
        return ChannelStatus::WouldBlock;
    case ChannelOutcome::EndOfFile:
        channelEvent<kTraced>(EventKind::EndOfFile, in.line, in.channel, 0, 0, began);
        payload = -1;
        return ChannelStatus::EndOfFile;
    default: channelFault(in, "read from"); return std::nullopt;
    }
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Send>, std::uint32_t pc, const Instruction& in) {
    return sendMessage<kTraced>(in, true) ? pc + 1 : kFault;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::TrySend>, std::uint32_t pc, const Instruction& in) {
    m_lastTrySend[in.channel] = pc;
    const auto status = sendMessage<kTraced>(in, false);
    if (!status) return kFault;
    m_registers[in.reg] = statusValue(*status);
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::Receive>, std::uint32_t pc, const Instruction& in) {
    std::int64_t payload = 0;
    if (!receiveMessage<kTraced>(in, true, payload)) return kFault;
    m_registers[in.reg] = payload;
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::TryReceive>, std::uint32_t pc, const Instruction& in) {
    std::int64_t payload = 0;
    const auto status = receiveMessage<kTraced>(in, false, payload);
    if (!status) return kFault;
    m_registers[in.reg] = statusValue(*status);
    if (*status == ChannelStatus::Ok || *status == ChannelStatus::EndOfFile) m_registers[in.reg2] = payload;
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Close>, std::uint32_t pc, const Instruction& in) {
    gateCall(EventKind::ChannelClose, in, false, 0, std::nullopt);
    (*m_ctx.channels)[in.channel].close();
    channelEvent<kTraced>(EventKind::ChannelClose, in.line, in.channel, 0, 0);
    return pc + 1;
}

// A try_send that found no room leaves its message this worker's next one;
// drop gives it up, so the next send is a new message. With --when-full retry
// it goes back to that try_send instead: the same message, tried again.
template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Drop>, std::uint32_t pc, const Instruction& in) {
    if (m_ctx.retryWhenFull && m_lastTrySend[in.channel] != kNoTrySend) return m_lastTrySend[in.channel];
    gateCall(EventKind::MessageDropped, in, false, messageTag(m_ctx.worker, m_nextMessage[in.channel]), std::nullopt);
    const std::int64_t tag = messageTag(m_ctx.worker, m_nextMessage[in.channel]++);
    channelEvent<kTraced>(EventKind::MessageDropped, in.line, in.channel, tag, 0);
    return pc + 1;
}

#define RACETRACE_CHANNEL_OP(OP)                                                                                       \
    template std::uint32_t Interpreter::execute<true>(Op<OpCode::OP>, std::uint32_t, const Instruction&);              \
    template std::uint32_t Interpreter::execute<false>(Op<OpCode::OP>, std::uint32_t, const Instruction&);
RACETRACE_CHANNEL_OP(Send)
RACETRACE_CHANNEL_OP(Receive)
RACETRACE_CHANNEL_OP(TrySend)
RACETRACE_CHANNEL_OP(TryReceive)
RACETRACE_CHANNEL_OP(Close)
RACETRACE_CHANNEL_OP(Drop)
#undef RACETRACE_CHANNEL_OP

} // namespace racetrace
