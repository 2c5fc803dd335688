// "How often does it break?": many runs of one scenario across a sweep of one
// knob (the race window, the workers, the pinning, the iterations, the
// message size), each run analysed, counted per point: runs with a race, the
// rate with its Wilson 95 % interval, overlaps and lost updates per 1,000
// iterations. With untracedToo each point is also run with recording off,
// where only the final memory can tell (counter short: updates were lost),
// so the two side by side show what observing costs. `racetrace stats` and
// the window's "How often?" panel both come here.
#pragma once

#include "ipc/result.hpp"
#include "lab/run_options.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

enum class SweepKnob : std::uint8_t { WindowNs, Workers, Pin, Iterations, MessageBytes };

struct SweepKnobInfo {
    SweepKnob knob;
    std::string_view name;  ///< what --sweep takes before '=' (stable): "window-ns"
    std::string_view unit;  ///< after a value in a sentence: " workers", " pinning" (a window has its own words)
    std::string_view title; ///< for people, under a plot's axis or in a menu: "race window (ns)"
};

inline constexpr std::array<SweepKnobInfo, 5> kSweepKnobs = {{
    {SweepKnob::WindowNs, "window-ns", "", "race window (ns)"},
    {SweepKnob::Workers, "workers", " workers", "workers"},
    {SweepKnob::Pin, "pin", " pinning", "pinning to CPUs"},
    {SweepKnob::Iterations, "iterations", " iterations", "iterations per worker"},
    {SweepKnob::MessageBytes, "message-bytes", "-byte messages", "message size (bytes)"},
}};

const SweepKnobInfo& sweepKnobInfo(SweepKnob knob);

struct Sweep {
    SweepKnob knob = SweepKnob::WindowNs;
    std::vector<std::string> values; ///< as given: "0", "500"; "spread", "same"
};

/// "window-ns=0,500,2000" as a Sweep; each value checked against `base` the
/// way a run would check it, so a bad one is refused before anything runs.
Result<Sweep> parseSweep(std::string_view text, const RunOptions& base);
/// `base` with the knob set to `value` (a value parseSweep accepted).
RunOptions optionsAt(const RunOptions& base, const Sweep& sweep, const std::string& value);

/// The Wilson score interval of `successes` in `trials` (95 % for z = 1.96):
/// unlike p ± z·sd it stays inside [0, 1] and is not empty at 0 or n.
struct Interval {
    double low = 0.0, high = 0.0;
};
Interval wilsonInterval(std::uint64_t successes, std::uint64_t trials, double z = 1.959963984540054);

/// Mean and standard deviation over the runs of a point.
struct Spread {
    double mean = 0.0, deviation = 0.0;
};

/// What the runs of one point gave, traced or not.
struct PointOutcome {
    std::uint64_t runs = 0;
    /// Traced: runs in which the analysis found a race. Untraced: runs that
    /// ended with an invariant broken (the counter short), all it can see.
    std::uint64_t races = 0;
    Interval interval;
    std::optional<Spread> overlapsPer1000; ///< nothing untraced: overlaps need the trace
    Spread lostPer1000;                    ///< traced: lost updates found; untraced: the counter's shortfall
    double rate() const { return runs == 0 ? 0.0 : static_cast<double>(races) / static_cast<double>(runs); }
};

struct StatsPoint {
    std::string value;
    PointOutcome traced;
    std::optional<PointOutcome> untraced;
};

struct StatsPlan {
    RunOptions base;
    Sweep sweep;
    std::uint32_t runs = 20; ///< per point (and per point untraced)
    bool untracedToo = false;
};

struct StatsReport {
    std::string scenario;         ///< its name ("naive-flag")
    std::uint32_t workers = 0;    ///< as the first run resolved them (unless swept)
    std::uint64_t iterations = 0; ///< per worker, as the first run resolved them (unless swept)
    SweepKnob knob = SweepKnob::WindowNs;
    std::vector<StatsPoint> points; ///< those begun, in the sweep's order
    /// Every value of the sweep, run or not, so that a plot can give each its
    /// place before its runs begin (empty: only `points` are known).
    std::vector<std::string> values;
    std::uint32_t runsPerPoint = 0; ///< as planned (0: not known, every point counts as complete)
    bool untracedToo = false;       ///< each point is also run with recording off
    std::uint64_t runsDone = 0;
    bool stopped = false; ///< stopped before the end (Ctrl-C, Stop): the points hold what was done
    double seconds = 0.0; ///< wall time of all the runs

    /// All the runs planned for `point` are done (its rate will not move).
    bool complete(const StatsPoint& point) const;
};

/// The report of `plan` before any run: its knob, values and runs per point.
StatsReport plannedReport(const StatsPlan& plan);

/// Told after each run: runs done, runs in all.
using StatsProgress = std::function<void(std::uint64_t done, std::uint64_t total, const StatsReport& sofar)>;

/// Runs the plan; `stop` ends it between runs (a run under way is stopped
/// too). A run that fails to start ends it with that sentence.
Result<StatsReport> runStats(const StatsPlan& plan, const std::atomic<bool>& stop, const StatsProgress& progress = {});

/// The table and the reading, for a terminal.
std::string statsText(const StatsReport& report);
/// One sentence for people: "With a 2,000 ns race window the flag failed in 48 of 50 runs; with 0 ns in 9 of 50."
std::string statsReading(const StatsReport& report);
/// One JSON object: scenario, knob, runs_per_point, stopped, points (value,
/// runs, races, rate, ci_low, ci_high, overlaps_per_1000, lost_per_1000, and
/// untraced when measured).
std::string statsJson(const StatsReport& report);
/// One row per point (and per untraced point), RFC 4180.
std::string statsCsv(const StatsReport& report);

} // namespace racetrace
