// `racetrace export` on real runs: the Chrome JSON has one process per worker,
// every event once, follows Perfetto's rules (support/chrome_trace_rules.hpp)
// and draws each message as a flow from its send to its receive; the CSV
// holds every event and finding, quoted as RFC 4180 says; a file that cannot
// be written gets a sentence and leaves nothing behind.
#include "analysis/critical_sections.hpp"
#include "session/document.hpp"
#include "session/trace_export.hpp"
#include "support/chrome_trace_rules.hpp"
#include "support/integration_support.hpp"
#include "support/trace_builder.hpp"
#include "trace/rtrace_file.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace racetrace::testing {

namespace {

using nlohmann::json;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// RFC 4180: fields in quotes may hold commas, CRLFs and doubled quotes.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                rows.back().back() += text[++i];
            else if (c == '"')
                quoted = false;
            else
                rows.back().back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().emplace_back();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            ++i;
            rows.emplace_back(1);
        } else {
            rows.back().back() += c;
        }
    }
    if (rows.back() == std::vector<std::string>(1)) rows.pop_back(); // after the last CRLF
    return rows;
}

struct Exported {
    std::shared_ptr<const TraceDocument> document;
    ExportReport report;
    json chrome;
};

Exported exportRun(const TempDir& dir, const std::string& scenario, std::uint64_t iterations, std::uint64_t windowNs) {
    RunOptions o = options(scenario, 0, iterations, windowNs);
    o.workers = 0; // the scenario's own
    Exported out;
    out.document = buildDocument(runOrFail(o), scenario, "", DocumentUse::Summary);
    const std::string path = dir.file(scenario + ".json");
    const auto report = exportTrace(*out.document, ExportFormat::Chrome, path);
    REQUIRE(report.has_value());
    out.report = *report;
    out.chrome = json::parse(readFile(path));
    return out;
}

std::vector<const json*> eventsWhere(const json& chrome, const std::function<bool(const json&)>& keep) {
    std::vector<const json*> found;
    for (const json& event : chrome.at("traceEvents"))
        if (keep(event)) found.push_back(&event);
    return found;
}

/// Every event of the trace is on its worker's program thread (tid = pid), once.
void requireEveryEventOnce(const Trace& trace, const json& chrome) {
    std::set<std::int64_t> programThreads;
    for (const WorkerRecord& worker : trace.workers)
        programThreads.insert(worker.pid);
    const auto onProgram = eventsWhere(chrome, [&](const json& e) {
        return e.at("ph") != "M" && e.contains("tid") && programThreads.contains(e.at("tid").get<std::int64_t>());
    });
    REQUIRE(onProgram.size() == trace.events.size());
    for (std::size_t i = 0; i < trace.events.size(); i += std::max<std::size_t>(1, trace.events.size() / 97)) {
        const json& e = *onProgram[i];
        const std::int64_t end = chromeNs(e.at("ts")) + (e.contains("dur") ? chromeNs(e.at("dur")) : 0);
        CHECK(end == static_cast<std::int64_t>(trace.events[i].timestamp));
        // A send's or a receive's args are under its kind's name (see export_chrome.cpp).
        const json& args =
            e.at("args").contains("seq") ? e.at("args") : e.at("args").at(eventKindName(trace.events[i].kind));
        CHECK(args.at("seq") == trace.events[i].seq);
    }
}

void requireWorkerProcesses(const Trace& trace, const json& chrome) {
    const auto names = eventsWhere(chrome, [](const json& e) { return e.at("name") == "process_name"; });
    std::size_t workers = 0;
    for (const json* name : names) {
        const std::string text = name->at("args").at("name");
        if (!text.starts_with("worker ")) continue;
        const std::uint32_t w = static_cast<std::uint32_t>(text[7] - 'A');
        REQUIRE(w < trace.workers.size());
        CHECK(name->at("pid") == trace.workers[w].pid);
        ++workers;
    }
    CHECK(workers == trace.workers.size());
}

void requireFindingsTrack(const Analysis& analysis, const json& chrome) {
    const auto findings = eventsWhere(chrome, [](const json& e) { return e.value("cat", "") == "finding"; });
    REQUIRE(findings.size() == analysis.findings.size());
    for (std::size_t k = 0; k < findings.size(); ++k)
        CHECK(findings[k]->at("args").at("sentence") == analysis.findings[k].sentence);
}

} // namespace

TEST_CASE("export: a chrome export of a racy run has one process per worker and every event once", "[export]") {
    TempDir dir;
    const Exported run = exportRun(dir, "naive-flag", 300, 2000);
    const Trace& trace = run.document->trace;
    REQUIRE(trace.droppedTotal() == 0);
    CHECK(chromeTraceProblems(run.chrome).empty());
    requireWorkerProcesses(trace, run.chrome);
    requireEveryEventOnce(trace, run.chrome);
    requireFindingsTrack(run.document->analysis, run.chrome);

    // The stays are slices, and the counter's track ends on the value memory ended with.
    const auto stays = eventsWhere(run.chrome, [](const json& e) { return e.at("name") == "critical section"; });
    CHECK(stays.size() == criticalSections(trace).size());
    const auto counter =
        eventsWhere(run.chrome, [](const json& e) { return e.at("ph") == "C" && e.at("name") == "counter"; });
    REQUIRE(counter.size() > 1);
    CHECK(counter.back()->at("args").at("value") == finalCount(trace));
}

TEST_CASE("export: each message of a channel run is a flow from its send slice to its receive slice", "[export]") {
    TempDir dir;
    for (const char* scenario : {"pipe", "mq-blocking", "mq-nonblocking", "pipe-many-writers"}) {
        INFO(scenario);
        const Exported run = exportRun(dir, scenario, 200, 0);
        const Trace& trace = run.document->trace;
        const std::vector<std::string> problems = chromeTraceProblems(run.chrome);
        for (const std::string& problem : problems)
            UNSCOPED_INFO(problem);
        CHECK(problems.empty());
        requireWorkerProcesses(trace, run.chrome);
        requireEveryEventOnce(trace, run.chrome);
        requireFindingsTrack(run.document->analysis, run.chrome);

        const auto ends = eventsWhere(run.chrome, [](const json& e) { return e.contains("bind_id"); });
        REQUIRE(run.report.flows > 0);
        CHECK(ends.size() == 2 * run.report.flows);
        // Nearly every message received is drawn (once): only a receive stamped
        // before its send's call began may go without.
        std::set<std::uint64_t> received;
        for (const MessageMatch& match : run.document->analysis.messages.matches)
            if (match.send != kNoEvent) received.insert(match.send);
        CHECK(run.report.flows <= received.size());
        CHECK(run.report.flows * 100 >= received.size() * 95);
        for (const json* end : ends) {
            const std::uint64_t send = end->at("bind_id");
            REQUIRE(send < trace.events.size());
            CHECK(trace.events[send].kind == EventKind::Send);
            CHECK(end->at("name").get<std::string>().starts_with(end->value("flow_out", false) ? "send " : "receive "));
        }
        const auto blocked = eventsWhere(run.chrome, [](const json& e) {
            return e.at("ph") == "X" && e.at("name").get<std::string>().starts_with("blocked ");
        });
        CHECK(blocked.size() == run.document->analysis.messages.waits.size());
        const auto fill = eventsWhere(run.chrome, [](const json& e) {
            return e.at("ph") == "C" && e.at("name").get<std::string>().ends_with(" held");
        });
        CHECK(fill.size() > trace.scenario.channels.size());
    }
}

TEST_CASE("export: kernel locks' waits and a killed holder's stay follow Perfetto's rules", "[export]") {
    TempDir dir;
    for (const char* scenario : {"semaphore", "pthread-mutex", "ticket-lock", "shm-handoff"}) {
        INFO(scenario);
        const Exported run = exportRun(dir, scenario, 300, 1000);
        const std::vector<std::string> problems = chromeTraceProblems(run.chrome);
        for (const std::string& problem : problems)
            UNSCOPED_INFO(problem);
        CHECK(problems.empty());
        requireEveryEventOnce(run.document->trace, run.chrome);
    }
}

TEST_CASE("export: the csv holds every event and every finding in order", "[export]") {
    TempDir dir;
    // A 20 µs window: the flag races in every run, so there are findings to export.
    RunOptions o = options("naive-flag", 2, 2000, 20'000);
    const auto document = buildDocument(runOrFail(o), "naive-flag", "", DocumentUse::Summary);
    const Trace& trace = document->trace;
    const auto report = exportTrace(*document, ExportFormat::Csv, dir.file("run.csv"));
    REQUIRE(report.has_value());
    CHECK(report->files == std::vector<std::string>{dir.file("run.csv"), dir.file("run.findings.csv")});

    const auto rows = parseCsv(readFile(dir.file("run.csv")));
    REQUIRE(rows.size() == trace.events.size() + 1);
    CHECK(rows[0] == std::vector<std::string>{"time_ns", "worker", "pid", "cpu", "kind", "variable", "word", "value",
                                              "line", "code", "text"});
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        REQUIRE(rows[i + 1].size() == 11);
        REQUIRE(rows[i + 1][0] == std::to_string(trace.events[i].timestamp));
        REQUIRE(rows[i + 1][4] == eventKindName(trace.events[i].kind));
    }
    const auto findings = parseCsv(readFile(dir.file("run.findings.csv")));
    REQUIRE(findings.size() == document->analysis.findings.size() + 1);
    REQUIRE(findings.size() > 1);
    for (std::size_t k = 0; k < document->analysis.findings.size(); ++k) {
        REQUIRE(findings[k + 1].size() == 6);
        CHECK(findings[k + 1][5] == document->analysis.findings[k].sentence);
    }
}

TEST_CASE("export: a csv field with commas quotes and line breaks reads back as it was", "[export]") {
    TempDir dir;
    test::TraceBuilder builder(test::Shape::NaiveFlag);
    builder.load(test::A, 10, 0);
    builder.csEnter(test::A, 20);
    Trace trace = builder.build();
    trace.scenario.programs[0].lines[test::TraceBuilder::kEntryLine].text = "say \"hi, there\"\r\nand go";
    const auto document = buildDocument(std::move(trace), "quoted", "", DocumentUse::Summary);
    REQUIRE(exportTrace(*document, ExportFormat::Csv, dir.file("q.csv")).has_value());
    const auto rows = parseCsv(readFile(dir.file("q.csv")));
    REQUIRE(rows.size() == document->trace.events.size() + 1);
    bool seen = false;
    for (const auto& row : rows)
        seen = seen || row.at(9) == "say \"hi, there\"\r\nand go";
    CHECK(seen);
}

TEST_CASE("export: the command writes beside the trace and refuses what it cannot write in one sentence",
          "[export][cli]") {
    TempDir dir;
    const std::string trace = dir.file("run.rtrace");
    REQUIRE(runCli({"run", "-n", "50", "-o", trace}).exitCode == 0);

    const CliResult done = runCli({"export", trace, "--format", "chrome"});
    CHECK(done.exitCode == 0);
    CHECK(done.out.starts_with("Wrote "));
    CHECK(done.out.find(dir.file("run.json")) != std::string::npos);
    CHECK(json::parse(readFile(dir.file("run.json"))).at("traceEvents").size() > 50);

    const CliResult badFormat = runCli({"export", trace, "--format", "xml"});
    CHECK(badFormat.exitCode == 2);
    CHECK(nonEmptyLines(badFormat.err).size() == 1);
    const CliResult noDir = runCli({"export", trace, "--format", "csv", "--out", dir.file("missing/x.csv")});
    CHECK(noDir.exitCode == 1);
    CHECK(noDir.err.find("Cannot write") != std::string::npos);
    const CliResult overTrace = runCli({"export", trace, "--format", "chrome", "--out", trace});
    CHECK(overTrace.exitCode == 1);
    CHECK(overTrace.err.find("would overwrite the trace") != std::string::npos);
    CHECK(runCli({"info", trace}).exitCode == 0); // the trace is untouched
    dir.write("broken.rtrace", "RTRACE\r\n not really");
    CHECK(runCli({"export", dir.file("broken.rtrace"), "--format", "csv"}).exitCode == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("broken.csv")));

    // A full device of our own (never the system's /dev/full): the export fails and the node stays a device.
    const std::string full = dir.file("full");
    if (::mknod(full.c_str(), S_IFCHR | 0600, makedev(1, 7)) != 0) return; // not root: nothing more to try
    const CliResult onFull = runCli({"export", trace, "--format", "chrome", "--out", full});
    CHECK(onFull.exitCode == 1);
    CHECK(onFull.err.find("No space left on device") != std::string::npos);
    struct stat info {};
    REQUIRE(::stat(full.c_str(), &info) == 0);
    CHECK(S_ISCHR(info.st_mode));
}

} // namespace racetrace::testing
