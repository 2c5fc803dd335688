// racetrace's command line: argument parsing only, then one call per
// subcommand (cli/commands.hpp). CLI11 is included here and nowhere else (it
// is slow to compile).
#include "cli/commands.hpp"
#include "cli/huge_pages.hpp"
#include "ipc/output_file.hpp"
#include "lab/worker_main.hpp"
#include "racetrace/version.hpp"
#include "session/trace_export.hpp"

#ifdef RACETRACE_HAVE_GUI
#include "cli/render_command.hpp"
#include "gui/app/gui_main.hpp"
#endif

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

namespace racetrace {
namespace {

/// A file to write may not be named "": `-o ''` would otherwise quietly mean "do not save".
const CLI::Validator
    kFileName([](std::string& name) { return name.empty() ? std::string("the file name is empty") : std::string(); },
              "FILE");

void addRunOptions(CLI::App& command, RunCommand& run, bool& noTrace) {
    command.add_option("--scenario,-s", run.options.scenario, "built-in scenario name or a .toml file")
        ->capture_default_str();
    run.options.workers = 0; // the scenario's own number unless asked
    command.add_option("--workers,-w", run.options.workers, "worker processes, 2 to 64 (default: the scenario's)")
        ->check(CLI::Range(kMinRunWorkers, kMaxRunWorkers));
    command.add_option("--iterations,-n", run.options.iterations, "iterations per worker (default: the scenario's)")
        ->check(CLI::Range(std::uint64_t{1}, kMaxIterations));
    command
        .add_option_function<std::uint64_t>(
            "--window-ns", [&run](const std::uint64_t& ns) { run.options.windowNs = ns; },
            "busy wait inside the race window, in ns (default: the scenario's)")
        ->check(CLI::Range(std::uint64_t{0}, kMaxWindowNs));
    command
        .add_option_function<std::string>(
            "--pin", [&run](const std::string& name) { run.options.pin = *pinModeFromName(name); },
            "CPU pinning: spread (one CPU each), same (all on one CPU) or none")
        ->check(CLI::IsMember({"spread", "same", "none"}));
    command
        .add_option("--message-bytes", run.options.messageBytes,
                    "bytes per message on every channel, a multiple of 8 (default: the scenario's)")
        ->check(CLI::Range(kMinMessageBytes, kMaxMessageBytes));
    command
        .add_option("--capacity", run.options.capacity,
                    "what every channel holds: bytes of a pipe, messages of a queue (default: the scenario's)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
    command
        .add_option_function<std::string>(
            "--when-full", [&run](const std::string& what) { run.options.retryWhenFull = what == "retry"; },
            "what a non-blocking sender does when a send finds no room: drop the item (default) or retry it")
        ->check(CLI::IsMember({"drop", "retry"}));
    command
        .add_option_function<std::string>(
            "--kill",
            [&run](const std::string& text) {
                auto plan = parseKillPlan(text);
                if (!plan) throw CLI::ValidationError("--kill", plan.error());
                run.options.kill = *plan;
            },
            "kill a worker (SIGKILL, from the parent) the N-th time it is inside the critical section: A@3")
        ->type_name("W@N");
    command.add_option("--seed", run.options.seed, "seed for the delay jitter (default: random, printed)");
    command.add_option("--watchdog", run.options.watchdogSeconds, "stop after this many seconds without progress")
        ->check(CLI::Range(0.01, kMaxWatchdogSeconds))
        ->capture_default_str();
    command
        .add_option("--max-events", run.options.maxEvents,
                    "stop the run like Stop once it has recorded this many events, keeping them (default: as many "
                    "as this machine's memory can analyse)")
        ->check(CLI::Range(std::uint64_t{1}, kMaxEvents));
    // Hidden (group ""): exists only so tests can make the workers' rings
    // overflow for certain (tests/golden/dropped-events.rtrace). A power of two
    // >= 4; validateRunOptions refuses anything else; 0 lets the run choose.
    command.add_option("--ring-events", run.options.ringCapacity, "events per worker ring (tests only)")->group("");
    command.add_option("--out,-o", run.out, "save the trace to this .rtrace file")->check(kFileName);
    auto* noTraceFlag =
        command.add_flag("--no-trace", noTrace, "run the same programs with recording off (observer effect)");
    command
        .add_flag("--alternate", run.alternate,
                  "the workers take turns at every shared access (A, B, A, B, ...), stepped through their gates "
                  "until all have finished; the race window defaults to 0 (try -n 3)")
        ->excludes(noTraceFlag);
    command.add_flag("--json", run.json, "print one JSON object instead of text");
}

/// CLI11's errors become one sentence (no "Run with --help" second line).
std::string oneSentenceFailure(const CLI::App*, const CLI::Error& error) {
    std::string message = error.what();
    if (!message.empty() && message.back() != '.') message += '.';
    return "racetrace: " + message + " See 'racetrace --help'.\n";
}

/// Every file the command will write, checked before any work: a bad name
/// wastes no run (ipc/output_file.hpp says what a good one is).
bool outputsWritable(std::initializer_list<const std::string*> paths) {
    for (const std::string* path : paths)
        if (!path->empty())
            if (auto usable = checkOutputPath(*path); !usable) {
                printError(usable.error());
                return false;
            }
    return true;
}

/// `racetrace FILE`: only a file that is there is opened, so a mistyped
/// command gets a sentence instead of a window that cannot read it.
bool isTraceFile(const std::string& path) {
    std::error_code error;
    return std::filesystem::is_regular_file(path, error);
}

/// Everything the command line can say, filled in by CLI11.
struct Arguments {
    std::string openFile; ///< `racetrace FILE`
    RunCommand run;
    bool noTrace = false;
    std::string infoPath;
    bool infoJson = false;
    ReplayCommand replay;
    CompareCommand compare;
    ExportCommand exportTo;
    StatsCommand stats;
    LessonCommand lesson;
#ifdef RACETRACE_HAVE_GUI
    GuiOptions gui;
    std::string guiFile;
    RenderOptions render;
    std::string renderPath;
    bool renderDark = false;
    bool renderLecture = false; ///< the default anyway: a script may say it
    std::string renderAxis = "time";
#endif
    CLI::App *runApp = nullptr, *infoApp = nullptr, *scenariosApp = nullptr, *replayApp = nullptr;
    CLI::App *compareApp = nullptr, *exportApp = nullptr, *statsApp = nullptr, *lessonApp = nullptr;
    CLI::App *guiApp = nullptr, *renderApp = nullptr;
};

void addFileCommands(CLI::App& app, Arguments& args) {
    args.infoApp = app.add_subcommand("info", "check a saved .rtrace file and summarise it");
    args.infoApp->add_option("file", args.infoPath, "the .rtrace file")->required();
    args.infoApp->add_flag("--json", args.infoJson, "print one JSON object instead of text");
    args.scenariosApp = app.add_subcommand("scenarios", "list the built-in scenarios");
    args.replayApp = app.add_subcommand("replay", "re-run new processes forcing a saved trace's order of accesses");
    args.replayApp->add_option("file", args.replay.path, "the .rtrace file to replay")->required();
    args.replayApp->add_option("--out,-o", args.replay.out, "save the replayed trace")->check(kFileName);
    args.replayApp->add_flag("--json", args.replay.json, "print one JSON object instead of text");
    args.exportApp = app.add_subcommand("export", "write a saved trace for other tools: Perfetto / Chrome JSON or CSV");
    args.exportApp->add_option("file", args.exportTo.path, "the .rtrace file")->required();
    std::vector<std::string> formats;
    for (const ExportFormatInfo& info : kExportFormats)
        formats.emplace_back(info.name);
    args.exportApp
        ->add_option("--format,-f", args.exportTo.format,
                     "chrome (Trace Event JSON for ui.perfetto.dev and chrome://tracing) or csv (one row per event, "
                     "and FILE.findings.csv with one row per finding)")
        ->required()
        ->check(CLI::IsMember(formats));
    args.exportApp->add_option("--out,-o", args.exportTo.out,
                               "the file to write (default: the trace's name with .json or .csv)");
}

void addCompareCommand(CLI::App& app, Arguments& args) {
    auto* compare = app.add_subcommand(
        "compare", "run two scenarios under one schedule (or each freely) and sum up each in one sentence");
    compare->add_option("first", args.compare.first, "the scenario shown first (a name or a .toml file)")->required();
    compare->add_option("second", args.compare.second, "the scenario shown second")->required();
    compare->add_flag("--free", args.compare.free,
                      "each side runs on its own, as the scheduler and the CPUs make it (default for peterson vs "
                      "peterson-fence)");
    compare
        ->add_option("--iterations,-n", args.compare.iterations,
                     "iterations per worker (default: 3 under one schedule, at most 1,000; 50,000 free)")
        ->check(CLI::Range(std::uint64_t{1}, kMaxIterations));
    compare->add_flag("--json", args.compare.json, "print one JSON object instead of text");
    args.compareApp = compare;
}

void addStatsCommand(CLI::App& app, Arguments& args) {
    auto* stats = app.add_subcommand("stats", "how often does it race? many runs across a sweep of one knob");
    RunOptions& options = args.stats.options;
    options.workers = 0; // the scenario's own unless asked or swept
    stats->add_option("--scenario,-s", options.scenario, "built-in scenario name or a .toml file")
        ->capture_default_str();
    stats
        ->add_option("--sweep", args.stats.sweep,
                     "the knob and its values: window-ns=0,500,2000, workers=2,4,8, pin=none,spread,same, "
                     "iterations=..., message-bytes=...")
        ->required();
    stats->add_option("--runs", args.stats.runs, "runs per point")
        ->check(CLI::Range(1, 100'000))
        ->capture_default_str();
    stats->add_option("--iterations,-n", options.iterations, "iterations per worker (default: the scenario's)")
        ->check(CLI::Range(std::uint64_t{1}, kMaxIterations));
    stats->add_option("--workers,-w", options.workers, "worker processes, 2 to 64 (default: the scenario's)")
        ->check(CLI::Range(kMinRunWorkers, kMaxRunWorkers));
    stats
        ->add_option_function<std::uint64_t>(
            "--window-ns", [&options](const std::uint64_t& ns) { options.windowNs = ns; },
            "busy wait inside the race window, in ns, where it is not swept (default: the scenario's)")
        ->check(CLI::Range(std::uint64_t{0}, kMaxWindowNs));
    stats->add_flag("--no-trace-too", args.stats.untracedToo,
                    "run each point again with recording off: what observing costs (the counter tells)");
    stats->add_flag("--json", args.stats.json, "print one JSON object instead of text");
    stats->add_option("--csv", args.stats.csv, "also write the points to this CSV file");
    stats->add_option("--plot", args.stats.plot,
                      "also draw the rate against the knob, with its interval, into this PNG");
    args.statsApp = stats;
}

void addLessonCommand(CLI::App& app, Arguments& args) {
    auto* lesson = app.add_subcommand(
        "lesson", "walk a lecture on real processes: opens the window in lecture mode on step 1 (Page Down: next)");
    lesson->add_option("name", args.lesson.name, "a built-in lesson (ipc) or a lesson .toml file")->required();
    auto* list = lesson->add_flag("--list", args.lesson.list, "print the steps: section, title, scenario");
    lesson
        ->add_flag("--check", args.lesson.check,
                   "run every step headless and say whether its point showed (try a machine before class)")
        ->excludes(list);
    lesson->add_option("--challenge", args.lesson.challenge,
                       "open the window on this challenge of the lesson (see --list) instead of step 1");
    args.lessonApp = lesson;
}

/// `racetrace lesson NAME`: the list or the check, or the window on the lesson.
int dispatchLesson(Arguments& args) {
    if (args.lesson.list || args.lesson.check) return lessonCommand(args.lesson);
    if (!lessonToOpen(args.lesson)) return kExitUsage;
#ifdef RACETRACE_HAVE_GUI
    args.gui.lesson = args.lesson.name;
    if (!args.lesson.challenge.empty())
        args.gui.challenge = args.lesson.challenge; // a student's exercise: the normal screen
    else
        args.gui.lecture = true;
    return runGui(args.gui);
#else
    printError("this racetrace was built without the window; try: racetrace lesson " + args.lesson.name + " --list");
    return kExitFailed;
#endif
}

#ifdef RACETRACE_HAVE_GUI
void addWindowCommands(CLI::App& app, Arguments& args) {
    args.guiApp = app.add_subcommand("gui", "open the window (the default): run the demo, or show a saved trace");
    args.guiApp->add_option("file", args.guiFile, "a .rtrace file to open instead of running the demo");
    args.guiApp->add_flag("--lecture", args.gui.lecture, "start in lecture mode (large text, light theme, fullscreen)");
    auto* render = app.add_subcommand("render", "draw a trace's timeline and findings into a PNG (no display needed)");
    render->add_option("file", args.renderPath, "the .rtrace file")->required();
    render->add_option("--out,-o", args.render.outPath, "the PNG to write")->capture_default_str()->check(kFileName);
    render->add_option("--width", args.render.width, "picture width in pixels")
        ->check(CLI::Range(320, 8192))
        ->capture_default_str();
    render->add_option("--height", args.render.height, "picture height in pixels")
        ->check(CLI::Range(200, 8192))
        ->capture_default_str();
    render->add_flag("--fit", args.render.fit, "show the whole run instead of zooming to the first finding");
    render->add_option("--finding", args.render.finding, "zoom on finding N (1 = the first, as `info` lists them)")
        ->check(CLI::PositiveNumber);
    render->add_option("--axis", args.renderAxis, "time (real time) or order (one slot per access)")
        ->check(CLI::IsMember({"time", "order"}))
        ->capture_default_str();
    render->add_option("--scale", args.render.scale, "text and strokes, times the picture's own (0.5 to 4)")
        ->capture_default_str(); // the range is checked with the other options, in one sentence
    auto* dark = render->add_flag("--dark", args.renderDark, "the dark screen theme instead of the light one");
    render->add_flag("--lecture", args.renderLecture, "the light lecture theme, large text (the default)")
        ->excludes(dark);
    args.renderApp = render;
}
#endif

/// Runs what the parsed arguments ask for; returns the exit status.
int dispatch(Arguments& args) {
    if (!args.openFile.empty() && !isTraceFile(args.openFile)) {
        printError("'" + args.openFile + "' is neither a command nor a file to open. See 'racetrace --help'.");
        return kExitUsage;
    }
    args.run.options.traceEnabled = !args.noTrace;
    if (*args.runApp) return outputsWritable({&args.run.out}) ? runCommand(args.run) : kExitUsage;
    if (*args.infoApp) return infoCommand(args.infoPath, args.infoJson);
    if (*args.scenariosApp) return scenariosCommand();
    if (*args.replayApp) return outputsWritable({&args.replay.out}) ? replayCommand(args.replay) : kExitUsage;
    if (*args.compareApp) return compareCommand(args.compare);
    if (*args.exportApp) return exportCommand(args.exportTo);
    if (*args.statsApp)
        return outputsWritable({&args.stats.csv, &args.stats.plot}) ? statsCommand(args.stats) : kExitUsage;
    if (*args.lessonApp) return dispatchLesson(args);
#ifdef RACETRACE_HAVE_GUI
    if (*args.renderApp) {
        if (!outputsWritable({&args.render.outPath})) return kExitUsage;
        args.render.lecture = !args.renderDark;
        args.render.axis = args.renderAxis == "order" ? TimeAxis::EventOrder : TimeAxis::RealTime;
        return renderCommand(args.renderPath, args.render);
    }
    if (!args.guiFile.empty()) args.gui.traceFile = args.guiFile;
    if (!args.openFile.empty()) args.gui.traceFile = args.openFile;
    return runGui(args.gui); // `racetrace`, `racetrace gui [FILE]` and `racetrace FILE`
#else
    if (!args.openFile.empty()) {
        printError("this racetrace was built without the window; try: racetrace info " + args.openFile);
        return kExitFailed;
    }
    return runCommand(args.run); // built without the window: the headless demo
#endif
}

} // namespace
} // namespace racetrace

int main(int argc, char** argv) {
    using namespace racetrace;
    if (auto workerStatus = runWorkerIfRequested(argc, argv)) return *workerStatus;
    restartWithHugePages(argv);

    CLI::App app{"racetrace: watch real processes race on real shared memory."};
    app.failure_message(oneSentenceFailure);
    app.require_subcommand(0, 1);
    app.set_version_flag("--version,-V", std::string("racetrace ") + kVersion);
    Arguments args;
    app.add_option("file", args.openFile, "a .rtrace file to open in the window (like racetrace gui FILE)");
    args.runApp = app.add_subcommand("run", "run a scenario with real processes, record and analyse it");
    addRunOptions(*args.runApp, args.run, args.noTrace);
    addFileCommands(app, args);
    addCompareCommand(app, args);
    addStatsCommand(app, args);
    addLessonCommand(app, args);
#ifdef RACETRACE_HAVE_GUI
    addWindowCommands(app, args);
#endif
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) return app.exit(error); // --help, --version
        app.exit(error);
        return kExitUsage;
    }
    // The boundary: whatever a file, a name or the machine throws at us ends
    // as one sentence and exit 1, never an abort.
    try {
        return dispatch(args);
    } catch (const std::bad_alloc&) {
        printError("ran out of memory.");
    } catch (const std::exception& error) {
        printError(std::string("stopped by an unexpected error: ") + error.what() + ".");
    }
    return kExitFailed;
}
