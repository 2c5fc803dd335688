#include "analysis/fault_outcome.hpp"

#include "analysis/plain_words.hpp"
#include "trace/event_kinds.hpp"

#include <cstdio>

namespace racetrace {

namespace {

/// The variable that guards the critical section: the first lock, flag,
/// semaphore or mutex; else (a ticket lock) the last word declared.
const VariableInfo* guardOf(const Trace& trace) {
    for (const VariableInfo& variable : trace.scenario.variables)
        if (variable.role == VariableRole::Lock || variable.role == VariableRole::Flag ||
            variable.role == VariableRole::Semaphore || variable.role == VariableRole::Mutex)
            return &variable;
    for (auto it = trace.scenario.variables.rbegin(); it != trace.scenario.variables.rend(); ++it)
        if (it->role == VariableRole::Word) return &*it;
    return nullptr;
}

/// "B and C": the workers other than the killed one.
std::string othersOf(const Trace& trace, std::uint32_t killed) {
    std::vector<std::uint32_t> others;
    for (std::uint32_t w = 0; w < trace.workers.size(); ++w)
        if (w != killed) others.push_back(w);
    return workerList(others);
}

std::string seconds(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", value);
    return text;
}

/// True when every other worker ended its program (its WorkerExit is in the trace).
bool othersFinished(const Trace& trace, std::uint32_t killed) {
    std::size_t done = 0;
    for (const Event& e : trace.events)
        done += e.worker != killed && e.kind == EventKind::WorkerExit;
    return done + 1 == trace.workers.size();
}

/// True when every other worker had finished its program before the kill.
bool othersDoneBefore(const Trace& trace, std::uint32_t killed) {
    std::uint64_t killedAt = ~std::uint64_t{0};
    for (const Event& e : trace.events)
        if (e.worker == killed && e.kind == EventKind::WorkerKilled) killedAt = e.timestamp;
    std::size_t done = 0;
    for (const Event& e : trace.events)
        done += e.worker != killed && e.kind == EventKind::WorkerExit && e.timestamp <= killedAt;
    return done + 1 == trace.workers.size();
}

/// True when `killed` held the way in when it died: inside the critical
/// section (an entry with no exit after it), or holding a kernel lock it had
/// taken and not released (between sem_wait and the entry, say).
bool killedHolding(const Trace& trace, std::uint32_t killed) {
    bool inside = false, locked = false;
    for (const Event& e : trace.events) {
        if (e.worker != killed) continue;
        if (e.kind == EventKind::CsEnter || e.kind == EventKind::CsExit) inside = e.kind == EventKind::CsEnter;
        if (e.kind == EventKind::LockAcquire || e.kind == EventKind::LockRelease)
            locked = e.kind == EventKind::LockAcquire;
    }
    return inside || locked;
}

std::string outcomeSentence(const Trace& trace, const FaultOutcome& outcome) {
    const std::uint32_t killed = outcome.killed.front();
    const std::string who = workerName(killed), others = othersOf(trace, killed);
    const VariableInfo* guard = guardOf(trace);
    const std::string name = guard != nullptr ? guard->name : "the lock";
    // The others were stuck: the watchdog says so, or the trace ends (a replay,
    // a stopped run) before they finished.
    const bool othersStuck = outcome.stoppedByWatchdog || !othersFinished(trace, killed);
    const std::string until = outcome.stoppedByWatchdog
                                  ? " until the watchdog stopped the run after " +
                                        seconds(trace.settings.watchdogSeconds) + " without progress"
                                  : " to the end of the trace";
    if (outcome.recovered == 0 && !killedHolding(trace, killed))
        return who + " was killed outside the critical section, holding nothing; " + others +
               (othersStuck ? " stopped making progress" + until + "." : " went on to the end.");
    if (outcome.recovered > 0)
        return who + " was killed while holding " + name + "; the next to lock it was told its owner had died " +
               "(EOWNERDEAD), made it consistent and went on: a robust mutex has an owner, and the system " +
               "releases it when the owner dies. What " + who + " left half-done stays half-done.";
    if (!othersStuck && othersDoneBefore(trace, killed))
        return who + " was killed inside the critical section after " + others + " had finished: nobody needed " +
               name + " any more.";
    if (!othersStuck) return who + " was killed inside the critical section; " + others + " went on to the end.";
    if (guard != nullptr && guard->role == VariableRole::Semaphore)
        return who + " was killed while holding " + name + "'s permit; " + others + " slept in sem_wait" + until +
               ": a semaphore has no owner, so the permit " + who + " held is gone for good.";
    if (guard != nullptr && guard->role == VariableRole::Flag)
        return who + " was killed inside the critical section; " + name + " stays \"" +
               std::string(guard->meanings.of(0).empty() ? "in use" : guard->meanings.of(0)) + "\" forever, and " +
               others + " waited on it" + until + ".";
    return who + " was killed while holding " + name + "; " + others + " spun on " + name + until +
           ": a spin lock has no owner the system could release it for.";
}

} // namespace

std::optional<FaultOutcome> faultOutcome(const Trace& trace) {
    const RunSettings& settings = trace.settings;
    if (settings.killAtEntry == 0 || settings.killWorker >= trace.workers.size()) return std::nullopt;
    // Asked for, but the worker never got that far (fewer entries): nobody was killed.
    if (trace.stopReason.find("(--kill)") == std::string::npos &&
        trace.stopReason.find("(kill now)") == std::string::npos)
        return std::nullopt;
    FaultOutcome outcome;
    outcome.killed.push_back(settings.killWorker);
    for (const Event& e : trace.events)
        if (e.kind == EventKind::LockAcquire && e.aux == 1) ++outcome.recovered;
    outcome.stoppedByWatchdog = trace.stopReason.find("The watchdog stopped the run") != std::string::npos;
    outcome.sentence = outcomeSentence(trace, outcome);
    return outcome;
}

} // namespace racetrace
