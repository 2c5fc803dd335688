#include "trace/rtrace_metadata.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <concepts>
#include <limits>
#include <optional>

namespace racetrace {

namespace {

// ordered_json keeps keys in the order we write them, so a person reading the
// metadata sees "name" before "source" instead of an alphabetical jumble.
using Json = nlohmann::ordered_json;

std::string joinField(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

/// "1 word", "6 words".
std::string countText(std::uint64_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::string indexField(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

/// A value from the file quoted in an error, cut short so a hostile file cannot flood the message.
std::string clippedQuote(std::string_view text) {
    constexpr std::size_t kMaxShown = 40;
    if (text.size() <= kMaxShown) return "\"" + std::string(text) + "\"";
    return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
}

/// "a string", "an array", "-3": what a JSON value is, for "should be X but is Y".
std::string describe(const Json& value) {
    if (value.is_number()) return value.dump();
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_array()) return "an array";
    if (value.is_object()) return "an object";
    return "null";
}

std::optional<ClockKind> clockKindFromName(std::string_view name) {
    for (auto kind : {ClockKind::Tsc, ClockKind::Monotonic})
        if (clockKindName(kind) == name) return kind;
    return std::nullopt;
}

std::optional<WorkerExit::How> exitHowFromName(std::string_view name) {
    for (auto how :
         {WorkerExit::How::Unknown, WorkerExit::How::Exited, WorkerExit::How::Signaled, WorkerExit::How::Killed})
        if (exitHowName(how) == name) return how;
    return std::nullopt;
}

/// Reads typed fields out of untrusted JSON. The first problem sticks: later
/// reads do nothing, so decoders read field after field and check once at the
/// end, and the error always names the first bad field by its full path.
class FieldReader {
  public:
    bool ok() const { return m_error.empty(); }
    std::string error() const { return m_error; }

    void fail(std::string problem) {
        if (ok()) m_error = std::move(problem);
    }
    void failField(const std::string& field, const std::string& problem) { fail("field \"" + field + "\" " + problem); }

    /// `value` itself as an object, or nullptr (and an error) when it is something else.
    const Json* asObject(const Json& value, const std::string& field) {
        if (!ok()) return nullptr;
        if (value.is_object()) return &value;
        failField(field, "should be an object but is " + describe(value));
        return nullptr;
    }

    /// True when the object has `key` (for fields later writers added).
    bool has(const Json& object, std::string_view key) const {
        return ok() && object.is_object() && object.contains(std::string(key));
    }

    /// The member `key` of an object, or nullptr (and an error) when it is missing.
    const Json* member(const Json& object, std::string_view key, const std::string& field) {
        if (!ok()) return nullptr;
        const auto found = object.find(std::string(key));
        if (found != object.end()) return &*found;
        failField(field, "is missing");
        return nullptr;
    }

    const Json* object(const Json& parent, std::string_view key, const std::string& path) {
        const std::string field = joinField(path, key);
        const Json* value = member(parent, key, field);
        return value ? asObject(*value, field) : nullptr;
    }

    template <class T> void read(const Json& parent, std::string_view key, const std::string& path, T& out) {
        const std::string field = joinField(path, key);
        if (const Json* value = member(parent, key, field)) convert(*value, field, out);
    }

    /// Reads a name and maps it to an enum value with `fromName`; `what` names the enum for people.
    template <class E, class FromName>
    void readName(const Json& parent, std::string_view key, const std::string& path, E& out, FromName fromName,
                  std::string_view what) {
        std::string name;
        read(parent, key, path, name);
        if (!ok()) return;
        if (const auto value = fromName(name))
            out = *value;
        else
            failField(joinField(path, key), "is " + clippedQuote(name) + ", which is not a known " + std::string(what));
    }

    /// Reads the array `key`, calling `readOne(element, elementPath, newItem)` for each element.
    template <class T, class ReadOne>
    void readList(const Json& parent, std::string_view key, const std::string& path, std::vector<T>& out,
                  ReadOne readOne) {
        const std::string field = joinField(path, key);
        const Json* value = member(parent, key, field);
        if (!value) return;
        if (!value->is_array()) return failField(field, "should be an array but is " + describe(*value));
        out.clear();
        out.reserve(value->size()); // the real element count, already parsed: not a claim
        for (std::size_t i = 0; i < value->size() && ok(); ++i)
            readOne((*value)[i], indexField(field, i), out.emplace_back());
    }

    void convert(const Json& value, const std::string& field, std::string& out) {
        if (!ok()) return;
        if (value.is_string())
            out = value.get<std::string>();
        else
            failField(field, "should be a string but is " + describe(value));
    }

    void convert(const Json& value, const std::string& field, bool& out) {
        if (!ok()) return;
        if (value.is_boolean())
            out = value.get<bool>();
        else
            failField(field, "should be true or false but is " + describe(value));
    }

    void convert(const Json& value, const std::string& field, double& out) {
        if (!ok()) return;
        if (value.is_number())
            out = value.get<double>();
        else
            failField(field, "should be a number but is " + describe(value));
    }

    template <std::integral T>
    requires(!std::same_as<T, bool>) void convert(const Json& value, const std::string& field, T& out) {
        if (!ok()) return;
        using Limits = std::numeric_limits<T>;
        // nlohmann parses every non-negative integer as unsigned, so test that first.
        if (value.is_number_unsigned()) {
            const auto number = value.get<std::uint64_t>();
            if (number <= static_cast<std::uint64_t>(Limits::max())) {
                out = static_cast<T>(number);
                return;
            }
        } else if (value.is_number_integer()) { // negative
            if constexpr (std::signed_integral<T>) {
                const auto number = value.get<std::int64_t>();
                if (number >= static_cast<std::int64_t>(Limits::min())) {
                    out = static_cast<T>(number);
                    return;
                }
            }
        } else {
            return failField(field, "should be a whole number but is " + describe(value));
        }
        failField(field, "is " + value.dump() + ", outside the range " + std::to_string(Limits::min()) + " to " +
                             std::to_string(Limits::max()));
    }

  private:
    std::string m_error;
};

// --- decoding, one function per struct ---------------------------------------

void readVariable(FieldReader& r, const Json& value, const std::string& path, VariableInfo& variable) {
    const Json* j = r.asObject(value, path);
    if (!j) return;
    r.read(*j, "name", path, variable.name);
    r.readName(*j, "kind", path, variable.role, variableRoleFromName, "variable kind");
    r.read(*j, "words", path, variable.words);
    r.read(*j, "initial", path, variable.initial);
    r.read(*j, "firstWord", path, variable.firstWord);
    // What values mean came later than v1's first files: without it, the role's defaults.
    ValueMeanings meanings;
    if (r.has(*j, "free") && !(*j)["free"].is_null()) {
        std::int64_t free = 0;
        r.read(*j, "free", path, free);
        meanings.free = free;
    }
    if (r.has(*j, "meanings"))
        r.readList(*j, "meanings", path, meanings.words,
                   [&r](const Json& item, const std::string& itemPath, ValueWords& out) {
                       if (const Json* w = r.asObject(item, itemPath)) {
                           r.read(*w, "value", itemPath, out.value);
                           r.read(*w, "words", itemPath, out.words);
                       }
                   });
    if (r.has(*j, "otherWords")) r.read(*j, "otherWords", path, meanings.otherWords);
    variable.meanings = withRoleDefaults(variable.role, std::move(meanings));
}

void readProgram(FieldReader& r, const Json& value, const std::string& path, ProgramInfo& program) {
    const Json* j = r.asObject(value, path);
    if (!j) return;
    r.read(*j, "role", path, program.role);
    r.readList(*j, "lines", path, program.lines,
               [&](const Json& lineValue, const std::string& linePath, ProgramLineInfo& line) {
                   if (const Json* lineObject = r.asObject(lineValue, linePath))
                       r.read(*lineObject, "text", linePath, line.text);
               });
}

void readInvariant(FieldReader& r, const Json& value, const std::string& path, InvariantInfo& invariant) {
    const Json* j = r.asObject(value, path);
    if (!j) return;
    r.read(*j, "text", path, invariant.text);
    r.read(*j, "variable", path, invariant.variable);
    r.read(*j, "expected", path, invariant.expected);
}

void readChannel(FieldReader& r, const Json& value, const std::string& path, ChannelInfo& channel) {
    const Json* j = r.asObject(value, path);
    if (!j) return;
    r.read(*j, "name", path, channel.name);
    r.readName(*j, "kind", path, channel.kind, channelKindFromName, "channel kind");
    r.read(*j, "capacity", path, channel.capacity);
    r.read(*j, "messageBytes", path, channel.messageBytes);
}

void readScenario(FieldReader& r, const Json& root, ScenarioInfo& scenario) {
    const std::string path = "scenario";
    const Json* j = r.object(root, "scenario", "");
    if (!j) return;
    r.read(*j, "name", path, scenario.name);
    r.read(*j, "title", path, scenario.title);
    r.read(*j, "description", path, scenario.description);
    r.read(*j, "source", path, scenario.source);
    const auto with = [&r](auto readOne) {
        return [&r, readOne](const Json& value, const std::string& itemPath, auto& item) {
            readOne(r, value, itemPath, item);
        };
    };
    r.readList(*j, "variables", path, scenario.variables, with(readVariable));
    // Channels came with message passing: a file without them has none.
    if (r.has(*j, "channels")) r.readList(*j, "channels", path, scenario.channels, with(readChannel));
    r.readList(*j, "programs", path, scenario.programs, with(readProgram));
    r.readList(*j, "invariants", path, scenario.invariants, with(readInvariant));
}

/// The JSON key is "options" (files since v1 have it); "windowSet" in it is
/// written for older readers, and ignored: a saved window is always the one used.
void readSettings(FieldReader& r, const Json& root, RunSettings& options) {
    const std::string path = "options";
    const Json* j = r.object(root, "options", "");
    if (!j) return;
    r.read(*j, "scenario", path, options.scenario);
    r.read(*j, "workers", path, options.workers);
    r.read(*j, "iterations", path, options.iterations);
    r.read(*j, "windowNs", path, options.windowNs);
    r.readName(*j, "pin", path, options.pin, pinModeFromName, "pin mode");
    r.read(*j, "seed", path, options.seed);
    r.read(*j, "traceEnabled", path, options.traceEnabled);
    r.read(*j, "watchdogSeconds", path, options.watchdogSeconds);
    if (r.has(*j, "messageBytes")) r.read(*j, "messageBytes", path, options.messageBytes);
    if (r.has(*j, "capacity")) r.read(*j, "capacity", path, options.capacity);
    if (r.has(*j, "retryWhenFull")) r.read(*j, "retryWhenFull", path, options.retryWhenFull);
    if (r.has(*j, "killAtEntry")) {
        r.read(*j, "killWorker", path, options.killWorker);
        r.read(*j, "killAtEntry", path, options.killAtEntry);
    }
}

void readWorker(FieldReader& r, const Json& value, const std::string& path, WorkerRecord& worker) {
    const Json* j = r.asObject(value, path);
    if (!j) return;
    r.read(*j, "index", path, worker.index);
    r.read(*j, "pid", path, worker.pid);
    r.read(*j, "role", path, worker.role);
    r.read(*j, "dropped", path, worker.dropped);
    r.read(*j, "iterationsDone", path, worker.iterationsDone);
    const std::string exitPath = joinField(path, "exit");
    if (const Json* exit = r.object(*j, "exit", path)) {
        r.readName(*exit, "how", exitPath, worker.exit.how, exitHowFromName, "way for a worker to end");
        r.read(*exit, "code", exitPath, worker.exit.code);
        r.read(*exit, "signal", exitPath, worker.exit.signal);
    }
    r.readList(*j, "cpus", path, worker.cpus,
               [&r](const Json& cpu, const std::string& cpuPath, std::uint16_t& out) { r.convert(cpu, cpuPath, out); });
}

void readTrace(FieldReader& r, const Json& root, Trace& trace) {
    readScenario(r, root, trace.scenario);
    readSettings(r, root, trace.settings);
    if (const Json* machine = r.object(root, "machine", "")) {
        r.read(*machine, "cpuModel", "machine", trace.machine.cpuModel);
        r.read(*machine, "cores", "machine", trace.machine.cores);
        r.read(*machine, "kernel", "machine", trace.machine.kernel);
    }
    if (const Json* clock = r.object(root, "clock", "")) {
        r.readName(*clock, "kind", "clock", trace.clock.kind, clockKindFromName, "clock kind");
        r.read(*clock, "ticksPerNs", "clock", trace.clock.ticksPerNs);
    }
    r.readList(
        root, "workers", "", trace.workers,
        [&r](const Json& value, const std::string& path, WorkerRecord& worker) { readWorker(r, value, path, worker); });
    r.readList(root, "finalWords", "", trace.finalWords,
               [&r](const Json& word, const std::string& path, std::int64_t& out) { r.convert(word, path, out); });
    r.read(root, "stopReason", "", trace.stopReason);
    r.read(root, "durationNs", "", trace.durationNs);
}

/// Cross-field rules the types alone cannot express; events are checked against these later.
Result<void> checkConsistency(const Trace& trace) {
    const auto& variables = trace.scenario.variables;
    if (variables.size() >= kNoVariable)
        return fail("the scenario has " + countText(variables.size(), "variable") + ", more than a trace can index");
    for (std::size_t i = 0; i < variables.size(); ++i) {
        const auto& variable = variables[i];
        if (variable.words == 0) return fail("variable " + std::to_string(i) + " has no words");
        // Both are 32-bit, so the sum cannot overflow 64 bits.
        const std::uint64_t end = std::uint64_t{variable.firstWord} + variable.words;
        if (end > trace.finalWords.size())
            return fail("variable " + std::to_string(i) + " ends at word " + std::to_string(end) +
                        " but the final memory has only " + countText(trace.finalWords.size(), "word"));
    }
    if (trace.scenario.channels.size() > kMaxChannels)
        return fail("the scenario has " + countText(trace.scenario.channels.size(), "channel") + ", more than " +
                    std::to_string(kMaxChannels));
    for (std::size_t i = 0; i < trace.scenario.channels.size(); ++i) {
        const auto bytes = trace.scenario.channels[i].messageBytes;
        if (bytes < kMinMessageBytes || bytes > kMaxMessageBytes)
            return fail("channel " + std::to_string(i) + " has messages of " + std::to_string(bytes) +
                        " bytes, outside " + std::to_string(kMinMessageBytes) + " to " +
                        std::to_string(kMaxMessageBytes));
    }
    for (std::size_t i = 0; i < trace.scenario.invariants.size(); ++i) {
        const auto variable = trace.scenario.invariants[i].variable;
        if (variable >= variables.size())
            return fail("invariant " + std::to_string(i) + " names variable " + std::to_string(variable) +
                        " but the scenario has " + countText(variables.size(), "variable"));
    }
    for (std::size_t i = 0; i < trace.workers.size(); ++i)
        if (trace.workers[i].index != i)
            return fail("worker record " + std::to_string(i) + " says it is worker " +
                        std::to_string(trace.workers[i].index));
    if (!std::isfinite(trace.clock.ticksPerNs) || trace.clock.ticksPerNs <= 0.0)
        return fail("the clock rate " + std::to_string(trace.clock.ticksPerNs) +
                    " ticks per ns is not a positive number");
    return {};
}

// --- encoding ----------------------------------------------------------------

Json encodeScenario(const ScenarioInfo& scenario) {
    Json j = Json::object();
    j["name"] = scenario.name;
    j["title"] = scenario.title;
    j["description"] = scenario.description;
    j["source"] = scenario.source;
    j["variables"] = Json::array();
    for (const auto& variable : scenario.variables) {
        Json v = Json::object();
        v["name"] = variable.name;
        v["kind"] = std::string(variableRoleName(variable.role));
        v["words"] = variable.words;
        v["initial"] = variable.initial;
        v["firstWord"] = variable.firstWord;
        v["free"] = variable.meanings.free ? Json(*variable.meanings.free) : Json(nullptr);
        v["meanings"] = Json::array();
        for (const ValueWords& words : variable.meanings.words)
            v["meanings"].push_back(Json{{"value", words.value}, {"words", words.words}});
        v["otherWords"] = variable.meanings.otherWords;
        j["variables"].push_back(std::move(v));
    }
    j["channels"] = Json::array();
    for (const auto& channel : scenario.channels)
        j["channels"].push_back(Json{{"name", channel.name},
                                     {"kind", std::string(channelKindName(channel.kind))},
                                     {"capacity", channel.capacity},
                                     {"messageBytes", channel.messageBytes}});
    j["programs"] = Json::array();
    for (const auto& program : scenario.programs) {
        Json p = Json::object();
        p["role"] = program.role;
        p["lines"] = Json::array();
        for (const auto& line : program.lines)
            p["lines"].push_back(Json{{"text", line.text}});
        j["programs"].push_back(std::move(p));
    }
    j["invariants"] = Json::array();
    for (const auto& invariant : scenario.invariants) {
        Json i = Json::object();
        i["text"] = invariant.text;
        i["variable"] = invariant.variable;
        i["expected"] = invariant.expected;
        j["invariants"].push_back(std::move(i));
    }
    return j;
}

Json encodeSettings(const RunSettings& options) {
    Json j = Json::object();
    j["scenario"] = options.scenario;
    j["workers"] = options.workers;
    j["iterations"] = options.iterations;
    j["windowNs"] = options.windowNs;
    j["windowSet"] = true; // required by racetrace 0.1's reader
    j["pin"] = std::string(pinModeName(options.pin));
    j["seed"] = options.seed;
    j["traceEnabled"] = options.traceEnabled;
    j["watchdogSeconds"] = options.watchdogSeconds;
    j["messageBytes"] = options.messageBytes;
    j["capacity"] = options.capacity;
    j["retryWhenFull"] = options.retryWhenFull;
    if (options.killAtEntry != 0) {
        j["killWorker"] = options.killWorker;
        j["killAtEntry"] = options.killAtEntry;
    }
    return j;
}

Json encodeWorker(const WorkerRecord& worker) {
    Json j = Json::object();
    j["index"] = worker.index;
    j["pid"] = worker.pid;
    j["role"] = worker.role;
    j["dropped"] = worker.dropped;
    j["iterationsDone"] = worker.iterationsDone;
    Json exit = Json::object();
    exit["how"] = std::string(exitHowName(worker.exit.how));
    exit["code"] = worker.exit.code;
    exit["signal"] = worker.exit.signal;
    j["exit"] = std::move(exit);
    j["cpus"] = worker.cpus;
    return j;
}

} // namespace

std::string encodeRtraceMetadata(const Trace& trace) {
    Json root = Json::object();
    root["scenario"] = encodeScenario(trace.scenario);
    root["options"] = encodeSettings(trace.settings);
    root["machine"] =
        Json{{"cpuModel", trace.machine.cpuModel}, {"cores", trace.machine.cores}, {"kernel", trace.machine.kernel}};
    root["clock"] =
        Json{{"kind", std::string(clockKindName(trace.clock.kind))}, {"ticksPerNs", trace.clock.ticksPerNs}};
    root["workers"] = Json::array();
    for (const auto& worker : trace.workers)
        root["workers"].push_back(encodeWorker(worker));
    root["finalWords"] = trace.finalWords;
    root["stopReason"] = trace.stopReason;
    root["durationNs"] = trace.durationNs;
    // `replace` instead of the default `strict`: a stray invalid UTF-8 byte in a
    // CPU model or scenario file must not make saving a finished run throw.
    return root.dump(2, ' ', false, Json::error_handler_t::replace);
}

Result<void> decodeRtraceMetadata(std::string_view json, Trace& trace) {
    try {
        Json root;
        try {
            root = Json::parse(json.begin(), json.end());
        } catch (const Json::parse_error& error) {
            return fail("it is not valid JSON (syntax error at byte " + std::to_string(error.byte) + ")");
        }
        if (!root.is_object()) return fail("it should be a JSON object but is " + describe(root));
        FieldReader reader;
        readTrace(reader, root, trace);
        if (!reader.ok()) return fail(reader.error());
        return checkConsistency(trace);
    } catch (const Json::exception& error) {
        // Every access above is type-checked first, so this is a last line of defence.
        return fail(std::string("it could not be read (") + error.what() + ")");
    }
}

} // namespace racetrace
