// RACETRACE_PHASES=1 prints to stderr how long each phase of processing a
// trace took ("racetrace: phase ordering/modification orders: 1,236 ms"): where
// the time after a run goes, measured on a real trace without a profiler.
// Silent (and nearly free: one getenv per phase) otherwise.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace racetrace {

class PhaseTimer {
  public:
    explicit PhaseTimer(std::string_view name) : m_name(name), m_on(std::getenv("RACETRACE_PHASES") != nullptr) {}
    PhaseTimer(const PhaseTimer&) = delete;
    PhaseTimer& operator=(const PhaseTimer&) = delete;
    ~PhaseTimer() { report(); }

    /// Ends this phase and starts the next one.
    void next(std::string_view name) {
        report();
        m_name = name;
        m_start = Clock::now();
    }

  private:
    using Clock = std::chrono::steady_clock;
    void report() const {
        if (!m_on) return;
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - m_start).count();
        std::fprintf(stderr, "racetrace: phase %.*s: %.0f ms\n", static_cast<int>(m_name.size()), m_name.data(), ms);
    }

    std::string_view m_name;
    bool m_on;
    Clock::time_point m_start = Clock::now();
};

} // namespace racetrace
