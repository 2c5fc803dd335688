// The writers behind exportTrace (trace_export.hpp), one per format's file.
#pragma once

#include <cstdint>

namespace racetrace {

class ExportFile;
struct Trace;
struct TraceDocument;

/// The Chrome Trace Event JSON (export_chrome.cpp); returns the flows written.
std::uint64_t writeChromeTrace(const TraceDocument& document, ExportFile& file);
/// One CSV row per event (export_csv.cpp).
void writeEventsCsv(const Trace& trace, ExportFile& file);
/// One CSV row per finding (export_csv.cpp).
void writeFindingsCsv(const TraceDocument& document, ExportFile& file);

} // namespace racetrace
