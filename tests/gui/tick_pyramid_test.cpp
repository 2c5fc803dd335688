// The ticks summarised for the GPU (gui/timeline/tick_pyramid.hpp): every
// bucket on every level must hold exactly the OR of the tick bits of the
// events inside it, say "several" exactly when more than one event is, mark
// the buckets a spin's bar crosses, and those a stay, a lock wait or a blocked
// call touches. Checked against the lane's events and intervals one by one,
// not against the pyramid's own arithmetic.
#include "analysis/critical_sections.hpp"
#include "gui/timeline/tick_pyramid.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "session/document.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
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

/// A sends into a pipe, B receives; now and then B finds it empty and blocks until A's send.
std::shared_ptr<const TraceDocument> pipeDocument(int rounds) {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t pipe = b.addChannel("P", ChannelKind::Pipe, 4 * 512, 512);
    std::mt19937 random(777);
    std::uint64_t ns = 1000;
    for (int r = 0; r < rounds; ++r) {
        const bool blocks = random() % 5 == 0;
        if (blocks) b.blockedBegin(B, ns += 1 + random() % 100, pipe, ChannelDirection::Receive);
        const std::int64_t tag = b.nextTag(A, pipe);
        b.send(A, ns += 1 + random() % 300, pipe);
        if (blocks) b.blockedEnd(B, ns += 2, pipe, ChannelDirection::Receive);
        b.receive(B, ns += 1 + random() % 20, pipe, tag);
    }
    b.exited(A, ns + 10);
    b.exited(B, ns + 20);
    return buildDocument(b.build(), "pipe", "");
}

/// What bucket `b` of `level` must hold, computed from the lane's events.
std::uint16_t expectedBucket(const LaneModel& lane, TimeAxis axis, const TickPyramid& p, std::size_t level,
                             std::size_t b) {
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
    return bits;
}

/// Which intervals touch bucket `b` of `level`: the lane's stays (contended
/// or not), lock waits and blocked calls.
std::uint8_t expectedSpans(const LaneModel& lane, const std::vector<CriticalSectionSpan>& stays, TimeAxis axis,
                           const TickPyramid& p, std::size_t level, std::size_t b) {
    const double width = p.levelWidth(level);
    const std::size_t last = p.levelSize(level) - 1;
    auto bucketOf = [&](double x) { return std::min(last, static_cast<std::size_t>(std::floor(x / width))); };
    std::uint8_t bits = 0;
    auto add = [&](const IntervalRuns& runs, auto bitsOf) {
        for (std::size_t k = 0; k < runs.size(); ++k)
            if (bucketOf(runs.begin(k)) <= b && b <= bucketOf(runs.end(k))) bits |= bitsOf(runs.item(k));
    };
    const int slot = axisSlot(axis);
    add(lane.spans[slot],
        [&](std::uint32_t item) { return TickPyramid::kStay | (stays[item].contended ? TickPyramid::kContended : 0); });
    add(lane.lockWaits[slot], [](std::uint32_t) { return TickPyramid::kLockWait; });
    add(lane.blocked[slot], [](std::uint32_t) { return TickPyramid::kBlocked; });
    return bits;
}

/// A level's interval bits as they must be: each from the intervals touching
/// it, then "contended" on every bucket of a run of stay buckets where one has
/// it (the CPU outlines a merged block of stays heavily if one was contended).
std::vector<std::uint8_t> expectedSpanLevel(const LaneModel& lane, const std::vector<CriticalSectionSpan>& stays,
                                            TimeAxis axis, const TickPyramid& p, std::size_t level) {
    std::vector<std::uint8_t> buckets(p.levelSize(level));
    for (std::size_t b = 0; b < buckets.size(); ++b)
        buckets[b] = expectedSpans(lane, stays, axis, p, level, b);
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

/// How many buckets of the levels checked have each flag.
struct FlagCounts {
    int spins = 0, many = 0, stayed = 0, contended = 0, lockWaits = 0, blocked = 0;
};

/// Every bucket of the finest levels and of the top ones (the middle is the
/// same code) of `worker`'s pyramids, on both axes, as it must be.
FlagCounts checkPyramids(const TraceDocument& document, const TimelineModel& model, std::uint32_t worker) {
    const LaneModel& lane = model.lanes()[worker];
    const auto& stays = document.index.lanes()[worker].spans;
    REQUIRE(lane.size() >= kPyramidMinEvents);
    FlagCounts counts;
    for (const TimeAxis axis : {TimeAxis::RealTime, TimeAxis::EventOrder}) {
        const TickPyramid& p = lane.pyramid[axisSlot(axis)];
        REQUIRE_FALSE(p.empty());
        CHECK(p.levelSize(p.levels() - 1) == 1); // the top level is the whole lane
        for (const std::size_t level :
             {std::size_t{0}, std::size_t{1}, std::size_t{3}, p.levels() - 2, p.levels() - 1}) {
            const std::vector<std::uint8_t> spans = expectedSpanLevel(lane, stays, axis, p, level);
            for (std::size_t b = 0; b < p.levelSize(level); ++b) {
                INFO("worker " << worker << " axis " << axisSlot(axis) << " level " << level << " bucket " << b);
                const std::uint16_t ticks = expectedBucket(lane, axis, p, level, b);
                REQUIRE(p.at(level, b) == ticks);
                REQUIRE(+p.spansAt(level, b) == +spans[b]);
                counts.spins += (ticks & TickPyramid::kSpinCover) != 0;
                counts.many += (ticks & TickPyramid::kMany) != 0;
                counts.stayed += (spans[b] & TickPyramid::kStay) != 0;
                counts.contended += level == 0 && (spans[b] & TickPyramid::kContended) != 0;
                counts.lockWaits += (spans[b] & TickPyramid::kLockWait) != 0;
                counts.blocked += (spans[b] & TickPyramid::kBlocked) != 0;
            }
        }
    }
    return counts;
}

} // namespace

TEST_CASE("tick pyramid: each bucket holds its events' tick kinds, whether there are several, spins and stays",
          "[gui][tick-pyramid]") {
    const auto document = busyDocument(600);
    const TimelineModel model(document);
    const FlagCounts a = checkPyramids(*document, model, A);
    CHECK(a.spins > 0); // the data exercises the flags
    CHECK(a.many > 0);
    CHECK(a.stayed > 0);
    CHECK(a.contended > 0);
    const FlagCounts b = checkPyramids(*document, model, B); // B waited for the lock now and then
    CHECK(b.lockWaits > 0);
    CHECK(b.lockWaits < b.stayed);
    CHECK(a.blocked + b.blocked == 0);
}

TEST_CASE("tick pyramid: a blocked channel call marks the buckets it touches", "[gui][tick-pyramid]") {
    const auto document = pipeDocument(3000);
    const TimelineModel model(document);
    REQUIRE(model.lanes()[B].blocked[0].size() > 100);
    const FlagCounts b = checkPyramids(*document, model, B);
    CHECK(b.blocked > 0);
    CHECK(b.stayed + b.lockWaits == 0);
    CHECK(checkPyramids(*document, model, A).blocked == 0);
}

namespace {

/// `rounds` times: A and B both read the flag free and are inside together.
std::shared_ptr<const TraceDocument> overlapDocument(int rounds) {
    TraceBuilder b(Shape::NaiveFlag);
    std::mt19937 random(99);
    std::uint64_t ns = 1000;
    for (int r = 0; r < rounds; ++r) {
        b.load(A, ns += 1 + random() % 3000, b.guard());
        b.load(B, ns += 1 + random() % 20, b.guard());
        b.store(A, ns += 5, b.guard(), 0);
        b.store(B, ns += 5, b.guard(), 0);
        b.csEnter(A, ns += 5);
        b.csEnter(B, ns += 1 + random() % 200);
        b.csExit(A, ns += 1 + random() % 200);
        b.store(A, ns += 5, b.guard(), 1);
        b.csExit(B, ns += 5);
        b.store(B, ns += 5, b.guard(), 1);
    }
    b.exited(A, ns + 10);
    b.exited(B, ns + 20);
    return buildDocument(b.build(), "overlaps", "");
}

} // namespace

TEST_CASE("band pyramid: a bucket is marked exactly where an overlap band touches it", "[gui][tick-pyramid]") {
    const TimelineModel model(overlapDocument(1200));
    const auto group = std::find_if(model.groups().begin(), model.groups().end(),
                                    [](const FindingGroup& g) { return g.kind == FindingKind::Overlap; });
    REQUIRE(group != model.groups().end());
    for (const int slot : {0, 1}) {
        const IntervalRuns& runs = group->runs[slot];
        const BandPyramid& p = group->bands[slot];
        REQUIRE(runs.size() == 1200);
        REQUIRE_FALSE(p.empty());
        CHECK(p.levelSize(p.levels() - 1) == 1);
        int marked = 0, clear = 0;
        for (const std::size_t level : {std::size_t{0}, std::size_t{2}, p.levels() - 1}) {
            const double width = p.levelWidth(level);
            const std::size_t last = p.levelSize(level) - 1;
            auto bucketOf = [&](double x) { return std::min(last, static_cast<std::size_t>(std::floor(x / width))); };
            std::vector<std::uint8_t> expected(p.levelSize(level), 0);
            for (std::size_t k = 0; k < runs.size(); ++k)
                for (std::size_t b = bucketOf(runs.begin(k)); b <= bucketOf(runs.end(k)); ++b)
                    expected[b] = 1;
            for (std::size_t b = 0; b < expected.size(); ++b) {
                INFO("axis slot " << slot << " level " << level << " bucket " << b);
                REQUIRE(+p.at(level, b) == +expected[b]);
                (expected[b] ? marked : clear) += 1;
            }
        }
        CHECK(marked > 0); // both kinds of bucket are there to check
        CHECK(clear > 0);
    }
    // A group with few bands is drawn on the CPU: no pyramid.
    const TimelineModel few(overlapDocument(static_cast<int>(kPyramidMinBands) - 1));
    for (const FindingGroup& g : few.groups())
        CHECK(g.bands[0].empty());
}

TEST_CASE("fill pyramid: a bucket holds the most messages held at any moment inside it", "[gui][tick-pyramid]") {
    // A step function: the level becomes held[k] at positions[k], irregularly spaced, some points close together.
    std::mt19937 random(4242);
    std::vector<double> positions;
    std::vector<std::uint32_t> held;
    double x = 0.0;
    for (std::size_t k = 0; k < 3 * kPyramidMinPoints; ++k) {
        x += random() % 4 == 0 ? 0.25 : static_cast<double>(random() % 40);
        positions.push_back(x);
        held.push_back(random() % 9);
    }
    const FillPyramid p = buildFillPyramid(positions, held);
    REQUIRE_FALSE(p.empty());
    CHECK(p.after == held.back());
    for (const std::size_t level : {std::size_t{0}, std::size_t{1}, std::size_t{4}, p.levels() - 1}) {
        const double width = p.levelWidth(level);
        const std::size_t last = p.levelSize(level) - 1;
        auto bucketOf = [&](double at) { return std::min(last, static_cast<std::size_t>(std::floor(at / width))); };
        for (std::size_t b = 0; b <= last; ++b) {
            std::uint32_t expected = 0; // the level the bucket starts with, then every level reached inside it
            for (std::size_t k = 0; k < positions.size(); ++k) {
                const std::size_t at = bucketOf(positions[k]);
                if (at < b) expected = held[k];
                if (at == b) expected = std::max(expected, held[k]);
            }
            INFO("level " << level << " bucket " << b);
            REQUIRE(p.at(level, b) == expected);
        }
    }
    // Too few points: the CPU draws them, no pyramid.
    CHECK(buildFillPyramid(std::span(positions).first(kPyramidMinPoints - 1), held).empty());
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
