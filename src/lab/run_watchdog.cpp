// What stops a run that would never end by itself, and the sentence that says
// why: the watchdog (no worker made progress; a reader nobody can wake; a
// loop in which no worker ever finishes an iteration) and the limit on
// recorded events (the parent keeps every event, so a run that records
// without end would exhaust the machine's memory).
#include "lab/run.hpp"

#include "lab/run_memory.hpp"
#include "trace/event_text.hpp"

#include <algorithm>
#include <cstdio>

namespace racetrace {

namespace {

/// A reader that waits this long on a pipe whose only write end it holds
/// itself is stopped at once (the general watchdog waits --watchdog seconds):
/// nothing can ever wake it, and the time lets an empty-looking pipe's last
/// bytes, written just before its writer ended, be read first.
constexpr double kCertainlyStuckSeconds = 0.5;

std::string quoteLine(const Scenario& scenario, std::uint32_t worker, std::uint32_t line) {
    const auto& program = scenario.info.programs[worker % scenario.info.programs.size()];
    if (line >= program.lines.size()) return "line " + std::to_string(line + 1);
    std::string text = program.lines[line].text;
    if (auto comment = text.find("//"); comment != std::string::npos) text = text.substr(0, comment);
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return "line " + std::to_string(line + 1) + " (" + text + ")";
}

std::string seconds(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

} // namespace

std::uint32_t Run::currentLine(std::uint32_t worker) const {
    // The latest drained event says where the worker was; the slot's line is
    // only written when a spin begins (the hot path writes nothing more).
    const auto& events = m_events[worker];
    return events.empty() ? m_view.slot(worker).line.load(std::memory_order_relaxed) : events.back().line;
}

std::optional<std::uint32_t> Run::deadInsideCriticalSection() const {
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        if (m_children[k].running()) continue;
        const auto& events = m_events[k];
        const auto last = std::find_if(events.rbegin(), events.rend(), [](const Event& event) {
            return event.kind == EventKind::CsEnter || event.kind == EventKind::CsExit;
        });
        if (last != events.rend() && last->kind == EventKind::CsEnter) return k;
    }
    return std::nullopt;
}

std::string Run::describeStuckWorkers() const {
    std::string text;
    std::optional<std::uint16_t> waitedLock; // a guard or kernel lock someone waits for
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        if (!m_children[k].running()) continue;
        const WorkerSlot& slot = m_view.slot(k);
        std::string what = "worker " + workerName(k);
        const auto variable = slot.variable.load(std::memory_order_relaxed);
        const auto line = slot.line.load(std::memory_order_relaxed);
        const std::uint32_t blocked = slot.blocked.load(std::memory_order_relaxed);
        const std::uint16_t lock = blockedLock(blocked);
        if (blocked != 0 && blockedOnLock(blocked) && lock < m_scenario.info.variables.size()) {
            what += " was asleep waiting for " + m_scenario.info.variables[lock].name + " at " +
                    quoteLine(m_scenario, k, line);
            waitedLock = lock;
        } else if (blocked != 0 && !blockedOnLock(blocked) &&
                   blockedChannel(blocked) < m_scenario.info.channels.size()) {
            what += " was blocked in " + std::string(blockedSending(blocked) ? "a write into " : "a read from ") +
                    m_scenario.info.channels[blockedChannel(blocked)].displayName() + " at " +
                    quoteLine(m_scenario, k, line);
        } else if (slot.spinning.load(std::memory_order_relaxed) != 0 && variable < m_scenario.info.variables.size()) {
            what += " was spinning on " + m_scenario.info.variables[variable].name + " = " +
                    std::to_string(slot.lastValue.load(std::memory_order_relaxed)) + " at " +
                    quoteLine(m_scenario, k, line);
            if (variableRoleInfo(m_scenario.info.variables[variable].role).guard)
                waitedLock = static_cast<std::uint16_t>(variable);
        } else {
            what += " made no progress at " + quoteLine(m_scenario, k, currentLine(k));
        }
        text += (text.empty() ? "" : "; ") + what;
    }
    // The survivors wait for a lock nobody will free: say who took it with them.
    if (const auto holder = deadInsideCriticalSection(); holder && waitedLock)
        text += "; worker " + workerName(*holder) + " died inside the critical section, holding " +
                m_scenario.info.variables[*waitedLock].name;
    return text;
}

std::string Run::describeBlockedForever() const {
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        const std::uint32_t blocked = m_view.slot(k).blocked.load(std::memory_order_relaxed);
        if (!m_children[k].running() || blocked == 0 || blockedOnLock(blocked) || blockedSending(blocked)) continue;
        const std::uint16_t channel = blockedChannel(blocked);
        if (channel >= m_scenario.info.channels.size() || m_scenario.info.channels[channel].kind != ChannelKind::Pipe ||
            !m_scenario.channelUse(k, channel).writes)
            continue;
        // Nobody else who could still write is alive: only k's own write end keeps the pipe open.
        bool otherWriter = false;
        for (std::uint32_t j = 0; j < m_settings.workers; ++j)
            otherWriter =
                otherWriter || (j != k && m_children[j].running() && m_scenario.channelUse(j, channel).writes);
        if (otherWriter) continue;
        const std::string name = workerName(k);
        return name + " is blocked in read() forever: " + name + " itself still holds the pipe's write end, so " +
               m_scenario.info.channels[channel].displayName() + " never reports end-of-file.";
    }
    return {};
}

void Run::startWatching() {
    m_lastProgressTime = m_watchStart = std::chrono::steady_clock::now();
    m_iterationsAtWatchStart.assign(m_settings.workers, 0);
    for (std::uint32_t k = 0; k < m_settings.workers; ++k)
        m_iterationsAtWatchStart[k] = m_view.slot(k).iterationsDone.load(std::memory_order_relaxed);
}

std::string Run::describeLoopingWorkers() const {
    // Every worker still running has finished no iteration since the watch
    // began, yet they keep making accesses: a loop with no way out.
    std::string text;
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        if (!m_children[k].running()) continue;
        if (m_view.slot(k).iterationsDone.load(std::memory_order_relaxed) != m_iterationsAtWatchStart[k]) return {};
        text += std::string(text.empty() ? "" : "; ") + "worker " + workerName(k) + " at " +
                quoteLine(m_scenario, k, currentLine(k));
    }
    return text;
}

void Run::checkWatchdog() {
    if (m_watchdogFired) return;
    // Progress is an access that is not a spin repeat, or a finished iteration
    // (an iteration of private work makes no access at all).
    std::uint64_t sum = 0;
    for (std::uint32_t k = 0; k < m_settings.workers; ++k)
        sum += m_view.slot(k).progress.load(std::memory_order_relaxed) +
               m_view.slot(k).iterationsDone.load(std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    const std::chrono::duration<double> watched = now - m_watchStart;
    if (sum != m_lastProgressSum) {
        m_lastProgressSum = sum;
        m_lastProgressTime = now;
        if (watched.count() < m_settings.watchdogSeconds) return;
        if (const std::string looping = describeLoopingWorkers(); !looping.empty()) {
            m_watchdogFired = true;
            killAll(WorkerExit::How::Killed, "The watchdog stopped the run: no worker finished an iteration in " +
                                                 seconds(m_settings.watchdogSeconds) +
                                                 " s, though they kept making accesses, as a loop with no way "
                                                 "out would (" +
                                                 looping + ").");
        }
        return;
    }
    const std::chrono::duration<double> idle = now - m_lastProgressTime;
    if (idle.count() >= kCertainlyStuckSeconds) {
        if (const std::string forever = describeBlockedForever(); !forever.empty()) {
            m_watchdogFired = true;
            killAll(WorkerExit::How::Killed, "The watchdog stopped the run: " + forever);
            return;
        }
    }
    if (idle.count() >= m_settings.watchdogSeconds) {
        m_watchdogFired = true;
        killAll(WorkerExit::How::Killed, "The watchdog stopped the run: no worker made progress for " +
                                             seconds(m_settings.watchdogSeconds) + " s (" + describeStuckWorkers() +
                                             ").");
    }
}

std::uint64_t Run::eventsRecorded() const {
    // The rings' waiting events count too: the workers fill them faster than
    // the parent drains, and counting only what was drained let a loop record
    // 2.7 M events against a limit of 1.5 M (and run out of memory under ulimit -v).
    std::uint64_t events = 0;
    for (std::size_t k = 0; k < m_events.size(); ++k)
        events += m_events[k].size() + (k < m_rings.size() ? m_rings[k].waiting() : 0);
    return events;
}

void Run::checkEventLimit() {
    if (m_limitReached || eventsRecorded() < m_maxEvents) return;
    m_limitReached = true;
    std::string where;
    bool anyIteration = false;
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        if (!m_children[k].running()) continue;
        const std::uint64_t done = m_view.slot(k).iterationsDone.load(std::memory_order_relaxed);
        anyIteration = anyIteration || done != 0;
        where += std::string(where.empty() ? "" : "; ") + workerName(k) + " at " +
                 quoteLine(m_scenario, k, currentLine(k)) + ", " +
                 groupedNumber(static_cast<std::int64_t>(std::min(done, m_settings.iterations))) + " of " +
                 groupedNumber(static_cast<std::int64_t>(m_settings.iterations)) + " iterations done";
    }
    if (where.empty()) return; // every worker has ended: the run is over anyway
    killAll(WorkerExit::How::Killed, "Stopped after " + groupedNumber(static_cast<std::int64_t>(m_maxEvents)) +
                                         " events" + std::string(kEventLimitWords) + " (--max-events): " +
                                         (anyIteration ? "the workers had not finished their iterations ("
                                                       : "a worker never finished an iteration (") +
                                         where + ").");
}

} // namespace racetrace
