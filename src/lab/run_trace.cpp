// Run::buildTrace: what the parent drained from the rings, plus what it knows
// itself (how each worker ended, the final memory), merged into one Trace in
// the value-consistent order (trace/event_order.hpp).
#include "lab/run.hpp"

#include "trace/event_order.hpp"
#include "trace/phase_timer.hpp"

#include <algorithm>
#include <csignal>

namespace racetrace {

WorkerRecord Run::workerRecord(std::uint32_t k) const {
    WorkerRecord record;
    record.index = k;
    record.pid = m_children[k].pid();
    record.role = m_scenario.programOf(k).role;
    record.dropped = m_rings[k].dropped();
    record.iterationsDone =
        std::min<std::uint64_t>(m_view.slot(k).iterationsDone.load(std::memory_order_relaxed), m_settings.iterations);
    const ExitStatus status = m_children[k].status().value_or(ExitStatus{});
    record.exit.code = status.code;
    record.exit.signal = status.signal;
    record.exit.how = m_ends[k].killedHow != WorkerExit::How::Unknown ? m_ends[k].killedHow
                      : status.exited                                 ? WorkerExit::How::Exited
                                                                      : WorkerExit::How::Signaled;
    return record;
}

void Run::convertEvents(std::uint32_t k, const ClockCalibration& base, std::vector<Event>& events) const {
    // Keep only well-formed events (a worker could have scribbled on its ring),
    // with their stamps in ns: in place, kept events moved to the front.
    std::size_t kept = 0;
    std::uint32_t lastSeq = 0;
    std::uint16_t lastLine = 0;
    bool any = false;
    const auto lineCount = m_scenario.info.programs[k % m_scenario.info.programs.size()].lines.size();
    const auto variableCount = m_scenario.info.variables.size();
    const auto channelCount = m_scenario.info.channels.size();
    for (Event event : events) {
        if (event.worker != k || static_cast<std::uint8_t>(event.kind) >= kEventKindCount ||
            event.kind == EventKind::Invalid || event.line >= lineCount ||
            (onChannel(event.kind) ? event.variable >= channelCount
                                   : event.variable != kNoVariable && event.variable >= variableCount))
            continue;
        event.timestamp = ticksToNs(base, event.timestamp);
        lastSeq = event.seq;
        lastLine = event.line;
        any = true;
        events[kept++] = event;
    }
    events.resize(kept);
    // A worker that died of a signal, ours (Stop, the watchdog) or its own (a
    // crash, a kill from outside), ends with a WorkerKilled event at the moment
    // the parent killed it or first saw it gone.
    const WorkerEnd& end = m_ends[k];
    const auto status = m_children[k].status();
    const bool killedByUs = end.killedHow != WorkerExit::How::Unknown;
    const bool diedOfSignal = status && !status->exited;
    if (!killedByUs && !diedOfSignal) return;
    Event killed{};
    killed.timestamp = ticksToNs(base, end.ticks);
    killed.value = killedByUs ? SIGKILL : status->signal;
    killed.seq = any ? lastSeq + 1 : 0;
    killed.line = lastLine;
    killed.variable = kNoVariable;
    killed.kind = EventKind::WorkerKilled;
    killed.worker = static_cast<std::uint8_t>(k);
    events.push_back(killed);
}

std::uint64_t Run::killedAtEntry(std::uint32_t worker) const {
    // Its entries so far; inside (an entry with no exit after it): this one, else the next.
    std::uint64_t entries = 0;
    bool inside = false;
    for (const Event& event : m_events[worker]) {
        entries += event.kind == EventKind::CsEnter;
        if (event.kind == EventKind::CsEnter || event.kind == EventKind::CsExit)
            inside = event.kind == EventKind::CsEnter;
    }
    return inside ? entries : entries + 1;
}

Trace Run::buildTrace(bool release) {
    Trace trace;
    trace.scenario = m_scenario.infoFor(m_settings.workers, m_settings.iterations);
    trace.settings = m_settings;
    if (m_killedNow) { // killed on request: recorded as the --kill that repeats it
        trace.settings.killWorker = *m_killedNow;
        trace.settings.killAtEntry = killedAtEntry(*m_killedNow);
    }
    trace.machine = currentMachine();
    trace.clock = {m_clock.kind, m_clock.ticksPerNs};
    trace.stopReason = m_stopReason;
    ClockCalibration base = m_clock;
    base.baseTicks = m_startTicks;
    std::uint32_t cpuNow = 0;
    trace.durationNs = ticksToNs(base, m_done ? m_endTicks : readClock(m_clock.kind, cpuNow));

    PhaseTimer phase("collecting the events");
    // Each worker's events converted where they are (a copy only for a trace of
    // a run still going), then merged into stamp order in one pass.
    std::vector<std::vector<Event>> runs(m_settings.workers);
    for (std::uint32_t k = 0; k < m_settings.workers; ++k) {
        trace.workers.push_back(workerRecord(k));
        runs[k] = release ? std::move(m_events[k]) : m_events[k];
        if (release) m_events[k] = {};
        convertEvents(k, base, runs[k]);
    }
    mergeStampedRuns(runs, trace.events);
    // An invariant like counter == workers * iterations speaks of a whole run:
    // on a run that was stopped (or is still going) it would report every
    // iteration not done as "lost". Such runs are not checked.
    const bool complete = std::all_of(trace.workers.begin(), trace.workers.end(), [this](const WorkerRecord& worker) {
        return worker.iterationsDone >= m_settings.iterations;
    });
    if (!complete && !trace.scenario.invariants.empty()) {
        trace.scenario.invariants.clear();
        if (m_done)
            trace.stopReason += (trace.stopReason.empty() ? "" : " ") +
                                std::string("The counter was not checked: not every worker finished its iterations.");
    }
    const SharedWord* words = m_view.words();
    for (std::uint32_t w = 0; w < m_scenario.totalWords; ++w)
        trace.finalWords.push_back(words[w].load(std::memory_order_relaxed));
    phase.next("ordering the events");
    trace.orderRepair = finalizeEventOrder(trace);
    return trace;
}

} // namespace racetrace
