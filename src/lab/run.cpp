#include "lab/run.hpp"

#include "lab/builtin_scenarios.hpp"
#include "trace/event_order.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <new>
#include <random>
#include <thread>

#include <sched.h>
#include <unistd.h>

namespace racetrace {

namespace {

constexpr auto kPumpInterval = std::chrono::milliseconds(2);
constexpr auto kBarrierTimeout = std::chrono::seconds(10);

std::uint64_t chooseRingCapacity(std::uint32_t workers, bool stepping) {
    // A stepped worker makes one access per step and the parent drains at every
    // step, so a small ring does; and every ring is prefaulted before the start
    // and freed at the end, which for 64 MiB made Undo (a fresh run) take ~100 ms.
    if (stepping) return std::uint64_t{1} << 16;
    // ~64 MiB of ring in all; the parent drains every few ms, so even a fast
    // worker rarely fills its ring.
    std::uint64_t capacity = 1;
    while (capacity * 2 <= (std::uint64_t{1} << 21) / workers)
        capacity *= 2;
    return std::max<std::uint64_t>(capacity, std::uint64_t{1} << 16);
}

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

std::string quoteLine(const Scenario& scenario, std::uint32_t worker, std::uint32_t line) {
    const auto& program = scenario.info.programs[worker % scenario.info.programs.size()];
    if (line >= program.lines.size()) return "line " + std::to_string(line + 1);
    std::string text = program.lines[line].text;
    if (auto comment = text.find("//"); comment != std::string::npos) text = text.substr(0, comment);
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return "line " + std::to_string(line + 1) + " (" + text + ")";
}

} // namespace

Result<void> validateRunOptions(const RunOptions& options) {
    if (options.workers < kMinRunWorkers || options.workers > kMaxRunWorkers)
        return fail("--workers must be between 2 and 64 (got " + std::to_string(options.workers) + ").");
    if (options.iterations > kMaxIterations)
        return fail("--iterations must be at most 100000000 (got " + std::to_string(options.iterations) + ").");
    if (options.windowNs > kMaxWindowNs)
        return fail("--window-ns must be at most 100000000 (100 ms; got " + std::to_string(options.windowNs) + ").");
    if (!(options.watchdogSeconds > 0.0) || options.watchdogSeconds > 3600.0)
        return fail("--watchdog must be more than 0 and at most 3600 seconds.");
    return {};
}

Run::~Run() {
    if (m_header != nullptr) m_header->stop.store(1, std::memory_order_relaxed);
    // ChildProcess destructors kill and reap whatever is still there.
}

Result<std::unique_ptr<Run>> Run::start(const RunOptions& requested, const std::string& workerExecutable) {
    if (auto valid = validateRunOptions(requested); !valid) return fail(valid.error());
    auto scenario = requested.scenarioSource.empty()
                        ? loadScenario(requested.scenario)
                        : parseScenario(requested.scenarioSource, requested.scenario + ".toml");
    if (!scenario) return fail(scenario.error());

    std::unique_ptr<Run> run(new Run());
    run->m_scenario = std::move(*scenario);
    run->m_options = requested;
    auto& options = run->m_options;
    if (options.iterations == 0) options.iterations = run->m_scenario.defaults.iterations;
    if (!options.windowSet) options.windowNs = run->m_scenario.defaults.windowNs;
    options.windowSet = true;
    if (options.seed == 0) options.seed = std::random_device{}() | 1u;
    run->m_clock = calibrateClock();

    const auto& source = run->m_scenario.info.source;
    const std::uint64_t capacity = chooseRingCapacity(options.workers, options.stepping);
    const auto geometry = computeGeometry(source.size(), run->m_scenario.totalWords, options.workers, capacity);
    auto segment = SharedSegment::create(geometry.totalBytes, "racetrace-run");
    if (!segment) return fail(segment.error());
    run->m_segment = std::move(*segment);

    auto* header = new (run->m_segment.data()) SegmentHeader{};
    header->magic = kSegmentMagic;
    header->abiVersion = kSegmentAbiVersion;
    header->headerBytes = sizeof(SegmentHeader);
    header->totalBytes = geometry.totalBytes;
    header->workerCount = options.workers;
    header->wordCount = run->m_scenario.totalWords;
    header->scenarioOffset = geometry.scenarioOffset;
    header->scenarioBytes = source.size();
    header->variablesOffset = geometry.variablesOffset;
    header->slotsOffset = geometry.slotsOffset;
    header->ringsOffset = geometry.ringsOffset;
    header->ringStride = geometry.ringStride;
    header->ringCapacity = capacity;
    header->clockKind = static_cast<std::uint32_t>(run->m_clock.kind);
    header->traceEnabled = options.traceEnabled ? 1 : 0;
    header->tscRead = static_cast<std::uint32_t>(run->m_clock.tscRead);
    header->ticksPerNs = run->m_clock.ticksPerNs;
    header->clockBaseTicks = run->m_clock.baseTicks;
    header->windowNs = options.windowNs;
    header->iterations = options.iterations;
    header->seed = options.seed;
    run->m_header = header;
    std::memcpy(run->m_segment.data() + geometry.scenarioOffset, source.data(), source.size());

    auto* words = run->m_segment.at<SharedWord>(geometry.variablesOffset);
    for (std::uint32_t w = 0; w < run->m_scenario.totalWords; ++w)
        new (&words[w]) SharedWord(0);
    for (const auto& variable : run->m_scenario.info.variables)
        for (std::uint32_t w = 0; w < variable.words; ++w)
            words[variable.firstWord + w].store(variable.initial);

    const auto cpus = allowedCpus();
    run->m_slots = run->m_segment.at<WorkerSlot>(geometry.slotsOffset);
    for (std::uint32_t k = 0; k < options.workers; ++k) {
        auto* slot = new (&run->m_slots[k]) WorkerSlot{};
        slot->variable.store(kNoVariable);
        slot->gateEnabled.store(options.stepping ? 1 : 0);
        slot->pinnedCpu = options.pin == PinMode::Spread ? cpus[k % cpus.size()]
                          : options.pin == PinMode::Same ? cpus.front()
                                                         : -1;
        auto* control = new (run->m_segment.data() + geometry.ringsOffset + k * geometry.ringStride) RingControl{};
        run->m_rings.emplace_back(control, reinterpret_cast<const Event*>(control + 1), capacity);
    }
    run->m_events.resize(options.workers);
    run->m_killedHow.assign(options.workers, WorkerExit::How::Unknown);
    run->m_killTicks.assign(options.workers, 0);

    if (auto spawned = run->spawnWorkers(workerExecutable); !spawned) return fail(spawned.error());
    if (auto ready = run->waitForBarrier(); !ready) return fail(ready.error());
    std::uint32_t cpu = 0;
    run->m_startTicks = readClock(run->m_clock.kind, cpu);
    run->m_lastProgressTime = std::chrono::steady_clock::now();
    header->go.store(1, std::memory_order_release);
    return run;
}

Result<void> Run::spawnWorkers(const std::string& executable) {
    auto lifeLine = LifeLine::create();
    if (!lifeLine) return fail(lifeLine.error());
    m_lifeLine = std::move(*lifeLine);
    // The child gets the segment and the life line by dup2 onto numbers that
    // differ from both sources: dup2 onto a different number drops close-on-exec
    // for the child's copy, and the first dup2 cannot overwrite the second source.
    int targets[2];
    for (int candidate = 10, found = 0; found < 2; ++candidate)
        if (candidate != m_segment.fd() && candidate != m_lifeLine.workerEnd()) targets[found++] = candidate;
    const int childSegmentFd = targets[0];
    const int childLifeFd = targets[1];
    for (std::uint32_t k = 0; k < m_options.workers; ++k) {
        SpawnRequest request;
        request.executable = executable;
        request.args = {"worker",
                        "--segment-fd",
                        std::to_string(childSegmentFd),
                        "--life-fd",
                        std::to_string(childLifeFd),
                        "--id",
                        std::to_string(k),
                        "--parent-pid",
                        std::to_string(getpid())};
        request.inheritFds = {{m_segment.fd(), childSegmentFd}, {m_lifeLine.workerEnd(), childLifeFd}};
        auto child = ChildProcess::spawn(request);
        if (!child) return fail(child.error());
        m_children.push_back(std::move(*child));
    }
    return {};
}

Result<void> Run::waitForBarrier() {
    const auto deadline = std::chrono::steady_clock::now() + kBarrierTimeout;
    while (m_header->readyCount.load(std::memory_order_acquire) < m_options.workers) {
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
    for (std::size_t k = 0; k < m_rings.size(); ++k)
        m_rings[k].drain(m_events[k]);
}

void Run::killAll(WorkerExit::How how, const std::string& reason) {
    // Keep every reason: "B ended early" and then the watchdog's account of A.
    if (m_stopReason.find(reason) == std::string::npos) m_stopReason += (m_stopReason.empty() ? "" : " ") + reason;
    m_header->stop.store(1, std::memory_order_relaxed);
    std::uint32_t cpu = 0;
    const std::uint64_t now = readClock(m_clock.kind, cpu);
    for (std::size_t k = 0; k < m_children.size(); ++k) {
        if (!m_children[k].running()) continue;
        m_children[k].signal(SIGKILL);
        m_killedHow[k] = how;
        m_killTicks[k] = now;
    }
}

std::string Run::describeStuckWorkers() const {
    std::string text;
    for (std::uint32_t k = 0; k < m_options.workers; ++k) {
        if (!m_children[k].running()) continue;
        const auto& slot = m_slots[k];
        std::string what = "worker " + workerName(k);
        const auto variable = slot.variable.load(std::memory_order_relaxed);
        const auto line = slot.line.load(std::memory_order_relaxed);
        if (slot.spinning.load(std::memory_order_relaxed) != 0 && variable < m_scenario.info.variables.size())
            what += " was spinning on " + m_scenario.info.variables[variable].name + " = " +
                    std::to_string(slot.lastValue.load(std::memory_order_relaxed)) + " at " +
                    quoteLine(m_scenario, k, line);
        else
            what += " made no progress at " + quoteLine(m_scenario, k, line);
        text += (text.empty() ? "" : "; ") + what;
    }
    return text;
}

void Run::checkWatchdog() {
    if (m_watchdogFired) return;
    std::uint64_t sum = 0;
    for (std::uint32_t k = 0; k < m_options.workers; ++k)
        sum += m_slots[k].progress.load(std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    if (sum != m_lastProgressSum) {
        m_lastProgressSum = sum;
        m_lastProgressTime = now;
        return;
    }
    const std::chrono::duration<double> idle = now - m_lastProgressTime;
    if (idle.count() >= m_options.watchdogSeconds) {
        m_watchdogFired = true;
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%g", m_options.watchdogSeconds);
        killAll(WorkerExit::How::Killed, "The watchdog stopped the run: no worker made progress for " +
                                             std::string(seconds) + " s (" + describeStuckWorkers() + ").");
    }
}

bool Run::pump() {
    if (m_done) return false;
    drainRings();
    if (m_stopRequested.load(std::memory_order_relaxed) && !m_stopKilled) {
        m_stopKilled = true;
        killAll(WorkerExit::How::Killed, "The run was stopped before it finished.");
    }
    bool anyRunning = false;
    for (std::uint32_t k = 0; k < m_children.size(); ++k) {
        auto& child = m_children[k];
        if (!child.running()) continue;
        if (const auto& status = child.poll();
            status && m_killedHow[k] == WorkerExit::How::Unknown && !(status->exited && status->code == 0))
            m_stopReason += (m_stopReason.empty() ? "" : " ") +
                            ("Worker " + workerName(k) + " ended early: " + describeExit(*status) + ".");
        anyRunning = anyRunning || child.running();
    }
    if (anyRunning) {
        if (!m_options.stepping) checkWatchdog(); // when stepping, the user is the scheduler: waiting is fine
        return true;
    }
    drainRings();
    std::uint32_t cpu = 0;
    m_endTicks = readClock(m_clock.kind, cpu);
    m_done = true;
    return false;
}

void Run::requestStop() {
    m_stopRequested.store(true, std::memory_order_relaxed);
}

Trace Run::finish() {
    while (pump())
        std::this_thread::sleep_for(kPumpInterval);
    return buildTrace(true);
}

RunProgress Run::progress() const {
    RunProgress progress;
    progress.iterationsTarget = m_options.iterations;
    progress.running = !m_done;
    for (std::uint32_t k = 0; k < m_options.workers; ++k) {
        progress.iterationsPerWorker.push_back(m_slots[k].iterationsDone.load(std::memory_order_relaxed));
        const auto* control = m_segment.at<const RingControl>(m_header->ringsOffset + k * m_header->ringStride);
        progress.eventsPerWorker.push_back(control->head.load(std::memory_order_relaxed));
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

Trace Run::buildTrace(bool release) {
    Trace trace;
    trace.scenario = m_scenario.infoFor(m_options.workers, m_options.iterations);
    trace.options = m_options;
    trace.machine = currentMachine();
    trace.clock = {m_clock.kind, m_clock.ticksPerNs};
    trace.stopReason = m_stopReason;
    ClockCalibration base = m_clock;
    base.baseTicks = m_startTicks;
    std::uint32_t cpuNow = 0;
    trace.durationNs = ticksToNs(base, m_done ? m_endTicks : readClock(m_clock.kind, cpuNow));

    const auto& variables = m_scenario.info.variables;
    for (std::uint32_t k = 0; k < m_options.workers; ++k) {
        WorkerRecord record;
        record.index = k;
        record.pid = m_children[k].pid();
        record.role = m_scenario.programOf(k).role;
        record.dropped = m_rings[k].dropped();
        record.iterationsDone = std::min<std::uint64_t>(m_slots[k].iterationsDone.load(), m_options.iterations);
        const ExitStatus status = m_children[k].status().value_or(ExitStatus{});
        record.exit.code = status.code;
        record.exit.signal = status.signal;
        record.exit.how = m_killedHow[k] != WorkerExit::How::Unknown ? m_killedHow[k]
                          : status.exited                            ? WorkerExit::How::Exited
                                                                     : WorkerExit::How::Signaled;
        trace.workers.push_back(record);

        // Keep only well-formed events: a worker could have scribbled on its ring.
        std::uint32_t lastSeq = 0;
        std::uint16_t lastLine = 0;
        const auto lineCount = m_scenario.info.programs[k % m_scenario.info.programs.size()].lines.size();
        for (Event event : m_events[k]) {
            if (event.worker != k || static_cast<std::uint8_t>(event.kind) >= kEventKindCount ||
                event.kind == EventKind::Invalid || event.line >= lineCount ||
                (event.variable != kNoVariable && event.variable >= variables.size()))
                continue;
            event.timestamp = ticksToNs(base, event.timestamp);
            lastSeq = event.seq;
            lastLine = event.line;
            trace.events.push_back(event);
        }
        if (m_killedHow[k] != WorkerExit::How::Unknown) {
            Event killed{};
            killed.timestamp = ticksToNs(base, m_killTicks[k]);
            killed.value = SIGKILL;
            killed.seq = lastSeq + 1;
            killed.line = lastLine;
            killed.variable = kNoVariable;
            killed.kind = EventKind::WorkerKilled;
            killed.worker = static_cast<std::uint8_t>(k);
            trace.events.push_back(killed);
        }
        if (release) m_events[k] = {};
    }
    // An invariant like counter == workers * iterations speaks of a whole run:
    // on a run that was stopped (or is still going) it would report every
    // iteration not done as "lost". Such runs are not checked.
    const bool complete = std::all_of(trace.workers.begin(), trace.workers.end(), [this](const WorkerRecord& worker) {
        return worker.iterationsDone >= m_options.iterations;
    });
    if (!complete && !trace.scenario.invariants.empty()) {
        trace.scenario.invariants.clear();
        if (m_done)
            trace.stopReason += (trace.stopReason.empty() ? "" : " ") +
                                std::string("The counter was not checked: not every worker finished its iterations.");
    }
    const auto* words = m_segment.at<const SharedWord>(m_header->variablesOffset);
    for (std::uint32_t w = 0; w < m_scenario.totalWords; ++w)
        trace.finalWords.push_back(words[w].load());
    finalizeEventOrder(trace);
    return trace;
}

Result<Trace> runToCompletion(const RunOptions& options, const std::string& workerExecutable) {
    auto run = Run::start(options, workerExecutable);
    if (!run) return fail(run.error());
    return (*run)->finish();
}

} // namespace racetrace
