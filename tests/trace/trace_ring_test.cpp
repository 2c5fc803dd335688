#include "trace/trace_ring.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <thread>

using namespace racetrace;

namespace {

/// A ring in ordinary memory: the same code the segment uses, minus the sharing.
struct LocalRing {
    explicit LocalRing(std::uint64_t capacity) : slots(new Event[capacity]), capacity(capacity) {}
    RingControl control{};
    std::unique_ptr<Event[]> slots;
    std::uint64_t capacity;
    RingProducer producer() { return {&control, slots.get(), capacity}; }
    RingConsumer consumer() { return {&control, slots.get(), capacity}; }
};

Event numbered(std::uint32_t seq) {
    Event event{};
    event.seq = seq;
    event.value = static_cast<std::int64_t>(seq) * 10;
    event.kind = EventKind::Store;
    return event;
}

} // namespace

TEST_CASE("a ring hands events over in order and wraps around its slots", "[ring]") {
    LocalRing ring(8);
    auto producer = ring.producer();
    auto consumer = ring.consumer();
    std::vector<Event> out;
    std::uint32_t next = 0;
    // 5 rounds of 6 events through 8 slots: the indices wrap several times.
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 6; ++i)
            REQUIRE(producer.push(numbered(next++)));
        REQUIRE(consumer.drain(out) == 6);
    }
    REQUIRE(out.size() == 30);
    for (std::uint32_t i = 0; i < out.size(); ++i) {
        CHECK(out[i].seq == i);
        CHECK(out[i].value == i * 10);
    }
    CHECK(consumer.dropped() == 0);
    CHECK_FALSE(consumer.corrupt());
}

TEST_CASE("a full ring drops and counts instead of blocking", "[ring]") {
    LocalRing ring(4);
    auto producer = ring.producer();
    auto consumer = ring.consumer();
    for (std::uint32_t i = 0; i < 4; ++i)
        REQUIRE(producer.push(numbered(i)));
    CHECK_FALSE(producer.push(numbered(4)));
    CHECK_FALSE(producer.push(numbered(5)));
    CHECK(consumer.dropped() == 2);

    std::vector<Event> out;
    REQUIRE(consumer.drain(out) == 4);
    CHECK(out.back().seq == 3); // the kept events are the first four, untouched
    // Space again after the drain: the producer notices the new tail.
    CHECK(producer.push(numbered(6)));
    REQUIRE(consumer.drain(out) == 1);
    CHECK(out.back().seq == 6);
    CHECK(consumer.dropped() == 2);
}

TEST_CASE("a consumer refuses impossible ring counters written by a scribbling worker", "[ring]") {
    LocalRing ring(4);
    auto consumer = ring.consumer();
    ring.control.head.store(1'000'000); // far more than capacity ahead of the tail
    std::vector<Event> out;
    CHECK(consumer.drain(out) == 0);
    CHECK(out.empty());
    CHECK(consumer.corrupt());
}

TEST_CASE("a producer thread and a consumer thread lose nothing when the ring is drained", "[ring]") {
    LocalRing ring(1024);
    constexpr std::uint32_t kCount = 200'000;
    std::thread producerThread([&] {
        auto producer = ring.producer();
        for (std::uint32_t i = 0; i < kCount; ++i)
            // A full ring drops by design; here the producer retries, to check
            // that nothing published is ever lost or reordered between threads.
            while (!producer.push(numbered(i))) {
            }
    });
    auto consumer = ring.consumer();
    std::vector<Event> out;
    while (out.size() < kCount)
        consumer.drain(out);
    producerThread.join();
    REQUIRE(out.size() == kCount);
    bool ordered = true;
    for (std::uint32_t i = 0; i < kCount; ++i)
        ordered = ordered && out[i].seq == i && out[i].value == i * 10;
    CHECK(ordered);
}
