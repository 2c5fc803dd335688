// A trace as the application holds it: the Trace, its Analysis and, for the
// window, the per-frame lookups (TraceIndex, MemoryTimeline), all built once,
// off the UI thread. Immutable once built, so views can hold it while a new
// run is being made; the CLI builds the same document without the lookups.
#pragma once

#include "analysis/findings.hpp"
#include "analysis/trace_index.hpp"
#include "ipc/result.hpp"
#include "trace/trace.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace racetrace {

struct TraceDocument {
    Trace trace;
    Analysis analysis;
    TraceIndex index;      ///< empty for DocumentUse::Summary
    MemoryTimeline memory; ///< empty for DocumentUse::Summary
    std::string label;     ///< what the title bar and the "previous run" button say
    std::string path;      ///< the file it came from or was saved to; empty for a fresh run
};

/// What a document is for: the window's views need the lookups, a summary
/// (the CLI's text and JSON) only the analysis.
enum class DocumentUse : std::uint8_t { Views, Summary };

/// Told each step of building a document as it starts: its number (from 1),
/// the number of steps and what it does ("indexing the timeline").
using DocumentSteps = std::function<void(int step, int steps, std::string_view what)>;

/// Analyses `trace` and, for views, prepares its lookups. Seconds for huge
/// traces: the window calls it from a worker thread (RunSession).
std::shared_ptr<const TraceDocument> buildDocument(Trace trace, std::string label, std::string path,
                                                   DocumentUse use = DocumentUse::Views,
                                                   const DocumentSteps& onStep = {});

/// Reads, checks and analyses a .rtrace file; the label is its file name.
Result<std::shared_ptr<const TraceDocument>> loadDocument(const std::string& path,
                                                          DocumentUse use = DocumentUse::Views);

/// The file name of a path: what a document read from it is called.
std::string baseName(const std::string& path);

} // namespace racetrace
