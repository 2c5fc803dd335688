#include "lab/step_gate.hpp"

#include "ipc/futex.hpp"

namespace racetrace {

namespace {
constexpr std::int64_t kWaitSliceNs = 20'000'000; // re-check stop and the gate every 20 ms
}

void passGate(WorkerSlot& slot, const std::atomic<std::uint32_t>& stop, const PendingAccess& access) {
    slot.pendingKind.store(static_cast<std::uint32_t>(access.kind), std::memory_order_relaxed);
    slot.pendingLine.store(access.line, std::memory_order_relaxed);
    slot.pendingVariable.store(access.variable, std::memory_order_relaxed);
    slot.pendingWord.store(access.word, std::memory_order_relaxed);
    slot.pendingValue.store(access.value, std::memory_order_relaxed);
    slot.gateArrivals.fetch_add(1, std::memory_order_release); // publishes the pending fields
    while (slot.gateEnabled.load(std::memory_order_acquire) != 0 && stop.load(std::memory_order_relaxed) == 0) {
        std::uint32_t permits = slot.gatePermits.load(std::memory_order_acquire);
        if (permits > 0) {
            if (slot.gatePermits.compare_exchange_weak(permits, permits - 1, std::memory_order_acq_rel)) return;
            continue;
        }
        futexWait(slot.gatePermits, 0, kWaitSliceNs);
    }
}

void grantStep(WorkerSlot& slot) {
    slot.gatePermits.fetch_add(1, std::memory_order_acq_rel);
    futexWakeAll(slot.gatePermits);
}

void openGate(WorkerSlot& slot) {
    slot.gateEnabled.store(0, std::memory_order_release);
    slot.gatePermits.fetch_add(1, std::memory_order_acq_rel); // changes the futex word so the sleeper wakes
    futexWakeAll(slot.gatePermits);
}

PendingAccess announcedAccess(const WorkerSlot& slot) {
    PendingAccess access;
    const auto kind = slot.pendingKind.load(std::memory_order_relaxed);
    access.kind = kind < kEventKindCount ? static_cast<EventKind>(kind) : EventKind::Invalid;
    access.line = static_cast<std::uint16_t>(slot.pendingLine.load(std::memory_order_relaxed));
    access.variable = static_cast<std::uint16_t>(slot.pendingVariable.load(std::memory_order_relaxed));
    access.word = slot.pendingWord.load(std::memory_order_relaxed);
    access.value = slot.pendingValue.load(std::memory_order_relaxed);
    return access;
}

} // namespace racetrace
