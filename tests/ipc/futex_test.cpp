// Futex wait and wake (ipc/futex.hpp), as a worker sleeps at its step gate:
// a wait ends at its timeout, at a wake, or at once when the word has already
// moved on; and a wake reaches a sleeper in another process too.
//
// Waits that should end early are given timeouts of many seconds, so a wait
// that missed its wake shows as a duration no scheduler delay could explain.
#include "ipc/futex.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <new>
#include <thread>
#include <vector>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace racetrace;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kLongWaitNs = 30'000'000'000; ///< 30 s: never reached unless a wake is lost
constexpr auto kWellShortOfIt = 15s;                 ///< a wait that ended before this was ended by us

std::chrono::nanoseconds elapsedSince(Clock::time_point start) {
    return Clock::now() - start;
}

/// Keeps waking `word` until `done` is set, for at most 20 s (a wake sent
/// before the sleeper got into the kernel is lost, so one is not enough).
void wakeUntil(std::atomic<std::uint32_t>& word, const std::atomic<bool>& done) {
    const auto deadline = Clock::now() + 20s;
    while (!done.load() && Clock::now() < deadline) {
        futexWakeAll(word);
        std::this_thread::sleep_for(1ms);
    }
}

} // namespace

TEST_CASE("futex: a wait on an unchanged word returns at its timeout", "[ipc][futex]") {
    std::atomic<std::uint32_t> word{7};
    const auto start = Clock::now();
    futexWait(word, 7, 30'000'000); // 30 ms, nobody wakes it
    const auto waited = elapsedSince(start);
    const double waitedMs = std::chrono::duration<double, std::milli>(waited).count();
    INFO(waitedMs << " ms");
    CHECK(waited >= 29ms); // it slept (the timeout is relative, so at least this long)
    CHECK(word.load() == 7);

    // Seconds and nanoseconds both count: 1.02 s is not 0.02 s.
    const auto longStart = Clock::now();
    futexWait(word, 7, 1'020'000'000);
    CHECK(elapsedSince(longStart) >= 1s);
}

TEST_CASE("futex: a wait on a word that already changed returns at once", "[ipc][futex]") {
    std::atomic<std::uint32_t> word{1};
    const auto start = Clock::now();
    futexWait(word, 0, kLongWaitNs); // expects 0, finds 1
    CHECK(elapsedSince(start) < kWellShortOfIt);
}

TEST_CASE("futex: futexWakeAll wakes every waiter in other threads", "[ipc][futex]") {
    // The word never changes: only a wake can end these waits early.
    std::atomic<std::uint32_t> word{0};
    constexpr int kWaiters = 3;
    std::atomic<int> finished{0};
    std::atomic<bool> allDone{false};
    std::vector<std::chrono::nanoseconds> waited(kWaiters);
    std::vector<std::thread> waiters;
    for (int k = 0; k < kWaiters; ++k)
        waiters.emplace_back([&, k] {
            const auto start = Clock::now();
            futexWait(word, 0, kLongWaitNs);
            waited[static_cast<std::size_t>(k)] = elapsedSince(start);
            if (finished.fetch_add(1) + 1 == kWaiters) allDone.store(true);
        });
    wakeUntil(word, allDone);
    for (auto& thread : waiters)
        thread.join();
    CHECK(finished.load() == kWaiters);
    for (const auto duration : waited)
        CHECK(duration < kWellShortOfIt);
}

TEST_CASE("futex: a wake reaches a waiter in another process through shared memory", "[ipc][futex]") {
    // The step gate's word lives in a segment shared between processes: the
    // futex must not be process-private.
    void* memory =
        mmap(nullptr, sizeof(std::atomic<std::uint32_t>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(memory != MAP_FAILED);
    auto* word = new (memory) std::atomic<std::uint32_t>(0);

    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        alarm(60);
        const auto start = Clock::now();
        futexWait(*word, 0, kLongWaitNs);
        _exit(elapsedSince(start) < kWellShortOfIt ? 0 : 1);
    }

    int status = 0;
    pid_t reaped = 0;
    const auto deadline = Clock::now() + 20s;
    while ((reaped = waitpid(child, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
        futexWakeAll(*word);
        std::this_thread::sleep_for(1ms);
    }
    if (reaped == 0) { // never woken: end it and fail below
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    CHECK(reaped == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    munmap(memory, sizeof(std::atomic<std::uint32_t>));
}
