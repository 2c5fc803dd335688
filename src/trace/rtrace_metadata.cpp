#include "trace/rtrace_metadata.hpp"

#include "trace/json_fields.hpp"
#include "trace/rtrace_metadata_orders.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace racetrace {

namespace {

using json_fields::describe;
using json_fields::FieldReader;
using json_fields::joinField;
using json_fields::Json;

/// "1 word", "6 words".
std::string countText(std::uint64_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
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
    metadata_orders::readKeptOrders(r, root, trace);
    metadata_orders::readOrderRepair(r, root, trace);
}

/// Every key the reader above reads, at any depth. A key the reader starts to
/// read must be added here, or the parser drops it before the reader sees it
/// (the round-trip tests in tests/trace/rtrace_metadata_test.cpp then fail).
constexpr std::string_view kKnownKeys[] = {"capacity",
                                           "channels",
                                           "clock",
                                           "code",
                                           "conflicts",
                                           "conflictEvents",
                                           "cores",
                                           "cpuModel",
                                           "cpus",
                                           "description",
                                           "dropped",
                                           "durationNs",
                                           "exit",
                                           "expected",
                                           "finalWords",
                                           "firstWord",
                                           "free",
                                           "how",
                                           "index",
                                           "initial",
                                           "invariants",
                                           "iterations",
                                           "iterationsDone",
                                           "kernel",
                                           "killAtEntry",
                                           "killWorker",
                                           "kind",
                                           "lines",
                                           "locations",
                                           "machine",
                                           "maxShiftNs",
                                           "meanings",
                                           "memoryOrders",
                                           "messageBytes",
                                           "moved",
                                           "name",
                                           "options",
                                           "orderRepair",
                                           "otherWords",
                                           "pid",
                                           "pin",
                                           "programs",
                                           "readsUnlikeTraceOrder",
                                           "restamped",
                                           "retryWhenFull",
                                           "role",
                                           "scenario",
                                           "searched",
                                           "seed",
                                           "signal",
                                           "source",
                                           "stopReason",
                                           "text",
                                           "ticksPerNs",
                                           "title",
                                           "traceEnabled",
                                           "value",
                                           "variable",
                                           "variables",
                                           "watchdogSeconds",
                                           "windowNs",
                                           "word",
                                           "words",
                                           "workers",
                                           "writesUnlikeTraceOrder"};

/// nlohmann's parser callback: a key no reader reads is skipped with its value.
bool keepKnownKeys(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event != Json::parse_event_t::key) return true;
    const auto* key = parsed.get_ptr<const std::string*>();
    return key != nullptr && std::find(std::begin(kKnownKeys), std::end(kKnownKeys), *key) != std::end(kKnownKeys);
}

/// Counts no run can have made. The lab's own limits are lower (100,000,000
/// iterations, a 100 ms window, a watchdog of an hour); these are ten times
/// those or more, so that a later racetrace may raise its limits a little and
/// still be read, while "-1" (18446744073709551615) and the like are refused.
constexpr std::uint64_t kMostIterations = 1'000'000'000;
constexpr std::uint64_t kMostWindowNs = 1'000'000'000;
constexpr double kMostWatchdogSeconds = 1'000'000.0;
constexpr std::uint64_t kMostSigned = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

/// The run's settings and worker records against each other and against kMost*.
Result<void> checkRun(const Trace& trace) {
    const RunSettings& options = trace.settings;
    if (trace.workers.size() > kMaxWorkers)
        return fail("it lists " + countText(trace.workers.size(), "worker") + ", more than a trace can hold (" +
                    std::to_string(kMaxWorkers) + ")");
    // An empty trace (no worker ran) keeps its options' count; a list names every worker that ran.
    if (!trace.workers.empty() && options.workers > trace.workers.size())
        return fail("its options say " + countText(options.workers, "worker") + " but it lists " +
                    std::to_string(trace.workers.size()));
    if (options.iterations > kMostIterations)
        return fail("its options say " + std::to_string(options.iterations) +
                    " iterations per worker, more than any run makes (at most 1000000000)");
    if (options.windowNs > kMostWindowNs)
        return fail("its options give a race window of " + std::to_string(options.windowNs) +
                    " ns, more than any run uses (at most 1000000000)");
    if (!(options.watchdogSeconds >= 0.0 && options.watchdogSeconds <= kMostWatchdogSeconds))
        return fail("its options give a watchdog of " + std::to_string(options.watchdogSeconds) +
                    " seconds, not a number from 0 to 1000000");
    if (options.killAtEntry != 0 && options.killWorker >= trace.workers.size())
        return fail("its options kill worker " + std::to_string(options.killWorker) + " but it lists " +
                    countText(trace.workers.size(), "worker"));
    if (trace.durationNs > kMostSigned)
        return fail("it says the run took " + std::to_string(trace.durationNs) + " ns, which is negative as a time");
    for (std::size_t i = 0; i < trace.workers.size(); ++i) {
        const WorkerRecord& worker = trace.workers[i];
        if (worker.pid < 0)
            return fail("worker record " + std::to_string(i) + " gives the process id " + std::to_string(worker.pid) +
                        ", which is negative");
        if (worker.iterationsDone > kMostIterations)
            return fail("worker record " + std::to_string(i) + " says " + std::to_string(worker.iterationsDone) +
                        " iterations were done, more than any run makes (at most 1000000000)");
        if (worker.dropped > kMostSigned)
            return fail("worker record " + std::to_string(i) + " says " + std::to_string(worker.dropped) +
                        " events were dropped, which is negative as a count");
    }
    return {};
}

/// Cross-field rules the types alone cannot express; events are checked against these later.
Result<void> checkConsistency(const Trace& trace) {
    if (auto run = checkRun(trace); !run) return run;
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
    if (trace.keptOrders) root["memoryOrders"] = metadata_orders::encodeKeptOrders(*trace.keptOrders);
    if (trace.orderRepair) root["orderRepair"] = metadata_orders::encodeOrderRepair(*trace.orderRepair);
    // `replace` instead of the default `strict`: a stray invalid UTF-8 byte in a
    // CPU model or scenario file must not make saving a finished run throw.
    std::string text = root.dump(2, ' ', false, Json::error_handler_t::replace);
    if (text.size() > kMaxRtraceMetadataBytes && root.contains("memoryOrders")) {
        // The kept orders only spare a reader the search; without them the
        // trace loads and is analysed the same, where over the cap it would not load.
        root.erase("memoryOrders");
        text = root.dump(2, ' ', false, Json::error_handler_t::replace);
    }
    return text;
}

Result<void> decodeRtraceMetadata(std::string_view json, Trace& trace) {
    try {
        Json root;
        try {
            // Unknown keys are ignored, so their values are not even kept: metadata
            // padded with huge unknown arrays costs its bytes, not a DOM ~17 times larger.
            root = Json::parse(json.begin(), json.end(), keepKnownKeys);
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
