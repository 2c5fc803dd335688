// Pipes and message queues with real worker processes: what the kernel
// promises (FIFO per sender, writes of at most PIPE_BUF bytes whole, blocking
// calls that wait, non-blocking ones that fail with EAGAIN) must show in the
// recorded events, exactly; what it does not promise (a large write torn by
// another writer) must show up within a bounded number of trials.
#include "support/integration_support.hpp"

#include "lab/builtin_scenarios.hpp"

#include <map>
#include <set>

namespace racetrace::testing {
namespace {

using namespace std::chrono_literals;

RunOptions channelOptions(const std::string& scenario, std::uint64_t iterations,
                          std::optional<std::uint64_t> windowNs) {
    RunOptions o;
    o.scenario = scenario;
    o.workers = 0; // the scenario's own number: its roles need it
    o.iterations = iterations;
    o.windowNs = windowNs;
    return o;
}

std::size_t countKind(const Trace& trace, EventKind kind, std::optional<std::uint32_t> worker = std::nullopt) {
    return static_cast<std::size_t>(std::count_if(trace.events.begin(), trace.events.end(), [&](const Event& e) {
        return e.kind == kind && (!worker || e.worker == *worker);
    }));
}

/// Checks every receive against the sends: each message received exactly
/// once, in each sender's order, whole (no MessageTorn), and none left over.
/// A sender's sequence may skip only messages it gave up (dropped, or EPIPE).
void requireEveryMessageOnceInOrder(const Trace& trace) {
    std::map<std::int64_t, int> sent;
    std::set<std::int64_t> givenUp;
    for (const Event& e : trace.events) {
        if (e.kind == EventKind::Send) ++sent[e.value];
        if (e.kind == EventKind::MessageDropped || e.kind == EventKind::BrokenPipe) givenUp.insert(e.value);
    }
    std::map<std::uint32_t, std::int64_t> nextExpected; // per sender
    std::size_t received = 0;
    for (const Event& e : trace.events) {
        if (e.kind != EventKind::Receive) continue;
        ++received;
        const auto sender = tagSender(e.value);
        REQUIRE(sender.has_value());
        const auto sequence = static_cast<std::int64_t>(tagSequence(e.value));
        std::int64_t& expected = nextExpected[*sender];
        while (expected < sequence && givenUp.count(messageTag(*sender, static_cast<std::uint64_t>(expected))) != 0)
            ++expected;
        INFO("receive of " << messageName(e.value) << " where message " << expected + 1 << " was due");
        REQUIRE(sequence == expected);
        ++expected;
        REQUIRE(sent[e.value] == 1);
    }
    CHECK(countKind(trace, EventKind::MessageTorn) == 0);
    CHECK(received == countKind(trace, EventKind::Send));
}

TEST_CASE("pipe: every message arrives once, whole and in order, over many runs", "[integration][channels]") {
    for (int run = 0; run < 20; ++run) {
        const Trace trace = runOrFail(channelOptions("pipe", 300, 0));
        REQUIRE(trace.stopReason.empty());
        CHECK(countKind(trace, EventKind::Send) == 300);
        requireEveryMessageOnceInOrder(trace);
    }
}

TEST_CASE("message queue: every message arrives once and in order, over many runs", "[integration][channels]") {
    for (int run = 0; run < 20; ++run) {
        const Trace trace = runOrFail(channelOptions("mq-blocking", 300, 0));
        REQUIRE(trace.stopReason.empty());
        CHECK(countKind(trace, EventKind::Send) == 300);
        requireEveryMessageOnceInOrder(trace);
    }
}

TEST_CASE("four writers of PIPE_BUF bytes never tear a message, over many runs", "[integration][channels]") {
    for (int run = 0; run < 20; ++run) {
        RunOptions o = channelOptions("pipe-many-writers", 200, 0);
        o.messageBytes = run % 2 == 0 ? 4096 : 4000; // at most PIPE_BUF: each write() is atomic
        const Trace trace = runOrFail(o);
        REQUIRE(trace.stopReason.empty());
        REQUIRE(trace.workers.size() == 5);
        CHECK(countKind(trace, EventKind::Send) == 4 * 200);
        requireEveryMessageOnceInOrder(trace);
    }
}

TEST_CASE("writes above PIPE_BUF are torn by other writers within a few runs", "[integration][channels]") {
    // 10,000-byte messages into a 64 KiB pipe that a slow reader keeps full: a
    // write that does not fit waits half-way, and another writer's bytes go
    // in. (Most messages of the first run are torn; 20 runs make a miss
    // practically impossible.)
    std::size_t torn = 0;
    for (int run = 0; run < 20 && torn == 0; ++run) {
        const Trace trace = runOrFail(channelOptions("pipe-many-writers", 300, std::nullopt)); // a slow reader
        REQUIRE(trace.stopReason.empty());
        torn = countKind(trace, EventKind::MessageTorn);
    }
    CHECK(torn > 0);
}

/// The ns worker `worker` spent between BlockedBegin and BlockedEnd.
std::uint64_t blockedNs(const Trace& trace, std::uint32_t worker) {
    std::uint64_t total = 0, began = 0;
    for (const Event& e : trace.events) {
        if (e.worker != worker) continue;
        if (e.kind == EventKind::BlockedBegin) began = e.timestamp;
        if (e.kind == EventKind::BlockedEnd) total += e.timestamp - began;
    }
    return total;
}

TEST_CASE("a blocking producer waits for a slow consumer and never gets EAGAIN", "[integration][channels]") {
    const Trace trace = runOrFail(channelOptions("mq-blocking", 400, 20'000));
    REQUIRE(trace.stopReason.empty());
    CHECK(countKind(trace, EventKind::BlockedBegin, 0) > 0);
    CHECK(countKind(trace, EventKind::BlockedBegin, 0) == countKind(trace, EventKind::BlockedEnd, 0));
    CHECK(blockedNs(trace, 0) > 0);
    CHECK(countKind(trace, EventKind::WouldBlock) == 0);
    CHECK(countKind(trace, EventKind::Send, 0) == 400);
    requireEveryMessageOnceInOrder(trace);
}

TEST_CASE("a non-blocking producer gets EAGAIN instead and drops: sent + dropped = attempted",
          "[integration][channels]") {
    const std::uint64_t items = 400;
    const Trace trace = runOrFail(channelOptions("mq-nonblocking", items, 20'000));
    REQUIRE(trace.stopReason.empty());
    const std::size_t wouldBlock = countKind(trace, EventKind::WouldBlock, 0);
    const std::size_t dropped = countKind(trace, EventKind::MessageDropped, 0);
    const std::size_t sent = countKind(trace, EventKind::Send, 0); // the items and the end mark
    CHECK(wouldBlock > 0);
    CHECK(dropped == wouldBlock); // this producer drops every item a full queue refused
    CHECK(sent - 1 + dropped == items);
    CHECK(countKind(trace, EventKind::WouldBlock, 0) > 0);
    requireEveryMessageOnceInOrder(trace);
}

TEST_CASE("with --when-full retry the non-blocking producer tries again: nothing dropped, every item sent",
          "[integration][channels]") {
    const std::uint64_t items = 400;
    RunOptions o = channelOptions("mq-nonblocking", items, 20'000);
    o.retryWhenFull = true;
    const Trace trace = runOrFail(o);
    REQUIRE(trace.stopReason.empty());
    CHECK(trace.settings.retryWhenFull);
    CHECK(countKind(trace, EventKind::WouldBlock, 0) > 0); // it still met a full queue, and spun
    CHECK(countKind(trace, EventKind::MessageDropped) == 0);
    CHECK(countKind(trace, EventKind::Send, 0) == items + 1); // the items and the end mark
    requireEveryMessageOnceInOrder(trace);
}

TEST_CASE("pipe-forgot-close: the reader blocks forever and the watchdog says why", "[integration][channels]") {
    const auto start = Clock::now();
    const Trace trace = runOrFail(channelOptions("pipe-forgot-close", 5, 0));
    CHECK(secondsSince(start) < 3.0); // the general watchdog would take 5 s
    CHECK_THAT(trace.stopReason,
               Catch::Matchers::Contains("B is blocked in read() forever: B itself still holds the pipe's write end, "
                                         "so pipe P never reports end-of-file"));
    CHECK(countKind(trace, EventKind::Receive, 1) == 5);
    CHECK(countKind(trace, EventKind::EndOfFile) == 0);
}

TEST_CASE("without the kept write end the reader sees end-of-file and exits", "[integration][channels]") {
    TempDir dir;
    auto scenario = loadScenario("pipe-forgot-close");
    REQUIRE(scenario);
    std::string text = scenario->info.source;
    const auto kept = text.find("write_end_kept_by");
    REQUIRE(kept != std::string::npos);
    text.erase(kept, text.find('\n', kept) - kept);
    RunOptions o = channelOptions(dir.write("pipe-closed.toml", text), 5, 0);
    const Trace trace = runOrFail(o);
    CHECK(trace.stopReason.empty());
    CHECK(countKind(trace, EventKind::EndOfFile, 1) == 1);
    CHECK(countKind(trace, EventKind::Receive, 1) == 5);
}

/// The parent's open descriptors (a run must close its channel copies).
std::size_t openDescriptors() {
    std::size_t count = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        (void)entry;
        ++count;
    }
    return count;
}

TEST_CASE("a worker killed in the middle of a channel call ends the run cleanly", "[integration][channels]") {
    const auto shmBefore = devShmEntries();
    const std::size_t fdsBefore = openDescriptors();
    {
        auto run = Run::start(channelOptions("pipe", 1'000'000, 200'000));
        REQUIRE(run);
        std::this_thread::sleep_for(200ms); // the writer is blocked on a full pipe by now
        const auto pids = (*run)->workerPids();
        REQUIRE(kill(pids[1], SIGKILL) == 0); // the reader
        const Trace trace = (*run)->finish();
        CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("SIGKILL"));
        // The writer found nobody reading any more: EPIPE, not a hang.
        CHECK(countKind(trace, EventKind::BrokenPipe, 0) > 0);
    }
    CHECK(openDescriptors() == fdsBefore);
    requireNoLeftovers(shmBefore);
}

TEST_CASE("runs with channels leave no descriptor and no process behind", "[integration][channels]") {
    const auto shmBefore = devShmEntries();
    const std::size_t fdsBefore = openDescriptors();
    for (const char* name : {"pipe", "pipe-many-writers", "mq-blocking", "mq-nonblocking", "pipe-forgot-close"})
        runOrFail(channelOptions(name, 50, 0));
    CHECK(openDescriptors() == fdsBefore);
    requireNoLeftovers(shmBefore);
}

TEST_CASE("bad channel sizes are refused with one sentence naming the option", "[integration][channels]") {
    RunOptions o = channelOptions("pipe", 10, 0);
    o.messageBytes = 20;
    auto refused = Run::start(o);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error(), Catch::Matchers::Contains("--message-bytes"));
    o.messageBytes = 8192;
    o.capacity = 4096; // not one message
    refused = Run::start(o);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error(), Catch::Matchers::Contains("--capacity"));
}

} // namespace
} // namespace racetrace::testing
