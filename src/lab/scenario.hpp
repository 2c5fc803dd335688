// A scenario as the interpreter runs it: shared variables, one small program per
// role, and invariants, parsed from a TOML file (assets/scenarios/*.toml).
// Each instruction remembers the pseudo-code line it is shown as, so every
// recorded event can point at the line a student sees.
#pragma once

#include "ipc/result.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

inline constexpr std::uint8_t kRegisterCount = 8;

enum class OpCode : std::uint8_t {
    Load,            ///< load rD VAR[k]        relaxed atomic load           -> Load event
    Store,           ///< store VAR[k] SRC      relaxed atomic store          -> Store event
    Move,            ///< mov rD SRC            register only
    Add,             ///< add rD SRC            register only
    Sub,             ///< sub rD SRC            register only
    BranchEqual,     ///< beq rA SRC label      register only
    BranchNotEqual,  ///< bne rA SRC label      register only
    Jump,            ///< jmp label             register only
    Exchange,        ///< xchg rD VAR SRC       atomic exchange (test-and-set) -> Exchange event
    CompareExchange, ///< cas rD VAR EXP NEW    strong CAS, rD = value observed -> CompareExchange event
    FetchAdd,        ///< fetch_add rD VAR SRC  atomic add, rD = old value     -> FetchAdd event
    Fence,           ///< fence                 seq_cst fence                  -> Fence event
    Delay,           ///< delay SRC             busy wait SRC ns (the race-window knob)
    Yield,           ///< yield                 sched_yield()
    CsEnter,         ///< cs_enter              marker                         -> CsEnter event
    CsExit,          ///< cs_exit               marker                         -> CsExit event
    WriteRecord,     ///< write_record VAR [GAP] every word = my signature, GAP ns apart -> RecordWordWrite each
    CheckRecord,     ///< check_record VAR      read every word back           -> RecordCheck each
};
std::string_view opCodeName(OpCode op);

/// A source operand: a register, a number, `me` (worker index + 1: the
/// worker's signature) or `window` (the run's race window in ns).
struct Operand {
    enum class Kind : std::uint8_t { None, Register, Immediate, Me, Window };
    Kind kind = Kind::None;
    std::int64_t value = 0; ///< register number or immediate
};

struct Instruction {
    OpCode op = OpCode::Fence;
    std::uint8_t reg = 0;   ///< destination (or compared) register
    std::uint16_t line = 0; ///< pseudo-code line shown for it
    std::uint16_t variable = kNoVariable;
    std::uint32_t word = 0;       ///< word within the variable (VAR[k])
    Operand a;                    ///< first source operand
    Operand b;                    ///< second source operand (cas: new value)
    std::uint32_t target = 0;     ///< branch target (instruction index)
    std::uint32_t sourceLine = 0; ///< line in the TOML file, for messages
};

struct Program {
    std::string role;
    std::vector<Instruction> code; ///< one pass = one iteration
};

struct ScenarioDefaults {
    std::uint32_t workers = 2;
    std::uint64_t iterations = 10'000;
    std::uint64_t windowNs = 1'000;
};

/// `counter == workers * iterations`: a variable and a sum of products of
/// integers and the names `workers` and `iterations`.
struct InvariantSpec {
    std::string text;
    std::uint16_t variable = 0;
    std::vector<std::vector<std::string>> sumOfProducts;
    std::int64_t evaluate(std::uint32_t workers, std::uint64_t iterations) const;
};

struct Scenario {
    ScenarioInfo info;   ///< names, listing and source (invariants filled by infoFor)
    std::string summary; ///< one line for `racetrace scenarios`
    ScenarioDefaults defaults;
    std::vector<Program> programs;
    std::vector<InvariantSpec> invariants;
    std::uint32_t totalWords = 0; ///< size of the variable area in 8-byte words

    /// The ScenarioInfo a trace stores, with invariants evaluated for a run.
    ScenarioInfo infoFor(std::uint32_t workers, std::uint64_t iterations) const;
    const Program& programOf(std::uint32_t worker) const { return programs[worker % programs.size()]; }
};

/// Parses a scenario file's text; errors read "FILE:LINE: problem.".
Result<Scenario> parseScenario(std::string_view text, const std::string& fileName);

} // namespace racetrace
