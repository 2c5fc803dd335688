// `racetrace stats`: how often a scenario races across a sweep of one knob
// (session/race_stats.hpp), with a progress line on a terminal; Ctrl-C stops
// the runs and prints what they gave so far.
#include "cli/commands.hpp"
#include "cli/interrupt_stops.hpp"

#include "session/race_stats.hpp"

#ifdef RACETRACE_HAVE_GUI
#include "gui/app/headless_render.hpp"
#endif

#include <cstdio>
#include <fstream>

#include <unistd.h>

namespace racetrace {

namespace {

void showProgress(std::uint64_t done, std::uint64_t total, const StatsReport& sofar) {
    std::fprintf(stderr, "\r\033[Kracetrace: run %llu of %llu, %.0f s (Ctrl-C stops and prints what there is)",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), sofar.seconds);
}

bool writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (out) return true;
    printError("Cannot write " + path + ".");
    return false;
}

/// --plot: the rate against the knob, as the window draws it.
int plot(const StatsReport& report, const std::string& path) {
#ifdef RACETRACE_HAVE_GUI
    RenderOptions options;
    options.outPath = path;
    if (auto drawn = renderStatsPng(report, options); !drawn) {
        printError(drawn.error());
        return kExitFailed;
    }
    // On stderr: with --json, standard output holds the JSON alone.
    std::fprintf(stderr, "Drew the plot into %s (%dx%d).\n", path.c_str(), options.width, options.height);
    return kExitOk;
#else
    (void)report;
    printError("this racetrace was built without the window, so it cannot draw " + path + ".");
    return kExitFailed;
#endif
}

} // namespace

int statsCommand(const StatsCommand& command) {
    auto sweep = parseSweep(command.sweep, command.options);
    if (!sweep) {
        printError(sweep.error());
        return kExitUsage;
    }
    StatsPlan plan{command.options, std::move(*sweep), command.runs, command.untracedToo};
    const bool terminal = isatty(STDERR_FILENO) == 1;
    Result<StatsReport> report;
    {
        InterruptStops interrupts;
        report = runStats(plan, g_interrupted, terminal ? StatsProgress(showProgress) : StatsProgress());
    }
    if (terminal) std::fprintf(stderr, "\r\033[K");
    if (!report) {
        printError(report.error());
        return kExitFailed;
    }
    std::printf("%s", command.json ? (statsJson(*report) + "\n").c_str() : statsText(*report).c_str());
    if (!command.csv.empty() && !writeText(command.csv, statsCsv(*report))) return kExitFailed;
    return command.plot.empty() ? kExitOk : plot(*report, command.plot);
}

} // namespace racetrace
