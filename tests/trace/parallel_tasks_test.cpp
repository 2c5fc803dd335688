// runTasks (trace/parallel_tasks.hpp): every task once, on however many
// threads, and a task's exception reaches the caller after all have stopped.
#include "trace/parallel_tasks.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using namespace racetrace;

TEST_CASE("parallel tasks: every task runs exactly once, each writing its own result", "[trace][parallel]") {
    for (const std::size_t count :
         {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}}) {
        std::vector<int> runs(count, 0);
        std::mutex guard;
        std::set<std::thread::id> threads;
        runTasks(count, [&](std::size_t k) {
            ++runs[k];
            const std::lock_guard lock(guard);
            threads.insert(std::this_thread::get_id());
        });
        CHECK(std::count(runs.begin(), runs.end(), 1) == static_cast<std::ptrdiff_t>(count));
        CHECK(threads.size() <= std::max(1u, std::thread::hardware_concurrency()));
    }
}

TEST_CASE("parallel tasks: a task that throws stops the rest and its exception reaches the caller",
          "[trace][parallel]") {
    std::atomic<std::size_t> ran{0};
    const auto throwing = [&](std::size_t k) {
        ++ran;
        if (k == 3) throw std::runtime_error("task 3 failed");
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // all 10,000 would take a second or more
    };
    CHECK_THROWS_WITH(runTasks(10'000, throwing), "task 3 failed");
    // The others not yet begun were skipped (each thread finishes at most the task in hand).
    CHECK(ran.load() < 1'000);
}

// The window's Stop reaches a phase that starts in a task, on whichever
// thread runs it: the flag is thread-local, so runTasks hands it on.
TEST_CASE("parallel tasks: a phase started in a task stops when the caller's work was stopped", "[trace][parallel]") {
    std::atomic<bool> stop{true};
    std::atomic<std::size_t> started{0}, stopped{0};
    const CancelPhasesWhen scope(stop);
    const auto phaseTask = [&](std::size_t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2)); // every thread has one task under way
        try {
            const PhaseTimer phase("a task's phase");
            ++started;
        } catch (const PhasesCancelled&) {
            ++stopped;
            throw;
        }
    };
    CHECK_THROWS_AS(runTasks(8, phaseTask), PhasesCancelled);
    CHECK(started == 0);
    CHECK(stopped >= 1);
}
