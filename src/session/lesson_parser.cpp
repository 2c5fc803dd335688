// TOML -> Lesson. Every step is checked against the scenario it runs (its
// knobs as a run checks them, its variables, its workers, its sweep), so a
// lesson that would fail in front of a class fails here, with FILE:LINE.
#include "session/lesson.hpp"

#include "analysis/finders.hpp"
#include "lab/builtin_scenarios.hpp"
#include "lab/scenario.hpp"
#include "lab/toml_number.hpp"
#include "session/race_stats.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include <toml++/toml.h>

namespace racetrace {

namespace {

struct LessonParseError {
    std::uint32_t line;
    std::string problem;
};

std::uint32_t lineOf(const toml::node& node) {
    return static_cast<std::uint32_t>(node.source().begin.line);
}

/// Refuses keys the table may not have: a misspelt key would otherwise be ignored in silence.
void onlyKeys(const toml::table& table, std::initializer_list<std::string_view> allowed, std::string_view where) {
    for (const auto& [key, value] : table)
        if (std::ranges::find(allowed, key.str()) == allowed.end()) {
            std::string known;
            for (auto name : allowed)
                known += (known.empty() ? "" : ", ") + std::string(name);
            throw LessonParseError{lineOf(value), "unknown key '" + std::string(key.str()) + "' in " +
                                                      std::string(where) + " (known: " + known + ")"};
        }
}

std::string requiredText(const toml::table& table, std::string_view key, std::uint32_t line) {
    const auto* node = table.get(key);
    const auto value = node != nullptr ? node->value<std::string>() : std::nullopt;
    if (!value || value->empty())
        throw LessonParseError{node != nullptr ? lineOf(*node) : line,
                               "missing or empty '" + std::string(key) + "' (a string)"};
    return *value;
}

std::string optionalText(const toml::table& table, std::string_view key) {
    const auto* node = table.get(key);
    if (node == nullptr) return {};
    const auto value = node->value<std::string>();
    if (!value) throw LessonParseError{lineOf(*node), "'" + std::string(key) + "' must be a string"};
    return *value;
}

LessonCondition condition(const toml::node& node, std::uint32_t workers) {
    const auto text = node.value<std::string>();
    if (!text) throw LessonParseError{lineOf(node), "a condition must be a string like \"overlap\" or \"no overlap\""};
    auto parsed = parseLessonCondition(*text);
    if (!parsed) throw LessonParseError{lineOf(node), parsed.error()};
    if (parsed->worker && *parsed->worker >= workers)
        throw LessonParseError{lineOf(node), "'" + *text + "' names a worker the step does not run (it runs " +
                                                 std::to_string(workers) + ")"};
    return *parsed;
}

std::vector<LessonCondition> conditions(const toml::table& table, std::string_view key, std::uint32_t workers) {
    std::vector<LessonCondition> out;
    const auto* node = table.get(key);
    if (node == nullptr) return out;
    const auto* list = node->as_array();
    if (list == nullptr)
        throw LessonParseError{lineOf(*node), "'" + std::string(key) + "' must be a list of conditions"};
    for (const auto& item : *list)
        out.push_back(condition(item, workers));
    return out;
}

std::uint64_t wholeNumber(const toml::node& node, std::string_view key, std::int64_t lo, std::int64_t hi) {
    const auto value = tomlWholeNumber(node);
    if (!value || *value < lo || *value > hi)
        throw LessonParseError{lineOf(node), "'" + std::string(key) + "' must be a whole number from " +
                                                 std::to_string(lo) + " to " + std::to_string(hi)};
    return static_cast<std::uint64_t>(*value);
}

/// `knobs = { workers = 2, iterations = 2000, window_ns = 2000, kill = "A@3", ... }` onto `options`.
void applyKnob(RunOptions& options, std::string_view key, const toml::node& value) {
    if (key == "workers") options.workers = static_cast<std::uint32_t>(wholeNumber(value, key, 2, kMaxRunWorkers));
    if (key == "iterations") options.iterations = wholeNumber(value, key, 1, kMaxIterations);
    if (key == "window_ns") options.windowNs = wholeNumber(value, key, 0, kMaxWindowNs);
    if (key == "capacity") options.capacity = wholeNumber(value, key, 1, 1 << 20);
    if (key == "message_bytes") options.messageBytes = static_cast<std::uint32_t>(wholeNumber(value, key, 16, 1 << 20));
    if (key == "seed") options.seed = wholeNumber(value, key, 1, std::int64_t{1} << 62);
    if (key == "watchdog") {
        const auto seconds = value.value<double>();
        if (!seconds || *seconds < 0.01 || *seconds > kMaxWatchdogSeconds)
            throw LessonParseError{lineOf(value), "'watchdog' must be seconds from 0.01 to 3600"};
        options.watchdogSeconds = *seconds;
    }
    if (key == "kill") {
        auto plan = parseKillPlan(value.value<std::string>().value_or(""));
        if (!plan) throw LessonParseError{lineOf(value), plan.error()};
        options.kill = *plan;
    }
    if (key == "pin") {
        const auto mode = pinModeFromName(value.value<std::string>().value_or(""));
        if (!mode) throw LessonParseError{lineOf(value), "'pin' must be \"spread\", \"same\" or \"none\""};
        options.pin = *mode;
    }
    if (key == "when_full") {
        const auto words = value.value<std::string>().value_or("");
        if (words != "drop" && words != "retry")
            throw LessonParseError{lineOf(value), "'when_full' must be \"drop\" or \"retry\""};
        options.retryWhenFull = words == "retry";
    }
}

/// The scenario and its knobs, checked as a run would check them.
RunOptions runOptions(const toml::table& step, std::string_view scenarioKey, std::uint32_t line) {
    RunOptions options;
    options.scenario = requiredText(step, scenarioKey, line);
    auto scenario = loadScenario(options.scenario);
    if (!scenario) throw LessonParseError{lineOf(*step.get(scenarioKey)), scenario.error()};
    options.workers = scenario->defaults.workers;
    // One CPU each unless a step says otherwise: in front of a class the race
    // must show, and two workers the scheduler puts on one CPU seldom race.
    options.pin = PinMode::Spread;
    if (const auto* knobs = step["knobs"].as_table()) {
        onlyKeys(*knobs,
                 {"workers", "iterations", "window_ns", "capacity", "message_bytes", "seed", "watchdog", "kill",
                  "when_full"},
                 "knobs");
        for (const auto& [key, value] : *knobs)
            applyKnob(options, key.str(), value);
    } else if (step.contains("knobs")) {
        throw LessonParseError{lineOf(*step.get("knobs")), "'knobs' must be a table like { iterations = 2000 }"};
    }
    if (auto valid = validateRunOptions(options); !valid)
        throw LessonParseError{step.contains("knobs") ? lineOf(*step.get("knobs")) : line, valid.error()};
    return options;
}

struct ModeName {
    LessonMode mode;
    std::string_view name;
};
constexpr std::array<ModeName, 4> kModeNames = {{
    {LessonMode::Run, "run"},
    {LessonMode::Step, "step"},
    {LessonMode::Compare, "compare"},
    {LessonMode::HowOften, "how-often"},
}};

LessonMode mode(const toml::table& step) {
    const auto* node = step.get("mode");
    if (node == nullptr) return LessonMode::Run;
    const auto words = node->value<std::string>().value_or("");
    for (const auto& row : kModeNames)
        if (row.name == words) return row.mode;
    throw LessonParseError{lineOf(*node), "'mode' must be \"run\", \"step\", \"compare\" or \"how-often\""};
}

/// Worker letters ("A B A B") under `key`, each one of the step's `workers`.
std::vector<std::uint32_t> schedule(const toml::table& table, std::string_view key, std::uint32_t workers,
                                    std::uint32_t line) {
    const std::string letters = requiredText(table, key, line);
    std::vector<std::uint32_t> out;
    for (char letter : letters) {
        if (letter == ' ') continue;
        if (letter < 'A' || static_cast<std::uint32_t>(letter - 'A') >= workers)
            throw LessonParseError{lineOf(*table.get(key)), "'" + std::string(key) +
                                                                "' must be worker letters like \"A B A B\" for the " +
                                                                std::to_string(workers) + " workers"};
        out.push_back(static_cast<std::uint32_t>(letter - 'A'));
    }
    return out;
}

LessonPoint point(const toml::table& step, const RunOptions& options) {
    LessonPoint out;
    const auto* table = step["point"].as_table();
    if (table == nullptr) return out;
    onlyKeys(*table, {"finding", "variable", "worker", "axis"}, "point");
    if (const auto* node = table->get("finding")) {
        const auto name = node->value<std::string>().value_or("");
        if (std::ranges::none_of(kFindingKinds, [&](const auto& row) { return row.name == name; }))
            throw LessonParseError{lineOf(*node), "'" + name + "' is not a kind of finding"};
        out.finding = name;
    }
    if (const auto* node = table->get("variable")) {
        const auto name = node->value<std::string>().value_or("");
        const auto scenario = loadScenario(options.scenario);
        if (!scenario->info.findVariable(name) && !scenario->info.findChannel(name))
            throw LessonParseError{lineOf(*node), "'" + name + "' is no variable or channel of " + options.scenario};
        out.variable = name;
        out.channel = !scenario->info.findVariable(name).has_value();
    }
    if (const auto* node = table->get("worker")) {
        const auto name = node->value<std::string>().value_or("");
        if (name.size() != 1 || name[0] < 'A' || static_cast<std::uint32_t>(name[0] - 'A') >= options.workers)
            throw LessonParseError{lineOf(*node), "'worker' must be the letter of one of the step's workers"};
        out.worker = static_cast<std::uint32_t>(name[0] - 'A');
    }
    if (const auto* node = table->get("axis")) {
        const auto name = node->value<std::string>().value_or("");
        if (name != "order" && name != "time")
            throw LessonParseError{lineOf(*node), "'axis' must be \"order\" (one access per column) or \"time\""};
        out.eventOrder = name == "order";
    }
    return out;
}

LessonQuestion question(const toml::table& table, std::uint32_t workers) {
    onlyKeys(table, {"text", "choices"}, "question");
    LessonQuestion out;
    out.text = requiredText(table, "text", lineOf(table));
    const auto* choices = table["choices"].as_array();
    if (choices == nullptr || choices->size() < 2)
        throw LessonParseError{lineOf(table), "a question needs 'choices', at least two { text = ..., when = ... }"};
    for (const auto& item : *choices) {
        const auto* choice = item.as_table();
        if (choice == nullptr || !choice->contains("when"))
            throw LessonParseError{lineOf(item), "each choice is { text = \"...\", when = \"CONDITION\" }"};
        onlyKeys(*choice, {"text", "when"}, "a choice");
        out.choices.push_back({requiredText(*choice, "text", lineOf(item)), condition(*choice->get("when"), workers)});
    }
    return out;
}

LessonCheck check(const toml::table& step, std::uint32_t workers) {
    LessonCheck out;
    const auto* table = step["check"].as_table();
    if (table == nullptr)
        throw LessonParseError{lineOf(step),
                               "a step needs 'check' = { always = [...], sometimes = [...], trials = N }: "
                               "what its run must show"};
    onlyKeys(*table, {"always", "sometimes", "trials"}, "check");
    out.always = conditions(*table, "always", workers);
    out.sometimes = conditions(*table, "sometimes", workers);
    if (const auto* trials = table->get("trials"))
        out.trials = static_cast<std::uint32_t>(wholeNumber(*trials, "trials", 1, 200));
    if (out.always.empty() && out.sometimes.empty())
        throw LessonParseError{lineOf(*table), "'check' must list at least one condition"};
    return out;
}

/// The keys of one mode only, where the step has that mode.
void modeKeys(LessonStep& out, const toml::table& step) {
    if (out.mode == LessonMode::Compare) out.compareWith = runOptions(step, "compare_with", out.line);
    if (out.mode == LessonMode::Step) out.schedule = schedule(step, "schedule", out.options.workers, out.line);
    if (out.mode == LessonMode::HowOften) {
        out.sweep = requiredText(step, "sweep", out.line);
        if (auto sweep = parseSweep(out.sweep, out.options); !sweep)
            throw LessonParseError{lineOf(*step.get("sweep")), sweep.error()};
        if (const auto* runs = step.get("runs"))
            out.runsPerValue = static_cast<std::uint32_t>(wholeNumber(*runs, "runs", 1, 1000));
    }
    for (auto [key, needs] : {std::pair{"compare_with", LessonMode::Compare}, std::pair{"schedule", LessonMode::Step},
                              std::pair{"sweep", LessonMode::HowOften}, std::pair{"runs", LessonMode::HowOften}})
        if (step.contains(key) && out.mode != needs)
            throw LessonParseError{lineOf(*step.get(key)), "'" + std::string(key) + "' belongs to mode \"" +
                                                               std::string(lessonModeName(needs)) + "\" only"};
}

LessonStep parseStep(const toml::table& step) {
    onlyKeys(step,
             {"section", "title", "text", "after", "scenario", "mode", "knobs", "compare_with", "schedule", "sweep",
              "runs", "point", "question", "check"},
             "a step");
    LessonStep out;
    out.line = lineOf(step);
    out.section = requiredText(step, "section", out.line);
    out.title = requiredText(step, "title", out.line);
    out.text = requiredText(step, "text", out.line);
    out.after = optionalText(step, "after");
    out.mode = mode(step);
    out.options = runOptions(step, "scenario", out.line);
    modeKeys(out, step);
    out.point = point(step, out.options);
    if (const auto* node = step.get("question")) {
        const auto* table = node->as_table();
        if (table == nullptr)
            throw LessonParseError{lineOf(*node), "'question' must be { text = ..., choices = [...] }"};
        out.question = question(*table, out.options.workers);
    }
    out.check = check(step, out.options.workers);
    return out;
}

std::vector<std::string> texts(const toml::table& table, std::string_view key) {
    std::vector<std::string> out;
    const auto* node = table.get(key);
    if (node == nullptr) return out;
    const auto* list = node->as_array();
    if (list == nullptr) throw LessonParseError{lineOf(*node), "'" + std::string(key) + "' must be a list of strings"};
    for (const auto& item : *list) {
        auto text = item.value<std::string>();
        if (!text) throw LessonParseError{lineOf(item), "'" + std::string(key) + "' must be a list of strings"};
        out.push_back(*text);
    }
    return out;
}

/// `free_run = { iterations = 20000, shows = "store-buffering", trials = 5 }`: the challenge's scenario, run freely.
void freeRun(LessonChallenge& out, const toml::table& challenge) {
    const auto* node = challenge.get("free_run");
    if (node == nullptr) return;
    const auto* table = node->as_table();
    if (table == nullptr || !table->contains("shows"))
        throw LessonParseError{lineOf(*node), "'free_run' must be { iterations = N, shows = \"CONDITION\" }"};
    onlyKeys(*table, {"iterations", "shows", "trials"}, "free_run");
    RunOptions options = out.options;
    if (const auto* iterations = table->get("iterations"))
        options.iterations = wholeNumber(*iterations, "iterations", 1, kMaxIterations);
    out.freeRun = options;
    out.freeRunShows = condition(*table->get("shows"), options.workers);
    if (const auto* trials = table->get("trials"))
        out.freeRunTrials = static_cast<std::uint32_t>(wholeNumber(*trials, "trials", 1, 200));
}

LessonChallenge parseChallenge(const toml::table& challenge) {
    onlyKeys(challenge,
             {"name", "title", "goal", "scenario", "knobs", "reach", "hints", "solution", "failing", "impossible",
              "free_run"},
             "a challenge");
    LessonChallenge out;
    out.line = lineOf(challenge);
    out.name = requiredText(challenge, "name", out.line);
    out.title = requiredText(challenge, "title", out.line);
    out.goal = requiredText(challenge, "goal", out.line);
    out.options = runOptions(challenge, "scenario", out.line);
    const auto* reach = challenge.get("reach");
    if (reach == nullptr) throw LessonParseError{out.line, "a challenge needs 'reach': the condition that wins it"};
    out.reach = condition(*reach, out.options.workers);
    out.hints = texts(challenge, "hints");
    out.failing = schedule(challenge, "failing", out.options.workers, out.line);
    out.impossible = optionalText(challenge, "impossible");
    if (challenge.contains("solution")) out.solution = schedule(challenge, "solution", out.options.workers, out.line);
    if (out.solution.empty() == out.impossible.empty())
        throw LessonParseError{out.line, "a challenge has either a 'solution' (steps that win it) or says why it is "
                                         "'impossible', not both or neither"};
    freeRun(out, challenge);
    return out;
}

} // namespace

std::string_view lessonModeName(LessonMode mode) {
    for (const auto& row : kModeNames)
        if (row.mode == mode) return row.name;
    return "run";
}

Result<Lesson> parseLesson(std::string_view text, const std::string& fileName) {
    Lesson lesson;
    try {
        const toml::table root = toml::parse(text, fileName);
        onlyKeys(root, {"name", "title", "step", "challenge"}, "a lesson");
        lesson.name = requiredText(root, "name", 1);
        lesson.title = requiredText(root, "title", 1);
        const auto* steps = root["step"].as_array();
        if (steps == nullptr || steps->empty()) throw LessonParseError{1, "a lesson needs at least one [[step]]"};
        for (const auto& step : *steps) {
            if (!step.is_table()) throw LessonParseError{lineOf(step), "each step must be a [[step]] table"};
            lesson.steps.push_back(parseStep(*step.as_table()));
        }
        if (const auto* challenges = root["challenge"].as_array())
            for (const auto& challenge : *challenges) {
                if (!challenge.is_table())
                    throw LessonParseError{lineOf(challenge), "each challenge must be a [[challenge]] table"};
                lesson.challenges.push_back(parseChallenge(*challenge.as_table()));
            }
    } catch (const toml::parse_error& error) {
        return fail(fileName + ":" + std::to_string(error.source().begin.line) + ": " +
                    std::string(error.description()) + ".");
    } catch (const LessonParseError& error) {
        std::string problem = error.problem;
        while (!problem.empty() && (problem.back() == '.' || problem.back() == ' '))
            problem.pop_back();
        return fail(fileName + ":" + std::to_string(error.line) + ": " + problem + ".");
    }
    return lesson;
}

} // namespace racetrace
