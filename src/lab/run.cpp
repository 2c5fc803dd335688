#include "lab/run.hpp"

#include "lab/builtin_scenarios.hpp"
#include "lab/run_memory.hpp"
#include "trace/event_order.hpp"
#include "trace/phase_timer.hpp"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <new>
#include <random>
#include <thread>

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace racetrace {

namespace {

constexpr auto kPumpInterval = std::chrono::milliseconds(2);
constexpr auto kBarrierTimeout = std::chrono::seconds(10);

std::vector<int> allowedCpus() {
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    if (cpus.empty()) cpus.push_back(0);
    return cpus;
}

} // namespace

Run::~Run() {
    if (m_view.valid()) m_view.header().stop.store(1, std::memory_order_relaxed);
    // ChildProcess destructors kill and reap whatever is still there.
}

Result<std::unique_ptr<Run>> Run::start(const RunOptions& options, const std::string& workerExecutable) {
    if (auto valid = validateRunOptions(options); !valid) return fail(valid.error());
    auto scenario = options.scenarioSource.empty() ? loadScenario(options.scenario)
                                                   : parseScenario(options.scenarioSource, options.scenario + ".toml");
    if (!scenario) return fail(scenario.error());
    std::unique_ptr<Run> run(new Run());
    run->m_scenario = std::move(*scenario);
    run->m_settings = resolveSettings(options, run->m_scenario);
    if (auto fits = run->m_scenario.fitsWorkers(run->m_settings.workers); !fits) return fail(fits.error());
    if (auto fits = fitsInMemory(run->m_scenario, run->m_settings, options); !fits) return fail(fits.error());
    if (options.kill && options.kill->worker >= run->m_settings.workers)
        return fail("--kill names worker " + workerName(options.kill->worker) + ", but the run has only " +
                    std::to_string(run->m_settings.workers) + " workers.");
    run->m_kill = options.kill;
    run->m_maxEvents = options.maxEvents != 0 ? options.maxEvents : defaultMaxEvents(options.bytesPerEvent);
    if (auto channels = run->openChannels(); !channels) return fail(channels.error());
    run->m_stepping = options.stepping;
    run->m_clock = calibrateClock();
    if (auto created = run->createSegment(options); !created) return fail(created.error());
    if (auto spawned = run->spawnWorkers(workerExecutable); !spawned) return fail(spawned.error());
    if (auto ready = run->waitForBarrier(); !ready) return fail(ready.error());
    std::uint32_t cpu = 0;
    run->m_startTicks = readClock(run->m_clock.kind, cpu);
    run->startWatching();
    run->m_view.header().go.store(1, std::memory_order_release);
    return run;
}

Result<void> Run::openChannels() {
    auto resolved = resolveChannels(m_scenario.info.channels, m_settings);
    if (!resolved) return fail(resolved.error());
    auto channels = ChannelSet::open(std::move(*resolved));
    if (!channels) return fail(channels.error());
    m_channels = std::move(*channels);
    m_scenario.info.channels = m_channels.infos(); // the trace records what the kernel granted
    return {};
}

Result<void> Run::createSegment(const RunOptions& options) {
    SegmentPlan plan;
    plan.scenarioText = m_scenario.info.source;
    plan.wordCount = m_scenario.totalWords;
    const std::vector<KernelLockPlan> locks = m_scenario.kernelLockPlans();
    plan.locks = locks;
    plan.ringCapacity =
        options.ringCapacity != 0 ? options.ringCapacity : chooseRingCapacity(m_scenario, m_settings, options);
    plan.parameters = {.workerCount = m_settings.workers,
                       .traceEnabled = m_settings.traceEnabled ? 1u : 0u,
                       .iterations = m_settings.iterations,
                       .windowNs = m_settings.windowNs,
                       .seed = m_settings.seed,
                       .clockKind = static_cast<std::uint32_t>(m_clock.kind),
                       .tscRead = static_cast<std::uint32_t>(m_clock.tscRead),
                       .ticksPerNs = m_clock.ticksPerNs,
                       .clockBaseTicks = m_clock.baseTicks,
                       .messageBytes = m_settings.messageBytes,
                       .retryWhenFull = m_settings.retryWhenFull ? 1u : 0u,
                       .killWorker = options.kill ? options.kill->worker : 0u,
                       .reserved0 = 0,
                       .killAtEntry = options.kill ? options.kill->entry : 0u};
    const std::uint64_t bytes = layoutFor(plan).totalBytes;
    auto segment = SharedSegment::create(bytes, "racetrace-run");
    if (!segment) return fail(segment.error());
    m_segment = std::move(*segment);
    auto view = initialiseSegment(m_segment.data(), bytes, plan);
    if (!view) return fail(view.error().ends_with(".") ? view.error() : "internal error: " + view.error() + ".");
    m_view = *view;

    SharedWord* words = m_view.words();
    for (const auto& variable : m_scenario.info.variables)
        for (std::uint32_t w = 0; w < variable.words; ++w)
            words[variable.firstWord + w].store(variable.initial);
    const auto cpus = allowedCpus();
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        WorkerSlot& slot = m_view.slot(k);
        slot.gateEnabled.store(options.stepping ? 1 : 0);
        slot.pinnedCpu = m_settings.pin == PinMode::Spread ? cpus[k % cpus.size()]
                         : m_settings.pin == PinMode::Same ? cpus.front()
                                                           : -1;
        m_rings.emplace_back(m_view.ringControl(k), m_view.ringSlots(k), m_view.ringCapacity());
    }
    m_events.resize(m_settings.workers);
    // Address space only until written: the vectors never copy themselves while
    // growing, and the first has room for every worker's events, so two runs
    // are merged in it without a second copy (trace/event_order.hpp).
    for (auto& events : m_events)
        events.reserve(m_view.ringCapacity());
    if (!m_events.empty()) m_events.front().reserve(m_view.ringCapacity() * m_settings.workers);
    m_ends.resize(m_settings.workers);
    return {};
}

Result<void> Run::spawnWorkers(const std::string& executable) {
    auto lifeLine = LifeLine::create();
    if (!lifeLine) return fail(lifeLine.error());
    m_lifeLine = std::move(*lifeLine);
    // The child gets the segment, the life line and its channel ends by dup2
    // onto numbers above every source, so no dup2 overwrites a later source,
    // and dup2 onto a different number drops close-on-exec for the child's copy.
    const int childSegmentFd = std::max({m_segment.fd(), m_lifeLine.workerEnd(), m_channels.highestFd(), 9}) + 1;
    const int childLifeFd = childSegmentFd + 1;
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        SpawnRequest request;
        request.executable = executable;
        request.inheritFds = {{m_segment.fd(), childSegmentFd}, {m_lifeLine.workerEnd(), childLifeFd}};
        const std::string channelFds = m_channels.hand(m_scenario, k, childLifeFd + 1, request);
        request.args = {"worker",
                        "--segment-fd",
                        std::to_string(childSegmentFd),
                        "--life-fd",
                        std::to_string(childLifeFd),
                        "--id",
                        std::to_string(k),
                        "--parent-pid",
                        std::to_string(getpid()),
                        "--channel-fds",
                        channelFds};
        auto child = ChildProcess::spawn(request);
        if (!child) return fail(child.error());
        m_children.push_back(std::move(*child));
    }
    // The workers hold the only copies now: a pipe's readers see end-of-file
    // when its last writer closes, and a reader gone means EPIPE for writers.
    m_channels.closeParentCopies();
    return {};
}

Result<void> Run::waitForBarrier() {
    const auto deadline = std::chrono::steady_clock::now() + kBarrierTimeout;
    while (m_view.header().readyCount.load(std::memory_order_acquire) < m_settings.workers) {
        for (std::uint32_t k = 0; k < m_children.size(); ++k) {
            if (const auto& status = m_children[k].poll())
                return fail("worker " + workerName(k) + " ended before the start (" + describeExit(*status) +
                            "); its message, if any, is on standard error.");
        }
        if (std::chrono::steady_clock::now() > deadline)
            return fail("the workers did not reach the start barrier within 10 s.");
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return {};
}

void Run::drainRings() {
    // In slices, checking the event limit between them: draining a full ring
    // takes tens of milliseconds, in which the workers record hundreds of
    // thousands of events more.
    constexpr std::uint64_t kSlice = std::uint64_t{1} << 17;
    for (std::size_t k = 0; k < m_rings.size(); ++k) {
        const auto release = [this, k](std::uint64_t from, std::uint64_t to) { releaseSlots(k, from, to); };
        while (m_rings[k].drain(m_events[k], kSlice, release) == kSlice)
            checkEventLimit();
    }
}

namespace {

/// MADV_REMOVE on the whole pages within each span `forEachSpan` gives: a
/// page partly outside may hold slots the producer is writing.
template <class Spans> void removeWholePages(const Spans& forEachSpan) {
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    forEachSpan([&](const std::byte* at, std::uint64_t bytes) {
        const auto begin = (reinterpret_cast<std::uintptr_t>(at) + page - 1) / page * page;
        const auto end = (reinterpret_cast<std::uintptr_t>(at) + bytes) / page * page;
        if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_REMOVE);
    });
}

} // namespace

void Run::releaseSlots(std::size_t k, std::uint64_t from, std::uint64_t to) {
    // Only here, before the tail moves: releasing slots after it (in 8 MiB
    // batches, as before) raced with a producer a lap ahead in a ring smaller
    // than the run (every stepped run's: 64 Ki events), and the pages given
    // back took its new events with them, zeroed: replays of tas-mutex at
    // 30,000 iterations lost 1,373 to 4,096 of A's events, unnoticed.
    constexpr std::uint64_t kLeast = (std::uint64_t{1} << 20) / sizeof(Event);
    if (to - from < kLeast) return;
    removeWholePages([&](auto&& f) { m_rings[k].forEachSlotSpan(from, to, f); });
}

void Run::releaseRing(std::size_t k) {
    const std::uint64_t taken = m_rings[k].taken(), capacity = m_view.ringCapacity();
    removeWholePages([&](auto&& f) { m_rings[k].forEachSlotSpan(taken > capacity ? taken - capacity : 0, taken, f); });
}

void Run::addStopReason(const std::string& sentence) {
    // Keep every reason: "B ended early" and then the watchdog's account of A.
    if (m_stopReason.find(sentence) == std::string::npos) m_stopReason += (m_stopReason.empty() ? "" : " ") + sentence;
}

void Run::killAll(WorkerExit::How how, const std::string& reason) {
    addStopReason(reason);
    m_view.header().stop.store(1, std::memory_order_relaxed);
    std::uint32_t cpu = 0;
    const std::uint64_t now = readClock(m_clock.kind, cpu);
    for (std::size_t k = 0; k < m_children.size(); ++k) {
        if (!m_children[k].running()) continue;
        m_children[k].signal(SIGKILL);
        m_ends[k].killedHow = how;
        m_ends[k].ticks = now;
    }
}

void Run::killStoppedWorker() {
    // --kill: the worker stopped itself (SIGSTOP) inside the critical section;
    // the parent kills it there, as an outside fault would. WNOWAIT leaves the
    // child's status to reapWorkers.
    if (!m_kill || m_killSent || m_kill->worker >= m_children.size()) return;
    ChildProcess& child = m_children[m_kill->worker];
    if (!child.running()) return;
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(child.pid()), &info, WSTOPPED | WNOHANG | WNOWAIT) != 0) return;
    if (info.si_pid != child.pid() || info.si_code != CLD_STOPPED) return;
    killWorker(m_kill->worker);
    addStopReason("Worker " + workerName(m_kill->worker) + " was killed (--kill) inside the critical section, entry " +
                  std::to_string(m_kill->entry) + ".");
}

void Run::killWorker(std::uint32_t worker) {
    // Stamped when the signal goes: the lock it held is free only after that
    // (a robust mutex's next owner enters later), so its stay ends here.
    std::uint32_t cpu = 0;
    m_ends[worker].ticks = readClock(m_clock.kind, cpu);
    m_ends[worker].killedHow = WorkerExit::How::Killed;
    m_children[worker].signal(SIGKILL);
    m_killSent = true;
}

void Run::leaveStepping(double watchdogSeconds) {
    m_stepping = false;
    m_settings.watchdogSeconds = std::min(m_settings.watchdogSeconds, watchdogSeconds);
    startWatching();
}

void Run::requestKill(std::uint32_t worker) {
    m_killNow.store(worker, std::memory_order_relaxed);
}

void Run::killRequestedWorker() {
    const std::uint32_t worker = m_killNow.exchange(kNobody, std::memory_order_relaxed);
    if (worker >= m_children.size() || m_killSent || !m_children[worker].running()) return;
    // Where it was is known only once its last events are drained (it runs
    // on until the signal lands): buildTrace reads it from them.
    killWorker(worker);
    m_killedNow = worker;
    addStopReason("Worker " + workerName(worker) + " was killed (kill now).");
}

void Run::reapWorkers() {
    std::uint32_t cpu = 0;
    for (std::uint32_t k = 0; k < m_children.size(); ++k) {
        ChildProcess& child = m_children[k];
        if (!child.running()) continue;
        const auto& status = child.poll();
        if (!status) continue;
        WorkerEnd& end = m_ends[k];
        end.seenGone = true;
        if (end.killedHow != WorkerExit::How::Unknown) continue; // we killed it: its time is the kill's
        end.ticks = readClock(m_clock.kind, cpu);
        if (status->exited && status->code == 0) continue;
        // Its own words when it left some ("line 18 of the scenario: ..."), else how it ended.
        const std::string note = m_view.note(k);
        addStopReason("Worker " + workerName(k) +
                      " ended early: " + (note.empty() ? describeExit(*status) + "." : note));
    }
}

bool Run::pump() {
    if (m_done) return false;
    checkEventLimit(); // before draining, which for full rings takes a while
    drainRings();
    if (m_stopRequested.load(std::memory_order_relaxed) && !m_stopKilled) {
        m_stopKilled = true;
        killAll(WorkerExit::How::Killed, "The run was stopped before it finished.");
    }
    killStoppedWorker();
    killRequestedWorker();
    reapWorkers();
    const bool anyRunning =
        std::any_of(m_children.begin(), m_children.end(), [](const ChildProcess& child) { return child.running(); });
    if (anyRunning) {
        if (!m_stepping) checkWatchdog(); // when stepping, the user is the scheduler: waiting is fine
        return true;
    }
    drainRings();
    std::uint32_t cpu = 0;
    m_endTicks = readClock(m_clock.kind, cpu);
    m_done = true;
    for (std::size_t k = 0; k < m_rings.size(); ++k)
        releaseRing(k); // every worker has ended: the rings are read out
    return false;
}

void Run::requestStop() {
    m_stopRequested.store(true, std::memory_order_relaxed);
}

Trace Run::finish() {
    {
        const PhaseTimer phase("recording the run");
        while (pump())
            std::this_thread::sleep_for(kPumpInterval);
    }
    return buildTrace(true);
}

RunProgress Run::progress() const {
    RunProgress progress;
    progress.iterationsTarget = m_settings.iterations;
    progress.running = !m_done;
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        progress.iterationsPerWorker.push_back(m_view.slot(k).iterationsDone.load(std::memory_order_relaxed));
        progress.eventsPerWorker.push_back(m_view.ringControl(k)->head.load(std::memory_order_relaxed));
    }
    return progress;
}

std::vector<pid_t> Run::workerPids() const {
    std::vector<pid_t> pids;
    for (const auto& child : m_children)
        pids.push_back(child.pid());
    return pids;
}

Trace Run::snapshot() {
    drainRings();
    return buildTrace(false);
}

Result<void> checkChannelOptions(const RunOptions& options) {
    auto scenario = options.scenarioSource.empty() ? loadScenario(options.scenario)
                                                   : parseScenario(options.scenarioSource, options.scenario + ".toml");
    if (!scenario) return {};
    auto resolved = resolveChannels(scenario->info.channels, resolveSettings(options, *scenario));
    if (!resolved) return fail(resolved.error());
    return {};
}

Result<Trace> runToCompletion(const RunOptions& options, const std::string& workerExecutable) {
    auto run = [&] {
        const PhaseTimer phase("starting the workers"); // the rings are sized to the run and prefaulted
        return Run::start(options, workerExecutable);
    }();
    if (!run) return fail(run.error());
    return (*run)->finish();
}

Result<Trace> runToCompletion(const RunOptions& options, const std::atomic<bool>& stop) {
    auto run = Run::start(options);
    if (!run) return fail(run.error());
    Run& started = **run;
    // Looks at `stop` every 20 ms, and ends at once when the run has (a
    // plain sleep made every run wait up to 20 ms more for its watcher).
    std::jthread watcher([&](std::stop_token done) {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        while (!stop.load(std::memory_order_relaxed)) {
            wake.wait_for(lock, done, std::chrono::milliseconds(20), [] { return false; });
            if (done.stop_requested()) return;
        }
        started.requestStop();
    });
    Trace trace = started.finish();
    watcher.request_stop();
    return trace;
}

} // namespace racetrace
