// The scenarios that ship inside the binary (embedded from assets/scenarios at
// build time by cmake/EmbedTexts.cmake), and lookup by name or path.
#pragma once

#include "lab/scenario.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

struct BuiltinScenarioText {
    const char* name; ///< file name without .toml: "naive-flag"
    const char* text;
};

/// Defined in the generated builtin_scenarios_data.cpp.
const std::vector<BuiltinScenarioText>& builtinScenarioTexts();

/// Every built-in scenario, parsed (an unparsable built-in is our bug: asserts).
std::vector<Scenario> builtinScenarios();

/// A built-in name ("naive-flag") or a path to a .toml file.
Result<Scenario> loadScenario(const std::string& nameOrPath);

/// The text of a .toml file of a `noun` ("scenario", "lesson") given by a path
/// or a mistyped built-in name: one sentence when it is missing, not a file,
/// over 1 MiB or unreadable, naming the `builtins` ("ipc, ...") when the name
/// does not look like a path.
Result<std::string> readTomlFile(const std::string& nameOrPath, std::string_view noun, const std::string& builtins);

} // namespace racetrace
