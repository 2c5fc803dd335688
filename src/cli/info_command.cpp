// `racetrace info` (a saved trace checked and summed up) and `racetrace
// scenarios` (the built-in ones, one line each).
#include "cli/commands.hpp"
#include "cli/progress_line.hpp"

#include "lab/builtin_scenarios.hpp"
#include "session/document.hpp"
#include "session/run_summary.hpp"
#include "trace/rtrace_file.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace racetrace {

int infoCommand(const std::string& path, bool json) {
    ProgressLine progress;
    const auto document = loadDocument(path, DocumentUse::Summary);
    progress.stop();
    if (!document) {
        printError(document.error());
        return kExitFailed;
    }
    const Trace& trace = (*document)->trace;
    const Analysis& analysis = (*document)->analysis;
    if (json) {
        SummaryExtras extras;
        extras.traceFileKey = true;
        extras.traceFile = path;
        extras.machine = true;
        std::cout << summaryJson(trace, analysis, extras) << "\n";
        return kExitOk;
    }
    std::cout << path << ": a valid racetrace trace (format v" << kRtraceVersion << ").\n"
              << machineText(trace) << summaryText(trace, analysis);
    return kExitOk;
}

int scenariosCommand() {
    const auto scenarios = builtinScenarios();
    int width = 0;
    for (const auto& scenario : scenarios)
        width = std::max(width, static_cast<int>(scenario.info.name.size()));
    for (const auto& scenario : scenarios)
        std::printf("%-*s  %s\n", width, scenario.info.name.c_str(), scenario.summary.c_str());
    return kExitOk;
}

} // namespace racetrace
