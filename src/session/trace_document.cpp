#include "session/trace_document.hpp"

namespace racetrace {

std::shared_ptr<const TraceDocument> buildDocument(Trace trace, std::string label, std::string path) {
    auto document = std::make_shared<TraceDocument>();
    document->trace = std::move(trace);
    document->analysis = analyse(document->trace);
    document->index = TraceIndex::build(document->trace);
    document->memory = MemoryTimeline::build(document->trace);
    document->label = std::move(label);
    document->path = std::move(path);
    return document;
}

} // namespace racetrace
