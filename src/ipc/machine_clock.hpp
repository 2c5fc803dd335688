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

/// How the TSC is read: rdtsc + rdpid where the CPU has RDPID (about half the
/// cost of rdtscp here: 10 ns against 19 ns), rdtscp otherwise. Both give the
/// CPU number with the time. rdtsc does not wait for earlier loads to finish,
/// so a timestamp can lead its access by a few ns; analysis takes its ground
/// truth from values, and intervals are microseconds, so that is harmless.
enum class TscRead : std::uint32_t { Rdtscp = 0, RdtscRdpid = 1 };

struct ClockCalibration {
    ClockKind kind = ClockKind::Monotonic;
    double ticksPerNs = 1.0;     ///< ticks of `kind` per nanosecond (1.0 for Monotonic)
    std::uint64_t baseTicks = 0; ///< the clock's value at calibration: "time zero" of a run
    TscRead tscRead = TscRead::Rdtscp;
};

/// True when the CPU has the RDPID instruction (CPUID 7.0:ECX bit 22).
bool cpuHasRdpid();

/// True when CPUID says the TSC runs at a constant rate in every power state.
bool tscIsInvariant();

/// Chooses the clock and measures the TSC against CLOCK_MONOTONIC (~10 ms, the
/// first time in a process; later calls reuse the rate), and reads time zero.
ClockCalibration calibrateClock();

/// Reads the clock and the CPU the caller is on. Inline: it sits on the hot path.
inline std::uint64_t readClock(ClockKind kind, std::uint32_t& cpu, TscRead read = TscRead::Rdtscp) {
    (void)read;
#if RACETRACE_HAVE_TSC
    if (kind == ClockKind::Tsc) {
        if (read == TscRead::RdtscRdpid) {
            std::uint64_t pid = 0;
            // rdpid reads TSC_AUX like rdtscp does; encoded as bytes for assemblers without the mnemonic.
            asm volatile(".byte 0xf3, 0x0f, 0xc7, 0xf8" : "=a"(pid)); // rdpid rax
            cpu = static_cast<std::uint32_t>(pid) & 0xFFFu;
            return __rdtsc();
        }
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
