#include "lab/segment_layout.hpp"

#include <catch2/catch.hpp>

#include <cstddef>

using namespace racetrace;

TEST_CASE("the event record is the 32-byte ABI the ring and the file share", "[abi]") {
    STATIC_REQUIRE(sizeof(Event) == 32);
    STATIC_REQUIRE(offsetof(Event, timestamp) == 0);
    STATIC_REQUIRE(offsetof(Event, value) == 8);
    STATIC_REQUIRE(offsetof(Event, seq) == 16);
    STATIC_REQUIRE(offsetof(Event, aux) == 20);
    STATIC_REQUIRE(offsetof(Event, line) == 24);
    STATIC_REQUIRE(offsetof(Event, variable) == 26);
    STATIC_REQUIRE(offsetof(Event, cpu) == 28);
    STATIC_REQUIRE(offsetof(Event, kind) == 30);
    STATIC_REQUIRE(offsetof(Event, worker) == 31);
}

TEST_CASE("segment structures keep their sizes and cache-line separation", "[abi]") {
    STATIC_REQUIRE(sizeof(RingControl) == 192);
    STATIC_REQUIRE(offsetof(RingControl, tail) == 64);
    STATIC_REQUIRE(offsetof(RingControl, dropped) == 128);
    STATIC_REQUIRE(sizeof(WorkerSlot) == 128);
    STATIC_REQUIRE(offsetof(WorkerSlot, gateEnabled) == 64);
    STATIC_REQUIRE(offsetof(SegmentHeader, go) - offsetof(SegmentHeader, readyCount) >= 64);
    STATIC_REQUIRE(SharedWord::is_always_lock_free);
}

TEST_CASE("the segment geometry places every part page-aligned and in order", "[abi]") {
    const auto g = computeGeometry(5000, 24, 3, 1024);
    CHECK(g.scenarioOffset == 4096);
    CHECK(g.variablesOffset >= g.scenarioOffset + 5000);
    CHECK(g.slotsOffset >= g.variablesOffset + 24 * 8);
    CHECK(g.ringsOffset >= g.slotsOffset + 3 * sizeof(WorkerSlot));
    CHECK(g.ringStride >= sizeof(RingControl) + 1024 * sizeof(Event));
    CHECK(g.totalBytes == g.ringsOffset + 3 * g.ringStride);
    for (auto offset : {g.variablesOffset, g.slotsOffset, g.ringsOffset, g.ringStride})
        CHECK(offset % 4096 == 0);
}
