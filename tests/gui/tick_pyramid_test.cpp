// The ticks summarised for the GPU (gui/timeline/tick_pyramid.hpp): every
// bucket on every level must hold exactly the OR of the tick bits of the
// events inside it, say "several" exactly when more than one event is, and
// mark the buckets a spin's bar crosses. Checked against the lane's events
// one by one, not against the pyramid's own arithmetic.
#include "analysis/critical_sections.hpp"
#include "gui/timeline/tick_pyramid.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "session/document.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace racetrace;
using namespace racetrace::test;

namespace {

/// Two workers taking the test-and-set lock many times at irregular times,
/// with spins (a failed try repeated), bursts of events closer than a bucket,
/// and now and then B trying while A is inside (A's stay is then contended).
std::shared_ptr<const TraceDocument> busyDocument(int rounds) {
    TraceBuilder b(Shape::TasMutex);
    std::mt19937 random(12345);
    std::uint64_t ns = 1000;
    for (int r = 0; r < rounds; ++r) {
        if (r % 7 == 0) {
            b.load(A, ns += 100, b.guard());
            b.store(A, ns += 5, b.guard(), 1);
            b.csEnter(A, ns += 5);
            b.load(B, ns += 2 + random() % 50, b.guard()); // B begins to wait while A is inside
            b.csExit(A, ns += 5);
            b.store(A, ns += 1, b.guard(), 0);
            b.store(B, ns += 3, b.guard(), 1);
            b.csEnter(B, ns += 2);
            b.csExit(B, ns += 5);
            b.store(B, ns += 1, b.guard(), 0);
            continue;
        }
        for (const std::uint32_t w : {A, B}) {
            ns += 1 + random() % 400;
            b.load(w, ns, b.guard());
            if (random() % 3 == 0) b.spin(w, ns += 50 + random() % 5000, 7);
            b.store(w, ns += 1 + random() % 30, b.guard(), 1);
            b.csEnter(w, ns += 1 + random() % 10);
            b.csExit(w, ns += 1 + random() % 10);
            b.store(w, ns += 1, b.guard(), 0);
        }
    }
    b.exited(A, ns + 10);
    b.exited(B, ns + 20);
    return buildDocument(b.build(), "busy", "");
}

/// What bucket `b` of `level` must hold, computed from the lane's events and its stays.
std::uint16_t expectedBucket(const LaneModel& lane, const std::vector<CriticalSectionSpan>& stays, TimeAxis axis,
                             const TickPyramid& p, std::size_t level, std::size_t b) {
    const double width = p.levelWidth(level);
    const std::size_t last = p.levelSize(level) - 1;
    auto bucketOf = [&](double x) { return std::min(last, static_cast<std::size_t>(std::floor(x / width))); };
    std::uint16_t bits = 0;
    int events = 0;
    for (std::size_t k = 0; k < lane.size(); ++k) {
        const std::uint16_t leaf = lane.maskTree[lane.size() + k];
        const std::size_t at = bucketOf(lane.x(axis, k));
        if (at == b) {
            bits |= leaf & TickPyramid::kKindBits;
            ++events;
        }
        if ((leaf & kSpinBit) && k > 0 && bucketOf(lane.x(axis, k - 1)) <= b && b <= at)
            bits |= TickPyramid::kSpinCover;
    }
    if (events > 1) bits |= TickPyramid::kMany;
    const IntervalRuns& runs = lane.spans[axisSlot(axis)];
    for (std::size_t k = 0; k < runs.size(); ++k)
        if (bucketOf(runs.begin(k)) <= b && b <= bucketOf(runs.end(k)))
            bits |= TickPyramid::kStay | (stays[runs.item(k)].contended ? TickPyramid::kContended : 0);
    return bits;
}

/// A level's buckets as they must be: each from the events and stays inside it,
/// then "contended" on every bucket of a run of stay buckets where one has it
/// (the CPU outlines a merged block of stays heavily if one was contended).
std::vector<std::uint16_t> expectedLevel(const LaneModel& lane, const std::vector<CriticalSectionSpan>& stays,
                                         TimeAxis axis, const TickPyramid& p, std::size_t level) {
    std::vector<std::uint16_t> buckets(p.levelSize(level));
    for (std::size_t b = 0; b < buckets.size(); ++b)
        buckets[b] = expectedBucket(lane, stays, axis, p, level, b);
    for (std::size_t b = 0; b < buckets.size();) {
        std::size_t e = b;
        bool contended = false;
        for (; e < buckets.size() && (buckets[e] & TickPyramid::kStay); ++e)
            contended = contended || (buckets[e] & TickPyramid::kContended);
        for (std::size_t k = b; k < e; ++k)
            buckets[k] |= contended ? TickPyramid::kContended : 0;
        b = std::max(e, b + 1);
    }
    return buckets;
}

} // namespace

TEST_CASE("tick pyramid: each bucket holds its events' tick kinds, whether there are several, spins and stays",
          "[gui][tick-pyramid]") {
    const auto document = busyDocument(600);
    const TimelineModel model(document);
    const LaneModel& lane = model.lanes()[A];
    const auto& stays = document->index.lanes()[A].spans;
    REQUIRE(lane.size() >= kPyramidMinEvents);
    for (const TimeAxis axis : {TimeAxis::RealTime, TimeAxis::EventOrder}) {
        const TickPyramid& p = lane.pyramid[axisSlot(axis)];
        REQUIRE_FALSE(p.empty());
        CHECK(p.levelSize(p.levels() - 1) == 1); // the top level is the whole lane
        int spins = 0, many = 0, stayed = 0, contended = 0;
        // Every bucket of the finest levels and of the top ones (the middle is the same code).
        for (const std::size_t level :
             {std::size_t{0}, std::size_t{1}, std::size_t{3}, p.levels() - 2, p.levels() - 1}) {
            const std::vector<std::uint16_t> buckets = expectedLevel(lane, stays, axis, p, level);
            for (std::size_t b = 0; b < p.levelSize(level); ++b) {
                const std::uint16_t expected = buckets[b];
                INFO("axis " << axisSlot(axis) << " level " << level << " bucket " << b);
                REQUIRE(p.at(level, b) == expected);
                spins += (expected & TickPyramid::kSpinCover) != 0;
                many += (expected & TickPyramid::kMany) != 0;
                stayed += (expected & TickPyramid::kStay) != 0;
                contended += level == 0 && (expected & TickPyramid::kContended) != 0;
            }
        }
        CHECK(spins > 0); // the data exercises the flags
        CHECK(many > 0);
        CHECK(stayed > 0);
        CHECK(contended > 0);
    }
}

TEST_CASE("tick pyramid: a level is chosen as the coarsest one at most as wide as a merge column",
          "[gui][tick-pyramid]") {
    const TimelineModel model(busyDocument(600));
    const TickPyramid& p = model.lanes()[A].pyramid[0];
    REQUIRE_FALSE(p.empty());
    CHECK(p.levelFor(p.bucketWidth * 0.5) == p.levels()); // finer than level 0: the CPU draws
    CHECK(p.levelFor(p.bucketWidth) == 0);
    CHECK(p.levelFor(p.bucketWidth * 1.99) == 0);
    CHECK(p.levelFor(p.bucketWidth * 2.0) == 1);
    CHECK(p.levelFor(p.bucketWidth * 5.0) == 2);
    CHECK(p.levelFor(p.bucketWidth * 1e12) == p.levels() - 1);
}

TEST_CASE("tick pyramid: short lanes have none (the CPU draws them at every zoom)", "[gui][tick-pyramid]") {
    const TimelineModel model(busyDocument(20));
    CHECK(model.lanes()[A].pyramid[0].empty());
    CHECK(model.lanes()[A].pyramid[1].empty());
}
