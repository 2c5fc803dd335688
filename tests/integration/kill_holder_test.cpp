// Kill the holder (--kill A@N) on every lock, with real processes: A stops
// itself at its N-th entry into the critical section and the parent kills it
// there (SIGKILL). What each mechanism does then is the lesson, and it must
// come out the same every time: the spin locks and the semaphore leave the
// others waiting until the watchdog; the robust mutex tells the next locker
// (EOWNERDEAD) and the run goes on. Nothing is ever left behind.
#include "support/integration_support.hpp"

#include "analysis/critical_sections.hpp"
#include "analysis/findings.hpp"

using namespace racetrace;
using namespace racetrace::testing;

namespace {

constexpr int kTrials = 20;

/// One run of `scenario` with A killed at its 2nd entry. An unfair lock can let
/// B make thousands of entries while A spins (20,000 in a row was seen with
/// window 0), so B gets 100,000 entries, each at least two race windows long:
/// it surely needs the lock again after A's second entry.
/// (The robust mutex's run goes on to its end: 5,000 there.)
Trace killRun(const std::string& scenario, std::uint64_t iterations) {
    RunOptions o = options(scenario, 2, iterations, 2'000);
    o.kill = KillPlan{0, 2};
    o.watchdogSeconds = 0.3;
    return runOrFail(o);
}

void requireOutcome(const std::string& scenario, bool watchdog, bool recovers, const std::string& words) {
    const std::uint64_t iterations = watchdog ? 100'000 : 5'000;
    const auto shmBefore = devShmEntries();
    for (int trial = 0; trial < kTrials; ++trial) {
        INFO(scenario << ", trial " << trial + 1 << " of " << kTrials);
        const Trace trace = killRun(scenario, iterations);
        const Analysis analysis = analyse(trace);
        INFO("stop reason: " << trace.stopReason);
        REQUIRE(analysis.fault.has_value());
        INFO("sentence: " << analysis.fault->sentence);
        CHECK(analysis.fault->killed == std::vector<std::uint32_t>{0});
        CHECK(analysis.fault->stoppedByWatchdog == watchdog);
        CHECK((analysis.fault->recovered > 0) == recovers);
        CHECK_THAT(analysis.fault->sentence, Catch::Matchers::Contains(words));
        CHECK(trace.workers[0].exit.how == WorkerExit::How::Killed);
        // A was inside when it died, and nobody was inside with it.
        CHECK(analysis.count(FindingKind::Overlap) == 0);
        CHECK(liveChildrenOf(getpid()).empty());
    }
    requireNoLeftovers(shmBefore);
}

/// B's write of the flag that ended the stay `span` (its "Y = 1" after leaving):
/// the first write of B's to the deciding read's variable after its own set.
std::uint64_t releaseWrite(const Trace& trace, const CriticalSectionSpan& span) {
    const std::uint32_t flag = trace.events[span.decidingRead].variable;
    for (std::uint64_t i = span.guardWrite + 1; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.worker == span.worker && e.variable == flag && changesMemory(e)) return i;
    }
    return kNoEvent;
}

/// B passed the flag beside A's last entry (where A was killed): some stay of
/// B's was decided by a read of Y made before A set Y for that entry, and B
/// freed Y after A set it, in memory's order. (B's cs_exit may come before A's
/// set: the release is the write after it.)
bool bPassedTheFlagBesideA(const Trace& trace) {
    const auto spans = criticalSections(trace);
    const CriticalSectionSpan* last = nullptr;
    for (const CriticalSectionSpan& span : spans)
        if (span.worker == 0) last = &span;
    if (last == nullptr || last->guardWrite == kNoEvent) return false;
    return std::any_of(spans.begin(), spans.end(), [&](const CriticalSectionSpan& span) {
        if (span.worker != 1 || span.decidingRead == kNoEvent || span.guardWrite == kNoEvent) return false;
        const std::uint64_t release = releaseWrite(trace, span);
        return span.decidingRead < last->guardWrite && release != kNoEvent && release > last->guardWrite;
    });
}

} // namespace

TEST_CASE("killing the holder (--kill) on a spin lock: the others spin until the watchdog, 20 of 20",
          "[integration][kill][locks]") {
    for (const char* scenario : {"tas-mutex", "cas-lock", "ticket-lock"})
        requireOutcome(scenario, true, false, "a spin lock has no owner");
}

TEST_CASE("killing the holder (--kill) on the semaphore: its permit is gone for good, 20 of 20",
          "[integration][kill][locks]") {
    requireOutcome("semaphore", true, false, "the permit A held is gone for good");
}

TEST_CASE("killing the holder (--kill) on the robust mutex: the next locker recovers it and the run goes on, 20 of 20",
          "[integration][kill][locks]") {
    requireOutcome("pthread-mutex", false, true, "EOWNERDEAD");
}

TEST_CASE("killing the holder (--kill) on the naive flag: the flag stays in use, unless B was inside too, 20 of 20",
          "[integration][kill]") {
    const auto shmBefore = devShmEntries();
    int stuck = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
        INFO("trial " << trial + 1 << " of " << kTrials);
        const Trace trace = killRun("naive-flag", 20'000);
        const Analysis analysis = analyse(trace);
        INFO("stop reason: " << trace.stopReason);
        REQUIRE(analysis.fault.has_value());
        INFO("sentence: " << analysis.fault->sentence);
        CHECK(analysis.fault->killed == std::vector<std::uint32_t>{0});
        CHECK(trace.workers[0].exit.how == WorkerExit::How::Killed);
        if (analysis.fault->stoppedByWatchdog) {
            // Y stays "in use": B waits on it until the watchdog.
            ++stuck;
            CHECK_THAT(analysis.fault->sentence, Catch::Matchers::Contains("stays \"in use\" forever"));
        } else {
            // B can only have gone on if the flag let it through beside A (it
            // read Y free before A set it) and B freed Y on its way out.
            CHECK(bPassedTheFlagBesideA(trace));
            CHECK_THAT(analysis.fault->sentence, Catch::Matchers::Contains("B went on to the end"));
        }
        CHECK(liveChildrenOf(getpid()).empty());
    }
    INFO(stuck << " of " << kTrials << " runs ended with B waiting on Y");
    requireNoLeftovers(shmBefore);
}
