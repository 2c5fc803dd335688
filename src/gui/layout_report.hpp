// Where the window put what. With RACETRACE_LAYOUT_REPORT=FILE in the
// environment, the window rewrites FILE after every frame whose layout changed:
//
//   display 1280 720
//   font 20
//   compare-button 8 236 322 262 shown
//   code-line-8 409 688 850 712 clipped
//
// "shown" means the whole item lies inside its panel's visible area and on
// the screen. Window tests read it to check that nothing essential is clipped
// at projector sizes; anyone can use it to script the window.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>

namespace racetrace {

class LayoutReport {
  public:
    /// Reports to the file named by RACETRACE_LAYOUT_REPORT, or nowhere.
    static LayoutReport fromEnvironment();
    bool enabled() const { return !m_path.empty(); }

    /// The last ImGui item, under `name`.
    void item(std::string_view name);
    /// A rectangle drawn in the current window, under `name`.
    void rect(std::string_view name, ImVec2 min, ImVec2 max);
    /// At the end of a frame: writes the file when this frame's report differs from the last.
    void endFrame(float fontPixels);

  private:
    std::string m_path;
    std::string m_frame, m_written;
};

} // namespace racetrace
