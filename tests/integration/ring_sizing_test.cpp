// The rings are sized to the run: with the race window at zero, two workers
// produce events faster than the parent, sharing a core with them, can drain
// (-w 2 -n 400,000 dropped 8 M of 12 M events with the old fixed rings), so
// what the parent cannot take while they race must wait in the ring. Exact:
// an ordinary run drops nothing, and every access of every iteration is there.
#include "lab/builtin_scenarios.hpp"
#include "lab/run_memory.hpp"
#include "support/integration_support.hpp"

using namespace racetrace;
using namespace racetrace::testing;

TEST_CASE("a fast run keeps every event: rings sized to the run drop nothing", "[integration][rings]") {
    // 2 x 150,000 iterations of the naive flag: ~2.2 M events per worker, twice
    // what the old rings held, made in about half a second.
    RunOptions o = options("naive-flag", 2, 150000, 0);
    const Trace trace = runOrFail(o);
    REQUIRE(trace.stopReason.empty());
    for (const WorkerRecord& worker : trace.workers) {
        INFO("worker " << worker.index);
        CHECK(worker.dropped == 0);
        CHECK(worker.iterationsDone == o.iterations);
    }
    // Each iteration enters the critical section once: every entry is in the trace.
    std::vector<std::uint64_t> entries(trace.workers.size(), 0);
    for (const Event& event : trace.events)
        if (event.kind == EventKind::CsEnter) ++entries[event.worker];
    for (const std::uint64_t count : entries)
        CHECK(count == o.iterations);
}

TEST_CASE("a run's expected events bound what it records, and decide whether memory can hold it",
          "[integration][rings][memory]") {
    for (const std::string scenario : {"naive-flag", "tas-mutex", "no-sync"}) {
        DYNAMIC_SECTION(scenario) {
            RunOptions o = options(scenario, 2, 20000, 200);
            const Trace trace = runOrFail(o);
            auto loaded = loadScenario(scenario);
            REQUIRE(loaded.has_value());
            const RunSettings settings = resolveSettings(o, *loaded);
            const std::uint64_t expected = expectedEvents(*loaded, settings);
            INFO("recorded " << trace.events.size() << ", expected " << expected);
            // An estimate that holds the run (its ring is sized by it), without doubling it.
            CHECK(expected >= trace.events.size());
            CHECK(expected < 2 * trace.events.size());

            CHECK(fitsInMemory(*loaded, settings, o).has_value());
            RunOptions greedy = o;
            greedy.bytesPerEvent = availableMemoryBytes() / expected * 2 + 1;
            const auto refused = fitsInMemory(*loaded, settings, greedy);
            REQUIRE_FALSE(refused.has_value());
            CHECK_THAT(refused.error(), Catch::Matchers::Contains("lower the iterations"));
            RunSettings untraced = settings;
            untraced.traceEnabled = false; // records nothing: needs nothing per event
            CHECK(fitsInMemory(*loaded, untraced, greedy).has_value());
        }
    }
}
