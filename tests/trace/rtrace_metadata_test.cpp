// The JSON half of a .rtrace file on its own (trace/rtrace_metadata.hpp): a
// Trace without its events goes to JSON and back, a bad field is named by its
// full path, keys a later writer may add are ignored, and the run's settings
// stay under the key "options" that files since v1 have.
#include "trace/rtrace_metadata.hpp"

#include "support/trace_compare.hpp"
#include "trace/modification_order.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace racetrace;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

/// Every metadata field set, none to its default.
Trace makeTrace() {
    Trace trace;
    auto& scenario = trace.scenario;
    scenario.name = "tas-mutex";
    scenario.title = "Test-and-set lock";
    scenario.description = "An atomic exchange takes the lock.";
    scenario.source = "name = \"tas-mutex\"\n# ü \"quoted\"\n";
    scenario.variables = {
        declareVariable("L", VariableRole::Lock, 1, 0, 0),
        declareVariable("counter", VariableRole::Counter, 1, 5, 1),
        declareVariable("X", VariableRole::Record, 3, -2, 2),
    };
    scenario.variables[0].meanings = {0, {{0, "open"}, {1, "shut"}}, "odd"};
    scenario.programs = {{"worker", {{"lock(L)"}, {"counter++"}, {"unlock(L)"}}}, {"watcher", {{"look"}}}};
    scenario.invariants = {{"counter == workers * iterations", 1, 3005}};

    trace.settings.scenario = "tas-mutex";
    trace.settings.workers = 3;
    trace.settings.iterations = 1000;
    trace.settings.windowNs = 750;
    trace.settings.pin = PinMode::Same;
    trace.settings.seed = 0xFEDCBA9876543210ull; // above INT64_MAX
    trace.settings.traceEnabled = false;
    trace.settings.watchdogSeconds = 1.25;
    trace.machine = {"Some CPU", 8, "Linux 6.1"};
    trace.clock = {ClockKind::Tsc, 3.123456789012345};

    for (std::uint32_t w = 0; w < 3; ++w) {
        WorkerRecord worker;
        worker.index = w;
        worker.pid = 100 + static_cast<std::int32_t>(w);
        worker.role = w == 2 ? "watcher" : "worker";
        worker.dropped = w * 11;
        worker.iterationsDone = 1000 - w;
        worker.cpus = {static_cast<std::uint16_t>(w), 7};
        trace.workers.push_back(worker);
    }
    trace.workers[0].exit = {WorkerExit::How::Exited, 0, 0};
    trace.workers[1].exit = {WorkerExit::How::Signaled, 0, 11};
    trace.workers[2].exit = {WorkerExit::How::Killed, 0, 9};

    trace.finalWords = {0, 3005, 1, 2, 1};
    trace.stopReason = "Worker C was stopped.";
    trace.durationNs = 123'456'789;
    KeptMemoryOrders kept;
    kept.readsUnlikeTraceOrder = {{4, kInitialValue}, {9, kNoEvent}, {12, 7}};
    kept.locations = {{1, 0, 2, {{3, 40}, {4, 30}}}};
    kept.searched = {{2, 1}};
    trace.keptOrders = kept;
    trace.orderRepair = EventOrderRepair{1234, 1200, 3456, 7, {{0, 17}, {2, 4000000000}}};
    return trace;
}

/// The error decoding `json` gives; it must fail.
std::string decodeError(const std::string& json) {
    Trace trace;
    const auto result = decodeRtraceMetadata(json, trace);
    REQUIRE_FALSE(result.has_value());
    return result.error();
}

/// The error decoding the test trace's metadata after `edit` gives.
template <class Edit> std::string errorAfter(Edit edit) {
    Json json = Json::parse(encodeRtraceMetadata(makeTrace()));
    edit(json);
    return decodeError(json.dump());
}

} // namespace

TEST_CASE("rtrace metadata: a trace without events goes to JSON and back", "[trace][rtrace][metadata]") {
    const Trace original = makeTrace();
    const std::string json = encodeRtraceMetadata(original);

    Trace decoded;
    const auto result = decodeRtraceMetadata(json, decoded);
    INFO((result ? std::string() : result.error()));
    REQUIRE(result.has_value());
    test::requireSameMetadata(original, decoded);
    CHECK(decoded.events.empty());
    CHECK(encodeRtraceMetadata(decoded) == json); // and encoding is deterministic

    // The events are not part of it: a trace with events encodes the same...
    Trace withEvents = original;
    withEvents.events.push_back(Event{});
    CHECK(encodeRtraceMetadata(withEvents) == json);
    CHECK_FALSE(Json::parse(json).contains("events"));
    // ...and decoding leaves a trace's events alone.
    Trace target;
    target.events.resize(3);
    REQUIRE(decodeRtraceMetadata(json, target).has_value());
    CHECK(target.events.size() == 3);
}

TEST_CASE("rtrace metadata: the default trace goes to JSON and back", "[trace][rtrace][metadata]") {
    const Trace empty;
    Trace decoded = makeTrace(); // every field is overwritten
    const auto result = decodeRtraceMetadata(encodeRtraceMetadata(empty), decoded);
    INFO((result ? std::string() : result.error()));
    REQUIRE(result.has_value());
    test::requireSameMetadata(empty, decoded);
}

TEST_CASE("rtrace metadata: the run's settings are under \"options\"", "[trace][rtrace][metadata]") {
    const Json json = Json::parse(encodeRtraceMetadata(makeTrace()));
    REQUIRE(json.contains("options"));
    CHECK_FALSE(json.contains("settings"));
    const Json& options = json["options"];
    CHECK(options["scenario"] == "tas-mutex");
    CHECK(options["workers"] == 3);
    CHECK(options["iterations"] == 1000);
    CHECK(options["windowNs"] == 750);
    CHECK(options["windowSet"] == true); // for racetrace 0.1's reader
    CHECK(options["pin"] == "same");
    CHECK(options["seed"] == 0xFEDCBA9876543210ull);
    CHECK(options["traceEnabled"] == false);
    CHECK(options["watchdogSeconds"] == 1.25);

    // A reader takes them from there; "windowSet" is read by nobody.
    Json edited = json;
    edited["options"]["workers"] = 2; // not more than the 3 it lists
    edited["options"]["windowSet"] = false;
    Trace trace;
    const auto result = decodeRtraceMetadata(edited.dump(), trace);
    INFO((result ? std::string() : result.error()));
    REQUIRE(result.has_value());
    CHECK(trace.settings.workers == 2);
    CHECK(trace.settings.windowNs == 750);
    CHECK(trace.settings.pin == PinMode::Same);

    // Without "options" the file is refused, naming it.
    CHECK(errorAfter([](Json& j) { j.erase("options"); }) == "field \"options\" is missing");
}

TEST_CASE("rtrace metadata: unknown keys are ignored at every level", "[trace][rtrace][metadata]") {
    const Trace original = makeTrace();
    Json json = Json::parse(encodeRtraceMetadata(original));
    json["addedLater"] = {{"anything", 1}};
    json["scenario"]["tags"] = Json::array({"x"});
    json["scenario"]["variables"][1]["colour"] = "red";
    json["scenario"]["programs"][0]["lines"][0]["note"] = 3;
    json["options"]["turbo"] = true;
    json["machine"]["memoryGb"] = 16;
    json["clock"]["source"] = "tsc";
    json["workers"][2]["exit"]["core"] = false;

    Trace decoded;
    const auto result = decodeRtraceMetadata(json.dump(), decoded);
    INFO((result ? std::string() : result.error()));
    REQUIRE(result.has_value());
    test::requireSameMetadata(original, decoded);
}

TEST_CASE("rtrace metadata: a decoding error names the field by its full path", "[trace][rtrace][metadata]") {
    // Clauses without a file name or a full stop: the caller makes the sentence.
    CHECK(errorAfter([](Json& j) { j["scenario"]["variables"][2]["words"] = "three"; }) ==
          "field \"scenario.variables[2].words\" should be a whole number but is a string");
    CHECK(errorAfter([](Json& j) { j["scenario"]["variables"][0].erase("initial"); }) ==
          "field \"scenario.variables[0].initial\" is missing");
    CHECK(errorAfter([](Json& j) { j["options"]["pin"] = "sideways"; }) ==
          "field \"options.pin\" is \"sideways\", which is not a known pin mode");
    CHECK(errorAfter([](Json& j) { j["options"]["workers"] = -2; }) ==
          "field \"options.workers\" is -2, outside the range 0 to 4294967295");
    CHECK(errorAfter([](Json& j) { j["clock"]["ticksPerNs"] = "fast"; }) ==
          "field \"clock.ticksPerNs\" should be a number but is a string");
    CHECK(errorAfter([](Json& j) { j["workers"][1]["exit"]["how"] = "vanished"; }) ==
          "field \"workers[1].exit.how\" is \"vanished\", which is not a known way for a worker to end");
    CHECK(errorAfter([](Json& j) { j["workers"][2]["cpus"][1] = true; }) ==
          "field \"workers[2].cpus[1]\" should be a whole number but is a boolean");
    CHECK(errorAfter([](Json& j) { j["scenario"]["programs"][1]["lines"][0]["text"] = 5; }) ==
          "field \"scenario.programs[1].lines[0].text\" should be a string but is 5");
    CHECK(errorAfter([](Json& j) { j["stopReason"] = nullptr; }) ==
          "field \"stopReason\" should be a string but is null");
    // What the file keeps of the run's memory orders: pairs, in ascending order.
    CHECK(errorAfter([](Json& j) { j["memoryOrders"]["readsUnlikeTraceOrder"][1] = Json::array({9}); }) ==
          "field \"memoryOrders.readsUnlikeTraceOrder[1]\" should be a pair [read, write] but is an array");
    CHECK(errorAfter([](Json& j) { j["memoryOrders"]["readsUnlikeTraceOrder"][0][1] = -3; }) ==
          "field \"memoryOrders.readsUnlikeTraceOrder[0][1]\" is -3, which is not an event, -1 or -2");
    CHECK(errorAfter([](Json& j) { j["memoryOrders"]["readsUnlikeTraceOrder"][2][0] = 9; }) ==
          "field \"memoryOrders.readsUnlikeTraceOrder\" should list each one once, in ascending order");
    CHECK(errorAfter([](Json& j) { j["memoryOrders"]["locations"][0]["writesUnlikeTraceOrder"][1][0] = 2; }) ==
          "field \"memoryOrders.locations[0].writesUnlikeTraceOrder\" should list each one once, in ascending order");
    CHECK(errorAfter([](Json& j) { j["memoryOrders"]["searched"][0][1] = "x"; }) ==
          "field \"memoryOrders.searched[0][1]\" should be a whole number but is a string");
    // A name longer than 40 characters is cut short in the message.
    CHECK(errorAfter([](Json& j) { j["clock"]["kind"] = std::string(100, 'k'); }) ==
          "field \"clock.kind\" is \"" + std::string(40, 'k') + "...\", which is not a known clock kind");

    // The first bad field is the one named.
    CHECK(errorAfter([](Json& j) {
              j["options"]["seed"] = "x";
              j["durationNs"] = "y";
          }) == "field \"options.seed\" should be a whole number but is a string");

    // Not an object at all, or not JSON.
    CHECK(decodeError("[]") == "it should be a JSON object but is an array");
    CHECK(decodeError("7") == "it should be a JSON object but is 7");
    CHECK_THAT(decodeError("{\"scenario\": "), Contains("it is not valid JSON (syntax error at byte"));
}

TEST_CASE("rtrace metadata: fields that disagree with each other are refused", "[trace][rtrace][metadata]") {
    CHECK(errorAfter([](Json& j) { j["scenario"]["variables"][2]["words"] = 0; }) == "variable 2 has no words");
    CHECK(errorAfter([](Json& j) { j["finalWords"].erase(4); }) ==
          "variable 2 ends at word 5 but the final memory has only 4 words");
    CHECK(errorAfter([](Json& j) { j["scenario"]["invariants"][0]["variable"] = 3; }) ==
          "invariant 0 names variable 3 but the scenario has 3 variables");
    CHECK(errorAfter([](Json& j) { j["workers"][1]["index"] = 2; }) == "worker record 1 says it is worker 2");
    CHECK_THAT(errorAfter([](Json& j) { j["clock"]["ticksPerNs"] = -1.0; }),
               Contains("ticks per ns is not a positive number"));
}

TEST_CASE("rtrace metadata: variables without meanings get their role's", "[trace][rtrace][metadata]") {
    // Files from before values had meanings have no "free", "meanings" or "otherWords".
    Json json = Json::parse(encodeRtraceMetadata(makeTrace()));
    for (auto& variable : json["scenario"]["variables"]) {
        variable.erase("free");
        variable.erase("meanings");
        variable.erase("otherWords");
    }
    Trace decoded;
    REQUIRE(decodeRtraceMetadata(json.dump(), decoded).has_value());
    const ValueMeanings& lock = decoded.scenario.variables[0].meanings;
    const ValueMeanings expected = declareVariable("L", VariableRole::Lock).meanings;
    CHECK(lock.free == expected.free);
    CHECK(lock.isFree(0));
    CHECK(lock.of(0) == expected.of(0));
    CHECK(lock.of(1) == expected.of(1));
    CHECK(lock.otherWords == expected.otherWords);

    // A null "free" is the role's too.
    json["scenario"]["variables"][0]["free"] = nullptr;
    REQUIRE(decodeRtraceMetadata(json.dump(), decoded).has_value());
    CHECK(decoded.scenario.variables[0].meanings.free == expected.free);
}
