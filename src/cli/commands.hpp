// The subcommands of `racetrace`, one function each, apart from the argument
// parsing (main.cpp, the only file that includes CLI11). Each prints what it
// has to say and returns the exit status.
//
// Exit statuses: 0 done (a race found is a success: it is what we came to
// show), 1 the run or the file failed, 2 bad options.
#pragma once

#include "lab/run_options.hpp"

#include <string>

namespace racetrace {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct RunCommand {
    RunOptions options;
    std::string out;        ///< save the trace here (empty: do not)
    bool json = false;      ///< one JSON object instead of text
    bool alternate = false; ///< step the workers in turn at every access (lab/schedule_policy.hpp)
};
int runCommand(RunCommand command);

struct CompareCommand {
    std::string first, second;    ///< scenario names or .toml paths
    bool free = false;            ///< each side runs on its own instead of under one schedule
    std::uint64_t iterations = 0; ///< per worker (0: 3 under one schedule, 50,000 free)
    bool json = false;
};
int compareCommand(const CompareCommand& command);

int infoCommand(const std::string& path, bool json);

int scenariosCommand();

struct ReplayCommand {
    std::string path;
    std::string out;
    bool json = false;
};
int replayCommand(const ReplayCommand& command);

struct ExportCommand {
    std::string path;   ///< the .rtrace file
    std::string format; ///< a name of kExportFormats (session/trace_export.hpp)
    std::string out;    ///< empty: beside the trace, with the format's extension
};
int exportCommand(const ExportCommand& command);

struct StatsCommand {
    RunOptions options;       ///< the scenario and the knobs not swept
    std::string sweep;        ///< "window-ns=0,500,2000"
    std::uint32_t runs = 20;  ///< per point
    bool untracedToo = false; ///< each point also with recording off
    bool json = false;
    std::string csv;  ///< also write the points here, if given
    std::string plot; ///< also draw the rate against the knob into this PNG, if given
};
int statsCommand(const StatsCommand& command);

struct LessonCommand {
    std::string name;      ///< a built-in lesson ("ipc") or a .toml path
    bool list = false;     ///< print the steps
    bool check = false;    ///< run every step headless and say whether its point showed
    std::string challenge; ///< open the window on this challenge of the lesson instead of step 1
};
/// --list and --check; without them the caller opens the window on the lesson
/// once `lessonToOpen` has said it loads.
int lessonCommand(const LessonCommand& command);
/// True when the lesson loads (and has `challenge`, if one is named); otherwise its sentence is printed.
bool lessonToOpen(const LessonCommand& command);

/// One sentence on standard error, prefixed "racetrace: ".
void printError(const std::string& sentence);

struct Trace;
struct SummaryExtras;

/// Saves `trace` to `out` unless `out` is empty; false (and the sentence
/// printed) when the save failed.
bool saveIfAsked(const Trace& trace, const std::string& out);

/// The JSON summary's extras of a command that may have saved to `out`.
SummaryExtras extrasFor(const std::string& out);

} // namespace racetrace
