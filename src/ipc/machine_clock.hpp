// One machine-wide clock for every worker, so events from different processes
// and CPUs can be merged: the invariant TSC read with rdtscp (which also names
// the CPU, for free) when the processor has one, CLOCK_MONOTONIC otherwise.
#pragma once

#include <cstdint>
#include <ctime>
#include <string_view>

#include <sched.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define RACETRACE_HAVE_TSC 1
#else
#define RACETRACE_HAVE_TSC 0
#endif

namespace racetrace {

enum class ClockKind : std::uint32_t { Tsc = 1, Monotonic = 2 };
std::string_view clockKindName(ClockKind kind);

struct ClockCalibration {
    ClockKind kind = ClockKind::Monotonic;
    double ticksPerNs = 1.0;    ///< ticks of `kind` per nanosecond (1.0 for Monotonic)
    std::uint64_t baseTicks = 0; ///< the clock's value at calibration: "time zero" of a run
};

/// True when CPUID says the TSC runs at a constant rate in every power state.
bool tscIsInvariant();

/// Chooses the clock and measures the TSC against CLOCK_MONOTONIC (~10 ms).
ClockCalibration calibrateClock();

/// Reads the clock and the CPU the caller is on. Inline: it sits on the hot path.
inline std::uint64_t readClock(ClockKind kind, std::uint32_t& cpu) {
#if RACETRACE_HAVE_TSC
    if (kind == ClockKind::Tsc) {
        unsigned int aux = 0;
        const std::uint64_t ticks = __rdtscp(&aux);
        cpu = aux & 0xFFFu; // Linux stores (node << 12) | cpu in TSC_AUX
        return ticks;
    }
#endif
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const int current = sched_getcpu();
    cpu = current < 0 ? 0u : static_cast<std::uint32_t>(current);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

/// Ticks -> ns since the calibration's base (0 for ticks before it).
inline std::uint64_t ticksToNs(const ClockCalibration& clock, std::uint64_t ticks) {
    if (ticks <= clock.baseTicks) return 0;
    return static_cast<std::uint64_t>(static_cast<double>(ticks - clock.baseTicks) / clock.ticksPerNs);
}

} // namespace racetrace
