// Ctrl-C (SIGINT) or SIGTERM during a long command (run, stats, lesson
// --check): instead of killing racetrace at once, it sets a flag the
// command's runs look at, so the runs stop like Stop does and the command
// prints (and saves) what it has. Only while an InterruptStops lives: the
// defaults come back after.
#pragma once

#include <atomic>

namespace racetrace {

/// Set by SIGINT or SIGTERM while an InterruptStops lives.
extern std::atomic<bool> g_interrupted;
/// Which of the two it was (0: neither).
extern std::atomic<int> g_stopSignal;

/// The exit status of a command stopped by `signal`, as a shell reports it: 130 for SIGINT, 143 for SIGTERM.
inline int exitStatusFor(int signal) {
    return 128 + signal;
}

class InterruptStops {
  public:
    InterruptStops();
    ~InterruptStops();
    InterruptStops(const InterruptStops&) = delete;
    InterruptStops& operator=(const InterruptStops&) = delete;

  private:
    void (*m_previousInt)(int) = nullptr;
    void (*m_previousTerm)(int) = nullptr;
};

} // namespace racetrace
