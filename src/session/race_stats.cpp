#include "session/race_stats.hpp"

#include "analysis/findings.hpp"
#include "lab/run.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

namespace racetrace {

const SweepKnobInfo& sweepKnobInfo(SweepKnob knob) {
    for (const SweepKnobInfo& info : kSweepKnobs)
        if (info.knob == knob) return info;
    return kSweepKnobs[0];
}

namespace {

std::optional<std::uint64_t> wholeNumber(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::string knobNames() {
    std::string names;
    for (const SweepKnobInfo& info : kSweepKnobs)
        names += (names.empty() ? "" : ", ") + std::string(info.name);
    return names;
}

/// Sets the knob, or says why `value` is not one it takes.
Result<void> setKnob(RunOptions& options, SweepKnob knob, const std::string& value) {
    if (knob == SweepKnob::Pin) {
        const auto pin = pinModeFromName(value);
        if (!pin) return fail("--sweep pin takes spread, same or none, not '" + value + "'.");
        options.pin = *pin;
        return {};
    }
    const auto number = wholeNumber(value);
    if (!number)
        return fail("--sweep " + std::string(sweepKnobInfo(knob).name) + " takes whole numbers, not '" + value + "'.");
    // 0 would mean "the scenario's own" to a run: a sweep names every value.
    if (*number == 0 && knob != SweepKnob::WindowNs)
        return fail("--sweep " + std::string(sweepKnobInfo(knob).name) + " takes numbers from 1, not 0.");
    switch (knob) {
    case SweepKnob::WindowNs: options.windowNs = *number; break;
    case SweepKnob::Workers: options.workers = static_cast<std::uint32_t>(std::min<std::uint64_t>(*number, ~0u)); break;
    case SweepKnob::Iterations: options.iterations = *number; break;
    case SweepKnob::MessageBytes:
        options.messageBytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(*number, ~0u));
        break;
    case SweepKnob::Pin: break;
    }
    return {};
}

} // namespace

Result<Sweep> parseSweep(std::string_view text, const RunOptions& base) {
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos)
        return fail("--sweep needs a knob and its values, like window-ns=0,500,2000 (knobs: " + knobNames() + ").");
    Sweep sweep;
    const std::string_view name = text.substr(0, equals);
    bool known = false;
    for (const SweepKnobInfo& info : kSweepKnobs)
        if (info.name == name) sweep.knob = info.knob, known = true;
    if (!known) return fail("--sweep cannot vary '" + std::string(name) + "'; it varies " + knobNames() + ".");
    std::string_view values = text.substr(equals + 1);
    while (!values.empty()) {
        const std::size_t comma = values.find(',');
        sweep.values.emplace_back(values.substr(0, comma));
        values = comma == std::string_view::npos ? std::string_view() : values.substr(comma + 1);
    }
    if (sweep.values.empty()) return fail("--sweep " + std::string(name) + "= lists no values.");
    for (const std::string& value : sweep.values) {
        RunOptions options = base;
        if (auto set = setKnob(options, sweep.knob, value); !set) return fail(set.error());
        if (auto valid = validateRunOptions(options); !valid) return fail("--sweep " + value + ": " + valid.error());
        if (auto fits = checkChannelOptions(options); !fits) return fail("--sweep " + value + ": " + fits.error());
    }
    return sweep;
}

RunOptions optionsAt(const RunOptions& base, const Sweep& sweep, const std::string& value) {
    RunOptions options = base;
    (void)setKnob(options, sweep.knob, value); // checked by parseSweep
    return options;
}

Interval wilsonInterval(std::uint64_t successes, std::uint64_t trials, double z) {
    if (trials == 0) return {0.0, 1.0};
    const double n = static_cast<double>(trials);
    const double p = static_cast<double>(std::min(successes, trials)) / n;
    const double z2 = z * z;
    const double denominator = 1.0 + z2 / n;
    const double centre = (p + z2 / (2.0 * n)) / denominator;
    const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

namespace {

/// Sums over the runs of a point, turned into a PointOutcome at the end.
struct PointSums {
    std::uint64_t runs = 0, races = 0;
    std::vector<double> overlaps, lost;
};

Spread spreadOf(const std::vector<double>& values) {
    Spread spread;
    if (values.empty()) return spread;
    for (const double v : values)
        spread.mean += v;
    spread.mean /= static_cast<double>(values.size());
    double squares = 0.0;
    for (const double v : values)
        squares += (v - spread.mean) * (v - spread.mean);
    spread.deviation = values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
    return spread;
}

PointOutcome outcomeOf(const PointSums& sums, bool traced) {
    PointOutcome outcome;
    outcome.runs = sums.runs;
    outcome.races = sums.races;
    outcome.interval = wilsonInterval(sums.races, sums.runs);
    if (traced) outcome.overlapsPer1000 = spreadOf(sums.overlaps);
    outcome.lostPer1000 = spreadOf(sums.lost);
    return outcome;
}

/// Adds one run to its point's sums: traced, what the analysis found;
/// untraced, whether an invariant broke and by how much the counter fell short.
void addRun(PointSums& sums, const Trace& trace, bool traced) {
    const double iterations =
        std::max(1.0, static_cast<double>(trace.settings.workers) * static_cast<double>(trace.settings.iterations));
    ++sums.runs;
    if (traced) {
        const Analysis analysis = analyse(trace);
        sums.races += analysis.raced() ? 1 : 0;
        sums.overlaps.push_back(static_cast<double>(analysis.count(FindingKind::Overlap)) * 1000.0 / iterations);
        sums.lost.push_back(static_cast<double>(analysis.count(FindingKind::LostUpdate)) * 1000.0 / iterations);
        return;
    }
    bool broken = false;
    double shortfall = 0.0;
    for (const InvariantResult& result : checkInvariants(trace)) {
        broken = broken || !result.holds;
        if (trace.scenario.variables.at(result.invariant.variable).role == VariableRole::Counter)
            shortfall += static_cast<double>(std::max<std::int64_t>(0, result.invariant.expected - result.actual));
    }
    sums.races += broken ? 1 : 0;
    sums.lost.push_back(shortfall * 1000.0 / iterations);
}

} // namespace

bool StatsReport::complete(const StatsPoint& point) const {
    if (runsPerPoint == 0) return true;
    if (point.traced.runs < runsPerPoint) return false;
    return !untracedToo || (point.untraced && point.untraced->runs >= runsPerPoint);
}

StatsReport plannedReport(const StatsPlan& plan) {
    StatsReport report;
    report.knob = plan.sweep.knob;
    report.values = plan.sweep.values;
    report.runsPerPoint = plan.runs;
    report.untracedToo = plan.untracedToo;
    return report;
}

Result<StatsReport> runStats(const StatsPlan& plan, const std::atomic<bool>& stop, const StatsProgress& progress) {
    StatsReport report = plannedReport(plan);
    const std::uint64_t total = plan.sweep.values.size() * std::uint64_t{plan.runs} * (plan.untracedToo ? 2u : 1u);
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& value : plan.sweep.values) {
        StatsPoint& point = report.points.emplace_back(StatsPoint{value, {}, {}});
        for (const bool traced : {true, false}) {
            if (!traced && !plan.untracedToo) break;
            RunOptions options = optionsAt(plan.base, plan.sweep, value);
            options.traceEnabled = traced;
            PointSums sums;
            for (std::uint32_t k = 0; k < plan.runs && !stop; ++k) {
                auto trace = runToCompletion(options, stop);
                if (!trace) return fail(trace.error());
                if (stop) break; // a run cut short counts for nothing
                if (report.scenario.empty()) {
                    report.scenario = trace->scenario.name;
                    report.workers = trace->settings.workers;
                    report.iterations = trace->settings.iterations;
                }
                addRun(sums, *trace, traced);
                ++report.runsDone;
                (traced ? point.traced : point.untraced.emplace()) = outcomeOf(sums, traced);
                report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                if (progress) progress(report.runsDone, total, report);
            }
        }
        if (stop) break;
    }
    report.stopped = report.runsDone < total;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

} // namespace racetrace
