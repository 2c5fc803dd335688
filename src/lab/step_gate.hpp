// The step gate: how the user takes the scheduler's seat. With the gate enabled
// a worker announces each shared access it is about to make, then waits until
// the parent grants it one permit; so the real processes make their real
// accesses in exactly the order the user (or a saved schedule) chooses.
//
//   worker K                               parent
//   ----------------------------------     ---------------------------------
//   pending* = next access
//   gateArrivals += 1            ───────►  sees the announcement ("A: read Y")
//   wait until gatePermits > 0   ◄───────  gatePermits += 1, wake   (step A)
//   gatePermits -= 1, make the access
//   ... runs on to its next access, announces it ...  parent waits for that
//
// The parent grants one step at a time and waits for the worker to announce its
// next access (or finish) before granting another, so the recorded order of
// accesses equals the chosen order.
#pragma once

#include "lab/segment_layout.hpp"
#include "trace/event.hpp"

#include <atomic>
#include <cstdint>

namespace racetrace {

/// What a worker is about to do, as announced at its gate.
struct PendingAccess {
    EventKind kind = EventKind::Invalid;
    std::uint16_t line = 0;
    std::uint16_t variable = kNoVariable;
    std::uint32_t word = 0;
    std::int64_t value = 0; ///< the value a write will store
};

/// Worker side: announce `access`, then wait for a permit (or for the gate to
/// open, or for `stop`). Called only when slot.gateEnabled is set.
void passGate(WorkerSlot& slot, const std::atomic<std::uint32_t>& stop, const PendingAccess& access);

/// Parent side: lets the worker make one more access.
void grantStep(WorkerSlot& slot);
/// Parent side: turns the gate off for good ("run freely").
void openGate(WorkerSlot& slot);
/// Parent side: what the worker announced last.
PendingAccess announcedAccess(const WorkerSlot& slot);

} // namespace racetrace
