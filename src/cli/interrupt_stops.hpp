// Ctrl-C during a long command (stats, lesson --check): instead of killing
// racetrace at once, it sets a flag the command's runs look at, so the runs
// stop and the command prints what it has. Only while an InterruptStops
// lives: the default comes back after.
#pragma once

#include <atomic>

namespace racetrace {

/// Set by SIGINT while an InterruptStops lives.
extern std::atomic<bool> g_interrupted;

class InterruptStops {
  public:
    InterruptStops();
    ~InterruptStops();
    InterruptStops(const InterruptStops&) = delete;
    InterruptStops& operator=(const InterruptStops&) = delete;

  private:
    void (*m_previous)(int) = nullptr;
};

} // namespace racetrace
