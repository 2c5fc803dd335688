// Exports: a trace in the formats other tools read. `chrome` is the Chrome
// Trace Event JSON that Perfetto and the Chrome trace viewer open (one
// process per worker, stays and waits as slices, accesses as instants,
// variables and fill levels as counters, messages as flows, findings on their
// own track); `csv` is one row per event, plus a second file with one row per
// finding, for a spreadsheet or a notebook. The CLI's `export` and the
// window's File > Export both come here; the table below is the one home of
// the formats' names.
#pragma once

#include "ipc/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

struct TraceDocument;

enum class ExportFormat : std::uint8_t { Chrome, Csv };

struct ExportFormatInfo {
    ExportFormat format;
    std::string_view name;      ///< what --format takes: "chrome", "csv" (stable)
    std::string_view extension; ///< of the file it writes: ".json", ".csv"
    std::string_view label;     ///< for a menu: "Chrome / Perfetto JSON"
};

inline constexpr std::array<ExportFormatInfo, 2> kExportFormats = {{
    {ExportFormat::Chrome, "chrome", ".json", "Chrome / Perfetto JSON"},
    {ExportFormat::Csv, "csv", ".csv", "CSV (events and findings)"},
}};

const ExportFormatInfo& exportFormatInfo(ExportFormat format);
std::optional<ExportFormat> exportFormatFromName(std::string_view name);

/// Where an export of the trace at `tracePath` goes by default: the same
/// name with the format's extension ("run.rtrace" -> "run.json").
std::string defaultExportPath(const std::string& tracePath, ExportFormat format);
/// The second file of a CSV export, beside the first: "run.csv" -> "run.findings.csv".
std::string findingsCsvPath(const std::string& csvPath);

/// What an export wrote, for the sentence that reports it.
struct ExportReport {
    std::vector<std::string> files; ///< the files written, the main one first
    std::uint64_t events = 0;       ///< events exported (every event of the trace)
    std::uint64_t findings = 0;
    std::uint64_t flows = 0; ///< chrome: send -> receive arrows written
    std::uint64_t bytes = 0; ///< all files together
};

/// Writes `document` in `format` to `path` (and, for CSV, its findings beside
/// it). On failure says why in one sentence and leaves no partial file.
Result<ExportReport> exportTrace(const TraceDocument& document, ExportFormat format, const std::string& path);

/// "Wrote 1,234 events and 5 findings to run.json (210 KB)."
std::string exportSentence(const ExportReport& report);

} // namespace racetrace
