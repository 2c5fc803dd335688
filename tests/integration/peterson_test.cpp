// Peterson's algorithm on real hardware: with plain loads and stores the x86
// store buffer lets both processes in now and then; with a full fence between
// the stores and the loads, never.
//
// Measured on the 2-core machine (`racetrace run -s peterson --no-trace -n
// 100000`, 16 runs): 1 to 123 updates lost per 100,000 rounds, never 0; with
// --pin spread 1 to 7. So 50 runs of 100,000 rounds (0.1 s each) that all come
// out exact would be astronomically unlikely unless the fence-free version had
// stopped failing. Workers are pinned one per CPU: two spinning processes on
// one CPU would pay a time slice per round (and a single CPU has no store
// buffer between them).
#include "support/integration_support.hpp"

#include <thread>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

bool twoCpus() {
    return std::thread::hardware_concurrency() >= 2;
}

} // namespace

TEST_CASE("peterson without a fence: the store buffer lets both processes in, within 50 runs",
          "[integration][peterson]") {
    if (!twoCpus()) {
        WARN("skipped: store buffering needs two CPUs running at once, and this machine has one");
        return;
    }
    RunOptions o = options("peterson", 2, 100'000, 0, PinMode::Spread);
    o.traceEnabled = false;
    int runs = 0;
    std::int64_t shortfall = 0;
    for (; runs < 50 && shortfall == 0; ++runs) {
        const Trace trace = runOrFail(o);
        REQUIRE(trace.stopReason.empty());
        shortfall = static_cast<std::int64_t>(expectedCount(trace)) - static_cast<std::int64_t>(finalCount(trace));
    }
    INFO("after " << runs << " runs of 100,000 rounds the counter was short by " << shortfall);
    CHECK(shortfall > 0);
}

TEST_CASE("peterson traced: the store buffering that lets both in is found and named, within 40 runs",
          "[integration][peterson][store-buffering]") {
    if (!twoCpus()) {
        WARN("skipped: store buffering needs two CPUs running at once, and this machine has one");
        return;
    }
    // Traced, both in about 8 times per 100,000 rounds (BM_LockCost); 40 runs
    // of 20,000 rounds without one store-buffering finding would mean the
    // finder stopped seeing what the hardware does.
    const RunOptions o = options("peterson", 2, 20'000, 0, PinMode::Spread);
    int runs = 0;
    std::uint64_t found = 0, overlaps = 0;
    std::string sentence;
    for (; runs < 40 && found == 0; ++runs) {
        const Trace trace = runOrFail(o);
        REQUIRE(trace.stopReason.empty());
        const Analysis analysis = analyse(trace);
        found = analysis.count(FindingKind::StoreBuffering);
        overlaps += analysis.count(FindingKind::Overlap);
        for (const Finding& f : analysis.findings)
            if (f.kind == FindingKind::StoreBuffering && sentence.empty()) sentence = f.sentence;
    }
    INFO("after " << runs << " traced runs: " << overlaps << " overlaps, " << found << " store-buffering findings; "
                  << sentence);
    REQUIRE(found > 0);
    CHECK_THAT(sentence, Catch::Contains("wrote flag[") && Catch::Contains("store buffer"));
}

TEST_CASE("peterson-fence: never two processes inside, exact counter, traced and untraced",
          "[integration][peterson][mutex]") {
    RunOptions untraced = options("peterson-fence", 2, 100'000, 0, PinMode::Spread);
    untraced.traceEnabled = false;
    for (int run = 1; run <= 10; ++run) {
        INFO("untraced run " << run);
        const Trace trace = runOrFail(untraced);
        REQUIRE(trace.stopReason.empty());
        REQUIRE(finalCount(trace) == expectedCount(trace));
    }
    const RunOptions traced = options("peterson-fence", 2, 20'000, 0, PinMode::Spread);
    for (int run = 1; run <= 8; ++run) {
        const Trace trace = runOrFail(traced);
        REQUIRE(trace.stopReason.empty());
        REQUIRE(trace.droppedTotal() == 0);
        const Analysis analysis = analyse(trace);
        INFO("traced run " << run << ", first finding: "
                           << (analysis.findings.empty() ? "none" : analysis.findings.front().sentence));
        REQUIRE(analysis.count(FindingKind::Overlap) == 0);
        REQUIRE(analysis.count(FindingKind::LostUpdate) == 0);
        REQUIRE(analysis.count(FindingKind::StoreBuffering) == 0);
        REQUIRE(finalCount(trace) == expectedCount(trace));
    }
}
