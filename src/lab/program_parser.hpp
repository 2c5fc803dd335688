// One role's program text -> Instructions, reading every op's operands from
// the instruction table (lab/instruction_set.hpp). Used by the scenario parser
// for each [[program]]; its errors carry the TOML line and the problem, which
// the scenario parser turns into "FILE:LINE: problem.".
#pragma once

#include "lab/scenario.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace racetrace {

/// Thrown inside scenario parsing only; parseScenario() turns it into a Result.
struct ScenarioParseError {
    std::uint32_t line;
    std::string problem;
};

/// A whole decimal number, or nothing.
std::optional<std::int64_t> parseInteger(std::string_view text);

/// Whitespace-separated words.
std::vector<std::string> splitWords(std::string_view text);

/// Builds one role's program; branch labels are resolved at the end.
class ProgramBuilder {
  public:
    ProgramBuilder(const ScenarioInfo& info, Program& program, std::uint32_t programLine)
        : m_info(info), m_program(program), m_programLine(programLine) {}

    /// One op string, "label: name operand...", shown at pseudo-code line `shownLine`.
    void addOp(std::string_view text, std::uint16_t shownLine, std::uint32_t sourceLine);
    /// Resolves the labels; throws if one is missing or the program is empty.
    void finish();

  private:
    const OpSpec& specFor(const std::string& name, std::uint32_t sourceLine) const;
    std::uint8_t reg(const std::string& text, std::uint32_t sourceLine) const;
    Operand source(const std::string& text, std::uint32_t sourceLine) const;
    void variable(const std::string& text, const OpSpec& spec, Instruction& in, std::uint32_t sourceLine) const;
    std::uint16_t channel(const std::string& text, std::uint32_t sourceLine) const;
    WordIndex wordIndex(const std::string& text, std::string_view inside, std::uint32_t words,
                        std::uint32_t sourceLine) const;
    void defineLabel(const std::string& name, std::uint32_t sourceLine);

    const ScenarioInfo& m_info;
    Program& m_program;
    std::uint32_t m_programLine;
    std::map<std::string, std::uint32_t> m_labels;
    /// (instruction, (label, source line)) for every branch, resolved by finish().
    std::vector<std::pair<std::size_t, std::pair<std::string, std::uint32_t>>> m_labelUses;
};

} // namespace racetrace
