// `racetrace info` (a saved trace checked and summed up) and `racetrace
// scenarios` (the built-in ones, one line each).
#include "cli/commands.hpp"
#include "cli/progress_line.hpp"

#include "analysis/plain_words.hpp"
#include "lab/builtin_scenarios.hpp"
#include "session/document.hpp"
#include "session/run_summary.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>

namespace racetrace {

namespace {

/// How the file stores the events: version 2 compresses them, version 1 does not.
std::string fileText(const Trace& trace) {
    const TraceFileFacts& file = trace.file;
    if (file.version == 1) return "File: version 1, uncompressed (32 bytes per event).\n";
    std::string text = "File: version " + std::to_string(file.version) + ", " + fileSize(file.bytes) + " for " +
                       countOf(trace.events.size(), "event", "events");
    if (!trace.events.empty() && file.bytes > 0) {
        const double events = static_cast<double>(trace.events.size());
        const double bytes = static_cast<double>(file.bytes);
        char figures[96];
        std::snprintf(figures, sizeof(figures), " (%.1f bytes per event, %.1fx smaller than the events)",
                      bytes / events, events * sizeof(Event) / bytes);
        text += figures;
    }
    return text + ".\n";
}

} // namespace

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
    std::cout << path << ": a valid racetrace trace (format v" << trace.file.version << ").\n"
              << fileText(trace) << machineText(trace) << orderRepairText(trace) << summaryText(trace, analysis);
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
