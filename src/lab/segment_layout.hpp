// The layout of a run's shared segment: the ABI between the parent and its
// workers. Each process maps the segment at a different address, so everything
// is found by offset, and only fixed-width types and lock-free atomics live here.
//
//   offset 0           +------------------------------+
//                      | SegmentHeader (4 KiB)        |  layout, RunParameters, barrier
//   scenarioOffset     | scenario TOML text           |  the worker parses the same program
//   variablesOffset    | variable words (int64)       |  the shared variables raced on
//   locksOffset        | KernelLock[lockCount]        |  semaphores and mutexes (pshared)
//   slotsOffset        | WorkerSlot[workerCount]      |  status for the watchdog, step gate
//   notesOffset        | char[kNoteBytes][workers]    |  why a worker gave up, in words
//   ringsOffset        | ring 0: RingControl + slots  |  one SPSC trace ring per worker
//                      | ring 1 ...  (ringStride)     |
//                      +------------------------------+  totalBytes
//
// Who writes what (everything else is read-only after the spawn):
//
//   field                         parent            worker K
//   ----------------------------  ----------------  -------------------------
//   header (layout, parameters)   once, before spawn never
//   header.readyCount             never             +1 when at the barrier
//   header.go / header.stop       sets              reads
//   variable words                initial values    raced on (the experiment)
//   kernel locks                  sem_init/mutex_init  sem_wait/post, mutex_lock/unlock
//   slots[K].pid/state/progress   never             writes (blocked: while in a channel call)
//   slots[K].pinnedCpu            before spawn      reads
//   slots[K].gateEnabled/Permits  sets (stepping)   takes permits, waits
//   slots[K].gateSignal/Requests  sets (stepping)   waits on the signal
//   slots[K].gateArrivals/pending never             announces its next access
//   slots[K].checksDone/Outlook   never             answers the parent's checks
//   note K                        never             one sentence before a failing exit
//   ring K head / dropped         never             writes
//   ring K tail                   writes            reads
//
// Both sides reach the parts through one SegmentView, made by validateSegment():
// the worker checks what it inherited exactly as the parent checks what it
// wrote. The parent never trusts what a worker wrote afterwards: ring counters
// are bounds-checked (RingConsumer), slot fields are only displayed after clamping.
#pragma once

#include "ipc/machine_clock.hpp"
#include "ipc/result.hpp"
#include "trace/trace_ring.hpp"

#include <pthread.h>
#include <semaphore.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace racetrace {

inline constexpr std::uint64_t kSegmentMagic = 0x544e454d47455354ull; // "TSEGMENT" read little-endian
inline constexpr std::uint32_t kSegmentAbiVersion = 5;

enum class WorkerState : std::uint32_t {
    Starting = 0, ///< spawned, not yet at the barrier
    Ready = 1,    ///< waiting at the start barrier
    Running = 2,  ///< executing its program
    Finished = 3, ///< finished all iterations (or was told to stop)
    Failed = 4,   ///< could not start (bad segment, bad program)
};

/// Everything a worker needs to run besides its index: written once by the
/// parent before the spawn, never changed. (Lab's RunOptions resolve into it.)
struct RunParameters {
    std::uint32_t workerCount;
    std::uint32_t traceEnabled;   ///< 0: --no-trace, record nothing
    std::uint64_t iterations;     ///< per worker
    std::uint64_t windowNs;       ///< the race window ("delay window")
    std::uint64_t seed;           ///< of the delay jitter
    std::uint32_t clockKind;      ///< ClockKind
    std::uint32_t tscRead;        ///< TscRead: how workers read the TSC
    double ticksPerNs;            ///< clock calibration
    std::uint64_t clockBaseTicks; ///< "time zero" of the run
    std::uint32_t messageBytes;   ///< every channel's message size (--message-bytes); 0: the scenario's
    std::uint32_t retryWhenFull;  ///< 1: `drop` tries the failed send again (--when-full retry)
    std::uint32_t killWorker;     ///< --kill: this worker stops itself (SIGSTOP) for the parent to kill
    std::uint32_t reserved0;
    std::uint64_t killAtEntry; ///< ... at this entry into the critical section (from 1); 0: no kill
};
static_assert(sizeof(RunParameters) == 80 && std::is_trivially_copyable_v<RunParameters>);

/// Where the parts are, in bytes from the segment's start.
struct SegmentLayout {
    std::uint64_t totalBytes;
    std::uint64_t scenarioOffset;
    std::uint64_t scenarioBytes;
    std::uint64_t variablesOffset;
    std::uint64_t wordCount; ///< int64 words in the variable area
    std::uint64_t slotsOffset;
    std::uint64_t notesOffset;
    std::uint64_t ringsOffset;
    std::uint64_t ringStride;   ///< bytes from one ring's control to the next
    std::uint64_t ringCapacity; ///< events per ring, a power of two
    std::uint64_t locksOffset;
    std::uint64_t lockCount; ///< KernelLocks: one per semaphore or mutex variable, in declaration order
};
static_assert(sizeof(SegmentLayout) == 96 && std::is_trivially_copyable_v<SegmentLayout>);

struct SegmentHeader {
    std::uint64_t magic;
    std::uint32_t abiVersion;
    std::uint32_t headerBytes;
    SegmentLayout layout;
    RunParameters parameters;
    alignas(kCacheLine) std::atomic<std::uint32_t> readyCount; ///< workers at the start barrier
    alignas(kCacheLine) std::atomic<std::uint32_t> go;         ///< 1: start barrier open
    std::atomic<std::uint32_t> stop;                           ///< 1: workers stop at their next instruction
};
static_assert(sizeof(SegmentHeader) <= 4096, "the header must fit its page");
static_assert(alignof(SegmentHeader) == kCacheLine);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

/// One per worker: what it is doing, for the watchdog and the window; its gate.
struct alignas(kCacheLine) WorkerSlot {
    // written by the worker
    std::atomic<std::int32_t> pid;
    std::atomic<std::uint32_t> state;    ///< WorkerState
    std::atomic<std::uint64_t> progress; ///< accesses that were not spin repeats
    std::atomic<std::uint64_t> iterationsDone;
    std::atomic<std::uint32_t> line;     ///< program line of the latest access
    std::atomic<std::uint32_t> variable; ///< variable of the latest access (kNoVariable: none)
    std::atomic<std::int64_t> lastValue; ///< value of the latest access
    std::atomic<std::uint32_t> spinning; ///< 1 while repeating an identical access
    std::atomic<std::uint32_t> blocked;  ///< 0, or waiting in a channel call: see blockedWord()
    // written by the parent before the spawn
    std::int32_t pinnedCpu; ///< -1: not pinned
    std::uint32_t reserved0;
    // Step gate (see lab/step_gate.hpp). The parent grants permits; before each
    // shared access the worker announces it, then takes one permit or waits.
    alignas(kCacheLine) std::atomic<std::uint32_t> gateEnabled; ///< parent: 1 = wait at every access
    std::atomic<std::uint32_t> gatePermits;                     ///< parent adds, worker takes
    std::atomic<std::uint32_t> gateArrivals;                    ///< worker: accesses announced so far
    std::atomic<std::uint32_t> pendingKind;                     ///< worker: EventKind of the announced access
    std::atomic<std::uint32_t> pendingLine;                     ///< worker: its program line
    std::atomic<std::uint32_t> pendingVariable;                 ///< worker: its variable
    std::atomic<std::uint32_t> pendingWord;                     ///< worker: its word within the variable
    std::atomic<std::int64_t> pendingValue;                     ///< worker: the value a write will store
    std::atomic<std::uint32_t> gateSignal;     ///< parent: +1 whenever it wants the worker to look again; futex word
    std::atomic<std::uint32_t> checkRequests;  ///< parent: +1 to ask for a fresh CallOutlook or a retry
    std::atomic<std::uint32_t> checksDone;     ///< worker: the requests answered so far
    std::atomic<std::uint32_t> pendingOutlook; ///< worker: CallOutlook of the announced channel call
};
static_assert(sizeof(WorkerSlot) == 2 * kCacheLine, "WorkerSlot is part of the segment ABI");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::int64_t>::is_always_lock_free);

/// WorkerSlot::blocked while a worker waits in a channel call: the channel + 1
/// and the ChannelDirection (bit 16), so that the watchdog can say who waits where.
constexpr std::uint32_t blockedWord(std::uint16_t channel, bool sending) {
    return (std::uint32_t{channel} + 1) | (sending ? 1u << 16 : 0u);
}
constexpr std::uint16_t blockedChannel(std::uint32_t word) {
    return static_cast<std::uint16_t>((word & 0xFFFF) - 1);
}
constexpr bool blockedSending(std::uint32_t word) {
    return (word >> 16 & 1u) != 0;
}
/// WorkerSlot::blocked while a worker waits for a kernel lock (bit 17): the variable + 1.
constexpr std::uint32_t lockBlockedWord(std::uint16_t variable) {
    return (std::uint32_t{variable} + 1) | 1u << 17;
}
constexpr bool blockedOnLock(std::uint32_t word) {
    return (word >> 17 & 1u) != 0;
}
constexpr std::uint16_t blockedLock(std::uint32_t word) {
    return static_cast<std::uint16_t>((word & 0xFFFF) - 1);
}

/// A semaphore or a mutex the kernel manages, shared by every worker
/// (pshared). Which one a lock is follows from its variable's role.
struct alignas(kCacheLine) KernelLock {
    union Object {
        sem_t semaphore;
        pthread_mutex_t mutex;
    } object;
};
static_assert(sizeof(KernelLock) == kCacheLine && std::is_trivially_copyable_v<KernelLock>,
              "KernelLock is part of the segment ABI");

/// What the parent sets a kernel lock up as.
struct KernelLockPlan {
    bool mutex = false;        ///< a robust pthread mutex; otherwise a semaphore
    std::uint32_t permits = 1; ///< a semaphore's initial value
};

/// The variable words, as atomics. Plain reads and writes are relaxed atomics:
/// the race stays a logic race, never C++ undefined behaviour.
using SharedWord = std::atomic<std::int64_t>;
static_assert(sizeof(SharedWord) == 8 && SharedWord::is_always_lock_free);

/// Bytes of each worker's note (a sentence; the parent reads at most this much).
inline constexpr std::uint64_t kNoteBytes = 256;

/// What the parent lays out: the parts' sizes and the run's parameters.
struct SegmentPlan {
    std::string_view scenarioText;
    std::uint64_t wordCount = 0;
    std::uint64_t ringCapacity = 0; ///< a power of two
    RunParameters parameters{};
    std::span<const KernelLockPlan> locks; ///< set up (process-shared) by initialiseSegment
};

/// The offsets of every part for `plan` (page-aligned parts).
SegmentLayout layoutFor(const SegmentPlan& plan);

/// Typed access to the parts of a segment whose header validateSegment()
/// checked: every offset and size lies inside the mapping.
class SegmentView {
  public:
    SegmentView() = default;
    /// False for a view of nothing (a run that failed before its segment existed).
    bool valid() const { return m_header != nullptr; }
    SegmentHeader& header() const { return *m_header; }
    const RunParameters& parameters() const { return m_header->parameters; }
    std::uint32_t workerCount() const { return m_header->parameters.workerCount; }
    std::string_view scenarioText() const;
    SharedWord* words() const;
    KernelLock* locks() const; ///< layout().lockCount of them
    std::uint64_t lockCount() const { return m_header->layout.lockCount; }
    WorkerSlot& slot(std::uint32_t worker) const;
    RingControl* ringControl(std::uint32_t worker) const;
    Event* ringSlots(std::uint32_t worker) const;
    /// Worker: leaves one sentence for the parent before a failing exit.
    void writeNote(std::uint32_t worker, std::string_view sentence) const;
    /// Parent: the worker's note, cut at kNoteBytes and cleaned of control
    /// characters (a worker may have scribbled there); empty when none.
    std::string note(std::uint32_t worker) const;
    std::uint64_t ringCapacity() const { return m_header->layout.ringCapacity; }
    std::uint64_t ringBytes() const { return m_header->layout.ringStride; }
    /// The clock the workers stamp events with.
    ClockCalibration clock() const;

  private:
    friend Result<SegmentView> validateSegment(std::byte* base, std::uint64_t size);
    std::byte* m_base = nullptr;
    SegmentHeader* m_header = nullptr;
};

/// Checks a mapped segment against this program's ABI (magic, version, every
/// part inside `size`, ring geometry); the error is one clause for a message.
Result<SegmentView> validateSegment(std::byte* base, std::uint64_t size);

/// Parent: constructs the header, the scenario text, the variable words (all
/// zero), the kernel locks (process-shared; a mutex robust), the worker slots
/// and the rings in `base` (layoutFor(plan).totalBytes bytes, zero-filled),
/// then validates the result like a worker will.
Result<SegmentView> initialiseSegment(std::byte* base, std::uint64_t size, const SegmentPlan& plan);

} // namespace racetrace
