#include "session/trace_export.hpp"

#include "analysis/plain_words.hpp"
#include "session/document.hpp"
#include "session/export_file.hpp"
#include "session/export_writers.hpp"
#include "trace/event_text.hpp"

#include <filesystem>

namespace racetrace {

const ExportFormatInfo& exportFormatInfo(ExportFormat format) {
    for (const ExportFormatInfo& info : kExportFormats)
        if (info.format == format) return info;
    return kExportFormats[0];
}

std::optional<ExportFormat> exportFormatFromName(std::string_view name) {
    for (const ExportFormatInfo& info : kExportFormats)
        if (info.name == name) return info.format;
    return std::nullopt;
}

std::string defaultExportPath(const std::string& tracePath, ExportFormat format) {
    std::filesystem::path path(tracePath.empty() ? std::string("racetrace") : tracePath);
    return path.replace_extension(exportFormatInfo(format).extension).string();
}

std::string findingsCsvPath(const std::string& csvPath) {
    std::filesystem::path path(csvPath);
    if (path.extension() == ".csv") path.replace_extension();
    return path.string() + ".findings.csv";
}

namespace {

Result<ExportReport> exportChrome(const TraceDocument& document, const std::string& path) {
    auto file = ExportFile::create(path);
    if (!file) return fail(file.error());
    ExportReport report;
    report.flows = writeChromeTrace(document, *file);
    if (auto done = file->finish(); !done) return fail(done.error());
    report.files = {path};
    report.bytes = file->bytes();
    return report;
}

Result<ExportReport> exportCsv(const TraceDocument& document, const std::string& path) {
    const std::string findingsPath = findingsCsvPath(path);
    if (std::filesystem::path(findingsPath) == std::filesystem::path(path))
        return fail("The findings would overwrite the events in " + path + ".");
    auto events = ExportFile::create(path);
    if (!events) return fail(events.error());
    writeEventsCsv(document.trace, *events);
    auto findings = ExportFile::create(findingsPath);
    if (!findings) {
        events->abandon();
        return fail(findings.error());
    }
    writeFindingsCsv(document, *findings);
    auto eventsDone = events->finish();
    auto findingsDone = findings->finish();
    if (!eventsDone || !findingsDone) {
        // Both or neither: half an export is not mistaken for a whole one.
        if (eventsDone) std::filesystem::remove(path);
        if (findingsDone) std::filesystem::remove(findingsPath);
        return fail(!eventsDone ? eventsDone.error() : findingsDone.error());
    }
    ExportReport report;
    report.files = {path, findingsPath};
    report.bytes = events->bytes() + findings->bytes();
    return report;
}

} // namespace

Result<ExportReport> exportTrace(const TraceDocument& document, ExportFormat format, const std::string& path) {
    std::error_code error;
    if (!document.path.empty() && std::filesystem::equivalent(path, document.path, error))
        return fail("Exporting to " + path + " would overwrite the trace it exports; choose another name.");
    Result<ExportReport> report;
    try {
        report = format == ExportFormat::Chrome ? exportChrome(document, path) : exportCsv(document, path);
    } catch (const std::bad_alloc&) {
        return fail("There was not enough memory to export the trace to " + path + ".");
    }
    if (report) {
        report->events = document.trace.events.size();
        report->findings = document.analysis.findings.size();
    }
    return report;
}

std::string exportSentence(const ExportReport& report) {
    std::string files;
    for (std::size_t k = 0; k < report.files.size(); ++k)
        files += (k == 0 ? "" : k + 1 == report.files.size() ? " and " : ", ") + report.files[k];
    std::string sentence = "Wrote " + countOf(report.events, "event", "events") + " and " +
                           countOf(report.findings, "finding", "findings");
    if (report.flows > 0) sentence += " (" + countOf(report.flows, "message", "messages") + " as flows)";
    return sentence + " to " + files + " (" + fileSize(report.bytes) + ").";
}

} // namespace racetrace
