// Pictures without any display, through Mesa's surfaceless EGL platform and
// an offscreen framebuffer: `racetrace render` draws a trace's timeline with
// its findings (the same TimelineView as the window), `racetrace stats
// --plot` a sweep's rate (the same plot as the window's "How often?").
#pragma once

#include "gui/view_state.hpp"
#include "ipc/result.hpp"
#include "session/document.hpp"
#include "session/race_stats.hpp"

#include <functional>
#include <memory>

#include <string>

namespace racetrace {

class Theme;

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

/// One picture drawn with ImGui, frame after frame; the last frame is saved.
class Picture {
  public:
    virtual ~Picture() = default;
    /// Draws frame `frame` (0, 1, 2); an error stops the picture and is returned.
    virtual Result<void> drawFrame(int frame) = 0;
};
/// Makes the picture once the GL context and the theme exist (it may hold GL objects).
using MakePicture = std::function<std::unique_ptr<Picture>(const Theme& theme)>;

/// Draws a picture offscreen and saves it to options.outPath (size, scale and
/// theme from `options`); the error says why not in one sentence.
Result<void> renderPicture(const RenderOptions& options, const MakePicture& make);

/// Renders `document` to options.outPath; the error says why not in one sentence.
Result<void> renderDocumentPng(std::shared_ptr<const TraceDocument> document, const RenderOptions& options);

/// Renders a stats sweep's rate against its knob (`racetrace stats --plot`).
Result<void> renderStatsPng(const StatsReport& report, const RenderOptions& options);

} // namespace racetrace
