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

    struct stat info {};
    const bool looksLikePath = nameOrPath.find('/') != std::string::npos || nameOrPath.ends_with(".toml");
    if (stat(nameOrPath.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        std::string known;
        for (const auto& builtin : builtinScenarioTexts())
            known += (known.empty() ? "" : ", ") + std::string(builtin.name);
        if (looksLikePath) return fail("the scenario file " + nameOrPath + " does not exist or is not a file.");
        return fail("there is no scenario called '" + nameOrPath + "' (built-in: " + known +
                    "; or give a .toml path).");
    }
    if (info.st_size > 1 << 20)
        return fail("the scenario file " + nameOrPath + " is larger than 1 MiB; is it really a scenario?");
    std::ifstream file(nameOrPath, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    if (!file) return fail("cannot read the scenario file " + nameOrPath + ".");
    return parseScenario(text.str(), nameOrPath);
}

} // namespace racetrace
