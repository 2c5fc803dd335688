// A line on stderr that says what a long command is doing ("racetrace:
// ordering the events: each variable's writes... 4.1 s"), shown only on a
// terminal and only once the command has taken more than a second, rewritten
// in place and erased before the command prints its results. It reads the
// phase names the work itself sets (trace/phase_timer.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace racetrace {

class ProgressLine {
  public:
    ProgressLine(); ///< starts watching, if stderr is a terminal
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    ~ProgressLine() { stop(); }

    /// Erases the line (if one was shown) and stops watching: before printing results.
    void stop();

  private:
    void watch();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_shown = false;
    std::thread m_thread;
};

} // namespace racetrace
