// What exporting costs (session/trace_export.hpp), on the recorded naive-flag
// run (recorded_run.hpp), written to files under /tmp (the page cache, so
// the disk is hardly measured):
//
//   BM_ExportChrome   one iteration = the run as Chrome Trace Event JSON
//   BM_ExportCsv      one iteration = the run as CSV (events and findings)
//
// Items are events (events/s is the export speed issue 13 asks for);
// bytes_per_event is what each format writes per event.
#include "recorded_run.hpp"
#include "session/document.hpp"
#include "session/trace_export.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace racetrace {
namespace {

void exportBenchmark(benchmark::State& state, ExportFormat format) {
    const Trace* recorded = recordedNaiveFlagRun();
    if (!recorded) {
        state.SkipWithError("the naive-flag run failed");
        return;
    }
    const auto document = buildDocument(*recorded, "bench", "", DocumentUse::Summary);
    char folder[] = "/tmp/racetrace-export-bench-XXXXXX";
    if (!::mkdtemp(folder)) {
        state.SkipWithError("no temporary folder");
        return;
    }
    const std::string path = std::string(folder) + "/run" + std::string(exportFormatInfo(format).extension);
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        const auto report = exportTrace(*document, format, path);
        if (!report) {
            state.SkipWithError(report.error().c_str());
            break;
        }
        bytes = report->bytes;
    }
    std::filesystem::remove_all(folder);
    const auto events = static_cast<double>(document->trace.events.size());
    state.SetItemsProcessed(static_cast<std::int64_t>(events) * static_cast<std::int64_t>(state.iterations()));
    state.counters["events"] = events;
    state.counters["bytes_per_event"] = static_cast<double>(bytes) / events;
}

void BM_ExportChrome(benchmark::State& state) {
    exportBenchmark(state, ExportFormat::Chrome);
}
BENCHMARK(BM_ExportChrome)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

void BM_ExportCsv(benchmark::State& state) {
    exportBenchmark(state, ExportFormat::Csv);
}
BENCHMARK(BM_ExportCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

} // namespace
} // namespace racetrace
