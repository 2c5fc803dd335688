// Step mode and replay with the kernel's locks, on real processes: a worker
// stepped into sem_wait or pthread_mutex_lock while another holds the lock is
// shown blocked (never asleep where the parent cannot see it, which would
// freeze the window) until the holder's steps release it; the mirror word
// says who holds it; a replay follows a free run's order of takes.
#include "support/integration_support.hpp"

#include "lab/schedule_replay.hpp"
#include "lab/step_controller.hpp"

using namespace racetrace;
using namespace racetrace::testing;

namespace {

constexpr std::uint32_t A = 0, B = 1;

std::size_t countKind(const Trace& trace, EventKind kind, std::uint32_t worker) {
    return static_cast<std::size_t>(std::count_if(trace.events.begin(), trace.events.end(), [&](const Event& e) {
        return e.kind == kind && e.worker == worker;
    }));
}

/// Steps `worker` until its next access is `kind` (at most `limit` steps).
void stepUntilNext(StepController& controller, std::uint32_t worker, EventKind kind, int limit = 50) {
    for (int k = 0; k < limit; ++k) {
        const auto next = controller.next(worker);
        REQUIRE(next.has_value());
        if (next->kind == kind) return;
        REQUIRE(controller.step(worker).has_value());
    }
    FAIL("worker " << workerName(worker) << " never came to a " << eventKindInfo(kind).name);
}

} // namespace

TEST_CASE("stepping into a taken semaphore or mutex blocks the worker until the holder's release wakes it",
          "[integration][step][locks]") {
    const std::string scenario = GENERATE(as<std::string>{}, "semaphore", "pthread-mutex");
    INFO(scenario);
    auto started = StepController::start(options(scenario, 2, 2, 0));
    REQUIRE(started.has_value());
    StepController& controller = **started;

    stepUntilNext(controller, A, EventKind::LockAcquire);
    REQUIRE(controller.step(A).has_value()); // A holds the lock
    stepUntilNext(controller, B, EventKind::LockAcquire);
    REQUIRE(controller.step(B).has_value()); // B finds it taken: blocked, not asleep out of sight
    CHECK(controller.where(B) == WorkerStep::Blocked);
    const auto refused = controller.step(B);
    REQUIRE_FALSE(refused.has_value());
    CHECK_THAT(refused.error(), Catch::Matchers::Contains("waits for a lock"));

    stepUntilNext(controller, A, EventKind::LockRelease);
    REQUIRE(controller.step(A).has_value()); // the release wakes B, which takes the lock
    CHECK(controller.where(B) == WorkerStep::AtGate);

    const Trace trace = controller.finish();
    CHECK(countKind(trace, EventKind::LockWait, B) >= 1);
    CHECK(countKind(trace, EventKind::LockAcquire, A) == 2);
    CHECK(countKind(trace, EventKind::LockAcquire, B) == 2);
    // Every take by B follows a release in the merged order, and the mirror
    // word says who holds the lock: the taker's signature (mutex) or no permit left (semaphore).
    for (const Event& e : trace.events)
        if (e.kind == EventKind::LockAcquire)
            CHECK(e.value == (scenario == "semaphore" ? 0 : static_cast<std::int64_t>(e.worker) + 1));
}

TEST_CASE("a free semaphore or mutex run replays, following every take and release", "[integration][replay][locks]") {
    const std::string scenario = GENERATE(as<std::string>{}, "semaphore", "pthread-mutex");
    INFO(scenario);
    const Trace original = runOrFail(options(scenario, 2, 100, 0));
    auto replayed = replayTrace(original);
    REQUIRE(replayed.has_value());
    INFO(replayed->divergence.value_or(""));
    CHECK_FALSE(replayed->divergence.has_value());
    CHECK(countKind(replayed->trace, EventKind::LockAcquire, A) == 100);
    CHECK(countKind(replayed->trace, EventKind::LockAcquire, B) == 100);
}
