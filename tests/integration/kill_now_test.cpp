// "Kill A now", with real processes: the window's key kills a worker wherever
// it stands, in a stepped run (A stepped into the critical section, then
// killed: B's steps show what its death left) and in a free run (killed
// while the run goes on). The outcome is the one --kill gives, and nothing is
// left behind.
#include "support/integration_support.hpp"

#include "analysis/findings.hpp"
#include "lab/run.hpp"
#include "lab/schedule_replay.hpp"
#include "lab/step_controller.hpp"

#include <thread>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

constexpr std::uint32_t A = 0, B = 1;

/// Steps `worker` until its next access is on a line inside the critical
/// section (after its cs_enter): it holds the lock.
void stepInside(StepController& controller, std::uint32_t worker) {
    for (int k = 0; k < 50; ++k) {
        REQUIRE(controller.step(worker).has_value());
        const Trace trace = controller.snapshot();
        const bool entered = std::any_of(trace.events.begin(), trace.events.end(), [&](const Event& e) {
            return e.worker == worker && e.kind == EventKind::CsEnter;
        });
        if (entered) return;
    }
    FAIL("worker " << workerName(worker) << " never entered");
}

} // namespace

TEST_CASE("Kill A now in step mode: A killed holding the lock, B spins until the watchdog once freed",
          "[integration][kill][step]") {
    const std::string scenario = GENERATE(as<std::string>{}, "tas-mutex", "semaphore", "pthread-mutex");
    INFO(scenario);
    const auto shmBefore = devShmEntries();
    {
        auto started = StepController::start(options(scenario, 2, 3, 0));
        REQUIRE(started.has_value());
        StepController& controller = **started;
        stepInside(controller, A);
        REQUIRE(controller.kill(A).has_value());
        CHECK(controller.finished(A));
        CHECK_FALSE(controller.kill(A).has_value()); // one sentence, not a second kill
        const auto start = std::chrono::steady_clock::now();
        const Trace trace = controller.finish();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const Analysis analysis = analyse(trace);
        INFO("stop reason: " << trace.stopReason);
        REQUIRE(analysis.fault.has_value());
        INFO("sentence: " << analysis.fault->sentence);
        CHECK(analysis.fault->killed == std::vector<std::uint32_t>{A});
        CHECK(trace.settings.killWorker == A);
        CHECK(trace.settings.killAtEntry == 1);
        CHECK(trace.workers[A].exit.how == WorkerExit::How::Killed);
        if (scenario == "pthread-mutex") {
            // The robust mutex: B is told its owner died and finishes its run.
            CHECK(analysis.fault->recovered == 1);
            CHECK_FALSE(analysis.fault->stoppedByWatchdog);
        } else {
            // Nobody can release what A held: the watchdog, 1 s after the gates opened.
            CHECK(analysis.fault->stoppedByWatchdog);
            CHECK(seconds < 4.0);
        }
        CHECK(analysis.count(FindingKind::Overlap) == 0);
    }
    CHECK(liveChildrenOf(getpid()).empty());
    requireNoLeftovers(shmBefore);
}

TEST_CASE("Kill A now in a free run: A dies at once wherever it is, and the outcome says where",
          "[integration][kill]") {
    const auto shmBefore = devShmEntries();
    {
        // Sized so that no ring overflows (a dropped exit or recovery would hide where A died).
        RunOptions o = options("pthread-mutex", 2, 5'000, 2'000);
        o.watchdogSeconds = 1.0;
        auto started = Run::start(o);
        REQUIRE(started.has_value());
        Run& run = **started;
        // Let both get going, then kill A from outside, as the window's key does.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (run.progress().iterationsPerWorker.at(A) < 100 && std::chrono::steady_clock::now() < deadline) {
            run.pump();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        run.requestKill(A);
        const Trace trace = run.finish();
        const Analysis analysis = analyse(trace);
        INFO("stop reason: " << trace.stopReason << "; events dropped: " << trace.droppedTotal());
        CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("Worker A was killed (kill now)"));
        REQUIRE(analysis.fault.has_value());
        INFO("sentence: " << analysis.fault->sentence);
        CHECK(analysis.fault->killed == std::vector<std::uint32_t>{A});
        CHECK(trace.workers[A].exit.how == WorkerExit::How::Killed);
        // The robust mutex goes on either way: B finishes all its iterations.
        CHECK_FALSE(analysis.fault->stoppedByWatchdog);
        CHECK(trace.workers[B].iterationsDone == 5'000);
        REQUIRE(trace.droppedTotal() == 0);
        // Wherever it was: holding M (the next locker recovers it) or not (nothing to recover).
        const bool recovered = analysis.fault->recovered == 1;
        CHECK(analysis.fault->recovered <= 1);
        CHECK_THAT(analysis.fault->sentence,
                   Catch::Matchers::Contains(recovered ? "EOWNERDEAD" : "outside the critical section"));
        CHECK(trace.settings.killWorker == A);
        CHECK(trace.settings.killAtEntry >= 1);
    }
    CHECK(liveChildrenOf(getpid()).empty());
    requireNoLeftovers(shmBefore);
}

TEST_CASE("a --kill trace replays: A is killed at the same step, and its death does the same",
          "[integration][kill][replay]") {
    const std::string scenario = GENERATE(as<std::string>{}, "semaphore", "pthread-mutex");
    INFO(scenario);
    RunOptions o = options(scenario, 2, 30, 2'000);
    o.kill = KillPlan{A, 2};
    o.watchdogSeconds = 0.3;
    const Trace original = runOrFail(o);
    const Analysis before = analyse(original);
    REQUIRE(before.fault.has_value());
    auto replayed = replayTrace(original, "/proc/self/exe", nullptr);
    REQUIRE(replayed.has_value());
    INFO("divergence: " << replayed->divergence.value_or("none"));
    CHECK_FALSE(replayed->divergence.has_value());
    const Analysis after = analyse(replayed->trace);
    REQUIRE(after.fault.has_value());
    INFO("original: " << before.fault->sentence << "\nreplay: " << after.fault->sentence);
    CHECK(after.fault->killed == before.fault->killed);
    CHECK(after.fault->recovered == before.fault->recovered);
    CHECK(replayed->trace.workers[A].exit.how == WorkerExit::How::Killed);
    CHECK(liveChildrenOf(getpid()).empty());
}
