// Our own checker of the rules Perfetto's JSON importer follows and catapult's
// (tests/export/catapult_import.py) does not enforce: complete slices nest per
// thread, each flow's two ends sit on slices and its producer begins first,
// counters carry numbers, every process used is named. Returns one sentence
// per problem; an export passes with none.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace racetrace::testing {

/// Microseconds with nanosecond fractions, back to whole nanoseconds.
inline std::int64_t chromeNs(const nlohmann::json& microseconds) {
    return std::llround(microseconds.get<double>() * 1000.0);
}

namespace detail {

struct ChromeSlice {
    std::int64_t begin = 0, end = 0;
    std::string name;
};

inline void checkNesting(std::map<std::pair<std::int64_t, std::int64_t>, std::vector<ChromeSlice>>& threads,
                         std::vector<std::string>& problems) {
    for (auto& [thread, slices] : threads) {
        // Parents before children: by begin, the longer first.
        std::sort(slices.begin(), slices.end(), [](const ChromeSlice& a, const ChromeSlice& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
        });
        std::vector<const ChromeSlice*> open;
        for (const ChromeSlice& slice : slices) {
            while (!open.empty() && open.back()->end <= slice.begin)
                open.pop_back();
            if (!open.empty() && slice.end > open.back()->end)
                problems.push_back("slice '" + slice.name + "' on thread " + std::to_string(thread.second) +
                                   " begins inside '" + open.back()->name + "' and ends after it");
            open.push_back(&slice);
        }
    }
}

} // namespace detail

inline std::vector<std::string> chromeTraceProblems(const nlohmann::json& document) {
    std::vector<std::string> problems;
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<detail::ChromeSlice>> threads;
    std::map<std::int64_t, std::pair<int, int>> flowEnds; // bind_id -> (producers, consumers)
    std::map<std::int64_t, std::int64_t> producerBegin, consumerBegin;
    std::set<std::int64_t> namedProcesses, usedProcesses;
    for (const nlohmann::json& event : document.at("traceEvents")) {
        const std::string phase = event.at("ph").get<std::string>();
        const std::int64_t pid = event.at("pid").get<std::int64_t>();
        if (phase == "M") {
            if (event.at("name") == "process_name") namedProcesses.insert(pid);
            continue;
        }
        usedProcesses.insert(pid);
        if (!event.at("ts").is_number()) problems.push_back("an event's ts is not a number");
        if (phase == "X") {
            const std::int64_t begin = chromeNs(event.at("ts"));
            const std::int64_t end = begin + chromeNs(event.at("dur"));
            if (end < begin)
                problems.push_back("slice '" + event.at("name").get<std::string>() + "' ends before it begins");
            threads[{pid, event.at("tid").get<std::int64_t>()}].push_back({begin, end, event.at("name")});
            if (event.contains("bind_id")) {
                const std::int64_t id = event.at("bind_id").get<std::int64_t>();
                const bool out = event.value("flow_out", false), in = event.value("flow_in", false);
                if (out == in) problems.push_back("flow " + std::to_string(id) + " is neither in nor out, or both");
                (out ? flowEnds[id].first : flowEnds[id].second) += 1;
                (out ? producerBegin : consumerBegin)[id] = begin;
            }
        } else if (phase == "C") {
            for (const auto& [series, value] : event.at("args").items())
                if (!value.is_number())
                    problems.push_back("counter '" + event.at("name").get<std::string>() +
                                       "' has a value that is not a number");
        } else if (phase == "i" || phase == "I") {
            const std::string scope = event.value("s", std::string("t"));
            if (scope != "t" && scope != "p" && scope != "g")
                problems.push_back("an instant has scope '" + scope + "'");
        } else if (phase == "B" || phase == "E" || event.contains("bind_id")) {
            problems.push_back("an event of phase " + phase + ": the export writes complete slices only");
        }
    }
    detail::checkNesting(threads, problems);
    for (const auto& [id, ends] : flowEnds) {
        if (ends.first != 1 || ends.second != 1)
            problems.push_back("flow " + std::to_string(id) + " has " + std::to_string(ends.first) + " producers and " +
                               std::to_string(ends.second) + " consumers");
        else if (consumerBegin[id] <= producerBegin[id])
            problems.push_back("flow " + std::to_string(id) + "'s receive begins before its send: a viewer drops it");
    }
    for (const std::int64_t pid : usedProcesses)
        if (!namedProcesses.contains(pid)) problems.push_back("process " + std::to_string(pid) + " has no name");
    return problems;
}

} // namespace racetrace::testing
