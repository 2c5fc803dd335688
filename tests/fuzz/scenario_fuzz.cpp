// libFuzzer target: the scenario parser (lab/scenario.hpp, parseScenario), on
// TOML text. Seeds: the built-in scenarios (assets/scenarios).
#include "lab/scenario.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)racetrace::parseScenario(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
    return 0;
}
