// The phases of processing a trace, named where they happen. Two uses:
// - currentPhase() says what is being done now, in words for people ("ordering
//   the events: each variable's writes"): the CLI's progress line shows it on a
//   terminal when a command takes longer than a second (cli/progress_line.hpp);
// - RACETRACE_PHASES=1 prints to stderr how long each phase took
//   ("racetrace: phase saving: 220 ms (peak memory so far 1,034 MB)"): where the time and memory after a run go,
//   measured on a real trace without a profiler.
// Names must be string literals: the progress line reads them from another thread.
// Phases are also where long work can be stopped: under a CancelPhasesWhen,
// a phase that starts after its flag was set throws PhasesCancelled (the
// window's Stop during the analysis of a big trace takes effect within a phase).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <sys/resource.h>

namespace racetrace {

namespace detail {
inline std::atomic<const char*> g_currentPhase{nullptr};
inline thread_local const std::atomic<bool>* t_cancelFlag = nullptr;
} // namespace detail

/// What a PhaseTimer throws when its work was stopped (see CancelPhasesWhen).
struct PhasesCancelled {};

/// While it lives, every phase this thread starts first checks `flag` and throws
/// PhasesCancelled if it is set. The work in between must only hold what its
/// destructors free (it does: containers and RAII all the way).
class CancelPhasesWhen {
  public:
    explicit CancelPhasesWhen(const std::atomic<bool>& flag) : m_outer(detail::t_cancelFlag) {
        detail::t_cancelFlag = &flag;
    }
    CancelPhasesWhen(const CancelPhasesWhen&) = delete;
    CancelPhasesWhen& operator=(const CancelPhasesWhen&) = delete;
    ~CancelPhasesWhen() { detail::t_cancelFlag = m_outer; }

  private:
    const std::atomic<bool>* m_outer;
};

/// What the process is doing now (a PhaseTimer's name), or nullptr.
inline const char* currentPhase() {
    return detail::g_currentPhase.load(std::memory_order_relaxed);
}

class PhaseTimer {
  public:
    explicit PhaseTimer(const char* name)
        : m_name(name), m_outer(currentPhase()), m_on(std::getenv("RACETRACE_PHASES") != nullptr) {
        throwIfCancelled();
        detail::g_currentPhase.store(name, std::memory_order_relaxed);
    }
    PhaseTimer(const PhaseTimer&) = delete;
    PhaseTimer& operator=(const PhaseTimer&) = delete;
    ~PhaseTimer() {
        report();
        detail::g_currentPhase.store(m_outer, std::memory_order_relaxed); // back to the phase around this one
    }

    /// Ends this phase and starts the next one.
    void next(const char* name) {
        report();
        throwIfCancelled();
        m_name = name;
        m_start = Clock::now();
        detail::g_currentPhase.store(name, std::memory_order_relaxed);
    }

  private:
    using Clock = std::chrono::steady_clock;
    static void throwIfCancelled() {
        if (detail::t_cancelFlag != nullptr && detail::t_cancelFlag->load(std::memory_order_relaxed))
            throw PhasesCancelled{};
    }
    void report() const {
        if (!m_on) return;
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - m_start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage); // the peak so far: which phase set it shows in the sequence
        std::fprintf(stderr, "racetrace: phase %s: %.0f ms (peak memory so far %ld MB)\n", m_name, ms,
                     usage.ru_maxrss / 1024);
    }

    const char* m_name;
    const char* m_outer;
    bool m_on;
    Clock::time_point m_start = Clock::now();
};

} // namespace racetrace
