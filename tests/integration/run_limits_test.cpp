// Bounded runs (issue 15): a program that loops without end while changing
// memory (`for (;;) counter++`) is stopped by the limit on recorded events,
// which keeps what was recorded, and by the watchdog, which sees that no worker
// ever finishes an iteration; the watchdog counts finished iterations as
// progress (private work makes no access) and names the dead worker that
// holds the lock the others spin on. The looping runs go under an
// address-space limit (RLIMIT_AS, set in the child), so that a regression
// fails the test instead of exhausting the machine.
#include "support/integration_support.hpp"

#include <sys/resource.h>

using namespace racetrace;
using namespace racetrace::testing;
using namespace std::chrono_literals;

namespace {

/// A scenario of two workers whose one line is `line` (a TOML inline table).
std::string loopScenario(const std::string& name, const std::string& line) {
    return "name = \"" + name + R"toml("
title = "A loop with no way out"

[defaults]
workers = 2
iterations = 1000
window_ns = 0

[[variable]]
name = "counter"
kind = "counter"

[[program]]
role = "worker"
lines = [
  )toml" + line +
           "\n]\n";
}

const std::string kLoopForever =
    loopScenario("loop-forever", R"({ text = "for (;;) counter++", ops = ["l: fetch_add r0 counter 1", "jmp l"] },)");

// The same loop with 10 us of work of its own at every turn: a hundred
// thousand events a second per worker instead of ten million, so what a
// watchdog of 0.1 s (late by a busy machine's scheduling) lets through fits
// in memory.
const std::string kSlowLoopForever = loopScenario(
    "slow-loop-forever",
    R"({ text = "for (;;) { counter++; work 10 us }", ops = ["l: fetch_add r0 counter 1", "delay 10000", "jmp l"] },)");

// 1 ms of work of its own per iteration, and no shared access at all.
constexpr const char* kPrivateWork = R"toml(
name = "private-work"
title = "Work of its own"

[defaults]
workers = 2
iterations = 1000
window_ns = 0

[[variable]]
name = "counter"
kind = "counter"

[[program]]
role = "worker"
lines = [
  { text = "work for 1 ms, sharing nothing", ops = ["delay 1000000"] },
]
)toml";

/// racetrace may map this much, no more: a regression that keeps every event of
/// an endless loop dies here, in a second or two, instead of filling the machine.
constexpr rlim_t kAddressSpace = rlim_t{1} << 30;

struct LimitedRun {
    CliResult result;
    double seconds = 0;
    long peakKilobytes = 0; ///< the child's peak resident memory
};

/// Runs the racetrace CLI with `args` under RLIMIT_AS = `bytes` (set between
/// fork and exec), its output captured through files; killed after `timeout`.
LimitedRun runCliLimited(const std::vector<std::string>& args, rlim_t bytes, std::chrono::seconds timeout) {
    TempDir dir;
    const std::string outPath = dir.file("out.txt"), errPath = dir.file("err.txt");
    std::vector<std::string> storage{RACETRACE_CLI_PATH};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int outFd = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int errFd = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int nullFd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE((outFd >= 0 && errFd >= 0 && nullFd >= 0));
    const auto start = Clock::now();
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) { // only async-signal-safe calls until exec
        const rlimit limit{bytes, bytes};
        if (setrlimit(RLIMIT_AS, &limit) != 0 || dup2(nullFd, 0) < 0 || dup2(outFd, 1) < 0 || dup2(errFd, 2) < 0)
            _exit(126);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(outFd);
    close(errFd);
    close(nullFd);
    LimitedRun run;
    int status = 0;
    rusage usage{};
    const auto deadline = Clock::now() + timeout;
    while (wait4(pid, &status, WNOHANG, &usage) == 0) {
        if (Clock::now() >= deadline) {
            run.result.timedOut = true;
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &usage);
            break;
        }
        std::this_thread::sleep_for(10ms);
    }
    run.seconds = secondsSince(start);
    run.peakKilobytes = usage.ru_maxrss;
    run.result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream out(outPath), err(errPath);
    run.result.out.assign(std::istreambuf_iterator<char>(out), {});
    run.result.err.assign(std::istreambuf_iterator<char>(err), {});
    return run;
}

} // namespace

TEST_CASE("limits: a loop without end stops at --max-events, says so and keeps what it recorded",
          "[integration][limits]") {
    TempDir dir;
    const std::string scenario = dir.write("loop-forever.toml", kLoopForever);
    const std::string trace = dir.file("loop.rtrace");
    // The watchdog waits an hour: only the event limit can stop this run.
    const LimitedRun run = runCliLimited(
        {"run", "-s", scenario, "--max-events", "200000", "--watchdog", "3600", "-o", trace}, kAddressSpace, 60s);
    INFO("stdout: " << run.result.out << "\nstderr: " << run.result.err);
    WARN("a loop without end, --max-events 200000: " << run.seconds << " s, peak " << run.peakKilobytes / 1024
                                                     << " MB resident under a 1 GiB address-space limit");
    REQUIRE_FALSE(run.result.timedOut);
    CHECK(run.result.exitCode == 0);
    CHECK_THAT(run.result.out,
               Catch::Contains("Stopped after 200,000 events, the limit for one run (--max-events): a worker never "
                               "finished an iteration (A at line 1 (for (;;) counter++), 0 of 1,000 iterations done; B "
                               "at line 1 (for (;;) counter++), 0 of 1,000 iterations done)."));
    CHECK_THAT(run.result.out, Catch::Contains("Saved the trace to " + trace));
    CHECK(run.seconds < 30.0);
    // Everything recorded until the limit is kept: at least the limit, and no
    // more than what the workers' rings still held when it was reached.
    const nlohmann::json info = parseJsonOutput(runCli({"info", trace, "--json"}));
    const auto events = info.at("events").get<std::uint64_t>();
    CHECK(events >= 200'000);
    CHECK(events < 200'000 + 4'200'000);
}

TEST_CASE("limits: the watchdog stops a loop in which no worker ever finishes an iteration",
          "[integration][limits][watchdog]") {
    TempDir dir;
    const std::string scenario = dir.write("slow-loop-forever.toml", kSlowLoopForever);
    // 50 million events would need 1.6 GB just to hold: only the watchdog keeps this run inside 1 GiB.
    const LimitedRun run =
        runCliLimited({"run", "-s", scenario, "--max-events", "50000000", "--watchdog", "0.1"}, kAddressSpace, 60s);
    INFO("stdout: " << run.result.out << "\nstderr: " << run.result.err);
    WARN("a loop without end, --watchdog 0.1: " << run.seconds << " s, peak " << run.peakKilobytes / 1024
                                                << " MB resident under a 1 GiB address-space limit");
    REQUIRE_FALSE(run.result.timedOut);
    CHECK(run.result.exitCode == 0);
    CHECK_THAT(run.result.out,
               Catch::Contains("The watchdog stopped the run: no worker finished an iteration in 0.1 "
                               "s, though they kept making accesses, as a loop with no way out would "
                               "(worker A at line 1 (for (;;) { counter++; work 10 us }); worker B at line 1"));
    CHECK(run.seconds < 30.0);
}

TEST_CASE("limits: without --max-events the limit follows the memory racetrace may use (ulimit -v)",
          "[integration][limits]") {
    TempDir dir;
    const std::string scenario = dir.write("loop-forever.toml", kLoopForever);
    const LimitedRun run = runCliLimited({"run", "-s", scenario, "--watchdog", "3600", "--json"}, kAddressSpace, 120s);
    INFO("stdout: " << run.result.out << "\nstderr: " << run.result.err);
    WARN("a loop without end, the default limit: " << run.seconds << " s, peak " << run.peakKilobytes / 1024
                                                   << " MB resident under a 1 GiB address-space limit");
    REQUIRE_FALSE(run.result.timedOut);
    const nlohmann::json summary = parseJsonOutput(run.result);
    CHECK(summary.at("faults").at("stopped_by") == "event-limit");
    CHECK_THAT(summary.at("stop_reason").get<std::string>(),
               Catch::Contains("events, the limit for one run (--max-events): a worker never finished"));
}

TEST_CASE("watchdog: an iteration of private work is progress, though it makes no shared access",
          "[integration][watchdog]") {
    TempDir dir;
    RunOptions o;
    o.scenario = dir.write("private-work.toml", kPrivateWork);
    o.iterations = 2000;     // 2 s of work each, on an idle machine
    o.watchdogSeconds = 1.0; // a worker may wait for a CPU a while on a busy machine
    const Trace trace = runOrFail(o);
    INFO("stop reason: " << trace.stopReason);
    CHECK(trace.stopReason.empty());
    for (const WorkerRecord& worker : trace.workers)
        CHECK(worker.iterationsDone == 2000);
}

TEST_CASE("watchdog: the survivors spin on a lock, and the sentence names the dead worker that holds it",
          "[integration][watchdog][kill]") {
    const auto shmBefore = devShmEntries();
    RunOptions o = options("tas-mutex", 3, 100'000, 2'000);
    o.kill = KillPlan{0, 2};
    o.watchdogSeconds = 0.3;
    const Trace trace = runOrFail(o);
    INFO("stop reason: " << trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Contains("The watchdog stopped the run: no worker made progress for 0.3 s"));
    CHECK_THAT(trace.stopReason, Catch::Contains("spinning on L = 1"));
    CHECK_THAT(trace.stopReason, Catch::Contains("worker A died inside the critical section, holding L)."));
    requireNoLeftovers(shmBefore);
}
