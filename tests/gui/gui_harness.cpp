#include "gui_harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace racetrace::guitest {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- files

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "racetrace-gui-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) FAIL("cannot make a temporary directory: " << std::strerror(errno));
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code error;
    fs::remove_all(m_path, error);
}

std::string readFile(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

fs::path artifactPath(const std::string& name) {
    const char* chosen = std::getenv("RACETRACE_GUI_ARTIFACTS"); // e.g. one directory per parallel run
    const fs::path dir = chosen != nullptr && *chosen != '\0' ? chosen : RACETRACE_GUI_ARTIFACT_DIR;
    std::error_code error;
    fs::create_directories(dir, error);
    return dir / name;
}

void keepArtifact(const fs::path& file, const std::string& name) {
    std::error_code error;
    fs::copy_file(file, artifactPath(name), fs::copy_options::overwrite_existing, error);
}

fs::path makeTrace(const TempDir& dir, const std::string& name, const std::vector<std::string>& runArgs,
                   bool requireRace) {
    const fs::path path = dir / name;
    std::vector<std::string> args{"run"};
    args.insert(args.end(), runArgs.begin(), runArgs.end());
    args.insert(args.end(), {"--json", "-o", path.string()});
    for (int attempt = 1;; ++attempt) {
        const auto result = runRacetrace(args, Environment(), dir.path());
        INFO("racetrace run: " << result.out << result.err);
        REQUIRE(result.status == 0);
        REQUIRE(fs::exists(path));
        const auto summary = nlohmann::json::parse(result.out, nullptr, false);
        REQUIRE(summary.is_object());
        const auto overlaps = summary.value("/findings/overlaps"_json_pointer, std::uint64_t{0});
        if (!requireRace || overlaps > 0) return path;
        REQUIRE(attempt < 3);
        WARN("the CLI run for " << name << " had no overlap (workers on one CPU?); recording it again");
    }
}

bool pollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        if (condition()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(interval);
    }
}

// ---------------------------------------------------------------- processes

Environment::Environment() {
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        const auto equals = text.find('=');
        if (equals != std::string::npos) m_vars[text.substr(0, equals)] = text.substr(equals + 1);
    }
}

Environment& Environment::set(const std::string& name, const std::string& value) {
    m_vars[name] = value;
    return *this;
}

Environment& Environment::unset(const std::string& name) {
    m_vars.erase(name);
    return *this;
}

std::vector<std::string> Environment::entries() const {
    std::vector<std::string> out;
    for (const auto& [name, value] : m_vars)
        out.push_back(name + "=" + value);
    return out;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const Options& options) {
    REQUIRE(!argv.empty());
    // Everything the child needs is prepared before fork: after it, only
    // async-signal-safe calls.
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const std::vector<std::string> envText = options.environment.entries();
    std::vector<char*> env;
    for (const auto& entry : envText)
        env.push_back(const_cast<char*>(entry.c_str()));
    env.push_back(nullptr);
    const std::string cwd = options.cwd.string();
    const std::string out = options.stdoutPath.empty() ? "/dev/null" : options.stdoutPath.string();
    const std::string err = options.stderrPath.empty() ? "/dev/null" : options.stderrPath.string();

    const pid_t parent = getpid();
    m_pid = fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
        // If the test process is killed (a ctest timeout), its Xvfb and app go too.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(125);
        const int in = open("/dev/null", O_RDONLY);
        const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0) _exit(126);
        dup2(in, 0), dup2(o, 1), dup2(e, 2);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
        execvpe(args[0], args.data(), env.data());
        _exit(127);
    }
}

ChildProcess::~ChildProcess() {
    if (m_pid > 0 && !m_status) stop(1000ms);
}

void ChildProcess::reap(int status) {
    m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ChildProcess::running() {
    if (m_status) return false;
    int status = 0;
    const pid_t done = waitpid(m_pid, &status, WNOHANG);
    if (done == m_pid) reap(status);
    return !m_status;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    pollUntil([this] { return !running(); }, timeout, 20ms);
    return m_status;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!running()) return *m_status;
    kill(m_pid, SIGTERM);
    if (auto status = wait(grace)) return *status;
    kill(m_pid, SIGKILL);
    int status = 0;
    waitpid(m_pid, &status, 0);
    reap(status);
    return *m_status;
}

CommandResult runCommand(const std::vector<std::string>& argv, const Environment& environment, const fs::path& cwd,
                         std::chrono::milliseconds timeout) {
    TempDir dir;
    ChildProcess::Options options{cwd, environment, dir / "out", dir / "err"};
    ChildProcess child(argv, options);
    CommandResult result;
    if (auto status = child.wait(timeout))
        result.status = *status;
    else
        child.stop(500ms);
    result.out = readFile(dir / "out");
    result.err = readFile(dir / "err");
    return result;
}

CommandResult runRacetrace(const std::vector<std::string>& args, const Environment& environment, const fs::path& cwd,
                           std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{RACETRACE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, environment, cwd, timeout);
}

// ---------------------------------------------------------------- Xvfb

XvfbServer::XvfbServer(int width, int height) : m_width(width), m_height(height) {
    // Take the first display number nobody holds. Two test processes may both
    // find a number free and both start an Xvfb on it: the X lock file holds
    // the pid of the server that won, so a display is ours only when the lock
    // names our Xvfb (the loser exits; we move on to the next number).
    for (int number = 90; number < 190 && !m_process; ++number) {
        const fs::path lock = "/tmp/.X" + std::to_string(number) + "-lock";
        const fs::path socket = "/tmp/.X11-unix/X" + std::to_string(number);
        if (fs::exists(lock) || fs::exists(socket)) continue;
        ChildProcess::Options options{{}, Environment(), {}, m_logs / "xvfb.log"};
        auto process = std::make_unique<ChildProcess>(
            std::vector<std::string>{"Xvfb", ":" + std::to_string(number), "-screen", "0",
                                     std::to_string(width) + "x" + std::to_string(height) + "x24", "-nolisten", "tcp",
                                     // Without -noreset the server resets when its last client
                                     // (an xdotool) leaves, and refuses connections meanwhile.
                                     "-noreset"},
            options);
        auto ours = [&] {
            const std::string owner = readFile(lock); // "%10d\n", the server's pid
            char* end = nullptr;
            const long pid = std::strtol(owner.c_str(), &end, 10);
            return end != owner.c_str() && pid == process->pid();
        };
        const bool up = pollUntil([&] { return !process->running() || (ours() && fs::exists(socket)); }, 10s, 20ms) &&
                        process->running() && ours();
        if (up) {
            m_number = number;
            m_process = std::move(process);
        }
        // else: the ChildProcess destructor stops an Xvfb that is still starting.
    }
    INFO("no Xvfb could be started on :90 to :189 (is the xvfb package installed?); the last log: "
         << readFile(m_logs / "xvfb.log"));
    REQUIRE(m_process != nullptr);
    // The socket appears when the server listens; one round trip proves it answers.
    REQUIRE(pollUntil([&] { return !xdotool({"getdisplaygeometry"}).empty(); }, 5s, 50ms));
}

XvfbServer::~XvfbServer() {
    if (m_process) m_process->stop(2000ms);
}

Environment XvfbServer::clientEnvironment() const {
    Environment env;
    env.set("DISPLAY", display()).unset("WAYLAND_DISPLAY").unset("XAUTHORITY");
    return env;
}

std::string XvfbServer::xdotool(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"xdotool"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, clientEnvironment(), {}, 10s).out;
}

Image XvfbServer::screenshot(const fs::path& file) const {
    const auto result = runCommand({"import", "-window", "root", file.string()}, clientEnvironment(), {}, 20s);
    INFO("import: " << result.err);
    REQUIRE(result.status == 0);
    auto image = loadPng(file);
    REQUIRE(image.has_value());
    return *image;
}

// ---------------------------------------------------------------- the app

namespace {
std::string uniqueTag() {
    std::random_device random;
    return std::to_string(getpid()) + "-" + std::to_string(random()) + std::to_string(random());
}

/// A file name made of the test's own name: letters, digits and dashes.
std::string slug(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!out.empty() && out.back() != '-')
            out += '-';
    }
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    return out;
}
} // namespace

GuiApp::GuiApp(XvfbServer& server, const std::vector<std::string>& args, const std::string& name,
               const std::function<void(const fs::path&)>& prepareConfig)
    : m_server(server), m_name(slug(name)), m_cwd(m_dir / "cwd"), m_config(m_dir / "config"), m_tag(uniqueTag()) {
    fs::create_directories(m_cwd);
    fs::create_directories(m_config);
    if (prepareConfig) prepareConfig(m_config);
    Environment env = server.clientEnvironment();
    env.set("XDG_CONFIG_HOME", m_config.string()).set("RACETRACE_GUI_TEST_TAG", m_tag);
    env.set("RACETRACE_LAYOUT_REPORT", (m_dir / "layout.txt").string());
    std::vector<std::string> argv{RACETRACE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    m_process =
        std::make_unique<ChildProcess>(argv, ChildProcess::Options{m_cwd, env, m_dir / "app.out", m_dir / "app.err"});
}

GuiApp::~GuiApp() {
    // Its workers die with it (parent-death signal); the X server goes after this.
    if (m_process->running()) m_process->stop(2000ms);
}

std::string GuiApp::waitForWindow(std::chrono::milliseconds timeout) {
    std::string found;
    const bool ok = pollUntil(
        [&] {
            if (!m_process->running()) return true;
            std::istringstream ids(m_server.xdotool({"search", "--name", "^racetrace"}));
            std::string id;
            if (ids >> id) found = id;
            return !found.empty();
        },
        timeout, 100ms);
    INFO("racetrace stderr: " << stderrText());
    REQUIRE(ok);
    REQUIRE(m_process->running());
    REQUIRE(!found.empty());
    m_window = found;
    return found;
}

void GuiApp::key(const std::string& keys) {
    REQUIRE(!m_window.empty());
    // xdotool's `key` sends press and release back to back; if both land in
    // one ImGui 1.86 frame the press is lost. Holding the key avoids that.
    m_server.xdotool({"keydown", "--window", m_window, keys});
    std::this_thread::sleep_for(100ms);
    m_server.xdotool({"keyup", "--window", m_window, keys});
    std::this_thread::sleep_for(50ms);
}

bool GuiApp::holdKeyUntil(const std::string& keys, const std::function<bool()>& released,
                          std::chrono::milliseconds timeout) {
    REQUIRE(!m_window.empty());
    m_server.xdotool({"keydown", "--window", m_window, keys});
    const bool done = pollUntil(released, timeout, 50ms);
    m_server.xdotool({"keyup", "--window", m_window, keys});
    return done;
}

std::size_t GuiApp::workerCount() const {
    std::size_t count = 0;
    for (const pid_t pid : taggedProcesses())
        count += pid != m_process->pid();
    return count;
}

void GuiApp::moveMouse(int x, int y) {
    m_server.xdotool({"mousemove", "--sync", std::to_string(x), std::to_string(y)});
    std::this_thread::sleep_for(150ms); // a frame to see the pointer there before a button goes down
}

void GuiApp::click(int x, int y) {
    moveMouse(x, y);
    m_server.xdotool({"mousedown", "1"});
    std::this_thread::sleep_for(100ms);
    m_server.xdotool({"mouseup", "1"});
    std::this_thread::sleep_for(100ms);
}

Image GuiApp::screenshot(const std::string& label) {
    const fs::path file = m_dir / ("shot-" + std::to_string(m_shots++) + ".png");
    Image image = m_server.screenshot(file);
    keepArtifact(file, m_name + "-" + label + ".png");
    return image;
}

Image GuiApp::waitForScreen(const std::string& label, const std::function<bool(const Image&)>& condition,
                            std::chrono::milliseconds timeout) {
    Image last;
    const bool ok = pollUntil(
        [&] {
            if (!m_process->running())
                FAIL("racetrace exited (status " << m_process->wait(0ms).value_or(-1) << ", 128 + N is signal N) while "
                                                 << "waiting for '" << label << "'; stderr: " << stderrText());
            last = screenshot(label);
            return condition(last);
        },
        timeout, 200ms);
    INFO("the last screenshot is " << artifactPath(m_name + "-" + label + ".png").string());
    INFO("racetrace stderr: " << stderrText());
    REQUIRE(ok);
    return last;
}

std::string GuiApp::waitForOutput(const std::string& text, std::chrono::milliseconds timeout) {
    std::string out;
    const bool found = pollUntil([&] { return (out = stdoutText()).find(text) != std::string::npos; }, timeout, 100ms);
    INFO("waiting for the app to print \"" << text << "\"; it printed:\n" << out << "stderr: " << stderrText());
    REQUIRE(found);
    return out;
}

void GuiApp::waitForTraceShown(const fs::path& trace) {
    waitForWindow();
    parkMouse();
    const std::string opening = "Opening " + trace.string();
    waitForOutput(opening);
    // Then the sentence the window opens on: the line after "Opening ...".
    REQUIRE(pollUntil(
        [&] {
            const std::string text = stdoutText();
            const auto line = text.find('\n', text.find(opening));
            return line != std::string::npos && text.find('\n', line + 1) != std::string::npos;
        },
        10s));
}

std::string GuiApp::waitForDemoOutcome(std::chrono::milliseconds timeout) {
    // The demo prints "Running naive-flag..." and then the opening finding's
    // sentence: an overlap or a lost update, whichever race fits on screen first.
    const std::string out = waitForOutput("Running naive-flag", timeout);
    const auto start = out.find("Running naive-flag");
    std::string text;
    const bool found = pollUntil(
        [&] {
            text = stdoutText();
            const auto firstEnd = text.find('\n', start);
            return firstEnd != std::string::npos && text.find('\n', firstEnd + 1) != std::string::npos;
        },
        timeout, 100ms);
    INFO("waiting for the demo's first sentence; the app printed:\n" << text << "stderr: " << stderrText());
    REQUIRE(found);
    return text.substr(text.find('\n', start) + 1);
}

namespace {

std::map<std::string, LayoutItem> parseLayout(const std::string& text) {
    // "name x0 y0 x1 y1 shown|clipped", or "display W H" and "font PX" (numbers from x0 on).
    std::map<std::string, LayoutItem> items;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string name, shown;
        std::vector<int> numbers;
        if (!(words >> name)) continue;
        for (int number = 0; words >> number;)
            numbers.push_back(number);
        words.clear();
        words >> shown;
        numbers.resize(4, 0);
        items[name] = LayoutItem{numbers[0], numbers[1], numbers[2], numbers[3], shown == "shown"};
    }
    return items;
}

} // namespace

std::map<std::string, LayoutItem> GuiApp::layout(const std::string& item, std::chrono::milliseconds timeout) const {
    std::map<std::string, LayoutItem> items;
    const bool found = pollUntil(
        [&] {
            items = parseLayout(readFile(m_dir / "layout.txt"));
            return items.count(item) > 0;
        },
        timeout, 100ms);
    INFO("the window's layout report never named " << item);
    REQUIRE(found);
    return items;
}

bool GuiApp::waitUntilShown(const std::string& item, std::chrono::milliseconds timeout) const {
    return pollUntil(
        [&] {
            const auto items = parseLayout(readFile(m_dir / "layout.txt"));
            const auto found = items.find(item);
            return found != items.end() && found->second.shown;
        },
        timeout, 100ms);
}

int GuiApp::quit(std::chrono::milliseconds timeout) {
    if (!m_process->running()) return *m_process->wait(0ms);
    // Held until the window is gone (a short tap can fall inside one slow frame).
    if (holdKeyUntil(
            "ctrl+q", [&] { return !m_process->running(); }, timeout))
        return *m_process->wait(0ms);
    FAIL_CHECK("racetrace did not exit within " << timeout.count() << " ms of Ctrl+Q");
    return m_process->stop(1000ms);
}

std::vector<pid_t> GuiApp::taggedProcesses() const {
    std::vector<pid_t> found;
    const std::string needle = "RACETRACE_GUI_TEST_TAG=" + m_tag;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
        const std::string stat = readFile(entry.path() / "stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z') continue;
        const std::string environment = readFile(entry.path() / "environ");
        std::size_t start = 0;
        while (start < environment.size()) {
            const std::size_t end = environment.find('\0', start);
            if (environment.compare(start, (end == std::string::npos ? environment.size() : end) - start, needle) ==
                0) {
                found.push_back(std::stoi(name));
                break;
            }
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    return found;
}

} // namespace racetrace::guitest
