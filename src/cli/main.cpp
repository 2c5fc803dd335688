// racetrace's command line: argument parsing only, then one call per
// subcommand (cli/commands.hpp). CLI11 is included here and nowhere else (it
// is slow to compile).
#include "cli/commands.hpp"
#include "lab/worker_main.hpp"
#include "racetrace/version.hpp"

#ifdef RACETRACE_HAVE_GUI
#include "cli/render_command.hpp"
#include "gui/app/gui_main.hpp"
#endif

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

namespace racetrace {
namespace {

void addRunOptions(CLI::App& command, RunCommand& run, bool& noTrace) {
    command.add_option("--scenario,-s", run.options.scenario, "built-in scenario name or a .toml file")
        ->capture_default_str();
    command.add_option("--workers,-w", run.options.workers, "worker processes (2 to 64)")
        ->check(CLI::Range(kMinRunWorkers, kMaxRunWorkers))
        ->capture_default_str();
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
    command.add_option("--seed", run.options.seed, "seed for the delay jitter (default: random, printed)");
    command.add_option("--watchdog", run.options.watchdogSeconds, "stop after this many seconds without progress")
        ->check(CLI::Range(0.01, kMaxWatchdogSeconds))
        ->capture_default_str();
    // Hidden (group ""): exists only so tests can make the workers' rings
    // overflow for certain (tests/golden/dropped-events.rtrace). A power of two
    // >= 4; validateRunOptions refuses anything else; 0 lets the run choose.
    command.add_option("--ring-events", run.options.ringCapacity, "events per worker ring (tests only)")->group("");
    command.add_option("--out,-o", run.out, "save the trace to this .rtrace file");
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

/// `racetrace FILE`: only a file that is there is opened, so a mistyped
/// command gets a sentence instead of a window that cannot read it.
bool isTraceFile(const std::string& path) {
    std::error_code error;
    return std::filesystem::is_regular_file(path, error);
}

} // namespace
} // namespace racetrace

int main(int argc, char** argv) {
    using namespace racetrace;
    if (auto workerStatus = runWorkerIfRequested(argc, argv)) return *workerStatus;

    CLI::App app{"racetrace: watch real processes race on real shared memory."};
    app.failure_message(oneSentenceFailure);
    app.require_subcommand(0, 1);
    app.set_version_flag("--version,-V", std::string("racetrace ") + kVersion);
    std::string openFile;
    app.add_option("file", openFile, "a .rtrace file to open in the window (like racetrace gui FILE)");

    RunCommand run;
    bool noTrace = false;
    auto* runApp = app.add_subcommand("run", "run a scenario with real processes, record and analyse it");
    addRunOptions(*runApp, run, noTrace);

    std::string infoPath;
    bool infoJson = false;
    auto* infoApp = app.add_subcommand("info", "check a saved .rtrace file and summarise it");
    infoApp->add_option("file", infoPath, "the .rtrace file")->required();
    infoApp->add_flag("--json", infoJson, "print one JSON object instead of text");

    auto* scenariosApp = app.add_subcommand("scenarios", "list the built-in scenarios");

    ReplayCommand replay;
    auto* replayApp = app.add_subcommand("replay", "re-run new processes forcing a saved trace's order of accesses");
    replayApp->add_option("file", replay.path, "the .rtrace file to replay")->required();
    replayApp->add_option("--out,-o", replay.out, "save the replayed trace");
    replayApp->add_flag("--json", replay.json, "print one JSON object instead of text");

#ifdef RACETRACE_HAVE_GUI
    GuiOptions gui;
    std::string guiFile;
    auto* guiApp = app.add_subcommand("gui", "open the window (the default): run the demo, or show a saved trace");
    guiApp->add_option("file", guiFile, "a .rtrace file to open instead of running the demo");
    guiApp->add_flag("--lecture", gui.lecture, "start in lecture mode (large text, light theme, fullscreen)");

    RenderOptions render;
    std::string renderPath;
    bool renderDark = false;
    auto* renderApp =
        app.add_subcommand("render", "draw a trace's timeline and findings into a PNG (no display needed)");
    renderApp->add_option("file", renderPath, "the .rtrace file")->required();
    renderApp->add_option("--out,-o", render.outPath, "the PNG to write")->capture_default_str();
    renderApp->add_option("--width", render.width, "picture width in pixels")
        ->check(CLI::Range(320, 8192))
        ->capture_default_str();
    renderApp->add_option("--height", render.height, "picture height in pixels")
        ->check(CLI::Range(200, 8192))
        ->capture_default_str();
    renderApp->add_flag("--fit", render.fit, "show the whole run instead of zooming to the first finding");
    renderApp->add_flag("--dark", renderDark, "the dark screen theme instead of the light one for slides");
#endif

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) return app.exit(error); // --help, --version
        app.exit(error);
        return kExitUsage;
    }
    if (!openFile.empty() && !isTraceFile(openFile)) {
        printError("'" + openFile + "' is neither a command nor a file to open. See 'racetrace --help'.");
        return kExitUsage;
    }

    run.options.traceEnabled = !noTrace;
    if (*runApp) return runCommand(run);
    if (*infoApp) return infoCommand(infoPath, infoJson);
    if (*scenariosApp) return scenariosCommand();
    if (*replayApp) return replayCommand(replay);
#ifdef RACETRACE_HAVE_GUI
    if (*renderApp) {
        render.lecture = !renderDark;
        return renderCommand(renderPath, render);
    }
    if (!guiFile.empty()) gui.traceFile = guiFile;
    if (!openFile.empty()) gui.traceFile = openFile;
    return runGui(gui); // `racetrace`, `racetrace gui [FILE]` and `racetrace FILE`
#else
    if (!openFile.empty()) {
        printError("this racetrace was built without the window; try: racetrace info " + openFile);
        return kExitFailed;
    }
    return runCommand(run); // built without the window: the headless demo
#endif
}
