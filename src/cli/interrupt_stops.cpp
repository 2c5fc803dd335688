#include "cli/interrupt_stops.hpp"

#include <csignal>

namespace racetrace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

namespace {
extern "C" void onInterrupt(int) {
    g_interrupted.store(true);
}
} // namespace

InterruptStops::InterruptStops() {
    m_previous = std::signal(SIGINT, onInterrupt);
}

InterruptStops::~InterruptStops() {
    std::signal(SIGINT, m_previous);
}

} // namespace racetrace
