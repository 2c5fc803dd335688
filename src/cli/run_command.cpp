// `racetrace run`: real processes race, the trace is analysed, saved if asked,
// and summed up in a few lines or one JSON object.
#include "cli/commands.hpp"
#include "cli/interrupt_stops.hpp"
#include "cli/progress_line.hpp"

#include "lab/run.hpp"
#include "lab/schedule_policy.hpp"
#include "session/document.hpp"
#include "session/run_summary.hpp"
#include "trace/phase_timer.hpp"
#include "trace/rtrace_file.hpp"

#include <cstdio>
#include <iostream>

#include <csignal>

#include <unistd.h>

namespace racetrace {

void printError(const std::string& sentence) {
    // On a terminal, first erase a progress line that may stand where the sentence goes.
    std::fprintf(stderr, "%sracetrace: %s\n", isatty(STDERR_FILENO) == 1 ? "\r\033[K" : "", sentence.c_str());
}

bool saveIfAsked(const Trace& trace, const std::string& out) {
    if (out.empty()) return true;
    const PhaseTimer phase("saving");
    auto saved = saveRtrace(trace, out);
    if (!saved) printError(saved.error());
    return saved.has_value();
}

SummaryExtras extrasFor(const std::string& out) {
    SummaryExtras extras;
    extras.traceFileKey = true;
    if (!out.empty()) extras.traceFile = out;
    return extras;
}

namespace {

Result<Trace> record(RunCommand& command) {
    // Ctrl-C or SIGTERM stops the run like Stop: what was recorded is kept, summed up and saved.
    if (!command.alternate) return runToCompletion(command.options, g_interrupted);
    // The schedule decides who goes when: a busy wait would only slow it down.
    if (!command.options.windowNs) command.options.windowNs = 0;
    auto run = runPolicy(command.options, alternateEveryAccess());
    if (!run) return fail(run.error());
    return std::move(run->trace);
}

} // namespace

int runCommand(RunCommand command) {
    // Bad options are the user's to fix (exit 2), whatever CLI11's checks let through (a NaN watchdog).
    if (auto valid = validateRunOptions(command.options); !valid) {
        printError(valid.error());
        return kExitUsage;
    }
    if (auto fits = checkChannelOptions(command.options); !fits) {
        printError(fits.error());
        return kExitUsage;
    }
    ProgressLine progress;
    auto trace = [&] {
        // Only while the workers run: a second Ctrl-C during the analysis ends racetrace at once.
        const InterruptStops interrupts;
        return record(command);
    }();
    if (!trace) {
        progress.stop();
        printError(trace.error());
        return kExitFailed;
    }
    const auto document = buildDocument(std::move(*trace), "", command.out, DocumentUse::Summary);
    const bool saved = saveIfAsked(document->trace, command.out);
    progress.stop();
    if (!saved) return kExitFailed;
    if (command.json) {
        std::cout << summaryJson(document->trace, document->analysis, extrasFor(command.out)) << "\n";
    } else {
        std::cout << summaryText(document->trace, document->analysis);
        if (!command.out.empty()) std::cout << "Saved the trace to " << command.out << ".\n";
    }
    if (const int signal = g_stopSignal.load(); g_interrupted.load() && signal != 0) {
        printError(std::string("stopped by ") + (signal == SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM") +
                   ": the workers were killed, and what they recorded until then is summed up above" +
                   (command.out.empty() ? "." : " and saved."));
        return exitStatusFor(signal);
    }
    return kExitOk;
}

} // namespace racetrace
