// The Chrome Trace Event JSON (the format Perfetto and the Chrome trace viewer
// read; catapult checks our output in tests/export). Where each part of a
// trace goes:
//
//   process per worker (its real pid)   thread "program" (tid = pid): every event as an instant,
//                                         sends and receives as slices that carry the flows;
//                                       thread "critical section": stays, and the waits to get in;
//                                       thread "waiting": blocked channel calls, kernel lock waits
//   process "shared memory"             a counter per location: the value each write left
//   process "channels"                  a counter per channel: the messages it held
//   process "findings"                  an instant per finding, its sentence in args
//
// The JSON is streamed, one event per line, so an export needs no memory per
// event beyond the trace itself.
#include "analysis/critical_sections.hpp"
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "racetrace/version.hpp"
#include "session/chrome_tracks.hpp"
#include "session/document.hpp"
#include "session/export_file.hpp"
#include "session/trace_export.hpp"
#include "trace/event_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace racetrace {

namespace {

using nlohmann::json;

double micros(std::uint64_t ns) {
    return static_cast<double>(ns) / 1000.0;
}

/// Streams the {"traceEvents": [...]} object, one event per line.
class ChromeStream {
  public:
    explicit ChromeStream(ExportFile& file) : m_file(file) {}

    void begin(const json& otherData) {
        m_file.write("{\"displayTimeUnit\":\"ns\",\"otherData\":");
        m_file.write(dump(otherData));
        m_file.write(",\"traceEvents\":[");
    }
    void add(const json& event) {
        m_file.write(m_first ? "\n" : ",\n");
        m_file.write(dump(event));
        m_first = false;
    }
    void end() { m_file.write("\n]}\n"); }

  private:
    // A name a scenario file gave may hold bytes that are not UTF-8: shown replaced, never thrown.
    static std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

    ExportFile& m_file;
    bool m_first = true;
};

json slice(std::string name, std::string_view category, std::uint64_t beginNs, std::uint64_t endNs, std::int64_t pid,
           std::int64_t tid) {
    return {{"name", std::move(name)},
            {"cat", category},
            {"ph", "X"},
            {"ts", micros(beginNs)},
            {"dur", micros(std::max(endNs, beginNs) - beginNs)},
            {"pid", pid},
            {"tid", tid}};
}

json instant(std::string name, std::string_view category, std::uint64_t ns, std::int64_t pid, std::int64_t tid) {
    return {{"name", std::move(name)}, {"cat", category}, {"ph", "i"}, {"s", "t"},
            {"ts", micros(ns)},        {"pid", pid},      {"tid", tid}};
}

json counter(std::string name, std::uint64_t ns, std::int64_t pid, std::string_view series, std::int64_t value) {
    return {{"name", std::move(name)}, {"ph", "C"}, {"ts", micros(ns)}, {"pid", pid}, {"args", {{series, value}}}};
}

void nameProcess(ChromeStream& out, std::int64_t pid, const std::string& name, int sortIndex) {
    out.add({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", name}}}});
    out.add({{"name", "process_sort_index"}, {"ph", "M"}, {"pid", pid}, {"args", {{"sort_index", sortIndex}}}});
}

void nameThread(ChromeStream& out, std::int64_t pid, std::int64_t tid, std::string_view name, int sortIndex) {
    out.add({{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}});
    out.add({{"name", "thread_sort_index"},
             {"ph", "M"},
             {"pid", pid},
             {"tid", tid},
             {"args", {{"sort_index", sortIndex}}}});
}

void writeNames(ChromeStream& out, const Trace& trace, const ChromeTracks& tracks) {
    nameProcess(out, tracks.findings, "findings", -3);
    nameThread(out, tracks.findings, tracks.findings, "findings", 0);
    nameProcess(out, tracks.memory, "shared memory", -2);
    if (!trace.scenario.channels.empty()) nameProcess(out, tracks.channels, "channels", -1);
    for (std::uint32_t w = 0; w < tracks.workerPid.size(); ++w) {
        const ProgramInfo* program = trace.programOf(w);
        const std::int64_t pid = tracks.workerPid[w];
        nameProcess(out, pid, "worker " + workerName(w) + (program ? " (" + program->role + ")" : ""),
                    static_cast<int>(w));
        nameThread(out, pid, pid, "program", 0);
        if (tracks.hasStays[w]) nameThread(out, pid, tracks.staysTid(w), "critical section", 1);
        if (tracks.hasWaits[w]) nameThread(out, pid, tracks.waitsTid(w), "waiting", 2);
    }
}

/// "load Y", "send P", "worker-exit": short and stable, so a viewer can group by it.
std::string eventName(const ScenarioInfo& scenario, const Event& event) {
    const EventKindInfo& info = eventKindInfo(event.kind);
    std::string name(info.name);
    if (info.onChannel) return name + " " + channelName(scenario, event.variable);
    if (event.variable != kNoVariable) return name + " " + locationName(scenario, event.variable, wordOf(event));
    return name;
}

/// What an event's args say that its kind, worker, location and line fix.
json fixedArgs(const Trace& trace, const Event& event) {
    const EventKindInfo& info = eventKindInfo(event.kind);
    json args = json::object();
    if (info.onChannel)
        args["channel"] = channelName(trace.scenario, event.variable);
    else if (event.variable != kNoVariable)
        args["variable"] = locationName(trace.scenario, event.variable, wordOf(event));
    const ProgramInfo* program = trace.programOf(event.worker);
    if (info.exportCategory != ExportCategory::Lifecycle && program && event.line < program->lines.size()) {
        args["line"] = event.line + 1;
        args["code"] = program->lines[event.line].text;
    }
    return args;
}

/// Sets what differs from one event to the next (the same keys for every event of a kind).
void setChangingArgs(json& args, const Trace& trace, const Event& event) {
    const EventKindInfo& info = eventKindInfo(event.kind);
    args["text"] = describeEvent(trace.scenario, event);
    args["cpu"] = event.cpu;
    args["seq"] = event.seq;
    if (info.value != ValueMeaning::None) args["value"] = event.value;
    if (info.aux != AuxMeaning::None && info.aux != AuxMeaning::Word) args["aux"] = event.aux;
}

/// Instants and counters of the same kind, worker, location and line differ
/// only in their stamp and values: each is built once and its changing fields
/// set for every event, so that millions of events cost no allocation each
/// (building every record afresh made the export four times slower).
class RecordCache {
  public:
    RecordCache(const Trace& trace, const ChromeTracks& tracks) : m_trace(trace), m_tracks(tracks) {}

    const json& instantOf(const Event& e) {
        const std::uint64_t key = std::uint64_t{e.line} | std::uint64_t{e.variable} << 16 |
                                  std::uint64_t{wordOf(e) & 0xFFFF} << 32 | std::uint64_t{e.worker} << 48 |
                                  std::uint64_t{static_cast<std::uint8_t>(e.kind)} << 56;
        auto [found, made] = m_instants.try_emplace(key);
        json& record = found->second;
        if (made) {
            const std::int64_t pid = m_tracks.workerPid[e.worker];
            record = instant(eventName(m_trace.scenario, e), exportCategoryName(eventKindInfo(e.kind).exportCategory),
                             e.timestamp, pid, pid);
            record["args"] = fixedArgs(m_trace, e);
        }
        record["ts"] = micros(e.timestamp);
        setChangingArgs(record["args"], m_trace, e);
        return record;
    }

    const json& counterOf(const Event& e) {
        const std::uint64_t key = std::uint64_t{e.variable} << 32 | wordOf(e);
        auto [found, made] = m_counters.try_emplace(key);
        json& record = found->second;
        if (made)
            record = counter(locationName(m_trace.scenario, e.variable, wordOf(e)), e.timestamp, m_tracks.memory,
                             "value", 0);
        record["ts"] = micros(e.timestamp);
        record["args"]["value"] = writtenValue(e);
        return record;
    }

  private:
    const Trace& m_trace;
    const ChromeTracks& m_tracks;
    std::unordered_map<std::uint64_t, json> m_instants, m_counters;
};

void writeInitialValues(ChromeStream& out, const Trace& trace, const ChromeTracks& tracks) {
    const ScenarioInfo& scenario = trace.scenario;
    for (std::uint16_t v = 0; v < scenario.variables.size(); ++v)
        for (std::uint32_t word = 0; word < scenario.variables[v].words; ++word)
            out.add(counter(locationName(scenario, v, word), 0, tracks.memory, "value", scenario.variables[v].initial));
    for (std::uint16_t c = 0; c < scenario.channels.size(); ++c)
        out.add(counter(channelName(scenario, c) + " held", 0, tracks.channels, "messages", 0));
}

/// Every event once: an instant, or for a send or a receive a slice from
/// where its call began at the latest (CallBegins) to its stamp, carrying its
/// flow; and after each write the location's counter.
void writeEvents(ChromeStream& out, const Trace& trace, const ChromeTracks& tracks, const FlowPlan& flows) {
    RecordCache cache(trace, tracks);
    CallBegins calls;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::Send || e.kind == EventKind::Receive) {
            const FlowEnd* end = flows.at(i);
            const std::uint64_t begin = end ? end->sliceBeginNs : calls.of(e);
            const std::int64_t pid = tracks.workerPid[e.worker];
            json record = slice(eventName(trace.scenario, e), exportCategoryName(ExportCategory::Message), begin,
                                e.timestamp, pid, pid);
            if (end) {
                record["bind_id"] = end->id;
                record[end->out ? "flow_out" : "flow_in"] = true;
            }
            // Under the kind's name: a viewer merges a flow's two slices' args,
            // and catapult warns of every name both ends use.
            json args = fixedArgs(trace, e);
            setChangingArgs(args, trace, e);
            record["args"] = {{eventKindName(e.kind), std::move(args)}};
            out.add(record);
        } else {
            out.add(cache.instantOf(e));
        }
        calls.after(e);
        if (!eventKindInfo(e.kind).onChannel && e.variable != kNoVariable && changesMemory(e))
            out.add(cache.counterOf(e));
    }
}

void writeStays(ChromeStream& out, const std::vector<CriticalSectionSpan>& stays, const ChromeTracks& tracks) {
    for (const CriticalSectionSpan& stay : stays) {
        const std::int64_t pid = tracks.workerPid[stay.worker];
        const std::int64_t tid = tracks.staysTid(stay.worker);
        if (stay.waitedForOther) {
            json wait = slice("waiting to enter", "lock", stay.waitBeginNs, stay.beginNs, pid, tid);
            wait["args"] = {{"text", "waited while another worker was inside"}};
            out.add(wait);
        }
        json inside = slice("critical section", "critical-section", stay.beginNs, stay.endNs, pid, tid);
        inside["args"] = {{"contended", stay.contended}, {"left", stay.exitEvent != kNoEvent}};
        out.add(inside);
    }
}

void writeWaits(ChromeStream& out, const Trace& trace, const Analysis& analysis,
                const std::vector<KernelLockWait>& lockWaits, const ChromeTracks& tracks) {
    for (const BlockedWait& wait : analysis.messages.waits) {
        const bool reading = wait.direction == ChannelDirection::Receive;
        const std::string channel = channelName(trace.scenario, wait.channel);
        json record = slice(std::string(reading ? "blocked reading " : "blocked writing ") + channel, "blocking",
                            wait.beginNs, wait.endNs, tracks.workerPid[wait.worker], tracks.waitsTid(wait.worker));
        const std::uint64_t by = wait.endedBy;
        record["args"] = {{"channel", channel},
                          {"ended_by", by < trace.events.size() ? workerName(trace.events[by].worker) : "nobody"}};
        out.add(record);
    }
    for (const KernelLockWait& wait : lockWaits) {
        const std::string lock = variableName(trace.scenario, wait.variable);
        json record = slice("waiting for " + lock, "lock", wait.beginNs, wait.endNs, tracks.workerPid[wait.worker],
                            tracks.waitsTid(wait.worker));
        record["args"] = {{"lock", lock}, {"got_it", wait.acquired}};
        out.add(record);
    }
}

void writeFillLevels(ChromeStream& out, const Trace& trace, const Analysis& analysis, const ChromeTracks& tracks) {
    for (std::uint16_t c = 0; c < analysis.messages.fill.size(); ++c) {
        const std::string name = channelName(trace.scenario, c) + " held";
        for (const FillPoint& point : analysis.messages.fill[c].points)
            out.add(counter(name, point.ns, tracks.channels, "messages", static_cast<std::int64_t>(point.held)));
    }
}

void writeFindings(ChromeStream& out, const Trace& trace, const Analysis& analysis, const ChromeTracks& tracks) {
    for (const Finding& finding : analysis.findings) {
        const FindingKindInfo& info = findingKindInfo(finding.kind);
        json record = instant(std::string(info.singular), "finding", finding.beginNs, tracks.findings, tracks.findings);
        record["args"] = {{"sentence", finding.sentence},
                          {"kind", info.name},
                          {"workers", workerList(finding.workers)},
                          {"begin_ns", finding.beginNs},
                          {"end_ns", finding.endNs}};
        if (finding.variable != kNoVariable)
            record["args"]["variable"] = variableName(trace.scenario, finding.variable);
        if (finding.channel != kNoVariable) record["args"]["channel"] = channelName(trace.scenario, finding.channel);
        out.add(record);
    }
}

json otherData(const Trace& trace) {
    return {{"scenario", trace.scenario.name},
            {"title", trace.scenario.title},
            {"workers", trace.settings.workers},
            {"iterations", trace.settings.iterations},
            {"window_ns", trace.settings.windowNs},
            {"dropped_events", trace.droppedTotal()},
            {"exported_by", std::string("racetrace ") + kVersion}};
}

} // namespace

std::uint64_t writeChromeTrace(const TraceDocument& document, ExportFile& file) {
    const Trace& trace = document.trace;
    std::vector<CriticalSectionSpan> stays = criticalSections(trace);
    addEntryWaits(trace, stays);
    const std::vector<KernelLockWait> lockWaits = kernelLockWaits(trace);
    const ChromeTracks tracks = assignTracks(trace, stays, document.analysis.messages.waits, lockWaits);
    const FlowPlan flows = planFlows(trace, document.analysis.messages);

    ChromeStream out(file);
    out.begin(otherData(trace));
    writeNames(out, trace, tracks);
    writeInitialValues(out, trace, tracks);
    writeEvents(out, trace, tracks, flows);
    writeStays(out, stays, tracks);
    writeWaits(out, trace, document.analysis, lockWaits, tracks);
    writeFillLevels(out, trace, document.analysis, tracks);
    writeFindings(out, trace, document.analysis, tracks);
    out.end();
    return flows.count();
}

} // namespace racetrace
