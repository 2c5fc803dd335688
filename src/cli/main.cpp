// racetrace's command line. CLI11 is included here only (it is slow to compile).
// Exit codes: 0 done (a race found is a success: it is what we came to show),
// 1 the run or the file failed, 2 bad options.
#include "analysis/findings.hpp"
#include "analysis/plain_words.hpp"
#include "lab/builtin_scenarios.hpp"
#include "lab/run.hpp"
#include "lab/schedule_policy.hpp"
#include "lab/schedule_replay.hpp"
#include "lab/worker_main.hpp"
#include "session/run_summary.hpp"
#include "trace/rtrace_file.hpp"

#ifdef RACETRACE_HAVE_GUI
#include "gui/app.hpp"
#include "gui/headless_render.hpp"
#endif

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace racetrace {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct RunCommand {
    RunOptions options;
    std::string out;
    bool json = false;
    bool noTrace = false;
    bool alternate = false; ///< step the workers in turn at every access (lab/schedule_policy.hpp)
};

void addRunOptions(CLI::App& command, RunCommand& run) {
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
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    command.add_option("--out,-o", run.out, "save the trace to this .rtrace file");
    auto* noTrace =
        command.add_flag("--no-trace", run.noTrace, "run the same programs with recording off (observer effect)");
    command
        .add_flag("--alternate", run.alternate,
                  "the workers take turns at every shared access (A, B, A, B, ...), stepped through their gates "
                  "until all have finished; the race window defaults to 0 (try -n 3)")
        ->excludes(noTrace);
    command.add_flag("--json", run.json, "print one JSON object instead of text");
}

int runCommand(RunCommand& command) {
    command.options.traceEnabled = !command.noTrace;
    Result<Trace> trace = fail("no run");
    if (command.alternate) {
        // The schedule decides who goes when: a busy wait would only slow it down.
        if (!command.options.windowNs) command.options.windowNs = 0;
        auto run = runPolicy(command.options, alternateEveryAccess());
        trace = run ? Result<Trace>(std::move(run->trace)) : Result<Trace>(fail(run.error()));
    } else {
        trace = runToCompletion(command.options);
    }
    if (!trace) {
        std::fprintf(stderr, "racetrace: %s\n", trace.error().c_str());
        return kExitFailed;
    }
    const Analysis analysis = analyse(*trace);
    if (!command.out.empty()) {
        if (auto saved = saveRtrace(*trace, command.out); !saved) {
            std::fprintf(stderr, "racetrace: %s\n", saved.error().c_str());
            return kExitFailed;
        }
    }
    if (command.json) {
        auto json = summaryJson(*trace, analysis);
        json["trace_file"] = command.out.empty() ? nlohmann::json(nullptr) : nlohmann::json(command.out);
        std::cout << json.dump(2) << "\n";
    } else {
        std::cout << summaryText(*trace, analysis);
        if (!command.out.empty()) std::cout << "Saved the trace to " << command.out << ".\n";
    }
    return 0;
}

int infoCommand(const std::string& path, bool json) {
    auto trace = loadRtrace(path);
    if (!trace) {
        std::fprintf(stderr, "racetrace: %s\n", trace.error().c_str());
        return kExitFailed;
    }
    const Analysis analysis = analyse(*trace);
    if (json) {
        auto object = summaryJson(*trace, analysis);
        object["trace_file"] = path;
        object["machine"] = {
            {"cpu", trace->machine.cpuModel}, {"cores", trace->machine.cores}, {"kernel", trace->machine.kernel}};
        std::cout << object.dump(2) << "\n";
        return 0;
    }
    std::cout << path << ": a valid racetrace trace (format v" << kRtraceVersion << ").\n"
              << "Recorded on " << trace->machine.cpuModel << ", " << trace->machine.cores << " cores, "
              << trace->machine.kernel << "; clock " << clockKindName(trace->clock.kind) << ".\n"
              << summaryText(*trace, analysis);
    return 0;
}

#ifdef RACETRACE_HAVE_GUI
int renderCommand(const std::string& path, const RenderOptions& options) {
    auto trace = loadRtrace(path);
    if (!trace) {
        std::fprintf(stderr, "racetrace: %s\n", trace.error().c_str());
        return kExitFailed;
    }
    auto document = buildDocument(std::move(*trace), path, path);
    if (auto rendered = renderDocumentPng(document, options); !rendered) {
        std::fprintf(stderr, "racetrace: %s\n", rendered.error().c_str());
        return kExitFailed;
    }
    std::cout << "Drew the timeline of " << path << " into " << options.outPath << " (" << options.width << "x"
              << options.height << ").\n";
    return 0;
}
#endif

struct ReplayCommand {
    std::string path;
    std::string out;
    bool json = false;
};

int replayCommand(const ReplayCommand& command) {
    auto original = loadRtrace(command.path);
    if (!original) {
        std::fprintf(stderr, "racetrace: %s\n", original.error().c_str());
        return kExitFailed;
    }
    auto replay = replayTrace(*original);
    if (!replay) {
        std::fprintf(stderr, "racetrace: %s\n", replay.error().c_str());
        return kExitFailed;
    }
    const Analysis before = analyse(*original);
    const Analysis after = analyse(replay->trace);
    const bool sameFindings = before.sameCounts(after);
    if (!command.out.empty()) {
        if (auto saved = saveRtrace(replay->trace, command.out); !saved) {
            std::fprintf(stderr, "racetrace: %s\n", saved.error().c_str());
            return kExitFailed;
        }
    }
    if (command.json) {
        auto json = summaryJson(replay->trace, after);
        json["replay"] = {
            {"source", command.path},
            {"steps", replay->steps},
            {"diverged", replay->divergence.has_value()},
            {"divergence", replay->divergence ? nlohmann::json(*replay->divergence) : nlohmann::json(nullptr)},
            {"same_findings", sameFindings}};
        json["trace_file"] = command.out.empty() ? nlohmann::json(nullptr) : nlohmann::json(command.out);
        std::cout << json.dump(2) << "\n";
    } else if (replay->divergence) {
        std::cout << "Replayed " << groupedNumber(static_cast<std::int64_t>(replay->steps)) << " steps of "
                  << command.path << ", then the schedule could not be followed.\n";
    } else {
        std::cout << "Replayed all " << groupedNumber(static_cast<std::int64_t>(replay->steps)) << " steps of "
                  << command.path << " with new processes: the same accesses, the same values"
                  << (sameFindings ? ", the same findings.\n" : ", but the findings differ.\n")
                  << summaryText(replay->trace, after);
    }
    if (!command.out.empty()) std::cout << "Saved the replayed trace to " << command.out << ".\n";
    if (replay->divergence) {
        std::fprintf(stderr, "racetrace: %s\n", replay->divergence->c_str());
        return kExitFailed;
    }
    return 0;
}

int scenariosCommand() {
    for (const auto& scenario : builtinScenarios())
        std::printf("%-12s %s\n", scenario.info.name.c_str(), scenario.summary.c_str());
    return 0;
}

/// CLI11's errors become one sentence (no "Run with --help" second line).
std::string oneSentenceFailure(const CLI::App*, const CLI::Error& error) {
    std::string message = error.what();
    if (!message.empty() && message.back() != '.') message += '.';
    return "racetrace: " + message + " See 'racetrace --help'.\n";
}

} // namespace
} // namespace racetrace

int main(int argc, char** argv) {
    using namespace racetrace;
    if (auto workerStatus = runWorkerIfRequested(argc, argv)) return *workerStatus;

    CLI::App app{"racetrace: watch real processes race on real shared memory."};
    app.failure_message(oneSentenceFailure);
    app.require_subcommand(0, 1);

    RunCommand run;
    auto* runApp = app.add_subcommand("run", "run a scenario with real processes, record and analyse it");
    addRunOptions(*runApp, run);

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
        if (error.get_exit_code() == 0) return app.exit(error); // --help
        app.exit(error);
        return kExitUsage;
    }

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
    return runGui(gui); // `racetrace` alone and `racetrace gui`
#else
    return runCommand(run); // built without the window: the headless demo
#endif
}
