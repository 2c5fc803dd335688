// The kernel lock instructions: a process-shared POSIX semaphore and a robust
// pthread mutex, real system calls on objects in the segment. Like a channel
// call, taking one tries first; only when it is taken does the worker record
// LockWait (stamped when it tried) and wait in the kernel, so the time from
// LockWait to LockAcquire is exactly the time it waited. Each lock's word
// mirrors the object (a semaphore's permits, a mutex's owner) for the memory
// view: written after taking, before releasing, so that in the trace a
// release always comes before the take it lets happen.
#include "lab/interpreter.hpp"

#include "lab/step_gate.hpp"

#include <cerrno>
#include <cstring>

namespace racetrace {

namespace {
constexpr auto kRelaxed = std::memory_order_relaxed;
} // namespace

void Interpreter::gateLock(EventKind kind, const Instruction& in) {
    // No value announced: the mirror word's next value depends on the other
    // workers until the lock is taken (valueKnownAtGate).
    if (m_ctx.slot->gateEnabled.load(kRelaxed) != 0)
        passGate(*m_ctx.slot, *m_ctx.stop, {kind, in.line, in.variable, 0, 0});
}

KernelLock& Interpreter::lockOf(const Instruction& in) const {
    return m_ctx.locks[static_cast<std::size_t>(m_lockIndex[in.variable])];
}

std::uint32_t Interpreter::lockFault(const Instruction& in, const char* call, int error) {
    m_fault = "line " + std::to_string(in.sourceLine) + " of the scenario: " + workerName(m_ctx.worker) + "'s " + call +
              " on " + m_ctx.scenario->variables[in.variable].name + " failed: " + std::strerror(error) + ".";
    return kFault;
}

template <bool kTraced>
std::uint32_t Interpreter::takeLock(const Instruction& in, int (*tryTake)(KernelLock&), int (*take)(KernelLock&),
                                    const char* call) {
    gateLock(EventKind::LockAcquire, in);
    // Read before the wait is announced: a check asked after that must be answered by a try.
    std::uint32_t handledChecks = checksSoFar(*m_ctx.slot);
    Stamp tried;
    if constexpr (kTraced) tried.ticks = readClock(m_ctx.clock.kind, tried.cpu, m_ctx.clock.tscRead);
    int error = tryTake(lockOf(in));
    const auto taken = [](int e) { return e == EBUSY || e == EAGAIN; };
    if (taken(error)) {
        m_ctx.slot->line.store(in.line, kRelaxed);
        m_ctx.slot->blocked.store(lockBlockedWord(in.variable), kRelaxed);
        channelEvent<kTraced>(EventKind::LockWait, in.line, in.variable, 0, 0, tried);
        // Stepping, a worker must never sleep where the parent cannot see it:
        // it tries again whenever the parent asks (after each step of another).
        if (m_ctx.slot->gateEnabled.load(kRelaxed) != 0)
            while (taken(error) && awaitRetry(*m_ctx.slot, *m_ctx.stop, handledChecks))
                error = tryTake(lockOf(in));
        while (taken(error) || error == EINTR)
            error = take(lockOf(in));
        m_ctx.slot->blocked.store(0, kRelaxed);
    }
    // A robust mutex whose owner died: this worker owns it now, and says the state is usable again.
    const bool recovered = error == EOWNERDEAD;
    if (recovered) error = pthread_mutex_consistent(&lockOf(in).object.mutex);
    if (error != 0) return lockFault(in, call, error);
    SharedWord& mirror = m_ctx.words[m_ctx.scenario->variables[in.variable].firstWord];
    const std::int64_t value =
        in.op == OpCode::SemWait ? mirror.fetch_sub(1, kRelaxed) - 1 : static_cast<std::int64_t>(m_ctx.worker) + 1;
    if (in.op != OpCode::SemWait) mirror.store(value, kRelaxed);
    channelEvent<kTraced>(EventKind::LockAcquire, in.line, in.variable, value, recovered ? 1u : 0u);
    return 0;
}

template <bool kTraced>
std::uint32_t Interpreter::releaseLock(const Instruction& in, int (*release)(KernelLock&), const char* call) {
    gateLock(EventKind::LockRelease, in);
    SharedWord& mirror = m_ctx.words[m_ctx.scenario->variables[in.variable].firstWord];
    std::int64_t value = 0;
    if (in.op == OpCode::SemPost)
        value = mirror.fetch_add(1, kRelaxed) + 1;
    else
        mirror.store(0, kRelaxed);
    channelEvent<kTraced>(EventKind::LockRelease, in.line, in.variable, value, 0);
    if (const int error = release(lockOf(in)); error != 0) return lockFault(in, call, error);
    return 0;
}

namespace {
// The calls, each returning 0 or an errno value (sem_* set errno instead).
int semTryWait(KernelLock& lock) {
    return sem_trywait(&lock.object.semaphore) == 0 ? 0 : errno;
}
int semWait(KernelLock& lock) {
    return sem_wait(&lock.object.semaphore) == 0 ? 0 : errno;
}
int semPost(KernelLock& lock) {
    return sem_post(&lock.object.semaphore) == 0 ? 0 : errno;
}
int mutexTryLock(KernelLock& lock) {
    return pthread_mutex_trylock(&lock.object.mutex);
}
int mutexLock(KernelLock& lock) {
    return pthread_mutex_lock(&lock.object.mutex);
}
int mutexUnlock(KernelLock& lock) {
    return pthread_mutex_unlock(&lock.object.mutex);
}
} // namespace

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::SemWait>, std::uint32_t pc, const Instruction& in) {
    return takeLock<kTraced>(in, semTryWait, semWait, "sem_wait") == 0 ? pc + 1 : kFault;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::SemPost>, std::uint32_t pc, const Instruction& in) {
    return releaseLock<kTraced>(in, semPost, "sem_post") == 0 ? pc + 1 : kFault;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::MutexLock>, std::uint32_t pc, const Instruction& in) {
    return takeLock<kTraced>(in, mutexTryLock, mutexLock, "pthread_mutex_lock") == 0 ? pc + 1 : kFault;
}

template <bool kTraced>
std::uint32_t Interpreter::execute(Op<OpCode::MutexUnlock>, std::uint32_t pc, const Instruction& in) {
    return releaseLock<kTraced>(in, mutexUnlock, "pthread_mutex_unlock") == 0 ? pc + 1 : kFault;
}

#define RACETRACE_LOCK_OP(OP)                                                                                          \
    template std::uint32_t Interpreter::execute<true>(Op<OpCode::OP>, std::uint32_t, const Instruction&);              \
    template std::uint32_t Interpreter::execute<false>(Op<OpCode::OP>, std::uint32_t, const Instruction&);
RACETRACE_LOCK_OP(SemWait)
RACETRACE_LOCK_OP(SemPost)
RACETRACE_LOCK_OP(MutexLock)
RACETRACE_LOCK_OP(MutexUnlock)
#undef RACETRACE_LOCK_OP

} // namespace racetrace
