// What `racetrace stats` prints and writes (session/race_stats.hpp): the
// table for a terminal, the one-sentence reading, JSON and CSV.
#include "analysis/plain_words.hpp"
#include "session/race_stats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <vector>

namespace racetrace {

namespace {

std::string fixed(double value, int decimals) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.*f", decimals, value);
    return text;
}

/// "an" before a number said with a vowel: 8, 80, 8,000; 11 and 18 (and 11,000).
std::string article(const std::string& number) {
    const std::string lead = number.substr(0, number.find(','));
    return number.starts_with('8') || lead == "11" || lead == "18" ? "an" : "a";
}

/// "a 2,000 ns race window", "an 8,000 ns race window", "4 workers", "spread pinning".
std::string valueText(SweepKnob knob, const std::string& value) {
    std::string number = value;
    if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        number = groupedNumber(static_cast<std::int64_t>(std::stoull(value)));
    if (knob == SweepKnob::WindowNs)
        return value == "0" ? "no race window" : article(number) + " " + number + " ns race window";
    return number + std::string(sweepKnobInfo(knob).unit);
}

std::string spreadText(const Spread& spread) {
    return fixed(spread.mean, 1) + " ± " + fixed(spread.deviation, 1);
}

/// `text` padded with spaces to `width` columns ("±" is two bytes but one column).
std::string padded(const std::string& text, std::size_t width) {
    std::size_t columns = 0;
    for (const char c : text)
        columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return text + std::string(width > columns ? width - columns : 0, ' ');
}

std::string row(const std::string& value, const PointOutcome& o, bool traced) {
    char text[96];
    std::snprintf(text, sizeof(text), "%-14s %5llu %6llu  %5.2f  %4.2f-%4.2f   ", value.c_str(),
                  static_cast<unsigned long long>(o.runs), static_cast<unsigned long long>(o.races), o.rate(),
                  o.interval.low, o.interval.high);
    const std::string overlaps = traced && o.overlapsPer1000 ? spreadText(*o.overlapsPer1000) : "-";
    return text + padded(overlaps, 16) + spreadText(o.lostPer1000) + "\n";
}

nlohmann::json outcomeJson(const PointOutcome& o) {
    nlohmann::json json = {{"runs", o.runs},
                           {"races", o.races},
                           {"rate", o.rate()},
                           {"ci_low", o.interval.low},
                           {"ci_high", o.interval.high},
                           {"lost_per_1000", o.lostPer1000.mean},
                           {"lost_per_1000_sd", o.lostPer1000.deviation}};
    json["overlaps_per_1000"] = o.overlapsPer1000 ? nlohmann::json(o.overlapsPer1000->mean) : nlohmann::json();
    json["overlaps_per_1000_sd"] = o.overlapsPer1000 ? nlohmann::json(o.overlapsPer1000->deviation) : nlohmann::json();
    return json;
}

std::string csvRow(const std::string& value, const PointOutcome& o, bool traced) {
    const auto number = [](double v) { return fixed(v, 6); };
    // Values are whole numbers or pinning names (parseSweep): nothing to quote.
    return value + "," + (traced ? "on" : "off") + "," + std::to_string(o.runs) + "," + std::to_string(o.races) + "," +
           number(o.rate()) + "," + number(o.interval.low) + "," + number(o.interval.high) + "," +
           (o.overlapsPer1000 ? number(o.overlapsPer1000->mean) : "") + "," +
           (o.overlapsPer1000 ? number(o.overlapsPer1000->deviation) : "") + "," + number(o.lostPer1000.mean) + "," +
           number(o.lostPer1000.deviation) + "\r\n";
}

} // namespace

std::string statsReading(const StatsReport& report) {
    std::vector<StatsPoint> points; // those with a finished run
    std::copy_if(report.points.begin(), report.points.end(), std::back_inserter(points),
                 [](const StatsPoint& p) { return p.traced.runs > 0; });
    if (points.empty()) return "No run was finished.";
    const auto rate = [](const StatsPoint& p) { return p.traced.rate(); };
    const auto [least, most] = std::minmax_element(
        points.begin(), points.end(), [&](const StatsPoint& a, const StatsPoint& b) { return rate(a) < rate(b); });
    // While a point's runs go on, "1 of 1 runs" would read as its result:
    // it says "so far" until they are done (or stopped, which the end says).
    const auto sofar = [&](const StatsPoint& p) { return report.stopped || report.complete(p) ? "" : " so far"; };
    const auto part = [&](const StatsPoint& p) {
        return std::to_string(p.traced.races) + " of " + std::to_string(p.traced.runs);
    };
    const std::string end = report.stopped ? " (stopped early)." : ".";
    if (rate(*most) == rate(*least) && points.size() > 1) {
        const bool going = std::any_of(points.begin(), points.end(), [&](const StatsPoint& p) { return *sofar(p); });
        const std::string where =
            " of the " + std::to_string(points.size()) + " points" + (going ? " so far" : "") + end;
        const std::string each = " at each" + where;
        const bool alike = std::all_of(points.begin(), points.end(), [&](const StatsPoint& p) {
            return p.traced.runs == most->traced.runs && p.traced.races == most->traced.races;
        });
        if (alike) return report.scenario + " raced in " + part(*most) + " runs" + each;
        // One point's 20 of 20 is not another's 3 of 3: say what is alike.
        if (rate(*most) == 1.0) return report.scenario + " raced in every run" + each;
        if (rate(*most) == 0.0) return report.scenario + " raced in no run at any" + where;
    }
    std::string sentence = "With " + valueText(report.knob, most->value) + " " + report.scenario + " raced in " +
                           part(*most) + " runs" + sofar(*most);
    if (most != least)
        sentence += "; with " + valueText(report.knob, least->value) + " in " + part(*least) + sofar(*least);
    return sentence + end;
}

std::string statsText(const StatsReport& report) {
    std::string text = report.scenario + ": " + groupedNumber(report.workers) + " workers x " +
                       groupedNumber(static_cast<std::int64_t>(report.iterations)) + " iterations unless swept, " +
                       countOf(report.runsDone, "run", "runs") + " in " +
                       humanDuration(static_cast<std::uint64_t>(report.seconds * 1e9)) +
                       (report.stopped ? " (stopped early: the points hold the runs done)" : "") + ".\n";
    char header[160];
    std::snprintf(header, sizeof(header), "%-14s %5s %6s  %5s  %-9s   %-15s %s\n",
                  std::string(sweepKnobInfo(report.knob).name).c_str(), "runs", "races", "rate", "95 % CI",
                  "overlaps/1000", "lost/1000");
    text += header;
    for (const StatsPoint& point : report.points) {
        if (point.traced.runs > 0) text += row(point.value, point.traced, true);
        if (point.untraced && point.untraced->runs > 0) text += row("  untraced", *point.untraced, false);
    }
    if (std::any_of(report.points.begin(), report.points.end(), [](const StatsPoint& p) { return p.untraced; }))
        text += "Untraced runs count as racy when the final memory breaks an invariant (the counter short).\n";
    return text + statsReading(report) + "\n";
}

std::string statsJson(const StatsReport& report) {
    nlohmann::json points = nlohmann::json::array();
    for (const StatsPoint& point : report.points) {
        if (point.traced.runs == 0) continue;
        nlohmann::json json = outcomeJson(point.traced);
        json["value"] = point.value;
        if (point.untraced) json["untraced"] = outcomeJson(*point.untraced);
        points.push_back(json);
    }
    const nlohmann::json json = {{"scenario", report.scenario},
                                 {"knob", sweepKnobInfo(report.knob).name},
                                 {"workers", report.workers},
                                 {"iterations", report.iterations},
                                 {"runs", report.runsDone},
                                 {"seconds", report.seconds},
                                 {"stopped", report.stopped},
                                 {"reading", statsReading(report)},
                                 {"points", points}};
    return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string statsCsv(const StatsReport& report) {
    std::string csv =
        "value,tracing,runs,races,rate,ci_low,ci_high,overlaps_per_1000,overlaps_sd,lost_per_1000,lost_sd\r\n";
    for (const StatsPoint& point : report.points) {
        if (point.traced.runs > 0) csv += csvRow(point.value, point.traced, true);
        if (point.untraced && point.untraced->runs > 0) csv += csvRow(point.value, *point.untraced, false);
    }
    return csv;
}

} // namespace racetrace
