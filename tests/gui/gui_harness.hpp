// What the window tests drive: child processes with their own environment and
// working directory, a private Xvfb, and the racetrace window in it, poked with
// xdotool and photographed with imagemagick's `import`. Every resource is RAII:
// a failed REQUIRE still stops the app and the X server and removes the files.
#pragma once

#include "pixels.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace racetrace::guitest {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// A fresh directory under /tmp, removed with everything in it.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

  private:
    std::filesystem::path m_path;
};

/// The environment of a child: this process's, with some variables set or removed.
class Environment {
  public:
    Environment(); ///< a copy of this process's environment
    Environment& set(const std::string& name, const std::string& value);
    Environment& unset(const std::string& name);
    std::vector<std::string> entries() const;

  private:
    std::map<std::string, std::string> m_vars;
};

/// A child process started with fork/exec; stdout and stderr go to files.
/// The destructor kills it (SIGTERM, then SIGKILL) if it still runs.
class ChildProcess {
  public:
    struct Options {
        std::filesystem::path cwd; ///< empty: this process's
        Environment environment;
        std::filesystem::path stdoutPath; ///< empty: /dev/null
        std::filesystem::path stderrPath; ///< empty: /dev/null
    };
    ChildProcess(const std::vector<std::string>& argv, const Options& options);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return m_pid; }
    bool running();
    /// The exit status (a signal N is reported as 128 + N), or nothing on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    /// SIGTERM, a grace period, then SIGKILL; returns the status.
    int stop(std::chrono::milliseconds grace = 2000ms);

  private:
    void reap(int status);
    pid_t m_pid = -1;
    std::optional<int> m_status;
};

struct CommandResult {
    int status = -1; ///< exit code, 128 + signal, or -1 on timeout
    std::string out, err;
};

/// Runs a command to completion (killed at the timeout).
CommandResult runCommand(const std::vector<std::string>& argv, const Environment& environment,
                         const std::filesystem::path& cwd = {}, std::chrono::milliseconds timeout = 60s);

/// Runs the racetrace binary under test with `args`.
CommandResult runRacetrace(const std::vector<std::string>& args, const Environment& environment,
                           const std::filesystem::path& cwd, std::chrono::milliseconds timeout = 60s);

std::string readFile(const std::filesystem::path& path);

/// Records a trace with the CLI (`racetrace run ARGS --json -o DIR/NAME`), real
/// processes. With `requireRace`, runs again (up to 3 times in all) until the
/// trace has an overlap: on a loaded machine both workers can share one CPU and
/// not race at all, which is not what the window tests are about.
std::filesystem::path makeTrace(const TempDir& dir, const std::string& name, const std::vector<std::string>& runArgs,
                                bool requireRace = true);

/// Polls `condition` every `interval` until it holds or `timeout` passes.
bool pollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = 100ms);

/// A private X server: Xvfb on the first free display from :90 upward,
/// 1600x900x24 unless told otherwise, no TCP, no reset. Stopped by the destructor.
class XvfbServer {
  public:
    static constexpr int kWidth = 1600, kHeight = 900;
    explicit XvfbServer(int width = kWidth, int height = kHeight);
    int width() const { return m_width; }
    int height() const { return m_height; }
    ~XvfbServer();
    XvfbServer(const XvfbServer&) = delete;
    XvfbServer& operator=(const XvfbServer&) = delete;

    std::string display() const { return ":" + std::to_string(m_number); }
    /// The environment for X clients of this server (xdotool, import).
    Environment clientEnvironment() const;
    /// A screenshot of the whole screen (`import -window root`).
    Image screenshot(const std::filesystem::path& file) const;
    /// Runs an xdotool command against this server; returns its stdout.
    std::string xdotool(const std::vector<std::string>& args) const;

  private:
    int m_number = -1;
    int m_width, m_height;
    TempDir m_logs;
    std::unique_ptr<ChildProcess> m_process;
};

/// One line of the window's layout report: where an item is, and whether all of it is visible.
struct LayoutItem {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool shown = false;
};

/// The racetrace window on an XvfbServer, with a fresh XDG_CONFIG_HOME and a
/// fresh working directory, and a tag in its environment that its worker
/// processes inherit, so the test can tell if any is left behind.
class GuiApp {
  public:
    /// `prepareConfig` may write files into the fresh XDG_CONFIG_HOME before the app starts.
    GuiApp(XvfbServer& server, const std::vector<std::string>& args, const std::string& name,
           const std::function<void(const std::filesystem::path&)>& prepareConfig = {});
    ~GuiApp();

    /// Waits for the window to exist; returns its X id (REQUIREs success).
    std::string waitForWindow(std::chrono::milliseconds timeout = 15s);
    bool running() { return m_process->running(); }
    pid_t pid() const { return m_process->pid(); }

    /// Presses and releases a key (xdotool syntax: "l", "ctrl+q", "F12"),
    /// held ~100 ms so that the app sees it in at least one frame.
    void key(const std::string& keys);
    /// Holds a key down until `released` holds (or the timeout), then lets it go.
    bool holdKeyUntil(const std::string& keys, const std::function<bool()>& released,
                      std::chrono::milliseconds timeout);
    /// Worker processes of this app that still run (its tagged processes other than itself).
    std::size_t workerCount() const;
    void moveMouse(int x, int y);
    void click(int x, int y);
    /// Moves the pointer where it opens no tooltip (the empty corner of Memory).
    void parkMouse() { moveMouse(m_server.width() - 4, m_server.height() - 4); }

    /// A screenshot, also kept as an artifact named `<test>-<label>.png`.
    Image screenshot(const std::string& label);
    /// Screenshots until `condition` holds (REQUIREd) or the timeout passes; returns the last.
    Image waitForScreen(const std::string& label, const std::function<bool(const Image&)>& condition,
                        std::chrono::milliseconds timeout = 15s);

    /// Ctrl+Q, then waits for the exit; returns the exit status (kills after the timeout).
    int quit(std::chrono::milliseconds timeout = 10s);
    /// Processes (other than zombies) still carrying this app's environment tag.
    std::vector<pid_t> taggedProcesses() const;

    const std::filesystem::path& cwd() const { return m_cwd; }
    const std::filesystem::path& configHome() const { return m_config; }
    std::string stderrText() const { return readFile(m_dir / "app.err"); }
    /// What the app printed: every status-line sentence, one per line.
    std::string stdoutText() const { return readFile(m_dir / "app.out"); }
    /// The window's own layout report (src/gui/layout_report.hpp), by item
    /// name; waits up to `timeout` for one that names `item`.
    std::map<std::string, LayoutItem> layout(const std::string& item, std::chrono::milliseconds timeout = 10s) const;
    /// Waits until the layout report says `item` is wholly visible: an item that
    /// has just appeared (a popup, a scrolled-to answer) may take a frame or two.
    bool waitUntilShown(const std::string& item, std::chrono::milliseconds timeout = 10s) const;
    /// Waits until the app has printed `text` (REQUIREs it); returns all it printed.
    std::string waitForOutput(const std::string& text, std::chrono::milliseconds timeout = 15s);
    /// Waits for the default demo's first sentence after "Running naive-flag..."; returns what followed.
    std::string waitForDemoOutcome(std::chrono::milliseconds timeout = 30s);
    /// For an app started on a trace file: waits for the window and for the
    /// sentence it opens the trace on, with the mouse parked out of the way.
    void waitForTraceShown(const std::filesystem::path& trace);
    const std::string& artifactPrefix() const { return m_name; }

  private:
    XvfbServer& m_server;
    std::string m_name;
    TempDir m_dir;
    std::filesystem::path m_cwd, m_config;
    std::string m_tag;
    std::string m_window;
    std::unique_ptr<ChildProcess> m_process;
    int m_shots = 0;
};

/// Where tests keep the PNGs they looked at (for a human to look at them too):
/// $RACETRACE_GUI_ARTIFACTS, or tests/gui/artifacts in the build directory.
std::filesystem::path artifactPath(const std::string& name);
void keepArtifact(const std::filesystem::path& file, const std::string& name);

} // namespace racetrace::guitest
