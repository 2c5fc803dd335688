#include "ipc/machine_clock.hpp"

#include <chrono>
#include <thread>
#if RACETRACE_HAVE_TSC
#include <cpuid.h>
#endif

namespace racetrace {

std::string_view clockKindName(ClockKind kind) {
    switch (kind) {
    case ClockKind::Tsc: return "tsc";
    case ClockKind::Monotonic: return "monotonic";
    }
    return "unknown";
}

bool tscIsInvariant() {
#if RACETRACE_HAVE_TSC
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007u) return false;
    if (__get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) == 0 || (edx & (1u << 27)) == 0) return false; // rdtscp
    __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
    return (edx & (1u << 8)) != 0;
#else
    return false;
#endif
}

bool cpuHasRdpid() {
#if RACETRACE_HAVE_TSC
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
    return (ecx & (1u << 22)) != 0;
#else
    return false;
#endif
}

namespace {
std::uint64_t monotonicNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}
} // namespace

namespace {
/// The clock's kind and rate: measured once per process. An invariant TSC keeps
/// one rate, and measuring takes a 10 ms sleep that every run (and every Undo
/// in step mode, which is a fresh run) would otherwise pay.
ClockCalibration measureClock() {
    ClockCalibration clock;
    std::uint32_t cpu = 0;
    if (!tscIsInvariant()) return clock;
    // Measure TSC ticks against monotonic ns over a short sleep; 10 ms gives a
    // rate good to a few parts per million, plenty for ns-level timelines.
    const std::uint64_t ns0 = monotonicNs();
    const std::uint64_t t0 = readClock(ClockKind::Tsc, cpu);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::uint64_t ns1 = monotonicNs();
    const std::uint64_t t1 = readClock(ClockKind::Tsc, cpu);
    if (ns1 <= ns0 || t1 <= t0) return clock;
    clock.kind = ClockKind::Tsc;
    clock.tscRead = cpuHasRdpid() ? TscRead::RdtscRdpid : TscRead::Rdtscp;
    clock.ticksPerNs = static_cast<double>(t1 - t0) / static_cast<double>(ns1 - ns0);
    return clock;
}
} // namespace

ClockCalibration calibrateClock() {
    static const ClockCalibration measured = measureClock();
    ClockCalibration clock = measured;
    std::uint32_t cpu = 0;
    clock.baseTicks = readClock(clock.kind, cpu, clock.tscRead);
    return clock;
}

} // namespace racetrace
