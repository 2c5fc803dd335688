// Step mode and replay with channels, on real processes: a call that must
// wait is announced as such, a worker stepped into it is blocked (and cannot
// be stepped) until another worker's step gives it data or space, and a
// replay forces the same order of sends and receives.
#include "support/integration_support.hpp"

#include "lab/schedule_policy.hpp"
#include "lab/schedule_replay.hpp"
#include "lab/step_controller.hpp"

#include <map>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

constexpr std::uint32_t kWriter = 0, kReader = 1;

std::unique_ptr<StepController> startStepping(const std::string& scenario, std::uint64_t iterations) {
    auto controller = StepController::start(options(scenario, 2, iterations, 0));
    if (!controller) FAIL("step mode did not start: " << controller.error());
    return std::move(*controller);
}

std::string nextWords(StepController& controller, std::uint32_t worker) {
    const auto next = controller.next(worker);
    return next ? describeAccess(controller.scenario().info, *next) : "(none)";
}

std::size_t countKind(const Trace& trace, EventKind kind, std::uint32_t worker) {
    return static_cast<std::size_t>(std::count_if(trace.events.begin(), trace.events.end(), [&](const Event& e) {
        return e.kind == kind && e.worker == worker;
    }));
}

/// Per worker, the tags of the messages it received, in order.
std::map<std::uint32_t, std::vector<std::int64_t>> receivedTags(const Trace& trace) {
    std::map<std::uint32_t, std::vector<std::int64_t>> tags;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::Receive) tags[e.worker].push_back(e.value);
    return tags;
}

std::set<std::uint32_t> blockedWorkers(const Trace& trace) {
    std::set<std::uint32_t> workers;
    for (const Event& e : trace.events)
        if (e.kind == EventKind::BlockedBegin) workers.insert(e.worker);
    return workers;
}

} // namespace

TEST_CASE("a read from an empty pipe is announced as blocking, blocks when stepped, and A's write wakes it",
          "[integration][step][channels]") {
    auto controller = startStepping("pipe", 3);
    CHECK(nextWords(*controller, kWriter) == "write into pipe P");
    CHECK(nextWords(*controller, kReader) == "read from pipe P (empty: will block)");

    REQUIRE(controller->step(kReader).has_value());
    CHECK(controller->where(kReader) == WorkerStep::Blocked);
    CHECK_FALSE(controller->next(kReader).has_value());
    const auto blocked = controller->blockedIn(kReader);
    REQUIRE(blocked.has_value());
    CHECK(blocked->first == 0);
    CHECK_FALSE(blocked->second);
    CHECK(describeBlocked(controller->scenario().info, blocked->first, blocked->second) ==
          "blocked in read from pipe P (empty)");
    const auto refused = controller->step(kReader);
    REQUIRE_FALSE(refused.has_value());
    CHECK_THAT(refused.error(), Catch::Matchers::Contains("is blocked"));
    CHECK(controller->stuck().empty()); // A can still write

    REQUIRE(controller->step(kWriter).has_value());
    // The write woke B: it read the message and waits at its next read, which
    // finds the pipe empty again.
    CHECK(controller->where(kReader) == WorkerStep::AtGate);
    CHECK(nextWords(*controller, kReader) == "read from pipe P (empty: will block)");
    REQUIRE(controller->step(kWriter).has_value());
    CHECK(nextWords(*controller, kReader) == "read from pipe P");

    const Trace trace = controller->finish();
    CHECK(countKind(trace, EventKind::BlockedBegin, kReader) >= 1);
    CHECK(countKind(trace, EventKind::BlockedEnd, kReader) == countKind(trace, EventKind::BlockedBegin, kReader));
    CHECK(receivedTags(trace)[kReader] ==
          std::vector<std::int64_t>{messageTag(kWriter, 0), messageTag(kWriter, 1), messageTag(kWriter, 2)});
}

TEST_CASE("a write into a full pipe blocks when stepped and the reader's steps make room",
          "[integration][step][channels]") {
    // 16,384 bytes of page-sized messages: four fit, and the fifth must wait.
    auto controller = startStepping("pipe", 20);
    for (int written = 0; written < 4; ++written) {
        REQUIRE(controller->next(kWriter).has_value());
        CHECK(controller->next(kWriter)->outlook != CallOutlook::MustWait);
        REQUIRE(controller->step(kWriter).has_value());
        REQUIRE(controller->where(kWriter) == WorkerStep::AtGate);
    }
    CHECK(nextWords(*controller, kWriter) == "write into pipe P (full: will block)");
    REQUIRE(controller->step(kWriter).has_value());
    CHECK(controller->where(kWriter) == WorkerStep::Blocked);
    // One read frees a page: A's write goes through and A waits at its next one.
    REQUIRE(controller->step(kReader).has_value());
    CHECK(controller->where(kWriter) == WorkerStep::AtGate);
    CHECK(nextWords(*controller, kWriter) == "write into pipe P (full: will block)");
    const Trace trace = controller->finish();
    CHECK(countKind(trace, EventKind::BlockedBegin, kWriter) >= 1);
    CHECK(countKind(trace, EventKind::WouldBlock, kWriter) == 0);
}

TEST_CASE("stepping pipe-forgot-close to its end says why the reader can never go on",
          "[integration][step][channels]") {
    auto controller = startStepping("pipe-forgot-close", 2);
    for (int step = 0; step < 100; ++step) {
        std::optional<std::uint32_t> ready;
        for (std::uint32_t k = 0; k < 2 && !ready; ++k)
            if (controller->next(k)) ready = k;
        if (!ready) break;
        REQUIRE(controller->step(*ready).has_value());
    }
    CHECK(controller->where(kWriter) == WorkerStep::Finished);
    CHECK(controller->where(kReader) == WorkerStep::Blocked);
    CHECK_THAT(controller->stuck(), Catch::Matchers::Contains("B is blocked in read() forever"));
}

TEST_CASE("a free pipe run replays with the same messages, findings and blocked workers",
          "[integration][replay][channels]") {
    for (const char* scenario : {"pipe", "mq-blocking", "mq-nonblocking"}) {
        INFO(scenario);
        RunOptions o = options(scenario, 2, 60, 20'000);
        const Trace original = runOrFail(o);
        auto replayed = replayTrace(original);
        REQUIRE(replayed.has_value());
        INFO(replayed->divergence.value_or(""));
        CHECK_FALSE(replayed->divergence.has_value());
        CHECK(receivedTags(replayed->trace) == receivedTags(original));
        CHECK(blockedWorkers(replayed->trace) == blockedWorkers(original));
        CHECK(countKind(replayed->trace, EventKind::MessageDropped, kWriter) ==
              countKind(original, EventKind::MessageDropped, kWriter));
    }
}

TEST_CASE("under one schedule with a fast producer, mq-blocking's producer waits and mq-nonblocking's drops",
          "[integration][policy][channels]") {
    // The producer makes three calls for each of the consumer's: the queue (4) fills.
    auto runs =
        runAlternating({comparisonOptions("mq-blocking", 2, 12), comparisonOptions("mq-nonblocking", 2, 12)}, {3, 1});
    REQUIRE(runs.has_value());
    REQUIRE(runs->size() == 2);
    const Trace& blocking = (*runs)[0].trace;
    const Trace& nonBlocking = (*runs)[1].trace;
    CHECK(countKind(blocking, EventKind::BlockedBegin, kWriter) > 0);
    CHECK(countKind(blocking, EventKind::WouldBlock, kWriter) == 0);
    CHECK(receivedTags(blocking)[kReader].size() == 12);

    const std::size_t failed = countKind(nonBlocking, EventKind::WouldBlock, kWriter);
    const std::size_t dropped = countKind(nonBlocking, EventKind::MessageDropped, kWriter);
    CHECK(failed > 0);
    CHECK(dropped == failed); // this producer drops every item a send could not place
    // Twelve items and the end mark: each one either sent or dropped.
    CHECK(countKind(nonBlocking, EventKind::Send, kWriter) + dropped == 13);
    CHECK(receivedTags(nonBlocking)[kReader].size() == countKind(nonBlocking, EventKind::Send, kWriter));
}
