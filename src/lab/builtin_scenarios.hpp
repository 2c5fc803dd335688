// The scenarios that ship inside the binary (embedded from assets/scenarios at
// build time by cmake/EmbedTexts.cmake), and lookup by name or path.
#pragma once

#include "lab/scenario.hpp"

#include <string>
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

} // namespace racetrace
