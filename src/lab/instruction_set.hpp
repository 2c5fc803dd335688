// The instructions a scenario's program is written in, in one table: the
// parser reads each op's operands from it, its error messages name the known
// ops from it, and the interpreter dispatches on it (one handler per row,
// lab/interpreter.cpp). A new instruction is one row here plus its handler.
//
//   "fetch_add r1 counter 1"   name, then the row's operands in order:
//    name      reg var     source      reg -> Instruction::reg, var -> variable/index,
//                                      sources -> a, b, label -> target
//
// A variable operand may name a word: VAR[3], VAR[me] (the worker's own word),
// VAR[other] (the other worker of its pair: A<->B, C<->D) or VAR[rN] (a
// register's value). A source is a register r0..r7, a number, `me` (the
// worker's signature: its index + 1), `other` (the other worker's index in its
// pair), `window` (the run's race window in ns) or `iterations` (the run's
// iterations per worker). A channel operand names a
// [[channel]]; a try-call's status register gets a ChannelStatus
// (trace/channel_info.hpp): 0 ok, 1 would block, 2 end of file, 3 broken pipe.
#pragma once

#include "trace/event.hpp"
#include "trace/variable_roles.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace racetrace {

inline constexpr std::uint8_t kRegisterCount = 8;

enum class OpCode : std::uint8_t {
    Load,            ///< relaxed atomic load                     -> Load event
    Store,           ///< relaxed atomic store                    -> Store event
    Move,            ///< rD = SRC                                (register only)
    Add,             ///< rD += SRC                               (register only)
    Sub,             ///< rD -= SRC                               (register only)
    BranchEqual,     ///< jump when rA == SRC                     (register only)
    BranchNotEqual,  ///< jump when rA != SRC                     (register only)
    Jump,            ///< jump                                    (register only)
    Exchange,        ///< atomic exchange (test-and-set)          -> Exchange event
    CompareExchange, ///< strong CAS, rD = the value observed     -> CompareExchange event
    FetchAdd,        ///< atomic add, rD = the old value          -> FetchAdd event
    Fence,           ///< seq_cst fence                           -> Fence event
    Delay,           ///< busy wait SRC ns (the race-window knob)
    Yield,           ///< sched_yield()
    CsEnter,         ///< marker                                  -> CsEnter event
    CsExit,          ///< marker                                  -> CsExit event
    WriteRecord,     ///< every word = my signature, GAP ns apart -> RecordWordWrite each
    CheckRecord,     ///< read every word back                    -> RecordCheck each
    Send,            ///< write a message, waiting for space      -> Send (BlockedBegin/End around a wait)
    Receive,         ///< read a message, waiting for one; rD = its payload, -1 at end-of-file -> Receive
    TrySend,         ///< send without waiting; rS = ChannelStatus -> Send or WouldBlock
    TryReceive,      ///< receive without waiting; rS = ChannelStatus, rD = the payload -> Receive or WouldBlock
    Close,           ///< close this worker's ends of a channel    -> ChannelClose
    Drop,            ///< give up the message a try_send could not send -> MessageDropped
    Exit,            ///< end the program now, as if every iteration were done
    Put,             ///< every word of a mailbox = SRC, GAP ns apart -> RecordWordWrite each
    Get,             ///< read every word of a mailbox; rD = word 0 -> RecordCheck each
    SemWait,         ///< sem_wait, trying first; waits in the kernel when taken -> LockWait if so, LockAcquire
    SemPost,         ///< sem_post                                -> LockRelease
    MutexLock,       ///< pthread_mutex_lock (robust), trying first -> LockWait if so, LockAcquire
    MutexUnlock,     ///< pthread_mutex_unlock                    -> LockRelease
};

/// What one operand of an instruction is.
enum class OperandKind : std::uint8_t {
    Register, ///< r0..r7, the destination or the compared register
    Variable, ///< a shared variable, maybe with a word: X, X[2], flag[me], flag[other], flag[r1]
    Source,   ///< a value: r0..r7, a number, me, other, window
    Gap,      ///< an optional value at the end (write_record's gap between words)
    Label,    ///< a branch target in the same program
    Channel,  ///< a pipe or a message queue the scenario declares ([[channel]])
};

struct OpSpec {
    OpCode op;
    std::string_view name; ///< as written in scenario files
    std::array<OperandKind, 4> operands;
    std::uint8_t operandCount;
    std::string_view takes; ///< for "'load' takes a register and a variable: load r0 Y"
    EventKind records;      ///< the event it records (Invalid: none)
    bool mayBlock;          ///< may wait in the kernel (a channel, a blocking lock): step mode must not time out on it
    bool oneWordVariable;   ///< its event has no room for a word: only a one-word variable will do
    bool needsSignedWords;  ///< writes or checks a record's signature words
    bool needsMailbox = false; ///< puts a message into, or gets one from, a mailbox
    /// Works on a kernel lock of this role (a semaphore, a mutex); nothing: on no kernel lock.
    std::optional<VariableRole> kernelLock = std::nullopt;

    std::span<const OperandKind> operandList() const { return {operands.data(), operandCount}; }
};

// clang-format off
inline constexpr std::array<OpSpec, 31> kInstructionSet = {{
    {OpCode::Load, "load", {OperandKind::Register, OperandKind::Variable}, 2,
     "a register and a variable: load r0 Y", EventKind::Load, false, false, false},
    {OpCode::Store, "store", {OperandKind::Variable, OperandKind::Source}, 2,
     "a variable and a value: store Y 0", EventKind::Store, false, false, false},
    {OpCode::Move, "mov", {OperandKind::Register, OperandKind::Source}, 2,
     "a register and a value: mov r1 1", EventKind::Invalid, false, false, false},
    {OpCode::Add, "add", {OperandKind::Register, OperandKind::Source}, 2,
     "a register and a value: add r1 1", EventKind::Invalid, false, false, false},
    {OpCode::Sub, "sub", {OperandKind::Register, OperandKind::Source}, 2,
     "a register and a value: sub r1 1", EventKind::Invalid, false, false, false},
    {OpCode::BranchEqual, "beq", {OperandKind::Register, OperandKind::Source, OperandKind::Label}, 3,
     "a register, a value and a label: beq r0 0 wait", EventKind::Invalid, false, false, false},
    {OpCode::BranchNotEqual, "bne", {OperandKind::Register, OperandKind::Source, OperandKind::Label}, 3,
     "a register, a value and a label: bne r0 0 wait", EventKind::Invalid, false, false, false},
    {OpCode::Jump, "jmp", {OperandKind::Label}, 1,
     "a label: jmp wait", EventKind::Invalid, false, false, false},
    {OpCode::Exchange, "xchg", {OperandKind::Register, OperandKind::Variable, OperandKind::Source}, 3,
     "a register, a variable and a value: xchg r0 L 1", EventKind::Exchange, false, true, false},
    {OpCode::CompareExchange, "cas",
     {OperandKind::Register, OperandKind::Variable, OperandKind::Source, OperandKind::Source}, 4,
     "a register, a variable, the expected and the new value: cas r0 L 0 me", EventKind::CompareExchange,
     false, true, false},
    {OpCode::FetchAdd, "fetch_add", {OperandKind::Register, OperandKind::Variable, OperandKind::Source}, 3,
     "a register, a variable and a value: fetch_add r0 ticket 1", EventKind::FetchAdd, false, true, false},
    {OpCode::Fence, "fence", {}, 0, "no arguments", EventKind::Fence, false, false, false},
    {OpCode::Delay, "delay", {OperandKind::Source}, 1,
     "a duration in ns or 'window': delay window", EventKind::Invalid, false, false, false},
    {OpCode::Yield, "yield", {}, 0, "no arguments", EventKind::Invalid, false, false, false},
    {OpCode::CsEnter, "cs_enter", {}, 0, "no arguments", EventKind::CsEnter, false, false, false},
    {OpCode::CsExit, "cs_exit", {}, 0, "no arguments", EventKind::CsExit, false, false, false},
    {OpCode::WriteRecord, "write_record", {OperandKind::Variable, OperandKind::Gap}, 2,
     "a record and an optional gap between words: write_record X window", EventKind::RecordWordWrite,
     false, false, true},
    {OpCode::CheckRecord, "check_record", {OperandKind::Variable}, 1,
     "a record: check_record X", EventKind::RecordCheck, false, false, true},
    {OpCode::Send, "send", {OperandKind::Channel, OperandKind::Source}, 2,
     "a channel and a payload: send P r1", EventKind::Send, true, false, false},
    {OpCode::Receive, "recv", {OperandKind::Register, OperandKind::Channel}, 2,
     "a register and a channel: recv r0 P", EventKind::Receive, true, false, false},
    {OpCode::TrySend, "try_send", {OperandKind::Register, OperandKind::Channel, OperandKind::Source}, 3,
     "a status register, a channel and a payload: try_send r0 Q r1", EventKind::Send, false, false, false},
    {OpCode::TryReceive, "try_recv", {OperandKind::Register, OperandKind::Register, OperandKind::Channel}, 3,
     "a status register, a register and a channel: try_recv r0 r1 Q", EventKind::Receive, false, false, false},
    {OpCode::Close, "close", {OperandKind::Channel}, 1,
     "a channel: close P", EventKind::ChannelClose, false, false, false},
    {OpCode::Drop, "drop", {OperandKind::Channel}, 1,
     "a channel: drop Q", EventKind::MessageDropped, false, false, false},
    {OpCode::Exit, "exit", {}, 0, "no arguments", EventKind::Invalid, false, false, false},
    {OpCode::Put, "put", {OperandKind::Variable, OperandKind::Source, OperandKind::Gap}, 3,
     "a mailbox, a message and an optional gap between words: put X r1 window", EventKind::RecordWordWrite,
     false, false, false, true},
    {OpCode::Get, "get", {OperandKind::Register, OperandKind::Variable, OperandKind::Gap}, 3,
     "a register, a mailbox and an optional gap between words: get r0 X window", EventKind::RecordCheck,
     false, false, false, true},
    {OpCode::SemWait, "sem_wait", {OperandKind::Variable}, 1, "a semaphore: sem_wait S", EventKind::LockAcquire,
     true, true, false, false, VariableRole::Semaphore},
    {OpCode::SemPost, "sem_post", {OperandKind::Variable}, 1, "a semaphore: sem_post S", EventKind::LockRelease,
     false, true, false, false, VariableRole::Semaphore},
    {OpCode::MutexLock, "mutex_lock", {OperandKind::Variable}, 1, "a mutex: mutex_lock M", EventKind::LockAcquire,
     true, true, false, false, VariableRole::Mutex},
    {OpCode::MutexUnlock, "mutex_unlock", {OperandKind::Variable}, 1, "a mutex: mutex_unlock M",
     EventKind::LockRelease, false, true, false, false, VariableRole::Mutex},
}};
// clang-format on

constexpr bool opRowsFollowTheEnum() {
    for (std::size_t i = 0; i < kInstructionSet.size(); ++i)
        if (static_cast<std::size_t>(kInstructionSet[i].op) != i) return false;
    return true;
}
static_assert(opRowsFollowTheEnum(), "kInstructionSet must have one row per OpCode, in enum order");

constexpr const OpSpec& opSpec(OpCode op) {
    return kInstructionSet[static_cast<std::size_t>(op)];
}
constexpr std::string_view opCodeName(OpCode op) {
    return static_cast<std::size_t>(op) < kInstructionSet.size() ? opSpec(op).name : "unknown";
}

/// A source operand's value at run time.
struct Operand {
    enum class Kind : std::uint8_t {
        None,       ///< absent (an optional operand not given): 0
        Register,   ///< value = register number
        Immediate,  ///< value = the number
        Me,         ///< the worker's signature: its index + 1
        Other,      ///< the other worker of its pair: index ^ 1 (A <-> B, C <-> D)
        Window,     ///< the run's race window in ns
        Iterations, ///< the run's iterations per worker
    };
    Kind kind = Kind::None;
    std::int64_t value = 0;
};

/// Which word of a variable an access touches.
struct WordIndex {
    enum class Kind : std::uint8_t {
        Fixed,    ///< VAR or VAR[3]: value = the word
        Me,       ///< VAR[me]: the worker's index
        Other,    ///< VAR[other]: the other worker of its pair (index ^ 1)
        Register, ///< VAR[rN]: value = the register number
    };
    Kind kind = Kind::Fixed;
    std::uint32_t value = 0;
};

struct Instruction {
    OpCode op = OpCode::Fence;
    std::uint8_t reg = 0;                ///< destination (or compared) register; a try-call's status register
    std::uint8_t reg2 = 0;               ///< a second register (try_recv's payload)
    std::uint16_t channel = kNoVariable; ///< the channel a channel op uses
    std::uint16_t line = 0;              ///< pseudo-code line shown for it
    std::uint16_t variable = kNoVariable;
    WordIndex index;              ///< the word within the variable
    Operand a;                    ///< first source operand
    Operand b;                    ///< second source operand (cas: new value)
    std::uint32_t target = 0;     ///< branch target (instruction index)
    std::uint32_t sourceLine = 0; ///< line in the TOML file, for messages
};

/// The word `index` names for worker `worker`, given its registers.
constexpr std::int64_t resolveWord(const WordIndex& index, std::uint32_t worker, const std::int64_t* registers) {
    switch (index.kind) {
    case WordIndex::Kind::Fixed: return index.value;
    case WordIndex::Kind::Me: return worker;
    case WordIndex::Kind::Other: return worker ^ 1u;
    case WordIndex::Kind::Register: return registers[index.value];
    }
    return 0;
}

} // namespace racetrace
