#include "lab/step_gate.hpp"

#include "ipc/futex.hpp"

namespace racetrace {

namespace {
constexpr std::int64_t kWaitSliceNs = 20'000'000; // re-check stop and the gate every 20 ms

bool gateOpen(const WorkerSlot& slot, const std::atomic<std::uint32_t>& stop) {
    return slot.gateEnabled.load(std::memory_order_acquire) == 0 || stop.load(std::memory_order_relaxed) != 0;
}

bool checkPending(const WorkerSlot& slot) {
    return slot.checkRequests.load(std::memory_order_acquire) != slot.checksDone.load(std::memory_order_acquire);
}

/// Answers every check asked so far (the outlook, if any, is stored first).
void answerChecks(WorkerSlot& slot) {
    slot.checksDone.store(slot.checkRequests.load(std::memory_order_acquire), std::memory_order_release);
}

void signal(WorkerSlot& slot) {
    slot.gateSignal.fetch_add(1, std::memory_order_acq_rel);
    futexWakeAll(slot.gateSignal);
}
} // namespace

void passGate(WorkerSlot& slot, const std::atomic<std::uint32_t>& stop, const PendingAccess& access,
              const std::function<CallOutlook()>& look) {
    const auto lookNow = [&] { return static_cast<std::uint32_t>(look ? look() : CallOutlook::NotACall); };
    slot.pendingKind.store(static_cast<std::uint32_t>(access.kind), std::memory_order_relaxed);
    slot.pendingLine.store(access.line, std::memory_order_relaxed);
    slot.pendingVariable.store(access.variable, std::memory_order_relaxed);
    slot.pendingWord.store(access.word, std::memory_order_relaxed);
    slot.pendingValue.store(access.value, std::memory_order_relaxed);
    slot.pendingOutlook.store(lookNow(), std::memory_order_relaxed);
    answerChecks(slot);                                        // the announcement is the freshest look
    slot.gateArrivals.fetch_add(1, std::memory_order_release); // publishes the pending fields
    while (!gateOpen(slot, stop)) {
        const std::uint32_t seen = slot.gateSignal.load(std::memory_order_acquire);
        std::uint32_t permits = slot.gatePermits.load(std::memory_order_acquire);
        if (permits > 0) {
            if (slot.gatePermits.compare_exchange_weak(permits, permits - 1, std::memory_order_acq_rel)) return;
            continue;
        }
        if (checkPending(slot)) {
            slot.pendingOutlook.store(lookNow(), std::memory_order_relaxed);
            answerChecks(slot);
            continue;
        }
        futexWait(slot.gateSignal, seen, kWaitSliceNs);
    }
}

std::uint32_t checksSoFar(const WorkerSlot& slot) {
    return slot.checkRequests.load(std::memory_order_acquire);
}

bool awaitRetry(WorkerSlot& slot, const std::atomic<std::uint32_t>& stop, std::uint32_t& handled) {
    slot.checksDone.store(handled, std::memory_order_release);
    while (!gateOpen(slot, stop)) {
        const std::uint32_t seen = slot.gateSignal.load(std::memory_order_acquire);
        if (const std::uint32_t requests = checksSoFar(slot); requests != handled) {
            handled = requests;
            return true;
        }
        futexWait(slot.gateSignal, seen, kWaitSliceNs);
    }
    return false;
}

void grantStep(WorkerSlot& slot, std::uint32_t count) {
    slot.gatePermits.fetch_add(count, std::memory_order_acq_rel);
    signal(slot);
}

void openGate(WorkerSlot& slot) {
    slot.gateEnabled.store(0, std::memory_order_release);
    signal(slot);
}

void requestCheck(WorkerSlot& slot) {
    slot.checkRequests.fetch_add(1, std::memory_order_acq_rel);
    signal(slot);
}

bool checkAnswered(const WorkerSlot& slot) {
    return !checkPending(slot);
}

PendingAccess announcedAccess(const WorkerSlot& slot) {
    PendingAccess access;
    const auto kind = slot.pendingKind.load(std::memory_order_relaxed);
    access.kind = kind < kEventKindCount ? static_cast<EventKind>(kind) : EventKind::Invalid;
    access.line = static_cast<std::uint16_t>(slot.pendingLine.load(std::memory_order_relaxed));
    access.variable = static_cast<std::uint16_t>(slot.pendingVariable.load(std::memory_order_relaxed));
    access.word = slot.pendingWord.load(std::memory_order_relaxed);
    access.value = slot.pendingValue.load(std::memory_order_relaxed);
    const auto outlook = slot.pendingOutlook.load(std::memory_order_relaxed);
    access.outlook = outlook <= static_cast<std::uint32_t>(CallOutlook::MayWait) ? static_cast<CallOutlook>(outlook)
                                                                                 : CallOutlook::NotACall;
    return access;
}

} // namespace racetrace
