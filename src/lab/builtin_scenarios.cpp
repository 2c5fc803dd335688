#include "lab/builtin_scenarios.hpp"

#include <cassert>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

namespace racetrace {

std::vector<Scenario> builtinScenarios() {
    std::vector<Scenario> scenarios;
    for (const auto& builtin : builtinScenarioTexts()) {
        auto parsed = parseScenario(builtin.text, std::string(builtin.name) + ".toml");
        assert(parsed && "a built-in scenario failed to parse: run the scenario tests");
        if (parsed) scenarios.push_back(std::move(*parsed));
    }
    return scenarios;
}

Result<Scenario> loadScenario(const std::string& nameOrPath) {
    for (const auto& builtin : builtinScenarioTexts())
        if (nameOrPath == builtin.name) return parseScenario(builtin.text, std::string(builtin.name) + ".toml");

    std::string known;
    for (const auto& builtin : builtinScenarioTexts())
        known += (known.empty() ? "" : ", ") + std::string(builtin.name);
    auto text = readTomlFile(nameOrPath, "scenario", known);
    if (!text) return fail(text.error());
    return parseScenario(*text, nameOrPath);
}

Result<std::string> readTomlFile(const std::string& nameOrPath, std::string_view noun, const std::string& builtins) {
    const std::string what(noun);
    struct stat info {};
    const bool looksLikePath = nameOrPath.find('/') != std::string::npos || nameOrPath.ends_with(".toml");
    if (stat(nameOrPath.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        if (looksLikePath) return fail("the " + what + " file " + nameOrPath + " does not exist or is not a file.");
        return fail("there is no " + what + " called '" + nameOrPath + "' (built-in: " + builtins +
                    "; or give a .toml path).");
    }
    if (info.st_size > 1 << 20)
        return fail("the " + what + " file " + nameOrPath + " is larger than 1 MiB; is it really a " + what + "?");
    std::ifstream file(nameOrPath, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    if (!file) return fail("cannot read the " + what + " file " + nameOrPath + ".");
    return text.str();
}

} // namespace racetrace
