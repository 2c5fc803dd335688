// The locks really exclude (test-and-set, compare-and-swap, the ticket lock):
// over many runs with the race window at 0 (the most contention), not one
// overlap, lost update or torn record, and the counter is exact every time.
// Any single violation fails. The ticket lock also serves in ticket order.
//
// Cost trade-off (measured on the 2-core machine): a traced 100k-iteration run
// takes ~1.6 s with 2 workers and ~4 s with 4, and with 4 workers on 2 cores the
// parent cannot drain the rings fast enough, so events get dropped (the test at
// the end makes sure the analysis copes with that). So:
//  - counter exactness: 20 runs x 100k iterations, untraced (~0.1 s a run);
//  - findings: 20 traced runs each, sized so that a ring can never fill even if
//    the parent never drained it (2 workers: 50k iterations x ~14 events < 2^20
//    slots; 4 workers: 25k x ~14 < 2^19 slots), and every one must be complete.
#include "support/integration_support.hpp"

#include <functional>
#include <string>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

constexpr int kRuns = 20;

void requireFinishedNormally(const Trace& trace) {
    REQUIRE(trace.stopReason.empty());
    for (const auto& worker : trace.workers) {
        REQUIRE(worker.exit.how == WorkerExit::How::Exited);
        REQUIRE(worker.exit.code == 0);
        REQUIRE(worker.iterationsDone == trace.settings.iterations);
    }
}

void requireExactCounter(const Trace& trace, const Analysis& analysis) {
    REQUIRE(finalCount(trace) == expectedCount(trace));
    const auto* invariant = counterInvariant(trace, analysis);
    REQUIRE(invariant != nullptr);
    REQUIRE(invariant->invariant.expected == expectedCount(trace));
    REQUIRE(invariant->holds);
}

void untracedRuns(std::uint32_t workers, const std::string& scenario = "tas-mutex", int runs = kRuns,
                  std::uint64_t iterations = 100'000) {
    RunOptions o = options(scenario, workers, iterations, 0);
    o.traceEnabled = false;
    for (int run = 1; run <= runs; ++run) {
        INFO(scenario << " run " << run << " of " << runs << ", " << workers << " workers");
        const Trace trace = runOrFail(o);
        requireFinishedNormally(trace);
        REQUIRE(trace.events.empty());
        requireExactCounter(trace, analyse(trace));
    }
}

/// Returns each run's trace to `inspect` after the common checks.
void tracedRuns(std::uint32_t workers, std::uint64_t iterations, const std::string& scenario = "tas-mutex",
                int runs = kRuns, const std::function<void(const Trace&)>& inspect = {}) {
    const RunOptions o = options(scenario, workers, iterations, 0);
    for (int run = 1; run <= runs; ++run) {
        INFO(scenario << " run " << run << " of " << runs << ", " << workers << " workers x " << iterations);
        const Trace trace = runOrFail(o);
        requireFinishedNormally(trace);
        REQUIRE(trace.droppedTotal() == 0);
        const Analysis analysis = analyse(trace);
        INFO("first finding: " << (analysis.findings.empty() ? "none" : analysis.findings.front().sentence));
        REQUIRE(analysis.count(FindingKind::Overlap) == 0);
        REQUIRE(analysis.count(FindingKind::LostUpdate) == 0);
        REQUIRE(analysis.count(FindingKind::TornRecord) == 0);
        REQUIRE(analysis.findings.empty());
        requireExactCounter(trace, analysis);
        for (const auto& record : analysis.records)
            REQUIRE_FALSE(record.torn);

        // Every worker entered the critical section once per iteration.
        std::vector<std::uint64_t> entries(workers, 0);
        for (const Event& e : trace.events)
            if (e.kind == EventKind::CsEnter) ++entries[e.worker];
        for (const auto count : entries)
            REQUIRE(count == iterations);
        if (inspect) inspect(trace);
    }
}

std::uint16_t variableNamed(const Trace& trace, const std::string& name) {
    for (std::size_t v = 0; v < trace.scenario.variables.size(); ++v)
        if (trace.scenario.variables[v].name == name) return static_cast<std::uint16_t>(v);
    FAIL("the trace has no variable " << name);
    return 0;
}

/// The ticket lock's promise, exactly: the k-th entry into the critical
/// section (in the trace's order) is made by the worker that took ticket k.
void requireTicketOrder(const Trace& trace) {
    const std::uint16_t next = variableNamed(trace, "next");
    std::vector<std::int64_t> ticket(trace.workers.size(), -1); // each worker's last ticket
    std::int64_t served = 0;
    for (const Event& e : trace.events) {
        if (e.kind == EventKind::FetchAdd && e.variable == next) ticket[e.worker] = e.value;
        if (e.kind != EventKind::CsEnter) continue;
        INFO("entry " << served << " was made by " << workerName(e.worker) << ", holding ticket " << ticket[e.worker]);
        REQUIRE(ticket[e.worker] == served);
        ++served;
    }
    REQUIRE(served == static_cast<std::int64_t>(trace.settings.iterations * trace.workers.size()));
}

} // namespace

TEST_CASE("tas-mutex counter is exact: 2 workers, 20 x 100k, untraced", "[integration][mutex]") {
    untracedRuns(2);
}

TEST_CASE("tas-mutex counter is exact: 4 workers, 20 x 100k, untraced", "[integration][mutex]") {
    untracedRuns(4);
}

TEST_CASE("tas-mutex traced: never an overlap, lost update or torn record (2 workers)", "[integration][mutex]") {
    tracedRuns(2, 50'000);
}

TEST_CASE("tas-mutex traced: never an overlap, lost update or torn record (4 workers)", "[integration][mutex]") {
    tracedRuns(4, 25'000);
}

// Regression: with 4 workers x 100k on 2 cores the rings can overflow (up to
// millions of events dropped). The first finders then reported overlaps and
// lost updates for a lock that provably worked (the counter is exact): 14,800,
// 26,386 and 74,898 overlaps, 1 to 5 lost updates per run. The finders now
// treat sequence gaps as unknown (analysis/event_gaps.hpp). Rings of 256 events
// make the overflow certain: each worker records ~14 events an iteration and the
// parent drains every 2 ms, far less often than a ring fills.
TEST_CASE("tas-mutex analysis stays clean when rings overflow", "[integration][mutex][dropped]") {
    RunOptions o = options("tas-mutex", 4, 20'000, 0);
    o.ringCapacity = 256;
    const Trace trace = runOrFail(o);
    requireFinishedNormally(trace);
    REQUIRE(trace.droppedTotal() > 0);
    REQUIRE_FALSE(trace.events.empty());
    const Analysis analysis = analyse(trace);
    requireExactCounter(trace, analysis);
    INFO(trace.droppedTotal() << " events dropped, " << trace.events.size() << " kept; first finding: "
                              << (analysis.findings.empty() ? "none" : analysis.findings.front().sentence));
    CHECK(analysis.count(FindingKind::Overlap) == 0);
    CHECK(analysis.count(FindingKind::LostUpdate) == 0);
    CHECK(analysis.count(FindingKind::TornRecord) == 0);
}

// The other spin locks: fewer and shorter runs (each lock is one short
// program); 4 workers on 2 cores is where a lock's mistakes would show.
TEST_CASE("cas-lock counter is exact: 2 and 4 workers, 10 x 50k, untraced", "[integration][mutex][locks]") {
    untracedRuns(2, "cas-lock", 10, 50'000);
    untracedRuns(4, "cas-lock", 10, 50'000);
}

TEST_CASE("cas-lock traced: never an overlap, lost update or torn record (2 and 4 workers)",
          "[integration][mutex][locks]") {
    tracedRuns(2, 20'000, "cas-lock", 8);
    tracedRuns(4, 10'000, "cas-lock", 8);
}

TEST_CASE("ticket-lock counter is exact: 2 and 4 workers, 10 x 20k, untraced", "[integration][mutex][locks]") {
    untracedRuns(2, "ticket-lock", 10, 20'000);
    untracedRuns(4, "ticket-lock", 10, 20'000);
}

TEST_CASE("ticket-lock traced: never shared, and every entry in ticket order (2 and 4 workers)",
          "[integration][mutex][locks]") {
    tracedRuns(2, 20'000, "ticket-lock", 8, requireTicketOrder);
    tracedRuns(4, 10'000, "ticket-lock", 8, requireTicketOrder);
}

// The kernel's locks: a process-shared semaphore and a robust pthread mutex in
// the segment. A waiter sleeps in the kernel, so 4 workers on 2 cores are cheap.
TEST_CASE("the kernel's locks keep the counter exact: 2 and 4 workers, 10 x 20k, untraced",
          "[integration][mutex][locks]") {
    const std::string scenario = GENERATE(as<std::string>{}, "semaphore", "pthread-mutex");
    untracedRuns(2, scenario, 10, 20'000);
    untracedRuns(4, scenario, 10, 20'000);
}

TEST_CASE("the kernel's locks traced: never an overlap, lost update or torn record (2 and 4 workers)",
          "[integration][mutex][locks]") {
    const std::string scenario = GENERATE(as<std::string>{}, "semaphore", "pthread-mutex");
    tracedRuns(2, 10'000, scenario, 8);
    tracedRuns(4, 5'000, scenario, 8);
}
