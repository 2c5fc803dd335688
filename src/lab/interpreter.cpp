#include "lab/interpreter.hpp"

#include "lab/step_gate.hpp"

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
}

std::uint64_t Interpreter::nextRandom() {
    m_random ^= m_random << 13;
    m_random ^= m_random >> 7;
    m_random ^= m_random << 17;
    return m_random;
}

std::int64_t Interpreter::operand(const Operand& op) const {
    switch (op.kind) {
    case Operand::Kind::Register: return m_registers[static_cast<std::size_t>(op.value)];
    case Operand::Kind::Immediate: return op.value;
    case Operand::Kind::Me: return static_cast<std::int64_t>(m_ctx.worker) + 1;
    case Operand::Kind::Window: return static_cast<std::int64_t>(m_ctx.windowNs);
    case Operand::Kind::None: return 0;
    }
    return 0;
}

SharedWord& Interpreter::wordOf(const Instruction& in, std::uint32_t word) const {
    return m_ctx.words[m_ctx.scenario->variables[in.variable].firstWord + word];
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

template <bool kTraced> std::uint64_t Interpreter::runLoop(std::uint64_t iterations) {
    const auto& code = m_ctx.program->code;
    const auto size = static_cast<std::uint32_t>(code.size());
    auto& slot = *m_ctx.slot;
    marker<kTraced>(EventKind::WorkerStart, 0, 0);
    std::uint64_t done = 0;
    bool stopped = false;
    for (; done < iterations && !stopped; ++done) {
        if (m_ctx.stop->load(kRelaxed) != 0) break;
        std::uint32_t pc = 0;
        while (pc < size) {
            const Instruction& in = code[pc];
            std::uint32_t next = pc + 1;
            switch (in.op) {
            case OpCode::Load: {
                gate(EventKind::Load, in, in.word, 0);
                const std::int64_t value = wordOf(in, in.word).load(kRelaxed);
                m_registers[in.reg] = value;
                access<kTraced>(pc, EventKind::Load, in.line, in.variable, value, in.word, true);
                break;
            }
            case OpCode::Store: {
                const std::int64_t value = operand(in.a);
                gate(EventKind::Store, in, in.word, value);
                wordOf(in, in.word).store(value, kRelaxed);
                access<kTraced>(pc, EventKind::Store, in.line, in.variable, value, in.word, false);
                break;
            }
            case OpCode::Move: m_registers[in.reg] = operand(in.a); break;
            case OpCode::Add: m_registers[in.reg] += operand(in.a); break;
            case OpCode::Sub: m_registers[in.reg] -= operand(in.a); break;
            case OpCode::BranchEqual:
                if (m_registers[in.reg] == operand(in.a)) next = in.target;
                break;
            case OpCode::BranchNotEqual:
                if (m_registers[in.reg] != operand(in.a)) next = in.target;
                break;
            case OpCode::Jump: next = in.target; break;
            case OpCode::Exchange: {
                const std::int64_t desired = operand(in.a);
                gate(EventKind::Exchange, in, in.word, desired);
                const std::int64_t old = wordOf(in, in.word).exchange(desired, std::memory_order_acq_rel);
                m_registers[in.reg] = old;
                access<kTraced>(pc, EventKind::Exchange, in.line, in.variable, old, static_cast<std::uint32_t>(desired),
                                old == desired);
                break;
            }
            case OpCode::CompareExchange: {
                std::int64_t observed = operand(in.a);
                const std::int64_t desired = operand(in.b);
                gate(EventKind::CompareExchange, in, in.word, desired);
                const bool ok =
                    wordOf(in, in.word).compare_exchange_strong(observed, desired, std::memory_order_acq_rel);
                m_registers[in.reg] = observed;
                access<kTraced>(pc, EventKind::CompareExchange, in.line, in.variable, ok ? desired : observed,
                                ok ? 1u : 0u, !ok);
                break;
            }
            case OpCode::FetchAdd: {
                const std::int64_t delta = operand(in.a);
                gate(EventKind::FetchAdd, in, in.word, delta);
                const std::int64_t old = wordOf(in, in.word).fetch_add(delta, std::memory_order_acq_rel);
                m_registers[in.reg] = old;
                access<kTraced>(pc, EventKind::FetchAdd, in.line, in.variable, old, static_cast<std::uint32_t>(delta),
                                delta == 0);
                break;
            }
            case OpCode::Fence:
                gate(EventKind::Fence, in, 0, 0);
                std::atomic_thread_fence(std::memory_order_seq_cst);
                marker<kTraced>(EventKind::Fence, in.line, 0);
                break;
            case OpCode::Delay: busyWait(static_cast<std::uint64_t>(std::max<std::int64_t>(0, operand(in.a)))); break;
            case OpCode::Yield: sched_yield(); break;
            // The critical-section markers are steps too, so a replay puts them in
            // the same order relative to the other workers as the original run.
            case OpCode::CsEnter:
                gate(EventKind::CsEnter, in, 0, 0);
                marker<kTraced>(EventKind::CsEnter, in.line, 0);
                break;
            case OpCode::CsExit:
                gate(EventKind::CsExit, in, 0, 0);
                marker<kTraced>(EventKind::CsExit, in.line, 0);
                break;
            case OpCode::WriteRecord: {
                const auto words = m_ctx.scenario->variables[in.variable].words;
                const std::int64_t signature = static_cast<std::int64_t>(m_ctx.worker) + 1;
                const auto gap = static_cast<std::uint64_t>(std::max<std::int64_t>(0, operand(in.a)));
                for (std::uint32_t w = 0; w < words; ++w) {
                    if (w > 0) busyWait(gap);
                    gate(EventKind::RecordWordWrite, in, w, signature);
                    wordOf(in, w).store(signature, kRelaxed);
                    access<kTraced>(pc, EventKind::RecordWordWrite, in.line, in.variable, signature, w, false);
                }
                break;
            }
            case OpCode::CheckRecord: {
                const auto words = m_ctx.scenario->variables[in.variable].words;
                for (std::uint32_t w = 0; w < words; ++w) {
                    gate(EventKind::RecordCheck, in, w, 0);
                    const std::int64_t value = wordOf(in, w).load(kRelaxed);
                    access<kTraced>(pc, EventKind::RecordCheck, in.line, in.variable, value, w, false);
                }
                break;
            }
            }
            // A backward jump is where a spin loop turns: check for Stop there.
            if (next <= pc && m_ctx.stop->load(kRelaxed) != 0) {
                stopped = true;
                break;
            }
            pc = next;
        }
        if (stopped) break;
        slot.iterationsDone.store(done + 1, kRelaxed);
    }
    marker<kTraced>(EventKind::WorkerExit, 0, static_cast<std::int64_t>(done));
    return done;
}

std::uint64_t Interpreter::run(std::uint64_t iterations) {
    return m_ctx.ring != nullptr ? runLoop<true>(iterations) : runLoop<false>(iterations);
}

} // namespace racetrace
