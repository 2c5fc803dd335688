// Step mode and schedule replay with real processes: the user (or a saved
// schedule) decides which worker makes its next shared access.
#include "support/integration_support.hpp"

#include "lab/schedule_replay.hpp"
#include "lab/step_controller.hpp"
#include "trace/rtrace_file.hpp"

#include <thread>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

/// Steps `controller` until every worker has finished, choosing with `pick`
/// among the workers that still have accesses to make.
template <class Pick> void stepToTheEnd(StepController& controller, Pick pick) {
    for (std::uint64_t step = 0; step < 1'000'000; ++step) {
        std::vector<std::uint32_t> ready;
        for (std::uint32_t k = 0; k < controller.workers(); ++k)
            if (controller.next(k)) ready.push_back(k);
        if (ready.empty()) return;
        const auto stepped = controller.step(ready[pick(step, ready.size())]);
        REQUIRE(stepped.has_value());
    }
    FAIL("the workers never finished");
}

std::unique_ptr<StepController> startStepping(const std::string& scenario, std::uint64_t iterations) {
    auto controller = StepController::start(options(scenario, 2, iterations, 0));
    if (!controller) FAIL("step mode did not start: " << controller.error());
    return std::move(*controller);
}

/// The racy trace of naive-flag when A and B take turns at every access.
Trace alternatingNaiveFlag(std::uint64_t iterations) {
    auto controller = startStepping("naive-flag", iterations);
    stepToTheEnd(*controller, [](std::uint64_t step, std::size_t ready) { return step % ready; });
    return controller->finish();
}

} // namespace

TEST_CASE("step mode records the accesses in exactly the order chosen", "[integration][step]") {
    auto controller = startStepping("naive-flag", 4);
    // A fixed but irregular choice: runs of one worker, then the other.
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    stepToTheEnd(*controller, [&state](std::uint64_t, std::size_t ready) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        return static_cast<std::size_t>(state % ready);
    });
    const std::vector<std::uint32_t> chosen = controller->schedule();
    const Trace trace = controller->finish();
    REQUIRE(trace.droppedTotal() == 0);
    const auto recorded = accessSequence(trace);
    REQUIRE(recorded.size() == chosen.size());
    std::vector<std::uint32_t> recordedWorkers;
    for (const auto& access : recorded)
        recordedWorkers.push_back(access.worker);
    CHECK(recordedWorkers == chosen);
    CHECK(finalCount(trace) <= expectedCount(trace));
}

TEST_CASE("a student can force the naive-flag race step by step", "[integration][step]") {
    auto controller = startStepping("naive-flag", 1);
    const ScenarioInfo& scenario = controller->scenario().info;
    // A reads Y, B reads Y, A sets Y, B sets Y: both think X is theirs.
    const std::uint32_t A = 0, B = 1;
    for (const auto& [worker, expected] :
         std::vector<std::pair<std::uint32_t, std::string>>{{A, "read Y"},
                                                            {B, "read Y"},
                                                            {A, "write Y = 0"},
                                                            {B, "write Y = 0"},
                                                            {A, "enter the critical section"},
                                                            {B, "enter the critical section"}}) {
        const auto next = controller->next(worker);
        REQUIRE(next.has_value());
        CHECK(describeAccess(scenario, *next) == expected);
        REQUIRE(controller->step(worker).has_value());
    }
    // The findings appear live, before the run is over.
    const Analysis live = analyse(controller->snapshot());
    CHECK(live.count(FindingKind::Overlap) >= 1);
    const Trace trace = controller->finish();
    const Analysis analysis = analyse(trace);
    REQUIRE(analysis.count(FindingKind::Overlap) >= 1);
    CHECK_THAT(analysis.findings.front().sentence, Catch::Matchers::Contains("Y = 1"));
}

TEST_CASE("a racy naive-flag trace replays exactly, ten times in a row", "[integration][replay]") {
    TempDir dir;
    const Trace original = alternatingNaiveFlag(20);
    const Analysis before = analyse(original);
    REQUIRE(before.count(FindingKind::Overlap) > 0);
    REQUIRE(before.count(FindingKind::LostUpdate) > 0);
    const std::string path = dir.file("racy.rtrace");
    REQUIRE(saveRtrace(original, path).has_value());
    auto loaded = loadRtrace(path);
    REQUIRE(loaded.has_value());
    const auto schedule = accessSequence(*loaded);
    for (int round = 0; round < 10; ++round) {
        auto replay = replayTrace(*loaded);
        REQUIRE(replay.has_value());
        INFO("round " << round << ": " << replay->divergence.value_or("no divergence"));
        REQUIRE_FALSE(replay->divergence.has_value());
        CHECK(replay->steps == schedule.size());
        CHECK(sameAccesses(accessSequence(replay->trace), schedule));
        const Analysis after = analyse(replay->trace);
        CHECK(after.count(FindingKind::Overlap) == before.count(FindingKind::Overlap));
        CHECK(after.count(FindingKind::LostUpdate) == before.count(FindingKind::LostUpdate));
        CHECK(after.count(FindingKind::TornRecord) == before.count(FindingKind::TornRecord));
        CHECK(finalCount(replay->trace) == finalCount(original));
    }
}

TEST_CASE("a run that stopped part-way replays up to where it stopped, not to the end", "[integration][replay]") {
    // 40 steps of a 1,000-iteration run, then abandoned: the snapshot is the
    // original. Letting the replay's workers finish would add ~30,000 accesses.
    auto controller = startStepping("naive-flag", 1000);
    for (std::uint32_t step = 0; step < 40; ++step)
        REQUIRE(controller->step(step % 2).has_value());
    const Trace original = controller->snapshot();
    controller.reset();
    const auto schedule = accessSequence(original);
    REQUIRE(schedule.size() == 40);
    auto replay = replayTrace(original);
    REQUIRE(replay.has_value());
    INFO(replay->divergence.value_or("no divergence"));
    REQUIRE_FALSE(replay->divergence.has_value());
    CHECK(replay->steps == 40);
    CHECK(sameAccesses(accessSequence(replay->trace), schedule));
}

TEST_CASE("a replay counts its steps as it goes and stops when cancelled", "[integration][replay]") {
    const Trace original = alternatingNaiveFlag(300);
    const std::uint64_t total = accessSequence(original).size();
    ReplayControl control;
    std::optional<Result<ReplayResult>> replay;
    std::thread replaying([&] { replay = replayTrace(original, "/proc/self/exe", &control); });
    // Watch it pass 100 steps, then cancel: it stops at its next step, long before the end.
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (control.stepsDone.load() < 100 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const bool progressed = control.stepsDone.load() >= 100;
    control.cancel.store(true);
    replaying.join();
    REQUIRE(progressed);
    REQUIRE(replay.has_value());
    REQUIRE(replay->has_value());
    CHECK((*replay)->cancelled);
    CHECK((*replay)->steps >= 100);
    CHECK((*replay)->steps < total);
    CHECK_THAT((*replay)->divergence.value_or(""), Catch::Matchers::StartsWith("The replay was cancelled after "));
}

TEST_CASE("a tampered schedule is reported at the step where it stops making sense", "[integration][replay]") {
    Trace trace = alternatingNaiveFlag(5);
    const auto schedule = accessSequence(trace);
    // Change what the 7th read of Y saw: the replay reads the real value there.
    const auto y = *trace.scenario.findVariable("Y");
    std::size_t target = 0;
    for (std::size_t i = 0, reads = 0; i < schedule.size(); ++i)
        if (schedule[i].kind == EventKind::Load && schedule[i].variable == y && ++reads == 7) target = i;
    REQUIRE(target > 0);
    trace.events[schedule[target].event].value += 7;
    auto replay = replayTrace(trace);
    REQUIRE(replay.has_value());
    REQUIRE(replay->divergence.has_value());
    CHECK_THAT(*replay->divergence, Catch::Matchers::StartsWith("Step " + std::to_string(target + 1) + ":"));
    CHECK_THAT(*replay->divergence, Catch::Matchers::Contains("read Y"));

    // A trace from another scenario: the first step already differs.
    Trace foreign = alternatingNaiveFlag(2);
    foreign.scenario = runOrFail(options("tas-mutex", 2, 1, 0)).scenario;
    auto mismatch = replayTrace(foreign);
    REQUIRE(mismatch.has_value());
    REQUIRE(mismatch->divergence.has_value());
    CHECK_THAT(*mismatch->divergence, Catch::Matchers::StartsWith("Step 1:"));
}

TEST_CASE("a read that differed before the step a replay could not follow is the divergence it reports",
          "[integration][replay]") {
    // A read's value is known only once made, a write's at its gate: with the
    // 7th read of Y and a later write of counter both changed, the gate stops
    // the replay at the write, but the read differed first.
    Trace trace = alternatingNaiveFlag(5);
    const auto schedule = accessSequence(trace, Spins::OneStep);
    const auto y = *trace.scenario.findVariable("Y");
    const auto counter = *trace.scenario.findVariable("counter");
    std::size_t read = 0, write = 0;
    for (std::size_t i = 0, reads = 0; i < schedule.size(); ++i) {
        if (schedule[i].kind == EventKind::Load && schedule[i].variable == y && ++reads == 7) read = i;
        if (read > 0 && write == 0 && i > read + 4 && isWrite(schedule[i].kind) && schedule[i].variable == counter)
            write = i;
    }
    REQUIRE(read > 0);
    REQUIRE(write > read);
    trace.events[schedule[read].event].value += 7;
    trace.events[schedule[write].event].value += 7;
    auto replay = replayTrace(trace);
    REQUIRE(replay.has_value());
    REQUIRE(replay->divergence.has_value());
    INFO(*replay->divergence);
    CHECK_THAT(*replay->divergence, Catch::Matchers::StartsWith("Step " + std::to_string(read + 1) + ":") &&
                                        Catch::Matchers::Contains("read Y"));
    CHECK(replay->steps == read);
}

TEST_CASE("a divergence just after a place where no order fits the values says so, one elsewhere does not",
          "[integration][replay]") {
    // The tampered read of the test above diverges; what the clause says
    // depends only on where the trace's order repair listed a conflict.
    Trace trace = alternatingNaiveFlag(5);
    const auto schedule = accessSequence(trace, Spins::OneStep);
    const auto y = *trace.scenario.findVariable("Y");
    std::size_t target = 0;
    for (std::size_t i = 0, reads = 0; i < schedule.size(); ++i)
        if (schedule[i].kind == EventKind::Load && schedule[i].variable == y && ++reads == 7) target = i;
    REQUIRE(target > 3);
    trace.events[schedule[target].event].value += 7;
    const auto conflictAt = [&](std::size_t step) {
        const Event& event = trace.events[schedule[step].event];
        EventOrderRepair repair;
        repair.noteConflict(event);
        return repair;
    };

    trace.orderRepair = conflictAt(target - 3);
    const Event& listed = trace.events[schedule[target - 3].event];
    auto explained = replayTrace(trace);
    REQUIRE(explained.has_value());
    REQUIRE(explained->divergence.has_value());
    INFO(*explained->divergence);
    CHECK(explained->noSingleOrder);
    CHECK_THAT(*explained->divergence, Catch::Matchers::StartsWith("Step " + std::to_string(target + 1) + ":"));
    const std::uint64_t before = schedule[target].event - schedule[target - 3].event;
    CHECK_THAT(
        *explained->divergence,
        Catch::Matchers::Contains("The order repair found no order of the original's accesses that gives "
                                  "every value it recorded there: " +
                                  workerName(listed.worker) + "'s step '") &&
            Catch::Matchers::Contains("' at line " + std::to_string(listed.line + 1) + " (" + std::to_string(before) +
                                      " events earlier) went against every one it found") &&
            Catch::Matchers::EndsWith("so does an order the repair missed), and the replay cannot follow that."));

    for (const bool after : {false, true}) {
        // No conflict listed, or one after the divergence only: a divergence like any other.
        if (after)
            trace.orderRepair = conflictAt(target + 3);
        else
            trace.orderRepair.reset();
        auto plain = replayTrace(trace);
        REQUIRE(plain.has_value());
        REQUIRE(plain->divergence.has_value());
        INFO(*plain->divergence);
        CHECK_FALSE(plain->noSingleOrder);
        CHECK_THAT(*plain->divergence, !Catch::Matchers::Contains("The order repair found no order"));
    }
}

TEST_CASE("abandoning step mode mid-way leaves no process behind", "[integration][step][lifetime]") {
    const auto shmBefore = devShmEntries();
    {
        auto controller = startStepping("naive-flag", 1000);
        for (int i = 0; i < 5; ++i)
            REQUIRE(controller->step(static_cast<std::uint32_t>(i % 2)).has_value());
        CHECK(liveChildrenOf(getpid()).size() == 2);
    }
    CHECK(waitUntilGone(childrenOf(getpid()), std::chrono::milliseconds(2000)).empty());
    requireNoLeftovers(shmBefore);
}

TEST_CASE("step mode loses no event when a worker's steps are granted in long runs", "[integration][step]") {
    // A run of 4,096 steps lets the worker record while the parent drains, and
    // its 64 Ki-event ring wraps five times over: drained pages were once given
    // back after the worker could write into them again, zeroing its new events.
    const auto accessesPerIteration = [] {
        auto one = startStepping("no-sync", 1);
        stepToTheEnd(*one, [](std::uint64_t, std::size_t) { return std::size_t{0}; });
        return one->schedule().size() / 2;
    }();
    constexpr std::uint64_t kIterations = 30'000;
    constexpr std::uint32_t kRun = 4096;
    auto controller = startStepping("no-sync", kIterations);
    for (std::uint32_t worker = 0; worker < 2; ++worker) {
        const std::uint64_t runs = accessesPerIteration * kIterations / kRun - 1;
        for (std::uint64_t r = 0; r < runs; ++r)
            REQUIRE(controller->step(worker, kRun).has_value());
        while (controller->next(worker))
            REQUIRE(controller->step(worker).has_value());
    }
    const std::size_t steps = controller->schedule().size();
    const Trace trace = controller->finish();
    CHECK(trace.droppedTotal() == 0);
    CHECK(accessSequence(trace).size() == steps);
    std::vector<std::uint32_t> nextSeq(2, 0);
    std::uint64_t outOfSequence = 0;
    for (const Event& event : trace.events)
        if (event.worker < 2 && event.seq != nextSeq[event.worker]++) ++outOfSequence;
    CHECK(outOfSequence == 0);
    CHECK(trace.finalValue(0) == static_cast<std::int64_t>(2 * kIterations)); // no-sync's counter, stepped
}
