// TOML -> Scenario. The program text is a tiny assembly, one string per
// instruction, grouped under the pseudo-code line it is shown as:
//
//   lines = [
//     { text = "while (Y == false) { }", ops = ["wait: load r0 Y", "beq r0 0 wait"] },
//     { text = "Y = false",              ops = ["delay window", "store Y 0"] },
//   ]
//
// Every error names the file, the line and the problem.
#include "lab/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <span>
#include <sstream>

#include <toml++/toml.h>

namespace racetrace {

namespace {

struct ParseError {
    std::uint32_t line;
    std::string problem;
};

std::vector<std::string> splitWords(std::string_view text) {
    std::vector<std::string> words;
    std::istringstream stream{std::string(text)};
    for (std::string word; stream >> word;)
        words.push_back(word);
    return words;
}

std::optional<std::int64_t> parseInteger(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

std::uint32_t lineOf(const toml::node& node) {
    return static_cast<std::uint32_t>(node.source().begin.line);
}

/// Builds one role's program; branch labels are resolved after all lines are read.
class ProgramBuilder {
  public:
    ProgramBuilder(const ScenarioInfo& info, Program& program) : m_info(info), m_program(program) {}

    void addOp(std::string_view text, std::uint16_t shownLine, std::uint32_t sourceLine) {
        auto words = splitWords(text);
        if (!words.empty() && words.front().back() == ':') {
            defineLabel(words.front().substr(0, words.front().size() - 1), sourceLine);
            words.erase(words.begin());
        }
        if (words.empty()) return;
        Instruction in;
        in.line = shownLine;
        in.sourceLine = sourceLine;
        const std::string& name = words[0];
        const auto args = std::span(words).subspan(1);
        auto expectArgs = [&](std::size_t lo, std::size_t hi, const char* usage) {
            if (args.size() < lo || args.size() > hi) throw ParseError{sourceLine, "'" + name + "' takes " + usage};
        };
        if (name == "load") {
            expectArgs(2, 2, "a register and a variable: load r0 Y");
            in.op = OpCode::Load, in.reg = reg(args[0], sourceLine), variable(args[1], in, sourceLine);
        } else if (name == "store") {
            expectArgs(2, 2, "a variable and a value: store Y 0");
            in.op = OpCode::Store, variable(args[0], in, sourceLine), in.a = source(args[1], sourceLine);
        } else if (name == "mov" || name == "add" || name == "sub") {
            expectArgs(2, 2, "a register and a value: add r1 1");
            in.op = name == "mov" ? OpCode::Move : name == "add" ? OpCode::Add : OpCode::Sub;
            in.reg = reg(args[0], sourceLine), in.a = source(args[1], sourceLine);
        } else if (name == "beq" || name == "bne") {
            expectArgs(3, 3, "a register, a value and a label: beq r0 0 wait");
            in.op = name == "beq" ? OpCode::BranchEqual : OpCode::BranchNotEqual;
            in.reg = reg(args[0], sourceLine), in.a = source(args[1], sourceLine);
            useLabel(args[2], sourceLine);
        } else if (name == "jmp") {
            expectArgs(1, 1, "a label: jmp wait");
            in.op = OpCode::Jump;
            useLabel(args[0], sourceLine);
        } else if (name == "xchg" || name == "fetch_add") {
            expectArgs(3, 3, "a register, a variable and a value: xchg r0 L 1");
            in.op = name == "xchg" ? OpCode::Exchange : OpCode::FetchAdd;
            in.reg = reg(args[0], sourceLine), variable(args[1], in, sourceLine), in.a = source(args[2], sourceLine);
        } else if (name == "cas") {
            expectArgs(4, 4, "a register, a variable, the expected and the new value: cas r0 L 0 me");
            in.op = OpCode::CompareExchange;
            in.reg = reg(args[0], sourceLine), variable(args[1], in, sourceLine);
            in.a = source(args[2], sourceLine), in.b = source(args[3], sourceLine);
        } else if (name == "delay") {
            expectArgs(1, 1, "a duration in ns or 'window': delay window");
            in.op = OpCode::Delay, in.a = source(args[0], sourceLine);
        } else if (name == "write_record") {
            expectArgs(1, 2, "a record and an optional gap between words: write_record X window");
            in.op = OpCode::WriteRecord, variable(args[0], in, sourceLine);
            if (args.size() == 2) in.a = source(args[1], sourceLine);
            requireKind(in, VariableKind::Record, sourceLine);
        } else if (name == "check_record") {
            expectArgs(1, 1, "a record: check_record X");
            in.op = OpCode::CheckRecord, variable(args[0], in, sourceLine);
            requireKind(in, VariableKind::Record, sourceLine);
        } else if (name == "fence" || name == "yield" || name == "cs_enter" || name == "cs_exit") {
            expectArgs(0, 0, "no arguments");
            in.op = name == "fence"      ? OpCode::Fence
                    : name == "yield"    ? OpCode::Yield
                    : name == "cs_enter" ? OpCode::CsEnter
                                         : OpCode::CsExit;
        } else {
            throw ParseError{sourceLine, "unknown instruction '" + name +
                                             "' (known: load, store, mov, add, sub, beq, bne, jmp, xchg, cas, "
                                             "fetch_add, fence, delay, yield, cs_enter, cs_exit, write_record, "
                                             "check_record)"};
        }
        m_program.code.push_back(in);
    }

    void resolveLabels() {
        for (const auto& [index, use] : m_labelUses) {
            auto found = m_labels.find(use.first);
            if (found == m_labels.end())
                throw ParseError{use.second, "the label '" + use.first + "' is not defined in this program"};
            m_program.code[index].target = found->second;
        }
        if (m_program.code.empty())
            throw ParseError{m_programLine, "the program of role '" + m_program.role + "' has no instructions"};
    }

    void setProgramLine(std::uint32_t line) { m_programLine = line; }

  private:
    std::uint8_t reg(const std::string& text, std::uint32_t sourceLine) {
        if (text.size() >= 2 && text[0] == 'r') {
            if (auto n = parseInteger(std::string_view(text).substr(1)); n && *n >= 0 && *n < kRegisterCount)
                return static_cast<std::uint8_t>(*n);
        }
        throw ParseError{sourceLine, "'" + text + "' is not a register (r0 to r7)"};
    }

    Operand source(const std::string& text, std::uint32_t sourceLine) {
        if (text == "me") return {Operand::Kind::Me, 0};
        if (text == "window") return {Operand::Kind::Window, 0};
        if (!text.empty() && text[0] == 'r' && text.size() > 1 && std::isdigit(static_cast<unsigned char>(text[1])))
            return {Operand::Kind::Register, reg(text, sourceLine)};
        if (auto n = parseInteger(text)) return {Operand::Kind::Immediate, *n};
        throw ParseError{sourceLine, "'" + text + "' is not a value (a number, a register r0-r7, me or window)"};
    }

    void variable(const std::string& text, Instruction& in, std::uint32_t sourceLine) {
        std::string name = text;
        std::uint32_t word = 0;
        if (auto open = text.find('['); open != std::string::npos) {
            auto index = text.back() == ']'
                             ? parseInteger(std::string_view(text).substr(open + 1, text.size() - open - 2))
                             : std::nullopt;
            if (!index || *index < 0) throw ParseError{sourceLine, "'" + text + "' has a bad word index"};
            name = text.substr(0, open);
            word = static_cast<std::uint32_t>(*index);
        }
        auto found = m_info.findVariable(name);
        if (!found) throw ParseError{sourceLine, "unknown variable '" + name + "'"};
        if (word >= m_info.variables[*found].words)
            throw ParseError{sourceLine, "'" + text + "' is past the end of " + name + " (" +
                                             std::to_string(m_info.variables[*found].words) + " words)"};
        in.variable = *found;
        in.word = word;
    }

    void requireKind(const Instruction& in, VariableKind kind, std::uint32_t sourceLine) {
        if (m_info.variables[in.variable].kind != kind)
            throw ParseError{sourceLine, "'" + m_info.variables[in.variable].name + "' is not a " +
                                             std::string(variableKindName(kind))};
    }

    void defineLabel(const std::string& name, std::uint32_t sourceLine) {
        if (!m_labels.emplace(name, static_cast<std::uint32_t>(m_program.code.size())).second)
            throw ParseError{sourceLine, "the label '" + name + "' is defined twice"};
    }

    void useLabel(const std::string& name, std::uint32_t sourceLine) {
        m_labelUses.emplace_back(m_program.code.size(), std::pair{name, sourceLine});
    }

    const ScenarioInfo& m_info;
    Program& m_program;
    std::map<std::string, std::uint32_t> m_labels;
    std::vector<std::pair<std::size_t, std::pair<std::string, std::uint32_t>>> m_labelUses;
    std::uint32_t m_programLine = 0;
};

/// The line of `key` in `table` when present (so errors point at the value), else `fallback`.
std::uint32_t keyLine(const toml::table& table, std::string_view key, std::uint32_t fallback) {
    const auto* node = table.get(key);
    return node != nullptr ? lineOf(*node) : fallback;
}

template <class T> T required(const toml::table& table, std::string_view key, std::uint32_t line, const char* what) {
    auto value = table[key].value<T>();
    if (!value)
        throw ParseError{keyLine(table, key, line),
                         std::string("missing or wrong '") + std::string(key) + "' (" + what + ")"};
    return *value;
}

/// An integer key within [lo, hi], or `fallback` when absent.
std::int64_t boundedInteger(const toml::table& table, std::string_view key, std::int64_t lo, std::int64_t hi,
                            std::int64_t fallback) {
    const auto* node = table.get(key);
    if (node == nullptr) return fallback;
    auto value = node->value<std::int64_t>();
    if (!value || *value < lo || *value > hi)
        throw ParseError{lineOf(*node), "'" + std::string(key) + "' must be a whole number from " + std::to_string(lo) +
                                            " to " + std::to_string(hi)};
    return *value;
}

void parseDefaults(const toml::table& table, ScenarioDefaults& defaults) {
    defaults.workers = static_cast<std::uint32_t>(boundedInteger(table, "workers", 2, 64, defaults.workers));
    defaults.iterations = static_cast<std::uint64_t>(
        boundedInteger(table, "iterations", 1, 100'000'000, static_cast<std::int64_t>(defaults.iterations)));
    defaults.windowNs = static_cast<std::uint64_t>(
        boundedInteger(table, "window_ns", 0, 100'000'000, static_cast<std::int64_t>(defaults.windowNs)));
}

void parseVariables(const toml::table& root, Scenario& scenario) {
    const auto* list = root["variable"].as_array();
    if (!list || list->empty()) throw ParseError{1, "no [[variable]] tables: a scenario needs shared variables"};
    std::uint32_t nextWord = 0;
    for (const auto& node : *list) {
        const auto* table = node.as_table();
        const auto line = lineOf(node);
        if (!table) throw ParseError{line, "each [[variable]] must be a table"};
        VariableInfo variable;
        variable.name = required<std::string>(*table, "name", line, "the variable's name");
        const auto kindName = required<std::string>(*table, "kind", line, "flag, lock, counter, record or word");
        auto kind = variableKindFromName(kindName);
        if (!kind)
            throw ParseError{keyLine(*table, "kind", line),
                             "unknown variable kind '" + kindName + "' (flag, lock, counter, record or word)"};
        variable.kind = *kind;
        variable.words = static_cast<std::uint32_t>(boundedInteger(*table, "words", 1, 64, 1));
        if (variable.kind != VariableKind::Record && variable.words != 1)
            throw ParseError{keyLine(*table, "words", line), "only a record may have more than one word"};
        variable.initial = boundedInteger(*table, "initial", -(std::int64_t{1} << 62), std::int64_t{1} << 62, 0);
        if (scenario.info.findVariable(variable.name))
            throw ParseError{line, "the variable '" + variable.name + "' is declared twice"};
        // Each variable starts on its own cache line (8 words) so variables do not share one.
        variable.firstWord = nextWord;
        nextWord += (variable.words + 7) / 8 * 8;
        scenario.info.variables.push_back(variable);
    }
    scenario.totalWords = nextWord;
}

void parsePrograms(const toml::table& root, Scenario& scenario) {
    const auto* list = root["program"].as_array();
    if (!list || list->empty()) throw ParseError{1, "no [[program]] tables: a scenario needs a program"};
    for (const auto& node : *list) {
        const auto* table = node.as_table();
        const auto line = lineOf(node);
        if (!table) throw ParseError{line, "each [[program]] must be a table"};
        Program program;
        ProgramInfo listing;
        program.role = listing.role = required<std::string>(*table, "role", line, "the role's name");
        const auto* lines = (*table)["lines"].as_array();
        if (!lines || lines->empty()) throw ParseError{line, "the program '" + program.role + "' has no 'lines'"};
        ProgramBuilder builder(scenario.info, program);
        builder.setProgramLine(line);
        for (const auto& lineNode : *lines) {
            const auto* entry = lineNode.as_table();
            const auto entryLine = lineOf(lineNode);
            if (!entry) throw ParseError{entryLine, "each program line must be { text = \"...\", ops = [...] }"};
            const auto shown = static_cast<std::uint16_t>(listing.lines.size());
            listing.lines.push_back({required<std::string>(*entry, "text", entryLine, "the pseudo-code shown")});
            if (const auto* ops = (*entry)["ops"].as_array()) {
                for (const auto& op : *ops) {
                    auto opText = op.value<std::string>();
                    if (!opText) throw ParseError{lineOf(op), "each op must be a string"};
                    builder.addOp(*opText, shown, lineOf(op));
                }
            }
        }
        builder.resolveLabels();
        scenario.programs.push_back(std::move(program));
        scenario.info.programs.push_back(std::move(listing));
    }
}

void parseInvariants(const toml::table& root, Scenario& scenario) {
    const auto* list = root["invariant"].as_array();
    if (!list) return;
    for (const auto& node : *list) {
        const auto* table = node.as_table();
        const auto line = lineOf(node);
        if (!table) throw ParseError{line, "each [[invariant]] must be a table"};
        InvariantSpec spec;
        const auto name = required<std::string>(*table, "variable", line, "the variable it checks");
        auto variable = scenario.info.findVariable(name);
        if (!variable) throw ParseError{line, "the invariant names an unknown variable '" + name + "'"};
        spec.variable = *variable;
        const auto equals =
            required<std::string>(*table, "equals", line, "an expression like \"workers * iterations\"");
        spec.text = name + " == " + equals;
        std::vector<std::string> product;
        for (const auto& word : splitWords(equals)) {
            if (word == "+") {
                spec.sumOfProducts.push_back(std::move(product));
                product.clear();
                continue;
            }
            if (word == "*") continue;
            if (word != "workers" && word != "iterations" && !parseInteger(word))
                throw ParseError{line, "'" + word + "' in an invariant must be a number, workers, iterations, + or *"};
            product.push_back(word);
        }
        if (product.empty()) throw ParseError{line, "the invariant's expression '" + equals + "' is incomplete"};
        spec.sumOfProducts.push_back(std::move(product));
        scenario.invariants.push_back(std::move(spec));
    }
}

} // namespace

std::int64_t InvariantSpec::evaluate(std::uint32_t workers, std::uint64_t iterations) const {
    std::int64_t sum = 0;
    for (const auto& product : sumOfProducts) {
        std::int64_t value = 1;
        for (const auto& term : product)
            value *= term == "workers"      ? static_cast<std::int64_t>(workers)
                     : term == "iterations" ? static_cast<std::int64_t>(iterations)
                                            : *parseInteger(term);
        sum += value;
    }
    return sum;
}

ScenarioInfo Scenario::infoFor(std::uint32_t workers, std::uint64_t iterations) const {
    ScenarioInfo result = info;
    for (const auto& spec : invariants)
        result.invariants.push_back({spec.text, spec.variable, spec.evaluate(workers, iterations)});
    return result;
}

Result<Scenario> parseScenario(std::string_view text, const std::string& fileName) {
    Scenario scenario;
    try {
        toml::table root = toml::parse(text, fileName);
        scenario.info.source = std::string(text);
        scenario.info.name = required<std::string>(root, "name", 1, "the scenario's short name");
        scenario.info.title = root["title"].value_or(scenario.info.name);
        scenario.summary = root["summary"].value_or(std::string());
        scenario.info.description = root["description"].value_or(scenario.summary);
        if (const auto* defaults = root["defaults"].as_table()) parseDefaults(*defaults, scenario.defaults);
        parseVariables(root, scenario);
        parsePrograms(root, scenario);
        parseInvariants(root, scenario);
    } catch (const toml::parse_error& error) {
        return fail(fileName + ":" + std::to_string(error.source().begin.line) + ": " +
                    std::string(error.description()) + ".");
    } catch (const ParseError& error) {
        return fail(fileName + ":" + std::to_string(error.line) + ": " + error.problem + ".");
    }
    return scenario;
}

std::string_view opCodeName(OpCode op) {
    static constexpr std::string_view names[] = {
        "load", "store",     "mov",   "add",   "sub",   "beq",      "bne",     "jmp",          "xchg",
        "cas",  "fetch_add", "fence", "delay", "yield", "cs_enter", "cs_exit", "write_record", "check_record"};
    const auto index = static_cast<std::size_t>(op);
    return index < std::size(names) ? names[index] : "unknown";
}

} // namespace racetrace
