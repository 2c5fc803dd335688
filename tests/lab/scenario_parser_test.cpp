#include "lab/builtin_scenarios.hpp"
#include "lab/scenario.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using Catch::Matchers::Contains;

namespace {

const char* kMinimal = R"(
name = "mini"
title = "Minimal"
summary = "one line"

[defaults]
workers = 3
iterations = 7
window_ns = 50

[[variable]]
name = "Y"
kind = "flag"
initial = 1

[[variable]]
name = "X"
kind = "record"
words = 3

[[invariant]]
variable = "Y"
equals = "2 * workers + iterations"

[[program]]
role = "worker"
lines = [
  { text = "wait for Y", ops = ["top: load r0 Y", "beq r0 0 top"] },
  { text = "write X",    ops = ["write_record X window", "check_record X", "store X[2] me"] },
]
)";

/// kMinimal with one piece of text replaced: the way the error tests break it.
std::string withReplacement(const std::string& from, const std::string& to) {
    std::string text = kMinimal;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string errorOf(const std::string& text) {
    auto parsed = parseScenario(text, "broken.toml");
    REQUIRE_FALSE(parsed.has_value());
    return parsed.error();
}

} // namespace

TEST_CASE("a scenario file becomes variables, a program with lines, and invariants", "[scenario]") {
    auto parsed = parseScenario(kMinimal, "mini.toml");
    REQUIRE(parsed.has_value());
    const Scenario& s = *parsed;
    CHECK(s.info.name == "mini");
    CHECK(s.defaults.workers == 3);
    CHECK(s.defaults.iterations == 7);
    CHECK(s.defaults.windowNs == 50);
    REQUIRE(s.info.variables.size() == 2);
    CHECK(s.info.variables[0].role == VariableRole::Flag);
    CHECK(s.info.variables[0].initial == 1);
    CHECK(s.info.variables[1].words == 3);
    CHECK(s.info.variables[1].firstWord % 8 == 0); // its own cache line
    REQUIRE(s.programs.size() == 1);
    const auto& code = s.programs[0].code;
    REQUIRE(code.size() == 5);
    CHECK(code[0].op == OpCode::Load);
    CHECK(code[0].line == 0);
    CHECK(code[1].op == OpCode::BranchEqual);
    CHECK(code[1].target == 0); // the label "top"
    CHECK(code[2].op == OpCode::WriteRecord);
    CHECK(code[2].a.kind == Operand::Kind::Window);
    CHECK(code[2].line == 1);
    CHECK(code[4].index.kind == WordIndex::Kind::Fixed);
    CHECK(code[4].index.value == 2);
    CHECK(code[4].a.kind == Operand::Kind::Me);
    REQUIRE(s.info.programs[0].lines.size() == 2);
    CHECK(s.info.programs[0].lines[1].text == "write X");
    const auto info = s.infoFor(4, 10);
    REQUIRE(info.invariants.size() == 1);
    CHECK(info.invariants[0].expected == 2 * 4 + 10);
}

TEST_CASE("every built-in scenario parses and declares a counter invariant", "[scenario]") {
    const auto scenarios = builtinScenarios();
    REQUIRE(scenarios.size() >= 3);
    for (const auto& name : {"naive-flag", "tas-mutex", "no-sync"}) {
        auto loaded = loadScenario(name);
        REQUIRE(loaded.has_value());
        CHECK_FALSE(loaded->summary.empty());
        CHECK_FALSE(loaded->info.description.empty());
        REQUIRE(loaded->invariants.size() == 1);
        CHECK(loaded->info.variables[loaded->invariants[0].variable].role == VariableRole::Counter);
        CHECK(loaded->invariants[0].evaluate(2, 5000) == 10000);
    }
}

TEST_CASE("malformed scenarios are rejected with the file, the line and the problem", "[scenario]") {
    SECTION("unknown instruction") {
        const auto message = errorOf(withReplacement("check_record X", "chek_record X"));
        CHECK_THAT(message, Contains("broken.toml:29:") && Contains("unknown instruction 'chek_record'"));
    }
    SECTION("unknown variable") {
        CHECK_THAT(errorOf(withReplacement("load r0 Y", "load r0 Z")),
                   Contains("broken.toml:28:") && Contains("unknown variable 'Z'"));
    }
    SECTION("undefined label") {
        CHECK_THAT(errorOf(withReplacement("beq r0 0 top", "beq r0 0 bottom")),
                   Contains("the label 'bottom' is not defined"));
    }
    SECTION("bad register") {
        CHECK_THAT(errorOf(withReplacement("load r0 Y", "load r9 Y")), Contains("'r9' is not a register"));
    }
    SECTION("word index past the record") {
        CHECK_THAT(errorOf(withReplacement("X[2]", "X[3]")), Contains("past the end of X"));
    }
    SECTION("record instruction on a scalar") {
        CHECK_THAT(errorOf(withReplacement("check_record X", "check_record Y")), Contains("'Y' is not a record"));
    }
    SECTION("unknown variable kind") {
        CHECK_THAT(errorOf(withReplacement("kind = \"flag\"", "kind = \"spinlock\"")),
                   Contains("broken.toml:13:") && Contains("unknown variable kind 'spinlock'"));
    }
    SECTION("a plain access to a kernel lock, or a lock call on a plain word") {
        CHECK_THAT(errorOf(withReplacement("kind = \"flag\"", "kind = \"semaphore\"")),
                   Contains("broken.toml:") && Contains("Y is a semaphore: only sem_wait and sem_post work on it"));
        CHECK_THAT(errorOf(withReplacement("check_record X", "mutex_lock Y")),
                   Contains("'mutex_lock' needs a mutex, and Y is a flag"));
    }
    SECTION("a mutex that starts held") {
        CHECK_THAT(errorOf(withReplacement("kind = \"flag\"", "kind = \"mutex\"")),
                   Contains("broken.toml:14:") && Contains("a mutex starts free"));
    }
    SECTION("TOML syntax error") {
        CHECK_THAT(errorOf(withReplacement("words = 3", "words = = 3")), Contains("broken.toml:19:"));
    }
    SECTION("wrong number of arguments") {
        CHECK_THAT(errorOf(withReplacement("load r0 Y", "load r0")),
                   Contains("'load' takes a register and a variable"));
    }
    SECTION("invariant with an unknown word") {
        CHECK_THAT(errorOf(withReplacement("2 * workers", "2 * processes")), Contains("'processes' in an invariant"));
    }
    SECTION("out-of-range defaults") {
        CHECK_THAT(errorOf(withReplacement("workers = 3", "workers = 1")),
                   Contains("broken.toml:7:") && Contains("'workers' must be a whole number from 2 to 64"));
    }
    SECTION("a float beyond 64 bits where a whole number belongs") {
        // toml++'s own conversion casts it to an integer first (undefined; the fuzzer found it).
        CHECK_THAT(errorOf(withReplacement("workers = 3", "workers = 4.44444e122")),
                   Contains("'workers' must be a whole number from 2 to 64"));
        CHECK_THAT(errorOf(withReplacement("workers = 3", "workers = -inf")), Contains("'workers' must be a whole"));
        CHECK_THAT(errorOf(withReplacement("workers = 3", "workers = 2.5")), Contains("'workers' must be a whole"));
        const auto whole = parseScenario(withReplacement("workers = 3", "workers = 4.0"), "whole.toml");
        REQUIRE(whole.has_value());
        CHECK(whole->defaults.workers == 4);
    }
    SECTION("no program") {
        std::string text = kMinimal;
        text = text.substr(0, text.find("[[program]]"));
        CHECK_THAT(errorOf(text), Contains("no [[program]]"));
    }
}

TEST_CASE("a program longer than an event can name and an invariant that overflows are refused", "[scenario]") {
    // An event names its line in 16 bits: line 65,536 would have been recorded as line 0.
    std::string lines;
    for (std::size_t k = 0; k <= kMaxProgramLines; ++k)
        lines += "  { text = \"x\" },\n";
    const std::string longProgram =
        withReplacement("  { text = \"wait for Y\", ops = [\"top: load r0 Y\", \"beq r0 0 top\"] },\n", lines);
    const std::string first = "  { text = \"wait for Y\"";
    const std::string before = std::string(kMinimal).substr(0, std::string(kMinimal).find(first));
    const auto firstLine = std::count(before.begin(), before.end(), '\n') + 1;
    CHECK_THAT(errorOf(longProgram), Contains("broken.toml:" + std::to_string(firstLine + 65535) + ":") &&
                                         Contains("has more than 65535 lines, more than an event can name"));
    CHECK(parseScenario(withReplacement("2 * workers + iterations", "9223372036854775807"), "ok.toml").has_value());
    CHECK_THAT(errorOf(withReplacement("2 * workers + iterations", "9223372036854775807 * workers * iterations")),
               Contains("broken.toml:23:") && Contains("overflows 64 bits for a run of 64 workers x 100,000,000"));
    CHECK_THAT(errorOf(withReplacement("2 * workers + iterations", "9223372036854775807 + 1")),
               Contains("overflows 64 bits"));
}

TEST_CASE("loading an unknown scenario name or a missing file says which", "[scenario]") {
    auto byName = loadScenario("peterson-maybe");
    REQUIRE_FALSE(byName.has_value());
    CHECK_THAT(byName.error(), Contains("no scenario called 'peterson-maybe'") && Contains("naive-flag"));
    auto byPath = loadScenario("/nonexistent/dir/x.toml");
    REQUIRE_FALSE(byPath.has_value());
    CHECK_THAT(byPath.error(), Contains("/nonexistent/dir/x.toml"));
}

TEST_CASE("a scenario declares what its values mean, or takes its variables' roles' meanings", "[scenario]") {
    auto defaults = parseScenario(kMinimal, "mini.toml");
    REQUIRE(defaults.has_value());
    const ValueMeanings& flag = defaults->info.variables[0].meanings;
    CHECK(flag.isFree(1));
    CHECK(flag.of(1) == "free");
    CHECK(flag.of(0) == "in use");

    // Peterson's flag: 1 means "I want in", not "free".
    const auto declared = parseScenario(
        withReplacement("initial = 1", "initial = 0\nmeaning = { 1 = \"wants in\", 0 = \"not interested\" }"),
        "peterson.toml");
    REQUIRE(declared.has_value());
    const ValueMeanings& wants = declared->info.variables[0].meanings;
    CHECK(wants.of(1) == "wants in");
    CHECK(wants.of(0) == "not interested");
    CHECK(wants.of(7).empty());
    CHECK(wants.isFree(1)); // a flag keeps its role's free value unless it says otherwise

    const auto freeZero = parseScenario(withReplacement("initial = 1", "initial = 0\nfree = 0"), "inverted.toml");
    REQUIRE(freeZero.has_value());
    const ValueMeanings& inverted = freeZero->info.variables[0].meanings;
    CHECK(inverted.isFree(0));
    CHECK(inverted.of(0) == "free");
    CHECK(inverted.of(1) == "in use");

    const auto other = parseScenario(
        withReplacement("initial = 1", "meaning = { 0 = \"nobody\", other = \"somebody\" }"), "other.toml");
    REQUIRE(other.has_value());
    CHECK(other->info.variables[0].meanings.of(5) == "somebody");
}

TEST_CASE("a malformed meaning is refused with its line", "[scenario]") {
    CHECK_THAT(errorOf(withReplacement("initial = 1", "meaning = \"free\"")),
               Contains("broken.toml:14:") && Contains("'meaning' must be a table"));
    CHECK_THAT(errorOf(withReplacement("initial = 1", "meaning = { yes = \"free\" }")),
               Contains("'yes' in 'meaning' is not a value"));
    CHECK_THAT(errorOf(withReplacement("initial = 1", "meaning = { 1 = 2 }")),
               Contains("the words for '1' must be a string"));
    CHECK_THAT(errorOf(withReplacement("initial = 1", "free = \"one\"")), Contains("'free' must be a whole number"));
}
