// `racetrace render`: draws a trace's timeline with its findings into a PNG
// without any display, through Mesa's surfaceless EGL platform and an
// offscreen framebuffer. The same TimelineView as the window draws it.
#pragma once

#include "gui/view_state.hpp"
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
    TimeAxis axis = TimeAxis::RealTime;
    int finding = 0;    ///< 1-based finding to zoom on; 0: the one the window opens on
    float scale = 1.0f; ///< text and strokes, on top of the picture's own size
};

/// Text and strokes grow with the picture: a picture twice as high looks like
/// the smaller one at twice the scale (3840x2160 as 1920x1080 at 2x).
float pictureScale(const RenderOptions& options);

/// Renders `document` to options.outPath; the error says why not in one sentence.
Result<void> renderDocumentPng(std::shared_ptr<const TraceDocument> document, const RenderOptions& options);

} // namespace racetrace
