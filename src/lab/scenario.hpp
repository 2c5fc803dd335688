// A scenario as the interpreter runs it: shared variables, one small program per
// role, and invariants, parsed from a TOML file (assets/scenarios/*.toml).
// Each instruction remembers the pseudo-code line it is shown as, so every
// recorded event can point at the line a student sees.
#pragma once

#include "ipc/result.hpp"
#include "lab/instruction_set.hpp"
#include "lab/segment_layout.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

/// Lines a program may have: an event names its line in 16 bits.
inline constexpr std::size_t kMaxProgramLines = 65535;

struct Program {
    std::string role;
    std::vector<Instruction> code; ///< one pass = one iteration
};

/// What the lab needs of a channel beyond the trace's ChannelInfo.
struct ChannelSpec {
    /// Roles that hold the write end although they never send (the mistake
    /// pipe-forgot-close shows: a reader that never closed its copy).
    std::vector<std::string> writeEndKeptBy;
};

/// Which ends of a channel a role's program uses.
struct ChannelUse {
    bool reads = false;
    bool writes = false;
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
    /// The same, or nothing when it overflows 64 bits.
    std::optional<std::int64_t> evaluateChecked(std::uint32_t workers, std::uint64_t iterations) const;
};

/// The kernel lock (semaphore or mutex) of each variable, numbered in
/// declaration order as the segment lays them out; -1 for other variables.
std::vector<std::int32_t> kernelLockIndices(const ScenarioInfo& info);

struct Scenario {
    ScenarioInfo info;   ///< names, listing and source (invariants filled by infoFor)
    std::string summary; ///< one line for `racetrace scenarios`
    ScenarioDefaults defaults;
    std::vector<Program> programs;
    std::vector<InvariantSpec> invariants;
    std::vector<ChannelSpec> channelSpecs; ///< one per info.channels entry
    std::uint32_t totalWords = 0;          ///< size of the variable area in 8-byte words

    /// The ScenarioInfo a trace stores, with invariants evaluated for a run.
    ScenarioInfo infoFor(std::uint32_t workers, std::uint64_t iterations) const;
    const Program& programOf(std::uint32_t worker) const { return programs[worker % programs.size()]; }
    /// The ends of `channel` worker `worker` gets: the ones its program uses,
    /// and the write end where the scenario says its role keeps it.
    ChannelUse channelUse(std::uint32_t worker, std::uint16_t channel) const;
    /// True when some program has the instruction (`drop`: the --when-full knob applies).
    bool uses(OpCode op) const {
        for (const Program& program : programs)
            for (const Instruction& in : program.code)
                if (in.op == op) return true;
        return false;
    }
    /// Whether every VAR[me] and VAR[other] has a word for each of `workers`
    /// workers; the sentence names the first that does not.
    Result<void> fitsWorkers(std::uint32_t workers) const;
    /// How the parent sets each kernel lock up, in the order of kernelLockIndices.
    std::vector<KernelLockPlan> kernelLockPlans() const;
};

/// Parses a scenario file's text; errors read "FILE:LINE: problem.".
Result<Scenario> parseScenario(std::string_view text, const std::string& fileName);

} // namespace racetrace
