// Scheduling policies with real processes: "alternate A and B at every access"
// under the naive flag and under the test-and-set lock (the side-by-side view).
#include "support/integration_support.hpp"

#include "analysis/waiting_accesses.hpp"
#include "lab/schedule_policy.hpp"
#include "lab/schedule_replay.hpp"

using namespace racetrace;
using namespace racetrace::testing;

namespace {

std::vector<PolicyRun> runComparison() {
    auto runs = runAlternating({comparisonOptions("naive-flag"), comparisonOptions("tas-mutex")});
    if (!runs) FAIL("the alternating runs failed: " << runs.error());
    REQUIRE(runs->size() == 2);
    return std::move(*runs);
}

/// Every worker ran all its iterations and exited by itself.
void requireFinished(const Trace& trace) {
    INFO(trace.scenario.name << ": " << trace.stopReason);
    REQUIRE(trace.stopReason.empty());
    REQUIRE(trace.droppedTotal() == 0);
    for (const WorkerRecord& worker : trace.workers) {
        CHECK(worker.exit.how == WorkerExit::How::Exited);
        CHECK(worker.iterationsDone == kComparisonIterations);
    }
}

std::vector<std::uint32_t> workersOf(const std::vector<ScheduledAccess>& sequence) {
    std::vector<std::uint32_t> workers;
    for (const auto& access : sequence)
        workers.push_back(access.worker);
    return workers;
}

} // namespace

TEST_CASE("the alternating policy takes turns A, B, A, B and goes on until both have finished",
          "[integration][step][policy]") {
    for (const PolicyRun& run : runComparison()) {
        INFO(run.trace.scenario.name);
        requireFinished(run.trace);
        // Strict alternation while both still have accesses; then the last one
        // takes every turn until it has finished too (nothing ran freely).
        const auto& chosen = run.schedule;
        REQUIRE(chosen.size() > 4);
        std::size_t both = 0;
        while (both + 1 < chosen.size() && chosen[both] != chosen[both + 1])
            ++both;
        for (std::size_t i = 0; i <= both; ++i)
            CHECK(chosen[i] == i % 2);
        for (std::size_t i = both + 1; i < chosen.size(); ++i)
            CHECK(chosen[i] == chosen.back());

        // Every step is one recorded access, and each worker made its own in the
        // order chosen. (Where a worker spun, its repeated accesses are one Spin
        // event, which accessSequence expands at the spin's last repetition: the
        // merged order then groups them, so it is compared exactly only where
        // nothing spun.)
        const auto recorded = accessSequence(run.trace);
        REQUIRE(recorded.size() == chosen.size());
        const auto waits = waitingAccesses(run.trace);
        if (waits == std::vector<std::uint64_t>{0, 0}) CHECK(workersOf(recorded) == chosen);
        for (std::uint32_t k = 0; k < 2; ++k)
            CHECK(std::count(chosen.begin(), chosen.end(), k) ==
                  std::count_if(recorded.begin(), recorded.end(), [k](const auto& a) { return a.worker == k; }));
    }
}

TEST_CASE("under the same alternation the flag lets B in and the lock makes B wait", "[integration][step][policy]") {
    const auto runs = runComparison();
    const Trace& naive = runs[0].trace;
    const Trace& mutex = runs[1].trace;

    const Analysis flag = analyse(naive);
    // Lock-step: both read Y = free, both set it, both enter, in every round.
    CHECK(flag.count(FindingKind::Overlap) == kComparisonIterations);
    CHECK(flag.count(FindingKind::LostUpdate) == kComparisonIterations);
    CHECK(finalCount(naive) == static_cast<std::int64_t>(kComparisonIterations));
    CHECK(waitingAccesses(naive) == std::vector<std::uint64_t>{0, 0}); // nobody ever saw Y = in use

    const Analysis lock = analyse(mutex);
    CHECK(lock.count(FindingKind::Overlap) == 0);
    CHECK(lock.count(FindingKind::LostUpdate) == 0);
    CHECK(finalCount(mutex) == expectedCount(mutex));
    const auto waits = waitingAccesses(mutex);
    REQUIRE(waits.size() == 2);
    INFO("waiting accesses A " << waits[0] << ", B " << waits[1]);
    // A takes L first (it moves first); B finds it held at every turn until A lets go.
    CHECK(waits[1] > 0);
    std::uint64_t failedTries = 0;
    for (const auto& access : accessSequence(mutex))
        failedTries += access.kind == EventKind::Exchange && access.value != 0;
    CHECK(waits[0] + waits[1] == failedTries);
}

TEST_CASE("a policy's schedule replays exactly", "[integration][replay][policy]") {
    for (const PolicyRun& run : runComparison()) {
        INFO(run.trace.scenario.name);
        auto replay = replayTrace(run.trace);
        REQUIRE(replay.has_value());
        INFO(replay->divergence.value_or("no divergence"));
        CHECK_FALSE(replay->divergence.has_value());
        // Every step the policy chose, but a spin's repetitions as one step.
        CHECK(replay->steps == accessCount(run.trace, Spins::OneStep));
        CHECK(replay->steps <= run.schedule.size());

        // The policy's own schedule, given to runSchedule, makes the same run.
        auto again = runSchedule(comparisonOptions(run.trace.scenario.name), run.schedule);
        REQUIRE(again.has_value());
        CHECK(sameAccesses(accessSequence(*again), accessSequence(run.trace)));
    }
}

TEST_CASE("a policy that never lets the other worker go is stopped by the step limit", "[integration][policy]") {
    // Only ever A: under the lock A alone finishes; under the flag too. So give
    // B a turn never and A a limit far below its program: the run must fail
    // with a sentence, not hang or run freely.
    const SchedulePolicy onlyA = [](std::span<const std::uint32_t> ready, std::uint64_t) { return ready.front(); };
    auto run = runPolicy(comparisonOptions("naive-flag"), onlyA, 5);
    REQUIRE_FALSE(run.has_value());
    CHECK_THAT(run.error(), Catch::Matchers::Contains("had not finished after 5 steps"));
}

TEST_CASE("racetrace run --alternate records the alternating run", "[integration][policy][cli]") {
    const auto naive = runCli({"run", "-s", "naive-flag", "--alternate", "-n", "3", "--json"});
    INFO(naive.out << naive.err);
    REQUIRE(naive.exitCode == 0);
    CHECK_THAT(naive.out, Catch::Matchers::Contains("\"overlaps\": 3"));
    const auto lock = runCli({"run", "-s", "tas-mutex", "--alternate", "-n", "3", "--json"});
    INFO(lock.out << lock.err);
    REQUIRE(lock.exitCode == 0);
    CHECK_THAT(lock.out, Catch::Matchers::Contains("\"overlaps\": 0"));
    // Recording is what the alternation is for.
    CHECK(runCli({"run", "--alternate", "--no-trace"}).exitCode == 2);
}
