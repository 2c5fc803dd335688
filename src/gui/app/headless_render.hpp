// `racetrace render`: draws a trace's timeline with its findings into a PNG
// without any display, through Mesa's surfaceless EGL platform and an
// offscreen framebuffer. The same TimelineView as the window draws it.
#pragma once

#include "ipc/result.hpp"
#include "session/document.hpp"

#include <string>

namespace racetrace {

struct RenderOptions {
    std::string outPath = "timeline.png";
    int width = 1600;
    int height = 900;
    bool lecture = true; ///< light high-contrast theme, large text: what slides want
    bool fit = false;    ///< whole trace instead of the first finding
};

/// Renders `document` to options.outPath; the error says why not in one sentence.
Result<void> renderDocumentPng(std::shared_ptr<const TraceDocument> document, const RenderOptions& options);

} // namespace racetrace
