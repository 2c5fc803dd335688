#include "cli/interrupt_stops.hpp"

#include <csignal>

namespace racetrace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_stopSignal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "set from a signal handler");

namespace {
extern "C" void onInterrupt(int signal) {
    g_stopSignal.store(signal);
    g_interrupted.store(true);
}
} // namespace

InterruptStops::InterruptStops() {
    m_previousInt = std::signal(SIGINT, onInterrupt);
    m_previousTerm = std::signal(SIGTERM, onInterrupt);
}

InterruptStops::~InterruptStops() {
    std::signal(SIGINT, m_previousInt);
    std::signal(SIGTERM, m_previousTerm);
}

} // namespace racetrace
