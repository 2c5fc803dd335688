// TOML -> Scenario. The program text is a tiny assembly, one string per
// instruction, grouped under the pseudo-code line it is shown as:
//
//   lines = [
//     { text = "while (Y == 0) { }", ops = ["wait: load r0 Y", "beq r0 0 wait"] },
//     { text = "Y = 0",              ops = ["delay window", "store Y 0"] },
//   ]
//
// Every error names the file, the line and the problem.
#include "lab/program_parser.hpp"
#include "lab/run_options.hpp"
#include "lab/scenario.hpp"
#include "lab/toml_number.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <span>
#include <sstream>

#include <toml++/toml.h>

namespace racetrace {

namespace {

using ParseError = ScenarioParseError;

std::uint32_t lineOf(const toml::node& node) {
    return static_cast<std::uint32_t>(node.source().begin.line);
}

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
    const auto value = tomlWholeNumber(*node);
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

/// `free = 1` and `meaning = { 1 = "free", 0 = "in use", other = "..." }`.
ValueMeanings parseMeanings(const toml::table& table) {
    constexpr std::int64_t kLimit = std::int64_t{1} << 62;
    ValueMeanings meanings;
    if (table.contains("free")) meanings.free = boundedInteger(table, "free", -kLimit, kLimit, 0);
    const auto* node = table.get("meaning");
    if (node == nullptr) return meanings;
    const auto* words = node->as_table();
    if (words == nullptr)
        throw ParseError{lineOf(*node), "'meaning' must be a table like { 1 = \"free\", 0 = \"in use\" }"};
    for (const auto& [key, value] : *words) {
        const auto text = value.value<std::string>();
        if (!text) throw ParseError{lineOf(value), "the words for '" + std::string(key.str()) + "' must be a string"};
        if (key.str() == "other") {
            meanings.otherWords = *text;
            continue;
        }
        const auto number = parseInteger(key.str());
        if (!number || *number < -kLimit || *number > kLimit)
            throw ParseError{lineOf(value),
                             "'" + std::string(key.str()) + "' in 'meaning' is not a value (a number or other)"};
        meanings.words.push_back({*number, *text});
    }
    return meanings;
}

VariableInfo parseVariable(const toml::table& table, std::uint32_t line) {
    VariableInfo variable;
    variable.name = required<std::string>(table, "name", line, "the variable's name");
    const std::string roles = variableRoleList();
    const auto roleName = required<std::string>(table, "kind", line, roles.c_str());
    const auto role = variableRoleFromName(roleName);
    if (!role)
        throw ParseError{keyLine(table, "kind", line), "unknown variable kind '" + roleName + "' (" + roles + ")"};
    variable.role = *role;
    variable.words = static_cast<std::uint32_t>(boundedInteger(table, "words", 1, 64, 1));
    if (!variableRoleInfo(variable.role).manyWords && variable.words != 1)
        throw ParseError{keyLine(table, "words", line),
                         "a " + roleName + " has one word; a record, a flag or a word may have more"};
    variable.initial = boundedInteger(table, "initial", -(std::int64_t{1} << 62), std::int64_t{1} << 62,
                                      variable.role == VariableRole::Semaphore ? 1 : 0);
    // The word mirrors the kernel object: a semaphore's permits, a mutex's owner (none at the start).
    if (variable.role == VariableRole::Semaphore && (variable.initial < 0 || variable.initial > 1'000'000))
        throw ParseError{keyLine(table, "initial", line), "a semaphore starts with 0 to 1,000,000 permits"};
    if (variable.role == VariableRole::Mutex && variable.initial != 0)
        throw ParseError{keyLine(table, "initial", line), "a mutex starts free: its initial value is 0"};
    variable.meanings = withRoleDefaults(variable.role, parseMeanings(table));
    return variable;
}

/// Default capacity: a pipe of one page (the least the kernel gives), a queue of 4 messages.
std::int64_t defaultCapacity(ChannelKind kind) {
    return kind == ChannelKind::Pipe ? 4096 : 4;
}

ChannelInfo parseChannel(const toml::table& table, std::uint32_t line, ChannelSpec& spec) {
    ChannelInfo channel;
    channel.name = required<std::string>(table, "name", line, "the channel's name");
    const auto kindName = required<std::string>(table, "kind", line, "\"pipe\" or \"queue\"");
    const auto kind = channelKindFromName(kindName);
    if (!kind)
        throw ParseError{keyLine(table, "kind", line), "unknown channel kind '" + kindName + "' (pipe or queue)"};
    channel.kind = *kind;
    channel.capacity =
        static_cast<std::uint64_t>(boundedInteger(table, "capacity", 1, 1 << 20, defaultCapacity(channel.kind)));
    channel.messageBytes =
        static_cast<std::uint32_t>(boundedInteger(table, "message_bytes", kMinMessageBytes, kMaxMessageBytes, 64));
    if (channel.messageBytes % 8 != 0)
        throw ParseError{keyLine(table, "message_bytes", line), "'message_bytes' must be a multiple of 8"};
    if (const auto* kept = table["write_end_kept_by"].as_array()) {
        for (const auto& role : *kept) {
            auto name = role.value<std::string>();
            if (!name) throw ParseError{lineOf(role), "'write_end_kept_by' lists role names"};
            spec.writeEndKeptBy.push_back(*name);
        }
    }
    return channel;
}

void parseChannels(const toml::table& root, Scenario& scenario) {
    const auto* list = root["channel"].as_array();
    if (!list) return;
    for (const auto& node : *list) {
        const auto* table = node.as_table();
        const auto line = lineOf(node);
        if (!table) throw ParseError{line, "each [[channel]] must be a table"};
        if (scenario.info.channels.size() == kMaxChannels)
            throw ParseError{line, "a scenario may have at most " + std::to_string(kMaxChannels) + " channels"};
        ChannelSpec spec;
        ChannelInfo channel = parseChannel(*table, line, spec);
        if (scenario.info.findChannel(channel.name))
            throw ParseError{line, "the channel '" + channel.name + "' is declared twice"};
        scenario.info.channels.push_back(std::move(channel));
        scenario.channelSpecs.push_back(std::move(spec));
    }
}

void parseVariables(const toml::table& root, Scenario& scenario) {
    const auto* list = root["variable"].as_array();
    if ((!list || list->empty()) && !scenario.info.channels.empty()) return; // message passing alone
    if (!list || list->empty())
        throw ParseError{1, "no [[variable]] or [[channel]] tables: a scenario needs shared variables or channels"};
    std::uint32_t nextWord = 0;
    for (const auto& node : *list) {
        const auto* table = node.as_table();
        const auto line = lineOf(node);
        if (!table) throw ParseError{line, "each [[variable]] must be a table"};
        VariableInfo variable = parseVariable(*table, line);
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
        ProgramBuilder builder(scenario.info, program, line);
        for (const auto& lineNode : *lines) {
            const auto* entry = lineNode.as_table();
            const auto entryLine = lineOf(lineNode);
            if (!entry) throw ParseError{entryLine, "each program line must be { text = \"...\", ops = [...] }"};
            // An event names its line in 16 bits: a longer program would wrap round to line 0.
            if (listing.lines.size() >= kMaxProgramLines)
                throw ParseError{entryLine, "the program '" + program.role + "' has more than " +
                                                std::to_string(kMaxProgramLines) +
                                                " lines, more than an event can name"};
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
        builder.finish();
        scenario.programs.push_back(std::move(program));
        scenario.info.programs.push_back(std::move(listing));
    }
}

/// Every role write_end_kept_by names must exist.
void checkKeptEnds(const Scenario& scenario) {
    for (std::size_t c = 0; c < scenario.channelSpecs.size(); ++c)
        for (const auto& role : scenario.channelSpecs[c].writeEndKeptBy)
            if (std::none_of(scenario.programs.begin(), scenario.programs.end(),
                             [&](const Program& program) { return program.role == role; }))
                throw ParseError{1, "channel '" + scenario.info.channels[c].name + "' says role '" + role +
                                        "' keeps its write end, but no [[program]] has that role"};
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
        if (!spec.evaluateChecked(kMaxRunWorkers, kMaxIterations))
            throw ParseError{keyLine(*table, "equals", line),
                             "the invariant's expression '" + equals + "' overflows 64 bits for a run of " +
                                 std::to_string(kMaxRunWorkers) + " workers x 100,000,000 iterations"};
        scenario.invariants.push_back(std::move(spec));
    }
}

} // namespace

std::optional<std::int64_t> InvariantSpec::evaluateChecked(std::uint32_t workers, std::uint64_t iterations) const {
    std::int64_t sum = 0;
    for (const auto& product : sumOfProducts) {
        std::int64_t value = 1;
        for (const auto& term : product) {
            const std::int64_t factor = term == "workers"      ? static_cast<std::int64_t>(workers)
                                        : term == "iterations" ? static_cast<std::int64_t>(iterations)
                                                               : *parseInteger(term);
            if (__builtin_mul_overflow(value, factor, &value)) return std::nullopt;
        }
        if (__builtin_add_overflow(sum, value, &sum)) return std::nullopt;
    }
    return sum;
}

std::int64_t InvariantSpec::evaluate(std::uint32_t workers, std::uint64_t iterations) const {
    // The parser refused any expression that overflows at the largest run, so this cannot.
    return evaluateChecked(workers, iterations).value_or(0);
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
        parseChannels(root, scenario);
        parseVariables(root, scenario);
        parsePrograms(root, scenario);
        checkKeptEnds(scenario);
        parseInvariants(root, scenario);
    } catch (const toml::parse_error& error) {
        return fail(fileName + ":" + std::to_string(error.source().begin.line) + ": " +
                    std::string(error.description()) + ".");
    } catch (const ParseError& error) {
        return fail(fileName + ":" + std::to_string(error.line) + ": " + error.problem + ".");
    }
    return scenario;
}

ChannelUse Scenario::channelUse(std::uint32_t worker, std::uint16_t channel) const {
    ChannelUse use;
    const Program& program = programOf(worker);
    for (const Instruction& in : program.code) {
        if (in.channel != channel) continue;
        const bool sends = in.op == OpCode::Send || in.op == OpCode::TrySend || in.op == OpCode::Drop;
        const bool receives = in.op == OpCode::Receive || in.op == OpCode::TryReceive;
        use.writes = use.writes || sends;
        use.reads = use.reads || receives;
    }
    const auto& kept = channelSpecs[channel].writeEndKeptBy;
    if (std::find(kept.begin(), kept.end(), program.role) != kept.end()) use.writes = true;
    return use;
}

Result<void> Scenario::fitsWorkers(std::uint32_t workers) const {
    for (std::uint32_t k = 0; k < workers; ++k) {
        for (const Instruction& in : programOf(k).code) {
            const bool perWorker = in.index.kind == WordIndex::Kind::Me || in.index.kind == WordIndex::Kind::Other;
            if (!perWorker || in.variable >= info.variables.size()) continue;
            const VariableInfo& variable = info.variables[in.variable];
            const std::int64_t word = resolveWord(in.index, k, nullptr); // me and other need no registers
            if (word < variable.words) continue;
            const char* which = in.index.kind == WordIndex::Kind::Me ? "me" : "other";
            return fail(variable.name + "[" + which + "] (line " + std::to_string(in.sourceLine) +
                        " of the scenario) names word " + std::to_string(word) + " for worker " + workerName(k) +
                        ", but " + variable.name + " has " + std::to_string(variable.words) +
                        " words: run this scenario with fewer workers.");
        }
    }
    return {};
}

std::vector<std::int32_t> kernelLockIndices(const ScenarioInfo& info) {
    std::vector<std::int32_t> indices;
    std::int32_t next = 0;
    for (const VariableInfo& variable : info.variables)
        indices.push_back(variableRoleInfo(variable.role).kernelLock ? next++ : -1);
    return indices;
}

std::vector<KernelLockPlan> Scenario::kernelLockPlans() const {
    std::vector<KernelLockPlan> plans;
    for (const VariableInfo& variable : info.variables)
        if (variableRoleInfo(variable.role).kernelLock)
            plans.push_back({.mutex = variable.role == VariableRole::Mutex,
                             .permits = static_cast<std::uint32_t>(std::max<std::int64_t>(0, variable.initial))});
    return plans;
}

} // namespace racetrace
