#include "lab/interpreter.hpp"

#include "lab/step_gate.hpp"

#include <algorithm>
#include <csignal>
#include <limits>

#include <sched.h>
#if RACETRACE_HAVE_TSC
#include <immintrin.h>
#endif

namespace racetrace {

namespace {
constexpr auto kRelaxed = std::memory_order_relaxed;

inline void cpuRelax() {
#if RACETRACE_HAVE_TSC
    _mm_pause();
#endif
}
} // namespace

Interpreter::Interpreter(const InterpreterContext& context) : m_ctx(context) {
    // xorshift64 must not start at zero; mix the worker in so workers differ.
    m_random = (context.seed ^ (0x9E3779B97F4A7C15ull * (context.worker + 1))) | 1u;
    if (context.scenario != nullptr) m_lockIndex = kernelLockIndices(*context.scenario);
    if (context.channels == nullptr) return;
    std::uint32_t largest = 0;
    for (const ChannelEndpoint& channel : *context.channels)
        largest = std::max(largest, channel.messageBytes());
    m_nextMessage.assign(context.channels->size(), 0);
    m_lastTrySend.assign(context.channels->size(), kNoTrySend);
    m_message.assign(largest / sizeof(std::int64_t), 0);
}

std::uint64_t Interpreter::nextRandom() {
    m_random ^= m_random << 13;
    m_random ^= m_random >> 7;
    m_random ^= m_random << 17;
    return m_random;
}

inline std::uint32_t Interpreter::variableWords(const Instruction& in) const {
    return m_ctx.scenario->variables[in.variable].words;
}

inline SharedWord& Interpreter::wordAt(const Instruction& in, std::uint32_t word) const {
    return m_ctx.words[m_ctx.scenario->variables[in.variable].firstWord + word];
}

std::uint32_t Interpreter::registerWord(const Instruction& in) {
    const std::int64_t word = m_registers[in.index.value];
    const std::uint32_t words = variableWords(in);
    if (word >= 0 && word < words) return static_cast<std::uint32_t>(word);
    const auto& variable = m_ctx.scenario->variables[in.variable];
    m_fault = "line " + std::to_string(in.sourceLine) + " of the scenario: " + variable.name + "[r" +
              std::to_string(in.index.value) + "] is word " + std::to_string(word) + ", but " + variable.name +
              " has " + std::to_string(words) + " words.";
    return kFault;
}

void Interpreter::busyWait(std::uint64_t ns) {
    if (ns == 0) return;
    // +-25 % jitter so that workers do not fall into lock-step with each other.
    const std::uint64_t jittered = ns * 3 / 4 + nextRandom() % (ns / 2 + 1);
    std::uint32_t cpu = 0;
    const auto kind = m_ctx.clock.kind;
    const std::uint64_t start = readClock(kind, cpu);
    const auto ticks = static_cast<std::uint64_t>(static_cast<double>(jittered) * m_ctx.clock.ticksPerNs);
    while (readClock(kind, cpu) - start < ticks)
        cpuRelax();
}

inline void Interpreter::gate(EventKind kind, const Instruction& in, std::uint32_t word, std::int64_t value) {
    // One relaxed load per access when not stepping; the gate itself is out of line.
    if (m_ctx.slot->gateEnabled.load(kRelaxed) != 0)
        passGate(*m_ctx.slot, *m_ctx.stop, {kind, in.line, in.variable, word, value});
}

inline void Interpreter::emit(EventKind kind, std::uint64_t ticks, std::uint32_t cpu, std::uint16_t line,
                              std::uint16_t variable, std::int64_t value, std::uint32_t aux) {
    Event event;
    event.timestamp = ticks;
    event.value = value;
    event.seq = m_seq++;
    event.aux = aux;
    event.line = line;
    event.variable = variable;
    event.cpu = static_cast<std::uint16_t>(cpu);
    event.kind = kind;
    event.worker = static_cast<std::uint8_t>(m_ctx.worker);
    m_ctx.ring->push(event);
}

template <bool kTraced> void Interpreter::flushSpin() {
    if (m_spinCount == 0) return;
    if constexpr (kTraced)
        emit(EventKind::Spin, m_spinLastTicks, m_spinLastCpu, m_last.line, m_last.variable, m_last.value, m_spinCount);
    m_spinCount = 0;
    m_ctx.slot->spinning.store(0, kRelaxed);
}

template <bool kTraced>
void Interpreter::access(std::uint32_t pc, EventKind kind, std::uint16_t line, std::uint16_t variable,
                         std::int64_t value, std::uint32_t aux, bool unchangedMemory) {
    std::uint32_t cpu = 0;
    std::uint64_t ticks = 0;
    if constexpr (kTraced) ticks = readClock(m_ctx.clock.kind, cpu, m_ctx.clock.tscRead);

    const bool repeat = unchangedMemory && m_last.valid && m_last.pc == pc && m_last.value == value &&
                        m_last.aux == aux && m_spinCount < std::numeric_limits<std::uint32_t>::max();
    if (repeat) {
        if (m_spinCount++ == 0) {
            // Tell the watchdog what we are waiting on, once per streak.
            m_ctx.slot->line.store(line, kRelaxed);
            m_ctx.slot->variable.store(variable, kRelaxed);
            m_ctx.slot->lastValue.store(value, kRelaxed);
            m_ctx.slot->spinning.store(1, kRelaxed);
        }
        m_spinLastTicks = ticks;
        m_spinLastCpu = cpu;
        return;
    }
    flushSpin<kTraced>();
    if constexpr (kTraced) emit(kind, ticks, cpu, line, variable, value, aux);
    m_last = {unchangedMemory, pc, value, aux, line, variable};
    m_ctx.slot->progress.store(++m_progress, kRelaxed);
}

template <bool kTraced> void Interpreter::marker(EventKind kind, std::uint16_t line, std::int64_t value) {
    flushSpin<kTraced>();
    m_last.valid = false;
    if constexpr (kTraced) {
        std::uint32_t cpu = 0;
        const std::uint64_t ticks = readClock(m_ctx.clock.kind, cpu, m_ctx.clock.tscRead);
        emit(kind, ticks, cpu, line, kNoVariable, value, 0);
    }
    m_ctx.slot->progress.store(++m_progress, kRelaxed);
}

template <bool kTraced>
void Interpreter::channelEvent(EventKind kind, std::uint16_t line, std::uint16_t channel, std::int64_t value,
                               std::uint32_t aux, std::optional<Stamp> at) {
    flushSpin<kTraced>();
    m_last.valid = false;
    if constexpr (kTraced) {
        Stamp now;
        if (!at) now.ticks = readClock(m_ctx.clock.kind, now.cpu, m_ctx.clock.tscRead);
        emit(kind, at.value_or(now).ticks, at.value_or(now).cpu, line, channel, value, aux);
    }
    m_ctx.slot->progress.store(++m_progress, kRelaxed);
}
template void Interpreter::channelEvent<true>(EventKind, std::uint16_t, std::uint16_t, std::int64_t, std::uint32_t,
                                              std::optional<Stamp>);
template void Interpreter::channelEvent<false>(EventKind, std::uint16_t, std::uint16_t, std::int64_t, std::uint32_t,
                                               std::optional<Stamp>);

// A record or a mailbox goes word by word, `gap` ns apart, so another worker
// can catch it half-written: one access (and one event) per word.
template <bool kTraced>
void Interpreter::writeEveryWord(std::uint32_t pc, const Instruction& in, std::int64_t value, std::int64_t gap) {
    const auto wait = static_cast<std::uint64_t>(std::max<std::int64_t>(0, gap));
    for (std::uint32_t w = 0, words = variableWords(in); w < words; ++w) {
        if (w > 0) busyWait(wait);
        gate(EventKind::RecordWordWrite, in, w, value);
        wordAt(in, w).store(value, kRelaxed);
        access<kTraced>(pc, EventKind::RecordWordWrite, in.line, in.variable, value, w, false);
    }
}

/// Reads every word back (RecordCheck events); returns word 0.
template <bool kTraced>
std::int64_t Interpreter::readEveryWord(std::uint32_t pc, const Instruction& in, std::int64_t gap) {
    const auto wait = static_cast<std::uint64_t>(std::max<std::int64_t>(0, gap));
    std::int64_t first = 0;
    for (std::uint32_t w = 0, words = variableWords(in); w < words; ++w) {
        if (w > 0) busyWait(wait);
        gate(EventKind::RecordCheck, in, w, 0);
        const std::int64_t value = wordAt(in, w).load(kRelaxed);
        if (w == 0) first = value;
        access<kTraced>(pc, EventKind::RecordCheck, in.line, in.variable, value, w, false);
    }
    return first;
}

// --- the instructions, one handler each ---------------------------------------

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Load>, std::uint32_t pc, const Instruction& in) {
    const std::uint32_t word = wordFor(in);
    if (word == kFault) return kFault;
    gate(EventKind::Load, in, word, 0);
    const std::int64_t value = wordAt(in, word).load(kRelaxed);
    m_registers[in.reg] = value;
    access<kTraced>(pc, EventKind::Load, in.line, in.variable, value, word, true);
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Store>, std::uint32_t pc, const Instruction& in) {
    const std::uint32_t word = wordFor(in);
    if (word == kFault) return kFault;
    const std::int64_t value = operand(in.a);
    gate(EventKind::Store, in, word, value);
    wordAt(in, word).store(value, kRelaxed);
    access<kTraced>(pc, EventKind::Store, in.line, in.variable, value, word, false);
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Move>, std::uint32_t pc, const Instruction& in) {
    m_registers[in.reg] = operand(in.a);
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Add>, std::uint32_t pc, const Instruction& in) {
    m_registers[in.reg] = wrappingDifference(m_registers[in.reg], wrappingDifference(0, operand(in.a)));
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Sub>, std::uint32_t pc, const Instruction& in) {
    m_registers[in.reg] = wrappingDifference(m_registers[in.reg], operand(in.a));
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::BranchEqual>, std::uint32_t pc, const Instruction& in) {
    return m_registers[in.reg] == operand(in.a) ? in.target : pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::BranchNotEqual>, std::uint32_t pc, const Instruction& in) {
    return m_registers[in.reg] != operand(in.a) ? in.target : pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Jump>, std::uint32_t, const Instruction& in) {
    return in.target;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::Exchange>, std::uint32_t pc, const Instruction& in) {
    const std::int64_t desired = operand(in.a);
    gate(EventKind::Exchange, in, 0, desired);
    const std::int64_t old = wordAt(in, 0).exchange(desired, std::memory_order_acq_rel);
    m_registers[in.reg] = old;
    access<kTraced>(pc, EventKind::Exchange, in.line, in.variable, old, static_cast<std::uint32_t>(desired),
                    old == desired);
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::CompareExchange>, std::uint32_t pc, const Instruction& in) {
    std::int64_t observed = operand(in.a);
    const std::int64_t desired = operand(in.b);
    gate(EventKind::CompareExchange, in, 0, desired);
    const bool ok = wordAt(in, 0).compare_exchange_strong(observed, desired, std::memory_order_acq_rel);
    m_registers[in.reg] = observed;
    access<kTraced>(pc, EventKind::CompareExchange, in.line, in.variable, ok ? desired : observed, ok ? 1u : 0u, !ok);
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::FetchAdd>, std::uint32_t pc, const Instruction& in) {
    const std::int64_t delta = operand(in.a);
    gate(EventKind::FetchAdd, in, 0, delta);
    const std::int64_t old = wordAt(in, 0).fetch_add(delta, std::memory_order_acq_rel);
    m_registers[in.reg] = old;
    access<kTraced>(pc, EventKind::FetchAdd, in.line, in.variable, old, static_cast<std::uint32_t>(delta), delta == 0);
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Fence>, std::uint32_t pc, const Instruction& in) {
    gate(EventKind::Fence, in, 0, 0);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    marker<kTraced>(EventKind::Fence, in.line, 0);
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Delay>, std::uint32_t pc, const Instruction& in) {
    busyWait(static_cast<std::uint64_t>(std::max<std::int64_t>(0, operand(in.a))));
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Yield>, std::uint32_t pc, const Instruction&) {
    sched_yield();
    return pc + 1;
}

// The critical-section markers are steps too, so a replay puts them in the
// same order relative to the other workers as the original run.
template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::CsEnter>, std::uint32_t pc, const Instruction& in) {
    gate(EventKind::CsEnter, in, 0, 0);
    marker<kTraced>(EventKind::CsEnter, in.line, 0);
    // --kill: inside now, with the entry recorded; the parent sees the stop and kills.
    if (m_ctx.killAtEntry != 0 && ++m_entries == m_ctx.killAtEntry) raise(SIGSTOP);
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::CsExit>, std::uint32_t pc, const Instruction& in) {
    gate(EventKind::CsExit, in, 0, 0);
    marker<kTraced>(EventKind::CsExit, in.line, 0);
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::WriteRecord>, std::uint32_t pc, const Instruction& in) {
    writeEveryWord<kTraced>(pc, in, static_cast<std::int64_t>(m_ctx.worker) + 1, operand(in.a));
    return pc + 1;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::CheckRecord>, std::uint32_t pc, const Instruction& in) {
    readEveryWord<kTraced>(pc, in, 0);
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Exit>, std::uint32_t, const Instruction&) {
    return kExit;
}

// A mailbox handoff (lecture notes, 3.1): the message goes in word by word, and
// comes out word by word, so a reader can catch it half-written.
template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Put>, std::uint32_t pc, const Instruction& in) {
    writeEveryWord<kTraced>(pc, in, operand(in.a), operand(in.b));
    return pc + 1;
}

template <bool kTraced> std::uint32_t Interpreter::execute(Op<OpCode::Get>, std::uint32_t pc, const Instruction& in) {
    m_registers[in.reg] = readEveryWord<kTraced>(pc, in, operand(in.a));
    return pc + 1;
}

// --- the loop ------------------------------------------------------------------

template <bool kTraced> std::uint64_t Interpreter::runLoop(std::uint64_t iterations) {
    constexpr auto kEveryOp = std::make_index_sequence<kInstructionSet.size()>{};
    const auto& code = m_ctx.program->code;
    const auto size = static_cast<std::uint32_t>(code.size());
    marker<kTraced>(EventKind::WorkerStart, 0, 0);
    std::uint64_t done = 0;
    for (bool stopped = false; done < iterations && !stopped; ++done) {
        if (m_ctx.stop->load(kRelaxed) != 0) break;
        for (std::uint32_t pc = 0; pc < size;) {
            const Instruction& in = code[pc];
            const std::uint32_t next = step<kTraced>(pc, in, kEveryOp);
            if (next == kExit) {
                done = iterations - 1; // the program is over: the loop's ++done completes it
                break;
            }
            if (next > size) {
                flushSpin<kTraced>();
                return done; // a fault: the worker reports it and ends (no WorkerExit)
            }
            // A backward jump is where a spin loop turns: check for Stop there.
            if (next <= pc && m_ctx.stop->load(kRelaxed) != 0) {
                stopped = true;
                break;
            }
            pc = next;
        }
        if (stopped) break;
        m_ctx.slot->iterationsDone.store(done + 1, kRelaxed);
    }
    marker<kTraced>(EventKind::WorkerExit, 0, static_cast<std::int64_t>(done));
    return done;
}

std::uint64_t Interpreter::run(std::uint64_t iterations) {
    m_iterations = iterations;
    return m_ctx.ring != nullptr ? runLoop<true>(iterations) : runLoop<false>(iterations);
}

} // namespace racetrace
