// A lane's ticks and intervals summarised for the GPU. On each level the axis
// is cut into buckets of one width (level 0 the finest, each level twice as
// wide as the one below). Each bucket holds the OR of its events' tick bits,
// whether it holds more than one event and whether a spin's bar crosses it
// (`buckets`), and which intervals cover part of it: a critical-section stay
// (a contended one), a wait for the lock, a blocking channel call (`spans`).
// The window uploads it once per trace; a frame picks the level whose buckets
// are about one merge column wide (a quarter of one for the ticks, whose
// blocks start and end where the column's events do), and shaders/lane_ticks.frag,
// lane_stays.frag and lane_waits.frag look up the buckets under each pixel, so
// drawing a lane costs the CPU the same at any zoom and any number of events.
#pragma once

#include "gui/view_state.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace racetrace {

struct CriticalSectionSpan;
class IntervalRuns;
struct LaneModel;

/// Buckets over an axis, level after level in one array: level 0 the finest,
/// each level twice as wide as the one below, the top one the whole axis.
struct PyramidLevels {
    double bucketWidth = 0.0;              ///< axis units of a level-0 bucket; 0: no pyramid
    std::vector<std::uint32_t> levelStart; ///< each level's first bucket, then the end

    std::size_t levels() const { return levelStart.empty() ? 0 : levelStart.size() - 1; }
    std::uint32_t levelSize(std::size_t level) const { return levelStart[level + 1] - levelStart[level]; }
    double levelWidth(std::size_t level) const { return bucketWidth * static_cast<double>(1ull << level); }
    /// The coarsest level whose buckets are at most `units` wide (a merge
    /// column: finer would cost nothing, coarser would fill the gaps between
    /// columns the CPU leaves); levels() when even level 0 is wider.
    std::size_t levelFor(double units) const;
    /// Levels for `size` (a power of two) level-0 buckets over [0, extent); returns how many buckets in all.
    std::size_t layOut(double extent, std::size_t size);
};

struct TickPyramid : PyramidLevels {
    // `buckets`: the ticks.
    static constexpr std::uint16_t kKindBits = 0x0FFF;    ///< one bit per TickKind
    static constexpr std::uint16_t kSpinCover = 1u << 13; ///< a spin's bar crosses the bucket
    static constexpr std::uint16_t kMany = 1u << 14;      ///< more than one event in the bucket
    // `spans`: what covers part of the bucket.
    static constexpr std::uint8_t kStay = 1u << 0;      ///< a critical-section stay
    static constexpr std::uint8_t kContended = 1u << 1; ///< ... one during which another worker waited
    static constexpr std::uint8_t kLockWait = 1u << 2;  ///< a wait to get into the critical section
    static constexpr std::uint8_t kBlocked = 1u << 3;   ///< a blocking channel call that had to wait

    std::vector<std::uint16_t> buckets; ///< laid out by levelStart, as `spans`
    std::vector<std::uint8_t> spans;

    bool empty() const { return buckets.empty(); }
    std::uint16_t at(std::size_t level, std::size_t bucket) const { return buckets[levelStart[level] + bucket]; }
    std::uint8_t spansAt(std::size_t level, std::size_t bucket) const { return spans[levelStart[level] + bucket]; }
};

/// A channel's fill level (ChannelModel): a bucket holds the most messages
/// the channel held at any moment inside it. shaders/lane_fill.frag draws it.
struct FillPyramid : PyramidLevels {
    std::vector<std::uint16_t> held; ///< laid out by levelStart; capped at 65,535
    std::uint16_t after = 0;         ///< held after the last point, to the right of the last bucket

    bool empty() const { return held.empty(); }
    std::uint16_t at(std::size_t level, std::size_t bucket) const { return held[levelStart[level] + bucket]; }
};

/// Where the overlap bands of one group of workers lie (FindingGroup): a
/// bucket is 1 where a band touches it. shaders/lane_bands.frag paints them.
struct BandPyramid : PyramidLevels {
    std::vector<std::uint8_t> covered; ///< laid out by levelStart

    bool empty() const { return covered.empty(); }
    std::uint8_t at(std::size_t level, std::size_t bucket) const { return covered[levelStart[level] + bucket]; }
};

/// Lanes with fewer events are drawn on the CPU at every zoom: their pyramid is empty.
inline constexpr std::size_t kPyramidMinEvents = 2048;

/// The pyramid of `lane` on `axis`: level 0 has about one bucket per two
/// events. `stays` are the lane's stays (what its `spans` items index), for
/// which of them were contended. The lane's lock waits and blocked calls must
/// be in it already.
TickPyramid buildTickPyramid(const LaneModel& lane, TimeAxis axis, std::span<const CriticalSectionSpan> stays);

/// Channels with fewer fill points are drawn on the CPU at every zoom: their pyramid is empty.
inline constexpr std::size_t kPyramidMinPoints = 2048;

/// The pyramid of `positions` (ascending), where the level becomes `held[k]`
/// at positions[k] and stays until the next: level 0 has about one bucket per
/// two points, over [0, positions.back() + 1).
FillPyramid buildFillPyramid(std::span<const double> positions, std::span<const std::uint32_t> held);

/// Groups with fewer bands are drawn on the CPU at every zoom: their pyramid is empty.
inline constexpr std::size_t kPyramidMinBands = 256;

/// The pyramid of a group's bands over [0, extent): level 0 has about two buckets per band.
BandPyramid buildBandPyramid(const IntervalRuns& bands, double extent);

} // namespace racetrace
