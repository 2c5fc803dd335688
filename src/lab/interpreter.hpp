// Runs one worker's program with real operations on the shared segment and
// records one event per shared access. This is the hot loop the race happens
// in, so recording is a template parameter: `--no-trace` runs the very same
// instructions with the recording compiled out, to measure the observer effect.
#pragma once

#include "ipc/machine_clock.hpp"
#include "lab/scenario.hpp"
#include "lab/segment_layout.hpp"
#include "trace/trace_ring.hpp"

#include <array>
#include <atomic>
#include <cstdint>

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
};

class Interpreter {
  public:
    explicit Interpreter(const InterpreterContext& context);

    /// Runs up to `iterations` passes of the program; returns how many finished.
    /// Stops early when the parent raises the stop flag.
    std::uint64_t run(std::uint64_t iterations);

  private:
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

    std::int64_t operand(const Operand& op) const;
    void busyWait(std::uint64_t ns);
    std::uint64_t nextRandom();
    SharedWord& wordOf(const Instruction& in, std::uint32_t word) const;

    InterpreterContext m_ctx;
    std::array<std::int64_t, kRegisterCount> m_registers{};
    std::uint32_t m_seq = 0;
    std::uint64_t m_progress = 0;
    std::uint64_t m_random = 0;

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
