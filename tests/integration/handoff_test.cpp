// The shared-memory handoffs with real processes: without synchronisation the
// reader sees torn messages, misses some and reads some twice (a race must
// show: several runs, a window wide enough); with the ready flag no handoff
// may ever break (exact, over many runs), and the waiting shows as spins.
#include "support/integration_support.hpp"

namespace racetrace::testing {
namespace {

Analysis runAndAnalyse(const std::string& scenario, std::uint64_t iterations) {
    RunOptions o;
    o.scenario = scenario;
    o.workers = 0;
    o.iterations = iterations;
    const Trace trace = runOrFail(o);
    REQUIRE(trace.stopReason.empty());
    REQUIRE(trace.droppedTotal() == 0);
    return analyse(trace);
}

TEST_CASE("shm-handoff: torn, lost and repeated messages appear within a few runs", "[integration][handoff]") {
    std::uint64_t torn = 0, lost = 0, twice = 0;
    for (int run = 0; run < 10 && (torn == 0 || lost == 0 || twice == 0); ++run) {
        const Analysis analysis = runAndAnalyse("shm-handoff", 2000);
        torn += analysis.count(FindingKind::TornHandoff);
        lost += analysis.count(FindingKind::LostHandoff);
        twice += analysis.count(FindingKind::RepeatedRead);
    }
    CHECK(torn > 0);
    CHECK(lost > 0);
    CHECK(twice > 0);
}

TEST_CASE("shm-ready-flag: no handoff ever breaks, and both workers spin", "[integration][handoff]") {
    for (int run = 0; run < 10; ++run) {
        RunOptions o;
        o.scenario = "shm-ready-flag";
        o.workers = 0;
        o.iterations = 500;
        const Trace trace = runOrFail(o);
        REQUIRE(trace.stopReason.empty());
        REQUIRE(trace.droppedTotal() == 0);
        const Analysis analysis = analyse(trace);
        for (FindingKind kind :
             {FindingKind::BlankRead, FindingKind::TornHandoff, FindingKind::LostHandoff, FindingKind::RepeatedRead})
            CHECK(analysis.count(kind) == 0);
        CHECK_FALSE(analysis.raced());
        const auto gets = std::count_if(trace.events.begin(), trace.events.end(),
                                        [](const Event& e) { return e.kind == EventKind::RecordCheck && e.aux == 0; });
        CHECK(gets == 500); // every message read, once
        CHECK_THAT(analysis.headline, Catch::Matchers::Contains("every message was read once and whole"));
    }
}

} // namespace
} // namespace racetrace::testing
