// Phases are where long work stops when asked (CancelPhasesWhen): a phase
// that starts after the flag was set throws, on this thread only.
#include "trace/phase_timer.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace racetrace;

TEST_CASE("a phase started after the flag was set throws PhasesCancelled", "[trace][phases]") {
    std::atomic<bool> stop{false};
    const CancelPhasesWhen cancelled(stop);
    PhaseTimer phase("first");
    CHECK_NOTHROW(phase.next("second"));
    stop.store(true);
    CHECK_THROWS_AS(phase.next("third"), PhasesCancelled);
    CHECK_THROWS_AS(PhaseTimer("nested"), PhasesCancelled);
    CHECK(std::string(currentPhase()) == "second"); // the phase that did not start is not announced
}

TEST_CASE("without a flag, or on another thread, phases never throw", "[trace][phases]") {
    CHECK_NOTHROW(PhaseTimer("free"));
    std::atomic<bool> stop{true};
    {
        const CancelPhasesWhen cancelled(stop);
        bool threw = false;
        std::thread other([&] {
            try {
                PhaseTimer phase("elsewhere");
            } catch (const PhasesCancelled&) {
                threw = true;
            }
        });
        other.join();
        CHECK_FALSE(threw);
    }
    CHECK_NOTHROW(PhaseTimer("after the scope"));
    CHECK(currentPhase() == nullptr);
}
