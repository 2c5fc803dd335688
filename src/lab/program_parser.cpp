#include "lab/program_parser.hpp"

#include <charconv>
#include <sstream>

namespace racetrace {

namespace {

/// "load, store, mov, ...": every op the table knows, for the unknown-op message.
std::string knownOps() {
    std::string list;
    for (const OpSpec& spec : kInstructionSet)
        list += (list.empty() ? "" : ", ") + std::string(spec.name);
    return list;
}

bool isRegisterName(const std::string& text) {
    return text.size() > 1 && text[0] == 'r' && std::isdigit(static_cast<unsigned char>(text[1]));
}

} // namespace

std::optional<std::int64_t> parseInteger(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

std::vector<std::string> splitWords(std::string_view text) {
    std::vector<std::string> words;
    std::istringstream stream{std::string(text)};
    for (std::string word; stream >> word;)
        words.push_back(word);
    return words;
}

const OpSpec& ProgramBuilder::specFor(const std::string& name, std::uint32_t sourceLine) const {
    for (const OpSpec& spec : kInstructionSet)
        if (spec.name == name) return spec;
    throw ScenarioParseError{sourceLine, "unknown instruction '" + name + "' (known: " + knownOps() + ")"};
}

void ProgramBuilder::addOp(std::string_view text, std::uint16_t shownLine, std::uint32_t sourceLine) {
    auto words = splitWords(text);
    if (!words.empty() && words.front().back() == ':') {
        defineLabel(words.front().substr(0, words.front().size() - 1), sourceLine);
        words.erase(words.begin());
    }
    if (words.empty()) return;
    const OpSpec& spec = specFor(words[0], sourceLine);
    const auto operands = spec.operandList();
    const std::size_t given = words.size() - 1;
    const bool gapIsOptional = !operands.empty() && operands.back() == OperandKind::Gap;
    if (given > operands.size() || given < operands.size() - (gapIsOptional ? 1 : 0))
        throw ScenarioParseError{sourceLine, "'" + words[0] + "' takes " + std::string(spec.takes)};

    Instruction in;
    in.op = spec.op;
    in.line = shownLine;
    in.sourceLine = sourceLine;
    bool firstSource = true;
    bool firstRegister = true;
    for (std::size_t k = 0; k < given; ++k) {
        const std::string& word = words[k + 1];
        switch (operands[k]) {
        case OperandKind::Register:
            (firstRegister ? in.reg : in.reg2) = reg(word, sourceLine);
            firstRegister = false;
            break;
        case OperandKind::Channel: in.channel = channel(word, sourceLine); break;
        case OperandKind::Variable: variable(word, spec, in, sourceLine); break;
        case OperandKind::Source:
        case OperandKind::Gap:
            (firstSource ? in.a : in.b) = source(word, sourceLine);
            firstSource = false;
            break;
        case OperandKind::Label: m_labelUses.emplace_back(m_program.code.size(), std::pair{word, sourceLine}); break;
        }
    }
    m_program.code.push_back(in);
}

void ProgramBuilder::finish() {
    for (const auto& [index, use] : m_labelUses) {
        auto found = m_labels.find(use.first);
        if (found == m_labels.end())
            throw ScenarioParseError{use.second, "the label '" + use.first + "' is not defined in this program"};
        m_program.code[index].target = found->second;
    }
    if (m_program.code.empty())
        throw ScenarioParseError{m_programLine, "the program of role '" + m_program.role + "' has no instructions"};
}

std::uint8_t ProgramBuilder::reg(const std::string& text, std::uint32_t sourceLine) const {
    if (text.size() >= 2 && text[0] == 'r') {
        if (auto n = parseInteger(std::string_view(text).substr(1)); n && *n >= 0 && *n < kRegisterCount)
            return static_cast<std::uint8_t>(*n);
    }
    throw ScenarioParseError{sourceLine, "'" + text + "' is not a register (r0 to r7)"};
}

Operand ProgramBuilder::source(const std::string& text, std::uint32_t sourceLine) const {
    if (text == "me") return {Operand::Kind::Me, 0};
    if (text == "other") return {Operand::Kind::Other, 0};
    if (text == "window") return {Operand::Kind::Window, 0};
    if (text == "iterations") return {Operand::Kind::Iterations, 0};
    if (isRegisterName(text)) return {Operand::Kind::Register, reg(text, sourceLine)};
    if (auto n = parseInteger(text)) return {Operand::Kind::Immediate, *n};
    throw ScenarioParseError{
        sourceLine, "'" + text + "' is not a value (a number, a register r0-r7, me, other, window or iterations)"};
}

std::uint16_t ProgramBuilder::channel(const std::string& text, std::uint32_t sourceLine) const {
    if (const auto found = m_info.findChannel(text)) return *found;
    throw ScenarioParseError{sourceLine, "unknown channel '" + text + "' (declare it in a [[channel]] table)"};
}

void ProgramBuilder::variable(const std::string& text, const OpSpec& spec, Instruction& in,
                              std::uint32_t sourceLine) const {
    const auto open = text.find('[');
    const std::string name = text.substr(0, open);
    const auto found = m_info.findVariable(name);
    if (!found) throw ScenarioParseError{sourceLine, "unknown variable '" + name + "'"};
    const VariableInfo& info = m_info.variables[*found];
    if (open != std::string::npos) {
        if (text.back() != ']') throw ScenarioParseError{sourceLine, "'" + text + "' has a bad word index"};
        in.index =
            wordIndex(text, std::string_view(text).substr(open + 1, text.size() - open - 2), info.words, sourceLine);
    }
    if (spec.needsSignedWords && !variableRoleInfo(info.role).signedWords)
        throw ScenarioParseError{sourceLine, "'" + name + "' is not a record"};
    if (spec.needsMailbox && info.role != VariableRole::Mailbox)
        throw ScenarioParseError{sourceLine, "'" + name + "' is not a mailbox (kind = \"mailbox\")"};
    if (spec.kernelLock && info.role != *spec.kernelLock)
        throw ScenarioParseError{sourceLine, "'" + std::string(spec.name) + "' needs a " +
                                                 std::string(variableRoleName(*spec.kernelLock)) + ", and " + name +
                                                 " is a " + std::string(variableRoleName(info.role))};
    if (!spec.kernelLock && variableRoleInfo(info.role).kernelLock)
        throw ScenarioParseError{sourceLine, name + " is a " + std::string(variableRoleName(info.role)) + ": only " +
                                                 (info.role == VariableRole::Mutex ? "mutex_lock and mutex_unlock"
                                                                                   : "sem_wait and sem_post") +
                                                 " work on it"};
    if (spec.oneWordVariable && info.words != 1)
        throw ScenarioParseError{sourceLine, "'" + std::string(spec.name) + "' works on a one-word variable, and " +
                                                 name + " has " + std::to_string(info.words) + " words"};
    in.variable = *found;
}

WordIndex ProgramBuilder::wordIndex(const std::string& text, std::string_view inside, std::uint32_t words,
                                    std::uint32_t sourceLine) const {
    if (inside == "me") return {WordIndex::Kind::Me, 0};
    if (inside == "other") return {WordIndex::Kind::Other, 0};
    if (isRegisterName(std::string(inside))) return {WordIndex::Kind::Register, reg(std::string(inside), sourceLine)};
    const auto index = parseInteger(inside);
    if (!index || *index < 0)
        throw ScenarioParseError{sourceLine, "'" + text + "' has a bad word index (a number, me, other or r0-r7)"};
    if (*index >= words)
        throw ScenarioParseError{sourceLine, "'" + text + "' is past the end of " + text.substr(0, text.find('[')) +
                                                 " (" + std::to_string(words) + " words)"};
    return {WordIndex::Kind::Fixed, static_cast<std::uint32_t>(*index)};
}

void ProgramBuilder::defineLabel(const std::string& name, std::uint32_t sourceLine) {
    if (!m_labels.emplace(name, static_cast<std::uint32_t>(m_program.code.size())).second)
        throw ScenarioParseError{sourceLine, "the label '" + name + "' is defined twice"};
}

} // namespace racetrace
