// The layout of a run's shared segment: the ABI between the parent and its
// workers. Each process maps the segment at a different address, so everything
// is found by offset, and only fixed-width types and lock-free atomics live here.
//
//   offset 0           +------------------------------+
//                      | SegmentHeader (4 KiB)        |  run parameters, clock, barrier
//   scenarioOffset     | scenario TOML text           |  the worker parses the same program
//   variablesOffset    | variable words (int64)       |  the shared variables raced on
//   slotsOffset        | WorkerSlot[workerCount]      |  status for the watchdog, step gate
//   ringsOffset        | ring 0: RingControl + slots  |  one SPSC trace ring per worker
//                      | ring 1 ...  (ringStride)     |
//                      +------------------------------+  totalBytes
//
// Who writes what (everything else is read-only after the spawn):
//
//   field                         parent            worker K
//   ----------------------------  ----------------  -------------------------
//   header (all plain fields)     before spawn      never
//   header.readyCount             never             +1 when at the barrier
//   header.go / header.stop       sets              reads
//   variable words                initial values    raced on (the experiment)
//   slots[K].pid/state/progress   never             writes
//   slots[K].pinnedCpu            before spawn      reads
//   slots[K].gateEnabled/Permits  sets (stepping)   takes permits, waits
//   slots[K].gateArrivals/pending never             announces its next access
//   ring K head / dropped         never             writes
//   ring K tail                   writes            reads
//
// The parent never trusts what a worker wrote: ring counters are bounds-checked
// (RingConsumer), slot fields are only displayed after clamping.
#pragma once

#include "trace/trace_ring.hpp"

#include <atomic>
#include <cstdint>

namespace racetrace {

inline constexpr std::uint64_t kSegmentMagic = 0x544e454d47455354ull; // "TSEGMENT" read little-endian
inline constexpr std::uint32_t kSegmentAbiVersion = 1;

enum class WorkerState : std::uint32_t {
    Starting = 0, ///< spawned, not yet at the barrier
    Ready = 1,    ///< waiting at the start barrier
    Running = 2,  ///< executing its program
    Finished = 3, ///< finished all iterations (or was told to stop)
    Failed = 4,   ///< could not start (bad segment, bad program)
};

struct SegmentHeader {
    std::uint64_t magic;
    std::uint32_t abiVersion;
    std::uint32_t headerBytes;
    std::uint64_t totalBytes;
    std::uint32_t workerCount;
    std::uint32_t wordCount; ///< int64 words in the variable area
    std::uint64_t scenarioOffset;
    std::uint64_t scenarioBytes;
    std::uint64_t variablesOffset;
    std::uint64_t slotsOffset;
    std::uint64_t ringsOffset;
    std::uint64_t ringStride;   ///< bytes from one ring's control to the next
    std::uint64_t ringCapacity; ///< events per ring, a power of two
    std::uint32_t clockKind;    ///< ClockKind
    std::uint32_t traceEnabled; ///< 0: --no-trace, record nothing
    std::uint32_t tscRead;      ///< TscRead: how workers read the TSC
    std::uint32_t reserved0;
    double ticksPerNs;            ///< clock calibration
    std::uint64_t clockBaseTicks; ///< "time zero" of the run
    std::uint64_t windowNs;       ///< the race window ("delay window")
    std::uint64_t iterations;
    std::uint64_t seed;
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
    std::uint32_t reserved1;             ///< keeps pinnedCpu at its offset
    // written by the parent before the spawn
    std::int32_t pinnedCpu; ///< -1: not pinned
    std::uint32_t reserved0;
    // Step gate (see lab/step_gate.hpp). The parent grants permits; before each
    // shared access the worker announces it, then takes one permit or waits.
    alignas(kCacheLine) std::atomic<std::uint32_t> gateEnabled; ///< parent: 1 = wait at every access
    std::atomic<std::uint32_t> gatePermits;                     ///< parent adds, worker takes; futex word
    std::atomic<std::uint32_t> gateArrivals;                    ///< worker: accesses announced so far
    std::atomic<std::uint32_t> pendingKind;                     ///< worker: EventKind of the announced access
    std::atomic<std::uint32_t> pendingLine;                     ///< worker: its program line
    std::atomic<std::uint32_t> pendingVariable;                 ///< worker: its variable
    std::atomic<std::uint32_t> pendingWord;                     ///< worker: its word within the variable
    std::atomic<std::int64_t> pendingValue;                     ///< worker: the value a write will store
};
static_assert(sizeof(WorkerSlot) == 2 * kCacheLine, "WorkerSlot is part of the segment ABI");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::int64_t>::is_always_lock_free);

/// Where things are, computed once by the parent and written into the header.
struct SegmentGeometry {
    std::uint64_t scenarioOffset, variablesOffset, slotsOffset, ringsOffset, ringStride, totalBytes;
};

constexpr std::uint64_t alignUp(std::uint64_t value, std::uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

constexpr SegmentGeometry computeGeometry(std::uint64_t scenarioBytes, std::uint32_t wordCount, std::uint32_t workers,
                                          std::uint64_t ringCapacity) {
    SegmentGeometry g{};
    g.scenarioOffset = 4096;
    g.variablesOffset = alignUp(g.scenarioOffset + scenarioBytes, 4096);
    g.slotsOffset = alignUp(g.variablesOffset + std::uint64_t{wordCount} * 8, 4096);
    g.ringsOffset = alignUp(g.slotsOffset + std::uint64_t{workers} * sizeof(WorkerSlot), 4096);
    g.ringStride = alignUp(sizeof(RingControl) + ringCapacity * sizeof(Event), 4096);
    g.totalBytes = g.ringsOffset + std::uint64_t{workers} * g.ringStride;
    return g;
}

/// The variable words, as atomics. Plain reads and writes are relaxed atomics:
/// the race stays a logic race, never C++ undefined behaviour.
using SharedWord = std::atomic<std::int64_t>;
static_assert(sizeof(SharedWord) == 8 && SharedWord::is_always_lock_free);

} // namespace racetrace
