// One class per panel (timeline, findings, memory, code, run). A view only
// draws its content from the shared context; views talk through the model and
// the ViewState, never to each other.
#pragma once

#include "gui/view_state.hpp"
#include "session/trace_document.hpp"

#include <functional>
#include <memory>
#include <string>

namespace racetrace {

class Theme;
class RunSession;

/// What every view may read or change during one frame.
struct ViewContext {
    std::shared_ptr<const TraceDocument> document; ///< may be null (nothing loaded yet)
    ViewState& state;
    const Theme& theme;
    RunSession& session;
    std::function<void(const std::string&)> openTrace;   ///< asks the app to load a file
    std::function<void(const std::string&)> showMessage; ///< one sentence in the status line
    std::shared_ptr<const TraceDocument> previous;       ///< the trace shown before this one, if any
    std::function<void()> swapWithPrevious;              ///< shows `previous` (and keeps the current one)
    /// Shows `document` in every view (step mode shows its live trace this way).
    std::function<void(std::shared_ptr<const TraceDocument>)> showDocument;
};

class View {
  public:
    virtual ~View() = default;
    /// Window title; also the ImGui ID of its window.
    virtual const char* title() const = 0;
    /// Advanced panels are hidden in lecture mode.
    virtual bool advanced() const { return false; }
    /// Draws the content inside an already begun ImGui window.
    virtual void draw(ViewContext& context) = 0;

    bool visible = true;
};

} // namespace racetrace
