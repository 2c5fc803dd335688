#include "session/document.hpp"

#include "trace/modification_order.hpp"
#include "trace/phase_timer.hpp"
#include "trace/rtrace_file.hpp"

namespace racetrace {

std::shared_ptr<const TraceDocument> buildDocument(Trace trace, std::string label, std::string path, DocumentUse use,
                                                   const DocumentSteps& onStep) {
    const int steps = use == DocumentUse::Views ? 3 : 1;
    auto step = [&](int number, std::string_view what) {
        if (onStep) onStep(number, steps, what);
    };
    auto document = std::make_shared<TraceDocument>();
    document->trace = std::move(trace);
    step(1, "finding the races");
    PhaseTimer phase("finding the races");
    // The stays serve the analysis and the timeline's index: worked out once.
    std::vector<CriticalSectionSpan> spans;
    document->analysis = analyse(document->trace, use == DocumentUse::Views ? &spans : nullptr);
    // The merge's modification orders served the analysis; the views never use
    // them, and a file keeps only what it needs to find them again.
    if (document->trace.memoryOrders) {
        phase.next("keeping the order for the file");
        document->trace.keptOrders = keepMemoryOrders(document->trace);
    }
    document->trace.memoryOrders.reset();
    if (use == DocumentUse::Views) {
        step(2, "indexing the timeline");
        phase.next("indexing the timeline");
        document->index = TraceIndex::build(document->trace, spans);
        step(3, "rebuilding the memory at every event");
        phase.next("rebuilding the memory at every event");
        document->memory = MemoryTimeline::build(document->trace);
    }
    document->label = std::move(label);
    document->path = std::move(path);
    return document;
}

Result<std::shared_ptr<const TraceDocument>> loadDocument(const std::string& path, DocumentUse use) {
    auto trace = [&] {
        const PhaseTimer phase("reading the trace");
        return loadRtrace(path);
    }();
    if (!trace) return fail(trace.error());
    return buildDocument(std::move(*trace), baseName(path), path, use);
}

std::string baseName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace racetrace
