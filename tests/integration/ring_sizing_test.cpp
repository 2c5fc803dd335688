// The rings are sized to the run: with the race window at zero, two workers
// produce events faster than the parent, sharing a core with them, can drain
// (-w 2 -n 400,000 dropped 8 M of 12 M events with the old fixed rings), so
// what the parent cannot take while they race must wait in the ring. Exact:
// an ordinary run drops nothing, and every access of every iteration is there.
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
