// One recorded shared-memory access: the 32-byte record that workers write into
// their trace ring and that the parent, the analysis and the .rtrace file share.
//
// The record is part of two ABIs (the shared segment and the trace file), so it
// uses fixed-width fields only and its layout is pinned by static_asserts.
//
//   byte  0               8               16      20      24  26  28  30 31
//        +---------------+---------------+-------+-------+---+---+---+--+--+
//        | timestamp     | value         | seq   | aux   |ln |var|cpu|k |w |
//        +---------------+---------------+-------+-------+---+---+---+--+--+
//
// Event kinds cover the whole roadmap (locks, pipes, queues, stepping) now, so
// later features add meaning to existing values instead of breaking the format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace racetrace {

enum class EventKind : std::uint8_t {
    Invalid = 0,  ///< never written; a zero-filled slot reads as this
    Load = 1,     ///< plain read: value = what was read
    Store = 2,    ///< plain write: value = what was written
    Exchange = 3, ///< atomic exchange (test-and-set): value = old, aux = new (int32)
    CompareExchange =
        4,        ///< CAS: aux = 1 on success (value = the new value stored), 0 on failure (value = what was observed)
    FetchAdd = 5, ///< atomic add: value = old, aux = delta (int32)
    Fence = 6,    ///< sequentially consistent fence, no variable
    Spin = 7,     ///< the previous access of this worker repeated aux more times with the same result; timestamp = last
                  ///< repetition
    CsEnter = 8,  ///< the program says it is now inside the critical section
    CsExit = 9,   ///< the program says it has left the critical section
    RecordWordWrite = 10, ///< one word of a multi-word record written: aux = word index, value = signature
    RecordCheck = 11,     ///< one word of a record read back by a check: aux = word index, value = what was read
    LockWait = 12,        ///< started waiting for a blocking lock (pthread mutex, semaphore)
    LockAcquire = 13,     ///< got the blocking lock
    LockRelease = 14,     ///< released the blocking lock
    Send = 15,         ///< a message sent into a channel: value = its tag, aux = its payload (trace/channel_info.hpp)
    Receive = 16,      ///< a message taken from a channel: value = the tag it began with, aux = its payload
    WouldBlock = 17,   ///< a non-blocking call returned EAGAIN: aux = ChannelDirection, value = the tag it tried (send)
    BlockedBegin = 18, ///< a call found no data or no space and began to wait: aux = ChannelDirection
    BlockedEnd = 19,   ///< the waiting call returned: aux = ChannelDirection
    GateWait = 20,     ///< waited at its step gate before the next access (stepping)
    WorkerStart = 21,  ///< the worker passed the start barrier
    WorkerExit = 22,   ///< the worker finished its program: value = iterations done
    WorkerKilled = 23, ///< synthesised by the parent: the worker was killed (value = signal)
    EndOfFile = 24,    ///< a receive found the pipe empty and every write end closed
    BrokenPipe = 25,   ///< a send found nobody holding the read end (EPIPE): value = the tag
    MessageTorn =
        26, ///< follows a Receive whose bytes came from several sends: value = a foreign tag, aux = bytes not its own
    ChannelClose = 27,   ///< the worker closed its ends of a channel
    MessageDropped = 28, ///< the program gave up a message it could not send: value = its tag
};
inline constexpr std::uint8_t kEventKindCount = 29;

/// Marks "no variable" in Event::variable (fences, markers, lifecycle events).
inline constexpr std::uint16_t kNoVariable = 0xFFFF;

struct Event {
    std::uint64_t timestamp; ///< ring: raw clock ticks; Trace and file: ns since the run's start
    std::int64_t value;      ///< value read or written (see EventKind)
    std::uint32_t seq;       ///< per-worker sequence number; a gap means events were dropped
    std::uint32_t aux;       ///< kind-specific second value or count (see EventKind)
    std::uint16_t line;      ///< index of the program line (pseudo-code) this access belongs to
    std::uint16_t variable;  ///< index into the scenario's variables, or kNoVariable
    std::uint16_t cpu;       ///< CPU the worker ran on when it made the access
    EventKind kind;
    std::uint8_t worker; ///< worker index, 0-based (shown as A, B, C ...)
};

static_assert(sizeof(Event) == 32, "Event is part of the segment and file ABI: 32 bytes");
static_assert(alignof(Event) == 8, "Event must stay 8-byte aligned in the ring");
static_assert(std::is_trivially_copyable_v<Event>, "rings and files copy Events as bytes");
static_assert(std::is_standard_layout_v<Event>, "Event layout must be predictable");

/// Event::worker is one byte, so per-worker tables of this size never need a
/// bounds check, whatever a bad trace claims.
inline constexpr std::size_t kMaxWorkers = 256;

/// Marks "no such event" where an index into Trace::events is expected.
inline constexpr std::uint64_t kNoEvent = ~std::uint64_t{0};

/// a - b, wrapping instead of overflowing on values a worker scribbled.
constexpr std::int64_t wrappingDifference(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

/// Worker index as a letter: 0 -> "A", 25 -> "Z", 26 -> "W26".
std::string workerName(std::uint32_t worker);

} // namespace racetrace
