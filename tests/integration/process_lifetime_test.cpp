// Worker processes never outlive their run and a run never hangs: workers die
// with the racetrace process, the watchdog ends a run that makes no progress, a
// worker killed from outside ends the run, Stop ends it at once, and nothing is
// left behind (no child processes, no /dev/shm names, no file descriptors).
#include "support/integration_support.hpp"

using namespace racetrace;
using namespace racetrace::testing;
using namespace std::chrono_literals;

namespace {

// Both workers wait for a door that nobody ever opens.
constexpr const char* kSpinForeverScenario = R"toml(
name = "spin-forever"
title = "Waiting for a door nobody opens"

[defaults]
workers = 2
iterations = 10
window_ns = 0

[[variable]]
name = "door"
kind = "flag"
initial = 0

[[program]]
role = "waiter"
lines = [
  { text = "while (door == 0) { }   // nobody ever opens it", ops = ["wait: load r0 door", "beq r0 0 wait"] },
]
)toml";

// Worker A (the holder) owns the lock from the start and keeps working, one
// beat per iteration (a finished iteration is progress; a loop in which nobody
// ever finishes one is stopped by the watchdog), so the run makes progress;
// worker B waits for the lock. Once A is killed, B spins with nobody to release
// the lock, and only the watchdog can end the run.
constexpr const char* kLockHolderScenario = R"toml(
name = "lock-holder"
title = "A holder that never lets go"

[defaults]
workers = 2
iterations = 100000
window_ns = 0

[[variable]]
name = "L"
kind = "lock"
initial = 1

[[variable]]
name = "beats"
kind = "word"

[[program]]
role = "holder"
lines = [
  { text = "beats = beats + 1   // holding L, every iteration", ops = ["load r1 beats", "add r1 1", "store beats r1", "delay 20000"] },
]

[[program]]
role = "waiter"
lines = [
  { text = "while (L != 0) { }   // wait for the lock", ops = ["wait: load r0 L", "bne r0 0 wait"] },
]
)toml";

std::size_t openFdCount() {
    std::size_t count = 0;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error))
        ++count;
    return count;
}

std::unique_ptr<Run> startOrFail(const RunOptions& o) {
    auto run = Run::start(o);
    if (!run) FAIL("the run did not start: " << run.error());
    return std::move(*run);
}

/// Pumps `run` for `duration` as the window or the CLI would.
void pumpFor(Run& run, std::chrono::milliseconds duration) {
    const auto until = Clock::now() + duration;
    while (Clock::now() < until && run.pump())
        std::this_thread::sleep_for(2ms);
}

} // namespace

namespace {

/// Starts `racetrace run` with `args`, waits for its two workers, kills the
/// CLI with SIGKILL and requires the workers gone within a second.
void requireWorkersDieWithTheCli(const std::vector<std::string>& args) {
    const auto shmBefore = devShmEntries();
    SubreaperScope subreaper;
    const pid_t cli = spawnProgram(RACETRACE_CLI_PATH, args);

    // Wait until both workers exist and run.
    std::vector<pid_t> workers;
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
        workers = liveChildrenOf(cli);
        std::erase_if(workers, [](pid_t pid) { return commandLine(pid).find(" worker ") == std::string::npos; });
        if (workers.size() == 2) break;
        std::this_thread::sleep_for(5ms);
    }
    if (workers.size() != 2) {
        kill(cli, SIGKILL);
        waitpid(cli, nullptr, 0);
        FAIL("the CLI did not start two workers within 10 s");
    }
    std::this_thread::sleep_for(100ms); // well into the run, not at the barrier
    for (pid_t worker : workers)
        REQUIRE(isAlive(worker));

    REQUIRE(kill(cli, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(cli, &status, 0) == cli);
    REQUIRE(WIFSIGNALED(status));

    const auto survivors = waitUntilGone(workers, 1000ms);
    reap(workers);
    INFO("workers still alive 1 s after the CLI died: " << survivors.size());
    CHECK(survivors.empty());
    for (pid_t pid : survivors)
        kill(pid, SIGKILL); // never leave them running, even on failure
    reap(survivors);
    requireNoLeftovers(shmBefore);
}

} // namespace

TEST_CASE("killing the racetrace process kills its workers", "[integration][lifetime]") {
    requireWorkersDieWithTheCli({"run", "-s", "tas-mutex", "-n", "200000", "--window-ns", "100000"});
}

TEST_CASE("killing the racetrace process kills workers blocked in a channel call",
          "[integration][lifetime][channels]") {
    // A slow consumer (1 ms per item): the producer spends the run blocked in mq_send().
    requireWorkersDieWithTheCli({"run", "-s", "mq-blocking", "-n", "100000", "--window-ns", "1000000"});
}

TEST_CASE("the watchdog ends a run where every worker spins forever", "[integration][lifetime][watchdog]") {
    const auto shmBefore = devShmEntries();
    TempDir dir;
    RunOptions o;
    o.scenario = dir.write("spin-forever.toml", kSpinForeverScenario);
    o.watchdogSeconds = 0.5;

    const auto start = Clock::now();
    const Trace trace = runOrFail(o);
    const double seconds = secondsSince(start);
    CHECK(seconds < 5.0);
    CHECK(seconds >= 0.5);

    INFO("stop reason: " << trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("watchdog"));
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("spinning on door"));
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("line 1"));
    REQUIRE(trace.workers.size() == 2);
    for (const auto& worker : trace.workers) {
        CHECK(worker.exit.how == WorkerExit::How::Killed);
        CHECK(worker.exit.signal == SIGKILL);
        CHECK(worker.iterationsDone == 0);
        CHECK_FALSE(isAlive(worker.pid));
    }
    // The spin is recorded and the kill shows in the trace.
    std::size_t killedEvents = 0;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::WorkerKilled) ++killedEvents;
    CHECK(killedEvents == 2);
    requireNoLeftovers(shmBefore);
}

TEST_CASE("a worker killed while holding the lock ends the run through the watchdog",
          "[integration][lifetime][watchdog]") {
    const auto shmBefore = devShmEntries();
    TempDir dir;
    RunOptions o;
    o.scenario = dir.write("lock-holder.toml", kLockHolderScenario);
    o.watchdogSeconds = 0.5;
    auto run = startOrFail(o);

    // The holder keeps making progress: the watchdog must not fire meanwhile.
    pumpFor(*run, 800ms);
    REQUIRE(run->pump());
    const auto pids = run->workerPids();
    REQUIRE(pids.size() == 2);
    REQUIRE(kill(pids[0], SIGKILL) == 0);

    const auto start = Clock::now();
    const Trace trace = run->finish();
    CHECK(secondsSince(start) < 5.0);

    INFO("stop reason: " << trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("Worker A ended early"));
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("SIGKILL"));
    REQUIRE(trace.workers.size() == 2);
    CHECK(trace.workers[0].exit.how == WorkerExit::How::Signaled);
    CHECK(trace.workers[0].exit.signal == SIGKILL);
    CHECK(trace.workers[1].exit.how == WorkerExit::How::Killed); // by the watchdog
    // Both end the same way on the timeline: A, killed from outside, like B,
    // killed by the watchdog, has one WorkerKilled event, its last.
    for (std::uint32_t k = 0; k < 2; ++k) {
        std::vector<Event> own;
        for (const Event& e : trace.events)
            if (e.worker == k) own.push_back(e);
        CAPTURE(k);
        REQUIRE_FALSE(own.empty());
        CHECK(own.back().kind == EventKind::WorkerKilled);
        CHECK(own.back().value == SIGKILL);
        CHECK(std::count_if(own.begin(), own.end(), [](const Event& e) { return e.kind == EventKind::WorkerKilled; }) ==
              1);
    }
    run.reset();
    for (pid_t pid : pids)
        CHECK_FALSE(isAlive(pid));
    requireNoLeftovers(shmBefore);
}

TEST_CASE("a tas-mutex worker killed mid-run ends the run without a hang", "[integration][lifetime]") {
    const auto shmBefore = devShmEntries();
    // Long enough that the kill lands mid-run (~1 s for both, untraced), short
    // enough that the survivor soon finishes alone, unless B died holding the
    // lock: then the survivor spins and the watchdog (1 s) ends the run.
    RunOptions o = options("tas-mutex", 2, 3'000'000, 0);
    o.traceEnabled = false;
    o.watchdogSeconds = 1.0;
    auto run = startOrFail(o);
    pumpFor(*run, 100ms);
    const auto progress = run->progress();
    REQUIRE(progress.running);
    REQUIRE(progress.iterationsPerWorker[1] < o.iterations);
    const auto pids = run->workerPids();
    REQUIRE(kill(pids[1], SIGKILL) == 0);

    const auto start = Clock::now();
    const Trace trace = run->finish();
    CHECK(secondsSince(start) < 20.0);

    INFO("stop reason: " << trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("Worker B ended early"));
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("SIGKILL"));
    CHECK(trace.workers[1].exit.how == WorkerExit::How::Signaled);
    CHECK(trace.workers[1].exit.signal == SIGKILL);
    // A either finished alone or waited for the lock B died holding (watchdog).
    const auto& survivor = trace.workers[0];
    const bool finished = survivor.exit.how == WorkerExit::How::Exited && survivor.exit.code == 0 &&
                          survivor.iterationsDone == o.iterations;
    const bool stoppedByWatchdog = survivor.exit.how == WorkerExit::How::Killed;
    CAPTURE(finished, stoppedByWatchdog, survivor.iterationsDone);
    CHECK((finished || stoppedByWatchdog));
    run.reset();
    requireNoLeftovers(shmBefore);
}

TEST_CASE("requestStop ends a long run promptly", "[integration][lifetime][stop]") {
    const auto shmBefore = devShmEntries();
    auto run = startOrFail(options("tas-mutex", 2, 200'000, 100'000));
    const auto pids = run->workerPids();
    REQUIRE(pids.size() == 2);

    // Stop from another thread while this one is inside finish(), as the window does.
    Clock::time_point stopAt;
    std::thread stopper([&] {
        std::this_thread::sleep_for(300ms);
        stopAt = Clock::now();
        run->requestStop();
    });
    const Trace trace = run->finish();
    const auto returned = Clock::now();
    stopper.join();
    const double stopSeconds = std::chrono::duration<double>(returned - stopAt).count();
    CHECK(stopSeconds < 2.0);

    INFO("stop reason: " << trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("stopped"));
    for (const auto& worker : trace.workers) {
        CHECK(worker.exit.how == WorkerExit::How::Killed);
        CHECK(worker.iterationsDone < trace.settings.iterations);
    }
    CHECK_FALSE(trace.events.empty());
    for (pid_t pid : pids)
        CHECK_FALSE(isAlive(pid));
    run.reset();
    requireNoLeftovers(shmBefore);
}

// Regression: PR_SET_PDEATHSIG fires when the *thread* that spawned the worker
// exits, not the process, so a Run started on a helper thread lost its workers
// to SIGKILL as soon as that thread ended. Workers now watch a life line (a
// pipe, ipc/life_line.hpp) that only the death of the process breaks.
TEST_CASE("a run started on a thread that then exits keeps its workers", "[integration][lifetime]") {
    const auto shmBefore = devShmEntries();
    std::unique_ptr<Run> run;
    std::string error;
    std::thread starter([&] {
        auto started = Run::start(options("tas-mutex", 2, 200'000, 100'000));
        if (started)
            run = std::move(*started);
        else
            error = started.error();
    });
    starter.join();
    if (!run) FAIL("the run did not start: " << error);
    pumpFor(*run, 300ms);
    const auto pids = run->workerPids();
    for (pid_t pid : pids)
        CHECK(isAlive(pid));
    run->requestStop();
    const Trace trace = run->finish();
    INFO("stop reason: " << trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("stopped before it finished"));
    for (const auto& worker : trace.workers)
        CHECK(worker.exit.how == WorkerExit::How::Killed);
    run.reset();
    requireNoLeftovers(shmBefore);
}

TEST_CASE("runs leave no processes, /dev/shm names or file descriptors behind", "[integration][lifetime][leak]") {
    const auto shmBefore = devShmEntries();
    const auto fdsBefore = openFdCount();

    // A run that finishes.
    CHECK(runOrFail(options("naive-flag", 2, 200, 2000)).stopReason.empty());
    // A run destroyed mid-way without finish(): the destructor kills and reaps.
    std::vector<pid_t> pids;
    {
        auto run = startOrFail(options("tas-mutex", 4, 100'000, 100'000));
        pids = run->workerPids();
        pumpFor(*run, 100ms);
    }
    for (pid_t pid : pids)
        CHECK_FALSE(isAlive(pid));
    // A run stopped.
    {
        auto run = startOrFail(options("no-sync", 3, 100'000, 100'000));
        pumpFor(*run, 50ms);
        run->requestStop();
        CHECK_FALSE(run->finish().stopReason.empty());
    }
    // A run that cannot start.
    CHECK_FALSE(Run::start(options("no-such-scenario", 2, 10, 0)).has_value());
    // A run whose worker executable cannot be a worker.
    CHECK_FALSE(Run::start(options("tas-mutex", 2, 10, 0), "/bin/true").has_value());

    CHECK(childrenOf(getpid()).empty()); // not even an unreaped zombie
    CHECK(openFdCount() == fdsBefore);
    requireNoLeftovers(shmBefore);
}
