// What each EventKind means, in one table: one row per kind, read by everything
// that used to decide it in a switch of its own (spin folding, the modification
// orders, step mode and replay, the sentences, the timeline, exports). A new
// kind is one row here plus the code that records it.
//
// A row says whether the kind reads or writes a shared variable, whether it is
// a step in step mode, what its `value` and `aux` fields hold, how sentences
// put it (trace/event_text.hpp fills in the placeholders), how the timeline
// draws it and where an export files it.
#pragma once

#include "trace/event.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace racetrace {

/// What an event's `value` field holds.
enum class ValueMeaning : std::uint8_t {
    None,         ///< nothing
    Read,         ///< the value the access read
    Written,      ///< the value the access wrote (a record word: the writer's signature)
    OldValue,     ///< the value an atomic read-modify-write found (and replaced)
    StoredOrSeen, ///< compare-and-swap: what it stored when it succeeded, what it saw when it failed
    Repeated,     ///< a spin: the value the repeated access returned every time
    MessageTag,   ///< a message's tag: its sender and sequence number (trace/channel_info.hpp)
    Iterations,   ///< iterations done (worker exit)
    Signal,       ///< the signal that ended the worker
};

/// What an event's `aux` field holds.
enum class AuxMeaning : std::uint8_t {
    None,        ///< nothing
    Word,        ///< the word within the variable (VAR[k])
    NewValue,    ///< the value an exchange wrote (int32)
    Delta,       ///< what a fetch-add added (int32)
    Success,     ///< 1 when a compare-and-swap succeeded, 0 when it failed
    RepeatCount, ///< how many more times the previous access repeated
    Payload,     ///< a message's payload (int32)
    Direction,   ///< ChannelDirection: 1 a send, 0 a receive
    ByteCount,   ///< a number of bytes
};

/// How the timeline draws a kind.
enum class TimelineClass : std::uint8_t {
    Tick,      ///< a tick in its worker's lane, coloured by its role and its variable's role
    Marker,    ///< a small neutral tick (fences, critical-section marks, blocking, gates)
    Lifecycle, ///< a glyph that stays visible at every zoom (start, exit, killed)
};

/// The colour role of a tick; the variable's role refines it (a read of a flag
/// and a read of a counter are different colours).
enum class ColorRole : std::uint8_t {
    None,        ///< markers and lifecycle glyphs
    Read,        ///< a plain read, or a spin (it repeats a read)
    Write,       ///< a plain write
    Swap,        ///< exchange or fetch-add: reads and writes at once
    CompareSwap, ///< writes only when it succeeds
    RecordWrite, ///< one word of a record written
    RecordRead,  ///< one word of a record read back
    LockWait,    ///< waiting for a blocking lock
    LockAcquire, ///< got a blocking lock
    LockRelease, ///< released a blocking lock
    Send,        ///< a message handed over
    Receive,     ///< a message taken
};

/// Where an export puts a kind (a track or category in other tools).
enum class ExportCategory : std::uint8_t { None, Access, Lock, Message, Blocking, Marker, Stepping, Lifecycle };

/// The category's name in exports ("access", "message"): stable, like the kinds' names.
constexpr std::string_view exportCategoryName(ExportCategory category) {
    constexpr std::array<std::string_view, 8> kNames = {"none",     "access", "lock",     "message",
                                                        "blocking", "marker", "stepping", "lifecycle"};
    const auto index = static_cast<std::size_t>(category);
    return index < kNames.size() ? kNames[index] : kNames[0];
}

struct EventKindInfo {
    EventKind kind;
    std::string_view name; ///< short, lower-case, stable (files, exports, tooltips)
    bool reads;            ///< looks at a shared variable's value
    bool writes;           ///< may change a shared variable's value
    bool gated;            ///< a step in step mode and replay: announced at the gate first (see announcedKind)
    ValueMeaning value;
    AuxMeaning aux;
    std::string_view describeNext;     ///< the access about to be made: "read {var}"
    std::string_view describeRecorded; ///< the access made: "read {var} = {value}"
    TimelineClass timeline;
    ColorRole color;
    ExportCategory exportCategory;
    bool onChannel = false; ///< `variable` indexes the scenario's channels, not its variables
};

// clang-format off
inline constexpr std::array<EventKindInfo, kEventKindCount> kEventKinds = {{
    {EventKind::Invalid, "invalid", false, false, false, ValueMeaning::None, AuxMeaning::None,
     "", "", TimelineClass::Marker, ColorRole::None, ExportCategory::None},
    {EventKind::Load, "load", true, false, true, ValueMeaning::Read, AuxMeaning::Word,
     "read {var}", "read {var} = {value}", TimelineClass::Tick, ColorRole::Read, ExportCategory::Access},
    {EventKind::Store, "store", false, true, true, ValueMeaning::Written, AuxMeaning::Word,
     "write {var} = {number}", "wrote {var} = {value}", TimelineClass::Tick, ColorRole::Write, ExportCategory::Access},
    {EventKind::Exchange, "exchange", true, true, true, ValueMeaning::OldValue, AuxMeaning::NewValue,
     "test-and-set {var} (exchange with {number})", "exchange on {var}: read {value}, wrote {aux}",
     TimelineClass::Tick, ColorRole::Swap, ExportCategory::Access},
    {EventKind::CompareExchange, "compare-exchange", true, true, true, ValueMeaning::StoredOrSeen, AuxMeaning::Success,
     "compare-and-swap {var} (to {number})", "compare-exchange on {var} {success:succeeded: stored|failed: saw} {value}",
     TimelineClass::Tick, ColorRole::CompareSwap, ExportCategory::Access},
    {EventKind::FetchAdd, "fetch-add", true, true, true, ValueMeaning::OldValue, AuxMeaning::Delta,
     "atomically add {number} to {var}", "fetch-add on {var}: read {number}, added {aux}",
     TimelineClass::Tick, ColorRole::Swap, ExportCategory::Access},
    {EventKind::Fence, "fence", false, false, true, ValueMeaning::None, AuxMeaning::None,
     "fence", "fence", TimelineClass::Marker, ColorRole::None, ExportCategory::Marker},
    {EventKind::Spin, "spin", true, false, false, ValueMeaning::Repeated, AuxMeaning::RepeatCount,
     "", "kept reading {var} = {value}", TimelineClass::Tick, ColorRole::Read, ExportCategory::Access},
    {EventKind::CsEnter, "cs-enter", false, false, true, ValueMeaning::None, AuxMeaning::None,
     "enter the critical section", "entered the critical section", TimelineClass::Marker, ColorRole::None,
     ExportCategory::Marker},
    {EventKind::CsExit, "cs-exit", false, false, true, ValueMeaning::None, AuxMeaning::None,
     "leave the critical section", "left the critical section", TimelineClass::Marker, ColorRole::None,
     ExportCategory::Marker},
    {EventKind::RecordWordWrite, "record-write", false, true, true, ValueMeaning::Written, AuxMeaning::Word,
     "write {var} = {number}", "wrote {var} = {number}", TimelineClass::Tick, ColorRole::RecordWrite,
     ExportCategory::Access},
    {EventKind::RecordCheck, "record-check", true, false, true, ValueMeaning::Read, AuxMeaning::Word,
     "read {var}", "read back {var} = {number}", TimelineClass::Tick, ColorRole::RecordRead, ExportCategory::Access},
    {EventKind::LockWait, "lock-wait", false, false, false, ValueMeaning::None, AuxMeaning::None,
     "wait for {var}", "found {var} taken and waited", TimelineClass::Tick, ColorRole::LockWait, ExportCategory::Lock},
    // A semaphore's or mutex's word mirrors the kernel object (permits left,
    // the owner): taking and releasing write it, so the memory view shows the owner.
    {EventKind::LockAcquire, "lock-acquire", false, true, true, ValueMeaning::Written, AuxMeaning::None,
     "take {var}", "took {var}: {var} = {value}", TimelineClass::Tick, ColorRole::LockAcquire, ExportCategory::Lock},
    {EventKind::LockRelease, "lock-release", false, true, true, ValueMeaning::Written, AuxMeaning::None,
     "release {var}", "released {var}: {var} = {value}", TimelineClass::Tick, ColorRole::LockRelease,
     ExportCategory::Lock},
    {EventKind::Send, "send", false, false, true, ValueMeaning::MessageTag, AuxMeaning::Payload,
     "send into {var}", "sent {message} ({aux}) into {var}", TimelineClass::Tick, ColorRole::Send,
     ExportCategory::Message, true},
    {EventKind::Receive, "receive", false, false, true, ValueMeaning::MessageTag, AuxMeaning::Payload,
     "receive from {var}", "received {message} ({aux}) from {var}", TimelineClass::Tick, ColorRole::Receive,
     ExportCategory::Message, true},
    {EventKind::WouldBlock, "would-block", false, false, true, ValueMeaning::MessageTag, AuxMeaning::Direction,
     "", "could not {success:send into|receive from} {var} without waiting ({success:full|empty})",
     TimelineClass::Marker, ColorRole::None, ExportCategory::Blocking, true},
    {EventKind::BlockedBegin, "blocked-begin", false, false, true, ValueMeaning::None, AuxMeaning::Direction,
     "", "blocked in {success:write|read} on {var} ({success:full|empty})", TimelineClass::Marker, ColorRole::None,
     ExportCategory::Blocking, true},
    {EventKind::BlockedEnd, "blocked-end", false, false, false, ValueMeaning::None, AuxMeaning::Direction,
     "", "stopped waiting to {success:write into|read from} {var}", TimelineClass::Marker, ColorRole::None,
     ExportCategory::Blocking, true},
    {EventKind::GateWait, "gate-wait", false, false, false, ValueMeaning::None, AuxMeaning::None,
     "", "waited at its step gate", TimelineClass::Marker, ColorRole::None, ExportCategory::Stepping},
    {EventKind::WorkerStart, "worker-start", false, false, false, ValueMeaning::None, AuxMeaning::None,
     "", "started", TimelineClass::Lifecycle, ColorRole::None, ExportCategory::Lifecycle},
    {EventKind::WorkerExit, "worker-exit", false, false, false, ValueMeaning::Iterations, AuxMeaning::None,
     "", "finished its program", TimelineClass::Lifecycle, ColorRole::None, ExportCategory::Lifecycle},
    {EventKind::WorkerKilled, "worker-killed", false, false, false, ValueMeaning::Signal, AuxMeaning::None,
     "", "was killed", TimelineClass::Lifecycle, ColorRole::None, ExportCategory::Lifecycle},
    {EventKind::EndOfFile, "end-of-file", false, false, true, ValueMeaning::None, AuxMeaning::None,
     "", "read end-of-file from {var}", TimelineClass::Marker, ColorRole::None, ExportCategory::Message, true},
    {EventKind::BrokenPipe, "broken-pipe", false, false, true, ValueMeaning::MessageTag, AuxMeaning::None,
     "", "wrote {message} into {var}, which nobody reads any more (EPIPE)", TimelineClass::Marker, ColorRole::None,
     ExportCategory::Message, true},
    {EventKind::MessageTorn, "message-torn", false, false, false, ValueMeaning::MessageTag, AuxMeaning::ByteCount,
     "", "found {aux} bytes of {message} inside the message it read from {var}", TimelineClass::Marker,
     ColorRole::None, ExportCategory::Message, true},
    {EventKind::ChannelClose, "channel-close", false, false, true, ValueMeaning::None, AuxMeaning::None,
     "close {var}", "closed its ends of {var}", TimelineClass::Marker, ColorRole::None, ExportCategory::Message, true},
    {EventKind::MessageDropped, "message-dropped", false, false, true, ValueMeaning::MessageTag, AuxMeaning::None,
     "give up {message}", "gave up {message}: {var} was full", TimelineClass::Marker, ColorRole::None, ExportCategory::Message, true},
}};
// clang-format on

constexpr bool rowsFollowTheEnum() {
    for (std::size_t i = 0; i < kEventKinds.size(); ++i)
        if (static_cast<std::size_t>(kEventKinds[i].kind) != i) return false;
    return true;
}
static_assert(rowsFollowTheEnum(), "kEventKinds must have one row per EventKind, in enum order");

/// The row of `kind`; the Invalid row for a byte that is no kind.
constexpr const EventKindInfo& eventKindInfo(EventKind kind) {
    const auto index = static_cast<std::size_t>(kind);
    return index < kEventKinds.size() ? kEventKinds[index] : kEventKinds[0];
}

/// Short lower-case name of a kind ("load", "record-check"); "invalid" for unknown bytes.
constexpr std::string_view eventKindName(EventKind kind) {
    return eventKindInfo(kind).name;
}

/// What a gated event was announced as at its gate: the access itself, or for
/// the first event of a channel call (which may have found it must wait, failed
/// at once, met end-of-file or EPIPE) the call: Send or Receive. A call that
/// waited records its result after BlockedEnd: that event is no step of its own.
constexpr EventKind announcedKind(EventKind kind, std::uint32_t aux) {
    switch (kind) {
    case EventKind::WouldBlock:
    case EventKind::BlockedBegin: return aux != 0 ? EventKind::Send : EventKind::Receive;
    case EventKind::EndOfFile: return EventKind::Receive;
    case EventKind::BrokenPipe: return EventKind::Send;
    default: return kind;
    }
}

/// True for kinds whose `variable` field names a channel (a pipe or a queue).
constexpr bool onChannel(EventKind kind) {
    return eventKindInfo(kind).onChannel;
}

/// True for kinds that look at a shared variable's value (a spin repeats such a look).
constexpr bool isRead(EventKind kind) {
    return eventKindInfo(kind).reads;
}

/// True for kinds that may change a shared variable's value.
constexpr bool isWrite(EventKind kind) {
    return eventKindInfo(kind).writes;
}

/// A plain write: it changes the variable without reading it (a store, a record word).
constexpr bool isPlainWrite(EventKind kind) {
    return isWrite(kind) && !isRead(kind);
}

/// A plain write announces at the step gate the value it will write; a lock's
/// take or release does not know it yet (its mirror word is the kernel
/// object's state, which the other workers change until then).
constexpr bool valueKnownAtGate(EventKind kind) {
    return isPlainWrite(kind) && eventKindInfo(kind).exportCategory != ExportCategory::Lock;
}

/// The event's aux is the word within its variable.
constexpr bool auxIsWord(EventKind kind) {
    return eventKindInfo(kind).aux == AuxMeaning::Word;
}

/// The word of its variable an event touched: aux where aux is the word, else
/// 0 (atomics carry another value in aux and only address one-word variables).
constexpr std::uint32_t wordOf(const Event& event) {
    return auxIsWord(event.kind) ? event.aux : 0u;
}

/// True when the event's value is one it read from memory: a load, a spin, a
/// record check, a failed compare-and-swap, the old value of an exchange or fetch-add.
constexpr bool valueWasRead(const Event& event) {
    switch (eventKindInfo(event.kind).value) {
    case ValueMeaning::Read:
    case ValueMeaning::OldValue:
    case ValueMeaning::Repeated: return true;
    case ValueMeaning::StoredOrSeen: return event.aux == 0;
    default: return false;
    }
}

/// True when the event changes its variable: a plain store, an exchange, a
/// successful compare-exchange, a fetch-add or a record word write.
constexpr bool changesMemory(const Event& event) {
    const EventKindInfo& info = eventKindInfo(event.kind);
    return info.writes && (info.aux != AuxMeaning::Success || event.aux == 1);
}

/// The value an event that changes memory leaves there (see changesMemory).
/// Inline: the order repair asks it of every write, several times.
constexpr std::int64_t writtenValue(const Event& event) {
    switch (eventKindInfo(event.kind).aux) {
    case AuxMeaning::NewValue: return static_cast<std::int32_t>(event.aux);
    case AuxMeaning::Delta:
        // Wrap like the hardware would rather than overflow (UB) on a scribbled value.
        return wrappingDifference(event.value, -static_cast<std::int64_t>(static_cast<std::int32_t>(event.aux)));
    default: return event.value;
    }
}

} // namespace racetrace
