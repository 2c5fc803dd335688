// Shared helpers for the integration tests: temporary directories, run options,
// looking at processes through /proc, and running the racetrace CLI as a child
// with its output captured. Header-only; every integration test file includes it.
#pragma once

#include "analysis/finders.hpp"
#include "lab/run.hpp"
#include "lab/schedule_replay.hpp"
#include "trace/trace.hpp"

#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace racetrace::testing {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A fresh directory under /tmp, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        char pattern[] = "/tmp/racetrace-it-XXXXXX";
        const char* made = mkdtemp(pattern);
        REQUIRE(made != nullptr);
        m_path = made;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }
    /// Writes `text` to `name` inside the directory and returns the full path.
    std::string write(const std::string& name, const std::string& text) const {
        const std::string full = file(name);
        std::ofstream out(full, std::ios::binary);
        out << text;
        out.close();
        REQUIRE(out.good());
        return full;
    }

  private:
    std::string m_path;
};

/// Run options with an explicit window (window 0 is a real choice, not "the default").
inline RunOptions options(const std::string& scenario, std::uint32_t workers, std::uint64_t iterations,
                          std::uint64_t windowNs, PinMode pin = PinMode::None) {
    RunOptions o;
    o.scenario = scenario;
    o.workers = workers;
    o.iterations = iterations;
    o.windowNs = windowNs;
    o.pin = pin;
    return o;
}

/// Runs to completion; a run that fails to start fails the test.
inline Trace runOrFail(const RunOptions& o) {
    auto trace = runToCompletion(o);
    if (!trace) FAIL("the run did not start: " << trace.error());
    return std::move(*trace);
}

inline std::uint16_t counterVariable(const Trace& trace) {
    const auto variable = trace.scenario.findVariable("counter");
    REQUIRE(variable.has_value());
    return *variable;
}

inline std::int64_t expectedCount(const Trace& trace) {
    return static_cast<std::int64_t>(trace.settings.workers) * static_cast<std::int64_t>(trace.settings.iterations);
}

inline std::int64_t finalCount(const Trace& trace) {
    return trace.finalValue(counterVariable(trace));
}

/// The counter invariant ("counter == workers * iterations") of an analysis.
inline const InvariantResult* counterInvariant(const Trace& trace, const Analysis& analysis) {
    const auto counter = counterVariable(trace);
    for (const auto& result : analysis.invariants)
        if (result.invariant.variable == counter) return &result;
    return nullptr;
}

// ---------------------------------------------------------------- /proc

struct ProcStat {
    char state = '?';
    pid_t ppid = 0;
};

/// State and parent of `pid`, or nothing when the process is gone.
inline std::optional<ProcStat> procStat(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!file || !std::getline(file, text)) return std::nullopt;
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
    const auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(close + 1));
    ProcStat stat;
    rest >> stat.state >> stat.ppid;
    if (!rest) return std::nullopt;
    return stat;
}

/// True while `pid` exists and has not died (a zombie or a dead task counts as dead).
inline bool isAlive(pid_t pid) {
    const auto stat = procStat(pid);
    return stat && stat->state != 'Z' && stat->state != 'X' && stat->state != 'x';
}

/// Every process whose parent is `parent` (zombies included), by scanning /proc.
inline std::vector<pid_t> childrenOf(pid_t parent) {
    std::vector<pid_t> children;
    DIR* dir = opendir("/proc");
    if (dir == nullptr) return children;
    while (const dirent* entry = readdir(dir)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || pid <= 0) continue;
        if (const auto stat = procStat(static_cast<pid_t>(pid)); stat && stat->ppid == parent)
            children.push_back(static_cast<pid_t>(pid));
    }
    closedir(dir);
    std::sort(children.begin(), children.end());
    return children;
}

inline std::vector<pid_t> liveChildrenOf(pid_t parent) {
    auto children = childrenOf(parent);
    std::erase_if(children, [](pid_t pid) { return !isAlive(pid); });
    return children;
}

/// The command line of `pid`, its arguments separated by spaces ("" when it is gone).
inline std::string commandLine(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::replace(text.begin(), text.end(), '\0', ' ');
    return text;
}

/// Makes this process the reaper of orphaned descendants while it lives, so
/// that workers orphaned by a killed CLI are reparented to us and can be
/// reaped (PID 1 in a container may never reap them).
class SubreaperScope {
  public:
    SubreaperScope() { REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }
    ~SubreaperScope() { prctl(PR_SET_CHILD_SUBREAPER, 0); }
    SubreaperScope(const SubreaperScope&) = delete;
    SubreaperScope& operator=(const SubreaperScope&) = delete;
};

/// Reaps any of `pids` that have become our zombies.
inline void reap(const std::vector<pid_t>& pids) {
    for (pid_t pid : pids) {
        int status = 0;
        waitpid(pid, &status, WNOHANG);
    }
}

/// Polls until none of `pids` is alive or `timeout` passes; returns the survivors.
inline std::vector<pid_t> waitUntilGone(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        std::vector<pid_t> alive;
        for (pid_t pid : pids)
            if (isAlive(pid)) alive.push_back(pid);
        if (alive.empty() || Clock::now() >= deadline) return alive;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

/// Names in /dev/shm and, where the mqueue file system is mounted, in
/// /dev/mqueue: a run must add none (its segment is a memfd, its queues are
/// unlinked the moment they are created).
inline std::set<std::string> devShmEntries() {
    std::set<std::string> names;
    for (const char* directory : {"/dev/shm", "/dev/mqueue"}) {
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(directory, error))
            names.insert(std::string(directory) + "/" + entry.path().filename().string());
    }
    return names;
}

/// What the test process leaves behind: no live children, no new /dev/shm or /dev/mqueue names.
inline void requireNoLeftovers(const std::set<std::string>& shmBefore) {
    CHECK(liveChildrenOf(getpid()).empty());
    const auto shmAfter = devShmEntries();
    std::vector<std::string> added;
    std::set_difference(shmAfter.begin(), shmAfter.end(), shmBefore.begin(), shmBefore.end(),
                        std::back_inserter(added));
    CHECK(added.empty());
}

/// True when both sequences have the same (worker, kind, line, variable, word, value) at every step.
inline bool sameAccesses(const std::vector<ScheduledAccess>& a, const std::vector<ScheduledAccess>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].worker != b[i].worker || a[i].kind != b[i].kind || a[i].line != b[i].line ||
            a[i].variable != b[i].variable || a[i].word != b[i].word || a[i].value != b[i].value)
            return false;
    return true;
}

} // namespace racetrace::testing
