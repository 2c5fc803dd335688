#include "cli/progress_line.hpp"

#include "trace/phase_timer.hpp"

#include <chrono>
#include <cstdio>

#include <unistd.h>

namespace racetrace {

namespace {

constexpr auto kQuiet = std::chrono::seconds(1); ///< shorter commands show nothing
constexpr auto kRefresh = std::chrono::milliseconds(200);

} // namespace

ProgressLine::ProgressLine() {
    if (isatty(STDERR_FILENO) == 1) m_thread = std::thread([this] { watch(); });
}

void ProgressLine::watch() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    if (m_wake.wait_for(lock, kQuiet, [this] { return m_stopping; })) return;
    do {
        const char* phase = currentPhase();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        // \r and "erase to the end of the line": the next state overwrites this one.
        std::fprintf(stderr, "\rracetrace: %s... %.1f s\033[K", phase != nullptr ? phase : "working", seconds);
        std::fflush(stderr);
        m_shown = true;
    } while (!m_wake.wait_for(lock, kRefresh, [this] { return m_stopping; }));
}

void ProgressLine::stop() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    if (m_shown) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        m_shown = false;
    }
}

} // namespace racetrace
