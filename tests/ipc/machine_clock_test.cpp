// The machine-wide clock (ipc/machine_clock.hpp): the calibration a run records,
// the reads every worker makes, and the conversion to ns since the run began.
#include "ipc/machine_clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace racetrace;

namespace {

std::uint64_t monotonicNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint32_t configuredCpus() {
    const long cpus = sysconf(_SC_NPROCESSORS_CONF);
    return cpus > 0 ? static_cast<std::uint32_t>(cpus) : 1u;
}

} // namespace

TEST_CASE("machine clock: calibration gives a positive rate for the clock it chose", "[ipc][clock]") {
    const ClockCalibration clock = calibrateClock();
    INFO("kind " << clockKindName(clock.kind) << ", " << clock.ticksPerNs << " ticks per ns");
    CHECK(std::isfinite(clock.ticksPerNs));
    CHECK(clock.ticksPerNs > 0.0);
    if (clock.kind == ClockKind::Monotonic) {
        CHECK(clock.ticksPerNs == 1.0); // its ticks are ns
    } else {
        REQUIRE(clock.kind == ClockKind::Tsc);
        CHECK(tscIsInvariant()); // only an invariant TSC is trusted
        // Any TSC of this century ticks between 0.1 and 10 times a ns.
        CHECK(clock.ticksPerNs > 0.1);
        CHECK(clock.ticksPerNs < 10.0);
        // rdpid only where the CPU has it, and then always.
        CHECK((clock.tscRead == TscRead::RdtscRdpid) == cpuHasRdpid());
    }

    // The rate is measured once per process; each calibration reads a new time zero.
    const ClockCalibration again = calibrateClock();
    CHECK(again.kind == clock.kind);
    CHECK(again.ticksPerNs == clock.ticksPerNs);
    CHECK(again.tscRead == clock.tscRead);
    CHECK(again.baseTicks >= clock.baseTicks);
}

TEST_CASE("machine clock: time zero is read when calibrating", "[ipc][clock]") {
    const ClockKind kind = calibrateClock().kind; // the first call measures the rate
    std::uint32_t cpu = 0;
    const std::uint64_t before = readClock(kind, cpu);
    const ClockCalibration clock = calibrateClock();
    const std::uint64_t after = readClock(kind, cpu);
    CHECK(before <= clock.baseTicks);
    CHECK(clock.baseTicks <= after);
}

TEST_CASE("machine clock: successive reads never go back and name a real CPU", "[ipc][clock]") {
    const ClockCalibration clock = calibrateClock();
    const std::uint32_t cpus = configuredCpus();
    for (const ClockKind kind : {clock.kind, ClockKind::Monotonic}) {
        INFO("kind " << clockKindName(kind));
        const TscRead how = kind == clock.kind ? clock.tscRead : TscRead::Rdtscp;
        std::uint32_t cpu = ~0u;
        std::uint64_t previous = readClock(kind, cpu, how);
        if (kind == clock.kind) CHECK(previous >= clock.baseTicks); // time zero was read earlier
        bool monotone = true;
        bool cpuKnown = true;
        for (int i = 0; i < 100'000; ++i) {
            const std::uint64_t now = readClock(kind, cpu, how);
            monotone = monotone && now >= previous;
            cpuKnown = cpuKnown && cpu < cpus;
            previous = now;
        }
        CHECK(monotone);
        CHECK(cpuKnown);
    }
}

TEST_CASE("machine clock: the monotonic kind reads CLOCK_MONOTONIC in ns", "[ipc][clock]") {
    std::uint32_t cpu = 0;
    const std::uint64_t before = monotonicNs();
    const std::uint64_t read = readClock(ClockKind::Monotonic, cpu);
    const std::uint64_t after = monotonicNs();
    CHECK(before <= read);
    CHECK(read <= after);
}

TEST_CASE("machine clock: ticksToNs maps time zero to 0 and is monotone", "[ipc][clock]") {
    ClockCalibration clock;
    clock.kind = ClockKind::Tsc;
    clock.ticksPerNs = 2.5;
    clock.baseTicks = 1'000'000;

    CHECK(ticksToNs(clock, clock.baseTicks) == 0);
    CHECK(ticksToNs(clock, clock.baseTicks - 1) == 0); // before time zero: 0, not a wrapped huge number
    CHECK(ticksToNs(clock, 0) == 0);
    CHECK(ticksToNs(clock, clock.baseTicks + 2'500) == 1'000);
    CHECK(ticksToNs(clock, clock.baseTicks + 25'000'000'000ull) == 10'000'000'000ull);

    std::uint64_t previous = 0;
    bool monotone = true;
    for (std::uint64_t ticks = 0; ticks < clock.baseTicks + 100'000; ticks += 7) {
        const std::uint64_t ns = ticksToNs(clock, ticks);
        monotone = monotone && ns >= previous;
        previous = ns;
    }
    CHECK(monotone);
    CHECK(previous == 39'997); // the last step, 1,099,994 ticks: 99,994 past time zero / 2.5, rounded down

    // Monotonic calibrations count ns already: only the base is taken off.
    ClockCalibration monotonic;
    monotonic.baseTicks = 500;
    CHECK(ticksToNs(monotonic, 500) == 0);
    CHECK(ticksToNs(monotonic, 1'500) == 1'000);
}

TEST_CASE("machine clock: ns from a calibrated clock cover a sleep we made", "[ipc][clock]") {
    // Only a lower bound: the sleep lasts at least this long, however busy the machine.
    const ClockCalibration clock = calibrateClock();
    std::uint32_t cpu = 0;
    const std::uint64_t t0 = readClock(clock.kind, cpu, clock.tscRead);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::uint64_t t1 = readClock(clock.kind, cpu, clock.tscRead);
    const std::uint64_t elapsed = ticksToNs(clock, t1) - ticksToNs(clock, t0);
    INFO(elapsed << " ns");
    CHECK(elapsed >= 19'900'000); // 20 ms less a rate error far above the calibration's
}

TEST_CASE("machine clock: kinds have stable names", "[ipc][clock]") {
    CHECK(clockKindName(ClockKind::Tsc) == "tsc");
    CHECK(clockKindName(ClockKind::Monotonic) == "monotonic");
    CHECK(clockKindName(static_cast<ClockKind>(99)) == "unknown");
}
