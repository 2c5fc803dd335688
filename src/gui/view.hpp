// One class per panel (timeline, findings, memory, code, run). A view only
// draws its content from the shared context; views talk through the model and
// the ViewState, never to each other, and ask the application for anything
// else through AppCommands.
#pragma once

#include "gui/app/app_commands.hpp"
#include "gui/view_state.hpp"
#include "session/document.hpp"

#include <memory>
#include <string_view>

namespace racetrace {

class LayoutReport;
class Theme;

/// What every view may read or change during one frame.
struct ViewContext {
    std::shared_ptr<const TraceDocument> document; ///< may be null (nothing loaded yet)
    ViewState& state;
    const Theme& theme;
    AppCommands& commands;
    LayoutReport* layout = nullptr; ///< where views note their essential items (see layout_report.hpp)
};

/// Notes the last ImGui item in the layout report, if one is kept.
void noteItem(const ViewContext& context, std::string_view name);

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
