#include "lab/segment_layout.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

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

namespace {

SegmentPlan plan(std::string_view scenario, std::uint32_t workers, std::uint64_t words, std::uint64_t ringCapacity) {
    SegmentPlan p;
    p.scenarioText = scenario;
    p.wordCount = words;
    p.ringCapacity = ringCapacity;
    p.parameters.workerCount = workers;
    p.parameters.iterations = 7;
    p.parameters.windowNs = 250;
    p.parameters.seed = 99;
    return p;
}

/// A zero-filled, page-aligned buffer as big as the plan's segment.
struct Buffer {
    explicit Buffer(std::uint64_t size) : bytes(size + 4096), size(size) {}
    std::byte* data() {
        auto address = reinterpret_cast<std::uintptr_t>(bytes.data());
        return bytes.data() + ((4096 - address % 4096) % 4096);
    }
    std::vector<std::byte> bytes;
    std::uint64_t size;
};

} // namespace

TEST_CASE("the segment layout places every part page-aligned and in order", "[abi]") {
    const auto l = layoutFor(plan(std::string(5000, 'x'), 3, 24, 1024));
    CHECK(l.scenarioOffset == 4096);
    CHECK(l.variablesOffset >= l.scenarioOffset + 5000);
    CHECK(l.slotsOffset >= l.variablesOffset + 24 * 8);
    CHECK(l.ringsOffset >= l.slotsOffset + 3 * sizeof(WorkerSlot));
    CHECK(l.ringStride >= sizeof(RingControl) + 1024 * sizeof(Event));
    CHECK(l.totalBytes == l.ringsOffset + 3 * l.ringStride);
    for (auto offset : {l.variablesOffset, l.slotsOffset, l.ringsOffset, l.ringStride})
        CHECK(offset % 4096 == 0);
}

TEST_CASE("a worker finds in the segment exactly what the parent wrote", "[abi]") {
    const std::string scenario = "name = \"x\"";
    const SegmentPlan p = plan(scenario, 2, 16, 64);
    Buffer buffer(layoutFor(p).totalBytes);
    auto written = initialiseSegment(buffer.data(), buffer.size, p);
    REQUIRE(written);
    auto view = validateSegment(buffer.data(), buffer.size); // what a worker does with what it inherited
    REQUIRE(view);
    CHECK(view->scenarioText() == scenario);
    CHECK(view->workerCount() == 2);
    CHECK(view->parameters().iterations == 7);
    CHECK(view->parameters().windowNs == 250);
    CHECK(view->parameters().seed == 99);
    CHECK(view->ringCapacity() == 64);
    CHECK(view->slot(1).variable.load() == kNoVariable);
    CHECK(view->slot(1).pinnedCpu == -1);
    view->words()[15].store(42);
    CHECK(written->words()[15].load() == 42);
    CHECK(reinterpret_cast<std::byte*>(view->ringSlots(1)) + 64 * sizeof(Event) <=
          buffer.data() + view->header().layout.totalBytes);
}

TEST_CASE("a segment that does not match this program's ABI is refused with a reason", "[abi]") {
    const SegmentPlan p = plan("x", 2, 8, 64);
    const std::uint64_t size = layoutFor(p).totalBytes;
    auto damaged = [&](auto damage) {
        Buffer buffer(size);
        REQUIRE(initialiseSegment(buffer.data(), size, p));
        auto& header = *reinterpret_cast<SegmentHeader*>(buffer.data());
        const std::uint64_t claimed = damage(header);
        auto view = validateSegment(buffer.data(), claimed);
        return view ? std::string("accepted") : view.error();
    };
    using Catch::Matchers::Contains;
    CHECK_THAT(damaged([&](SegmentHeader& h) { return h.magic = 1, size; }), Contains("another version"));
    CHECK_THAT(damaged([&](SegmentHeader& h) { return h.abiVersion += 1, size; }), Contains("another version"));
    CHECK_THAT(damaged([&](SegmentHeader&) { return size - 4096; }), Contains("does not fit"));
    CHECK_THAT(damaged([&](SegmentHeader& h) { return h.layout.ringCapacity = 48, size; }), Contains("does not fit"));
    CHECK_THAT(damaged([&](SegmentHeader& h) { return h.layout.ringsOffset = size - 100, size; }),
               Contains("does not fit"));
    CHECK_THAT(damaged([&](SegmentHeader& h) { return h.layout.wordCount = ~0ull / 4, size; }),
               Contains("does not fit"));
    CHECK_THAT(damaged([&](SegmentHeader& h) { return h.parameters.workerCount = 100000, size; }),
               Contains("does not fit"));
    CHECK(damaged([&](SegmentHeader&) { return size; }) == "accepted");
    CHECK_FALSE(validateSegment(nullptr, size));
}

TEST_CASE("a worker's note reaches the parent cut to size and without control characters", "[abi]") {
    const SegmentPlan p = plan("x", 2, 8, 64);
    Buffer buffer(layoutFor(p).totalBytes);
    auto view = initialiseSegment(buffer.data(), buffer.size, p);
    REQUIRE(view);
    CHECK(view->note(0).empty());
    view->writeNote(1, "line 3:\tflag[r1] is word 5.\n");
    CHECK(view->note(1) == "line 3: flag[r1] is word 5. ");
    view->writeNote(0, std::string(1000, 'x'));
    CHECK(view->note(0).size() == kNoteBytes - 1);
    // A scribbled note with no terminator is still read only up to its end.
    std::memset(buffer.data() + view->header().layout.notesOffset, 'y', kNoteBytes * 2);
    CHECK(view->note(0).size() == kNoteBytes);
}
