#include "gui/timeline/tick_pyramid.hpp"

#include "analysis/critical_sections.hpp"
#include "gui/timeline/timeline_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace racetrace {

static_assert(TickPyramid::kKindBits == (1u << static_cast<unsigned>(TickKind::Count)) - 1,
              "one bit per tick kind, below the pyramid's flags");

namespace {

std::size_t bucketAt(const PyramidLevels& p, std::size_t size, double x) {
    return std::min(size - 1, static_cast<std::size_t>(std::max(0.0, std::floor(x / p.bucketWidth))));
}

// Level 0 stays within 4 Mi buckets (8 MB per lane and axis with the levels
// above it): finer than that, the few events in view are drawn on the CPU.
constexpr std::size_t kMaxLevelZero = std::size_t{1} << 22;

/// Level 0 from the lane's events: tick bits, the "several events" flag, and
/// the spin bars (from the access a spin repeats to its last repetition).
void fillLevelZero(const LaneModel& lane, TimeAxis axis, TickPyramid& p, std::size_t size) {
    auto bucketOf = [&](double x) { return bucketAt(p, size, x); };
    const std::size_t n = lane.size();
    std::size_t previous = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t b = bucketOf(lane.x(axis, k));
        const std::uint16_t leaf = lane.maskTree[n + k];
        std::uint16_t& bucket = p.buckets[b];
        if (bucket & TickPyramid::kKindBits) bucket |= TickPyramid::kMany;
        bucket |= leaf & TickPyramid::kKindBits;
        if ((leaf & kSpinBit) && k > 0) // consecutive events: the bars never overlap, so O(n + buckets) in all
            for (std::size_t c = previous; c <= b; ++c)
                p.buckets[c] |= TickPyramid::kSpinCover;
        previous = b;
    }
}

/// Level 0's interval flags: `bits` on every bucket an interval of `runs`
/// touches, and `alsoIf` (kContended) as well where `flagged` says so for the
/// interval. A worker is in one interval of a kind at a time, so they do not
/// overlap: O(buckets + intervals) in all.
template <class Flagged>
void fillIntervals(const IntervalRuns& runs, std::uint8_t bits, std::uint8_t alsoIf, Flagged flagged,
                   const PyramidLevels& p, std::size_t size, std::vector<std::uint8_t>& out) {
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const auto all = static_cast<std::uint8_t>(bits | (flagged(runs.item(k)) ? alsoIf : 0));
        for (std::size_t b = bucketAt(p, size, runs.begin(k)), last = bucketAt(p, size, runs.end(k)); b <= last; ++b)
            out[b] |= all;
    }
}

/// Level `level` of `bits` from the one below: each bucket the OR of its two.
void orFromBelow(const PyramidLevels& p, std::size_t level, std::vector<std::uint8_t>& bits) {
    const std::uint32_t below = p.levelStart[level - 1], here = p.levelStart[level];
    for (std::uint32_t b = 0; b < p.levelSize(level); ++b)
        bits[here + b] = bits[below + 2 * b] | bits[below + 2 * b + 1];
}

void fillSpans(const LaneModel& lane, TimeAxis axis, std::span<const CriticalSectionSpan> stays, TickPyramid& p,
               std::size_t size) {
    const int slot = axisSlot(axis);
    const auto contended = [&](std::uint32_t item) { return item < stays.size() && stays[item].contended; };
    const auto never = [](std::uint32_t) { return false; };
    fillIntervals(lane.spans[slot], TickPyramid::kStay, TickPyramid::kContended, contended, p, size, p.spans);
    fillIntervals(lane.lockWaits[slot], TickPyramid::kLockWait, 0, never, p, size, p.spans);
    fillIntervals(lane.blocked[slot], TickPyramid::kBlocked, 0, never, p, size, p.spans);
}

/// The CPU draws a block of stays closer than a merge column as one, with the
/// heavy outline if any of them was contended: so on each level every bucket of
/// a run of stay buckets says "contended" if one of them does.
void spreadContention(TickPyramid& p, std::size_t level) {
    const std::uint32_t start = p.levelStart[level], end = p.levelStart[level + 1];
    for (std::uint32_t b = start; b < end;) {
        if (!(p.spans[b] & TickPyramid::kStay)) {
            ++b;
            continue;
        }
        std::uint32_t e = b;
        bool contended = false;
        for (; e < end && (p.spans[e] & TickPyramid::kStay); ++e)
            contended = contended || (p.spans[e] & TickPyramid::kContended);
        if (contended)
            for (std::uint32_t k = b; k < e; ++k)
                p.spans[k] |= TickPyramid::kContended;
        b = e;
    }
}

} // namespace

std::size_t PyramidLevels::levelFor(double units) const {
    if (levels() == 0 || units < bucketWidth) return levels();
    const auto wanted = static_cast<std::size_t>(std::floor(std::log2(units / bucketWidth) + 1e-9));
    return std::min(wanted, levels() - 1);
}

TickPyramid buildTickPyramid(const LaneModel& lane, TimeAxis axis, std::span<const CriticalSectionSpan> stays) {
    TickPyramid p;
    const std::size_t n = lane.size();
    if (n < kPyramidMinEvents) return p;
    const std::size_t size = std::min(kMaxLevelZero, std::bit_ceil(n / 2));
    const std::size_t total = p.layOut(lane.x(axis, n - 1) + 1.0, size); // x >= 0 on both axes
    p.buckets.assign(total, 0);
    p.spans.assign(total, 0);
    fillLevelZero(lane, axis, p, size);
    fillSpans(lane, axis, stays, p, size);
    spreadContention(p, 0);
    for (std::size_t level = 1; level < p.levels(); ++level) {
        const std::uint32_t below = p.levelStart[level - 1], here = p.levelStart[level];
        for (std::uint32_t b = 0; b < p.levelSize(level); ++b) {
            const std::uint16_t left = p.buckets[below + 2 * b], right = p.buckets[below + 2 * b + 1];
            const bool both = (left & TickPyramid::kKindBits) && (right & TickPyramid::kKindBits);
            p.buckets[here + b] = static_cast<std::uint16_t>(left | right | (both ? TickPyramid::kMany : 0));
        }
        orFromBelow(p, level, p.spans);
        spreadContention(p, level);
    }
    return p;
}

std::size_t PyramidLevels::layOut(double extent, std::size_t size) {
    bucketWidth = extent / static_cast<double>(size);
    levelStart.clear();
    std::size_t start = 0;
    for (std::size_t width = size; width >= 1; start += width, width /= 2)
        levelStart.push_back(static_cast<std::uint32_t>(start));
    levelStart.push_back(static_cast<std::uint32_t>(start));
    return start;
}

BandPyramid buildBandPyramid(const IntervalRuns& bands, double extent) {
    BandPyramid p;
    if (bands.size() < kPyramidMinBands || !(extent > 0.0)) return p;
    const std::size_t size = std::min(kMaxLevelZero, std::bit_ceil(2 * bands.size()));
    p.covered.assign(p.layOut(extent, size), 0);
    fillIntervals(
        bands, 1, 0, [](std::uint32_t) { return false; }, p, size, p.covered);
    for (std::size_t level = 1; level < p.levels(); ++level)
        orFromBelow(p, level, p.covered);
    return p;
}

FillPyramid buildFillPyramid(std::span<const double> positions, std::span<const std::uint32_t> held) {
    FillPyramid p;
    const std::size_t n = std::min(positions.size(), held.size());
    if (n < kPyramidMinPoints) return p;
    const std::size_t size = std::min(kMaxLevelZero, std::bit_ceil(n / 2));
    p.held.assign(p.layOut(positions[n - 1] + 1.0, size), 0);
    const auto capped = [](std::uint32_t v) { return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535)); };
    // Walk the points: a bucket holds the level it starts with (the last
    // point's before it) and every level reached inside it.
    std::uint16_t level = 0;
    std::size_t next = 0; // the first bucket not yet given its starting level
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t b = bucketAt(p, size, positions[k]);
        for (; next <= b; ++next)
            p.held[next] = level;
        level = capped(held[k]);
        p.held[b] = std::max(p.held[b], level);
    }
    for (; next < size; ++next)
        p.held[next] = level;
    p.after = level;
    for (std::size_t l = 1; l < p.levels(); ++l) {
        const std::uint32_t below = p.levelStart[l - 1], here = p.levelStart[l];
        for (std::uint32_t b = 0; b < p.levelSize(l); ++b)
            p.held[here + b] = std::max(p.held[below + 2 * b], p.held[below + 2 * b + 1]);
    }
    return p;
}

} // namespace racetrace
