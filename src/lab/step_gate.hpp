// The step gate: how the user takes the scheduler's seat. With the gate enabled
// a worker announces each shared access or channel call it is about to make,
// then waits until the parent grants it one permit; so the real processes make
// their real accesses in exactly the order the user (or a saved schedule)
// chooses.
//
//   worker K                               parent
//   ----------------------------------     ---------------------------------
//   pending* = next access
//   gateArrivals += 1            ───────►  sees the announcement ("A: read Y")
//   wait until gatePermits > 0   ◄───────  gatePermits += 1, signal (step A)
//   gatePermits -= 1, make the access
//   ... runs on to its next access, announces it ...  parent waits for that
//
// The parent grants one step at a time and waits for the worker to announce its
// next access (or finish) before granting another, so the recorded order of
// accesses equals the chosen order. (A replay may grant a run of one worker's
// accesses that cannot wait at once: every other worker waits at its gate
// meanwhile, so the order still holds.)
//
// Channel calls add two things. An announced call says what it would find if
// it were made now (CallOutlook, from poll(): "empty: will block"); another
// worker's step can change that, so the parent asks for a fresh look
// (checkRequests) after every step. And a call that has to wait does not sleep
// in the kernel while stepping: the user is the scheduler, and a sleeping
// process cannot tell the parent whether a step woke it. It records
// BlockedBegin like any blocked call, then tries again each time the parent
// asks (after every step), until the call goes through; the recorded events
// are the same as when it blocks in the kernel. Once the gate opens ("run
// freely") it makes the real waiting call.
#pragma once

#include "lab/channel_endpoint.hpp"
#include "lab/segment_layout.hpp"
#include "trace/event.hpp"

#include <atomic>
#include <cstdint>
#include <functional>

namespace racetrace {

/// What a worker is about to do, as announced at its gate.
struct PendingAccess {
    EventKind kind = EventKind::Invalid;
    std::uint16_t line = 0;
    std::uint16_t variable = kNoVariable; ///< for a channel call (Send, Receive...): the channel
    std::uint32_t word = 0;               ///< for a channel call: 1 if it is the waiting form
    std::int64_t value = 0;               ///< the value a write will store, the tag a send will carry
    CallOutlook outlook = CallOutlook::NotACall;
};

/// Worker side: announce `access`, then wait for a permit (or for the gate to
/// open, or for `stop`). `look`, for a channel call, tells its outlook now; it
/// is asked again whenever the parent asks. Called only when slot.gateEnabled is set.
void passGate(WorkerSlot& slot, const std::atomic<std::uint32_t>& stop, const PendingAccess& access,
              const std::function<CallOutlook()>& look = {});
/// Worker side, in a call that has to wait while stepping: checksSoFar() when
/// the call first finds it must wait, then awaitRetry() after every try that
/// still must: it answers the checks `handled` so far ("still waiting") and
/// waits for the next. True: try again now; false: the gate opened or the run
/// stops (make the real waiting call).
std::uint32_t checksSoFar(const WorkerSlot& slot);
bool awaitRetry(WorkerSlot& slot, const std::atomic<std::uint32_t>& stop, std::uint32_t& handled);

/// Parent side: lets the worker make `count` more accesses (a replay grants a
/// run of one worker's accesses at once: one handoff instead of `count`).
void grantStep(WorkerSlot& slot, std::uint32_t count = 1);
/// Parent side: turns the gate off for good ("run freely").
void openGate(WorkerSlot& slot);
/// Parent side: asks a worker waiting at its gate for a fresh outlook, or a
/// worker waiting in a channel call to try again. checkAnswered() says when it has.
void requestCheck(WorkerSlot& slot);
bool checkAnswered(const WorkerSlot& slot);
/// Parent side: what the worker announced last.
PendingAccess announcedAccess(const WorkerSlot& slot);

} // namespace racetrace
