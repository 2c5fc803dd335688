// Runs one worker's program with real operations on the shared segment and
// records one event per shared access. Each instruction runs through the
// handler of its row of the instruction table (lab/instruction_set.hpp). This
// is the hot loop the race happens in, so recording is a template parameter:
// `--no-trace` runs the very same instructions with the recording compiled
// out, to measure the observer effect.
#pragma once

#include "ipc/machine_clock.hpp"
#include "lab/channel_endpoint.hpp"
#include "lab/scenario.hpp"
#include "lab/segment_layout.hpp"
#include "trace/trace_ring.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace racetrace {

struct InterpreterContext {
    const Program* program = nullptr;
    const ScenarioInfo* scenario = nullptr; ///< for each variable's first word
    SharedWord* words = nullptr;            ///< the variable area
    WorkerSlot* slot = nullptr;
    const std::atomic<std::uint32_t>* stop = nullptr;
    RingProducer* ring = nullptr; ///< null: record nothing
    ClockCalibration clock;
    std::uint32_t worker = 0;
    std::uint32_t workers = 0; ///< workers in the run (for VAR[other] and bounds)
    std::uint64_t windowNs = 0;
    std::uint64_t seed = 0;
    std::vector<ChannelEndpoint>* channels = nullptr; ///< this worker's ends, one entry per channel
    KernelLock* locks = nullptr;                      ///< the segment's semaphores and mutexes
    std::uint64_t killAtEntry = 0; ///< --kill: stop (SIGSTOP) at this entry into the critical section; 0: never
    bool retryWhenFull = false;    ///< `drop` goes back to the failed try_send (RunSettings::retryWhenFull)
};

class Interpreter {
  public:
    explicit Interpreter(const InterpreterContext& context);

    /// Runs up to `iterations` passes of the program; returns how many finished.
    /// Stops early when the parent raises the stop flag, or at a fault.
    std::uint64_t run(std::uint64_t iterations);
    /// Why the program stopped on its own ("line 3: flag[r1] is word 5, but
    /// flag has 2 words"), or empty.
    const std::string& fault() const { return m_fault; }

  private:
    /// What a handler returns instead of the next instruction when the program
    /// cannot go on (a word index out of range).
    static constexpr std::uint32_t kFault = ~std::uint32_t{0};
    /// What the exit instruction returns: the program ends as if it had done every iteration.
    static constexpr std::uint32_t kExit = kFault - 1;

    template <OpCode> struct Op {};
    /// Runs one instruction through the execute() overload of its row of
    /// kInstructionSet and returns the index of the next one. The fold over
    /// every row compiles to one jump table with each handler inlined (a table
    /// of function pointers cost 1.5-2 ns more per instruction: BM_RecordCost);
    /// a row without an overload does not compile.
    template <bool kTraced, std::size_t... Ops>
    std::uint32_t step(std::uint32_t pc, const Instruction& in, std::index_sequence<Ops...>) {
        std::uint32_t next = kFault;
        (void)((in.op == static_cast<OpCode>(Ops)
                    ? (next = execute<kTraced>(Op<static_cast<OpCode>(Ops)>{}, pc, in), true)
                    : false) ||
               ...);
        return next;
    }

    // The behaviour of each instruction (interpreter_ops.cpp).
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Load>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Store>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Move>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Add>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Sub>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::BranchEqual>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::BranchNotEqual>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Jump>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Exchange>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::CompareExchange>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::FetchAdd>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Fence>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Delay>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Yield>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::CsEnter>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::CsExit>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::WriteRecord>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::CheckRecord>, std::uint32_t pc, const Instruction& in);
    // The channel instructions (interpreter_channels.cpp): system calls, not shared words.
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Send>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Receive>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::TrySend>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::TryReceive>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Close>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Drop>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Exit>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Put>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::Get>, std::uint32_t pc, const Instruction& in);
    // The kernel lock instructions (interpreter_locks.cpp).
    template <bool kTraced> std::uint32_t execute(Op<OpCode::SemWait>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::SemPost>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::MutexLock>, std::uint32_t pc, const Instruction& in);
    template <bool kTraced> std::uint32_t execute(Op<OpCode::MutexUnlock>, std::uint32_t pc, const Instruction& in);

    /// Takes the kernel lock of `in` (trying first, waiting if taken) and
    /// writes its mirror word; 0, or kFault with a sentence.
    template <bool kTraced>
    std::uint32_t takeLock(const Instruction& in, int (*tryTake)(KernelLock&), int (*take)(KernelLock&),
                           const char* call);
    /// Writes the mirror word, records the release, then releases.
    template <bool kTraced>
    std::uint32_t releaseLock(const Instruction& in, int (*release)(KernelLock&), const char* call);
    KernelLock& lockOf(const Instruction& in) const;
    /// Waits at the step gate before taking or releasing a kernel lock, when stepping.
    void gateLock(EventKind kind, const Instruction& in);
    std::uint32_t lockFault(const Instruction& in, const char* call, int error);

    /// A record or mailbox written (every word = value) or read back, word by word, `gap` ns apart.
    template <bool kTraced>
    void writeEveryWord(std::uint32_t pc, const Instruction& in, std::int64_t value, std::int64_t gap);
    template <bool kTraced> std::int64_t readEveryWord(std::uint32_t pc, const Instruction& in, std::int64_t gap);

    /// A clock reading: ticks, and the CPU it was read on.
    struct Stamp {
        std::uint64_t ticks = 0;
        std::uint32_t cpu = 0;
    };
    /// Sends the next message of `in.channel` (waiting for space when `wait`);
    /// nothing (and a fault sentence) when the call failed outright.
    template <bool kTraced> std::optional<ChannelStatus> sendMessage(const Instruction& in, bool wait);
    /// Receives one message into `payload` (waiting for one when `wait`).
    template <bool kTraced>
    std::optional<ChannelStatus> receiveMessage(const Instruction& in, bool wait, std::int64_t& payload);
    /// Records a Receive, and a MessageTorn when its bytes came from several sends.
    template <bool kTraced>
    std::int64_t recordReceived(const Instruction& in, std::size_t bytes, std::optional<Stamp> began);
    /// Records one channel event (never folded into a spin), stamped now or at `at`.
    template <bool kTraced>
    void channelEvent(EventKind kind, std::uint16_t line, std::uint16_t channel, std::int64_t value, std::uint32_t aux,
                      std::optional<Stamp> at = std::nullopt);
    /// Tells the watchdog and the trace that a call waits now (stamped when
    /// the call began), or waits no more.
    template <bool kTraced> void beginWait(const Instruction& in, bool sending, Stamp tried);
    template <bool kTraced> void endWait(const Instruction& in, bool sending);
    /// Makes a channel call (`call(wait)`): first without waiting; if it must
    /// wait (and `wait`, or part of a large message went through already),
    /// records the wait around the waiting call. `began`: when the call began
    /// if it did not wait. Why it matters: a receive, a failed try and a wait
    /// are stamped when the call began, a send when it returned, so a receive
    /// made before a send is never stamped after it; and the order repair
    /// (trace/event_order.hpp) puts each send before its receive. Replays then
    /// find the channels as full as the original run did.
    template <bool kTraced, class Call>
    ChannelOutcome callChannel(const Instruction& in, bool sending, bool wait, const std::size_t& done, Call&& call,
                               std::optional<Stamp>& began);
    /// Waits for a channel call: in the kernel, or while stepping by trying
    /// again whenever the parent asks (lab/step_gate.hpp).
    template <class Call> ChannelOutcome waitForChannel(std::uint32_t handledChecks, Call&& call);
    /// Waits at the step gate before a channel call, when stepping; `sending`
    /// says which way to look for its outlook (none for close and drop).
    void gateCall(EventKind kind, const Instruction& in, bool waits, std::int64_t value, std::optional<bool> sending);
    std::uint32_t channelFault(const Instruction& in, const char* what);

    template <bool kTraced> std::uint64_t runLoop(std::uint64_t iterations);

    /// Records one shared access (or folds it into a spin, see below).
    template <bool kTraced>
    void access(std::uint32_t pc, EventKind kind, std::uint16_t line, std::uint16_t variable, std::int64_t value,
                std::uint32_t aux, bool unchangedMemory);
    template <bool kTraced> void marker(EventKind kind, std::uint16_t line, std::int64_t value);
    template <bool kTraced> void flushSpin();
    /// Waits at the step gate before an access, when stepping (lab/step_gate.hpp).
    void gate(EventKind kind, const Instruction& in, std::uint32_t word, std::int64_t value);
    void emit(EventKind kind, std::uint64_t ticks, std::uint32_t cpu, std::uint16_t line, std::uint16_t variable,
              std::int64_t value, std::uint32_t aux);

    std::int64_t operand(const Operand& op) const {
        switch (op.kind) {
        case Operand::Kind::Register: return m_registers[static_cast<std::size_t>(op.value)];
        case Operand::Kind::Immediate: return op.value;
        case Operand::Kind::Me: return static_cast<std::int64_t>(m_ctx.worker) + 1;
        case Operand::Kind::Other: return static_cast<std::int64_t>(m_ctx.worker ^ 1u);
        case Operand::Kind::Window: return static_cast<std::int64_t>(m_ctx.windowNs);
        case Operand::Kind::Iterations: return static_cast<std::int64_t>(m_iterations);
        case Operand::Kind::None: return 0;
        }
        return 0;
    }
    void busyWait(std::uint64_t ns);
    std::uint64_t nextRandom();
    /// The word `in` addresses for this worker, or kFault (and a fault
    /// sentence) when it lies past the variable's end (an index from a register).
    std::uint32_t wordFor(const Instruction& in) {
        // Fixed words were checked by the parser, me and other before the run.
        if (in.index.kind != WordIndex::Kind::Register) [[likely]]
            return static_cast<std::uint32_t>(resolveWord(in.index, m_ctx.worker, nullptr));
        return registerWord(in);
    }
    std::uint32_t registerWord(const Instruction& in);
    SharedWord& wordAt(const Instruction& in, std::uint32_t word) const;
    std::uint32_t variableWords(const Instruction& in) const;

    InterpreterContext m_ctx;
    std::array<std::int64_t, kRegisterCount> m_registers{};
    std::uint32_t m_seq = 0;
    std::uint64_t m_progress = 0;
    std::uint64_t m_iterations = 0; ///< the run's iterations per worker (the `iterations` operand)
    std::uint64_t m_random = 0;
    std::string m_fault;
    std::vector<std::uint64_t> m_nextMessage; ///< per channel: this worker's next message number
    static constexpr std::uint32_t kNoTrySend = ~0u;
    std::vector<std::uint32_t> m_lastTrySend; ///< per channel: the pc of this worker's latest try_send
    std::vector<std::int64_t> m_message;      ///< one message's words, for the largest channel
    std::vector<std::int32_t> m_lockIndex;    ///< per variable: its kernel lock, -1 for none
    std::uint64_t m_entries = 0;              ///< entries into the critical section so far

    // Spin folding: an access identical to the previous one (same instruction,
    // same result, memory unchanged) is counted, not recorded; the count goes
    // out as one Spin event when the streak ends.
    struct LastAccess {
        bool valid = false;
        std::uint32_t pc = 0;
        std::int64_t value = 0;
        std::uint32_t aux = 0;
        std::uint16_t line = 0;
        std::uint16_t variable = kNoVariable;
    } m_last;
    std::uint32_t m_spinCount = 0;
    std::uint64_t m_spinLastTicks = 0;
    std::uint32_t m_spinLastCpu = 0;
};

} // namespace racetrace
