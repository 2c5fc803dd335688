#include "trace/trace.hpp"

#include <fstream>

#include <sys/utsname.h>
#include <unistd.h>

namespace racetrace {

VariableInfo declareVariable(std::string name, VariableRole role, std::uint32_t words, std::int64_t initial,
                             std::uint32_t firstWord) {
    VariableInfo variable;
    variable.name = std::move(name);
    variable.role = role;
    variable.meanings = withRoleDefaults(role, {});
    variable.words = words;
    variable.initial = initial;
    variable.firstWord = firstWord;
    return variable;
}

std::optional<std::uint16_t> ScenarioInfo::findVariable(std::string_view wanted) const {
    for (std::size_t i = 0; i < variables.size(); ++i)
        if (variables[i].name == wanted) return static_cast<std::uint16_t>(i);
    return std::nullopt;
}

std::optional<std::uint16_t> ScenarioInfo::findChannel(std::string_view wanted) const {
    for (std::size_t i = 0; i < channels.size(); ++i)
        if (channels[i].name == wanted) return static_cast<std::uint16_t>(i);
    return std::nullopt;
}

std::string_view pinModeName(PinMode mode) {
    switch (mode) {
    case PinMode::None: return "none";
    case PinMode::Spread: return "spread";
    case PinMode::Same: return "same";
    }
    return "none";
}

std::optional<PinMode> pinModeFromName(std::string_view name) {
    for (auto mode : {PinMode::None, PinMode::Spread, PinMode::Same})
        if (pinModeName(mode) == name) return mode;
    return std::nullopt;
}

MachineInfo currentMachine() {
    MachineInfo info;
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) info.cpuModel = line.substr(line.find_first_not_of(' ', colon + 1));
            break;
        }
    }
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    info.cores = cores > 0 ? static_cast<std::uint32_t>(cores) : 1u;
    utsname names{};
    if (uname(&names) == 0) info.kernel = std::string(names.sysname) + " " + names.release;
    return info;
}

std::string_view exitHowName(WorkerExit::How how) {
    switch (how) {
    case WorkerExit::How::Unknown: return "unknown";
    case WorkerExit::How::Exited: return "exited";
    case WorkerExit::How::Signaled: return "signaled";
    case WorkerExit::How::Killed: return "killed";
    }
    return "unknown";
}

std::uint64_t Trace::droppedTotal() const {
    std::uint64_t total = 0;
    for (const auto& worker : workers)
        total += worker.dropped;
    return total;
}

std::int64_t Trace::finalValue(std::uint16_t variable) const {
    if (variable >= scenario.variables.size()) return 0;
    const auto word = scenario.variables[variable].firstWord;
    return word < finalWords.size() ? finalWords[word] : 0;
}

const ProgramInfo* Trace::programOf(std::uint32_t worker) const {
    if (scenario.programs.empty()) return nullptr;
    return &scenario.programs[worker % scenario.programs.size()];
}

} // namespace racetrace
