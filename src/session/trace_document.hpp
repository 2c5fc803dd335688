// A trace as the window shows it: the Trace, its Analysis and the per-frame
// lookups (TraceIndex, MemoryTimeline), all built once, off the UI thread.
// Immutable once built, so views can hold it while a new run is being made.
#pragma once

#include "analysis/findings.hpp"
#include "analysis/trace_index.hpp"
#include "trace/trace.hpp"

#include <memory>
#include <string>

namespace racetrace {

struct TraceDocument {
    Trace trace;
    Analysis analysis;
    TraceIndex index;
    MemoryTimeline memory;
    std::string label; ///< what the title bar and the "previous run" button say
    std::string path;  ///< the file it came from or was saved to; empty for a fresh run
};

/// Analyses `trace` and prepares its lookups. Seconds for huge traces: call it
/// from a worker thread (RunSession and TraceLoader do).
std::shared_ptr<const TraceDocument> buildDocument(Trace trace, std::string label, std::string path);

} // namespace racetrace
