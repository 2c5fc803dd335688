#include "gui/layout_report.hpp"
#include "gui/view.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace racetrace {

void noteItem(const ViewContext& context, std::string_view name) {
    if (context.layout != nullptr) context.layout->item(name);
}

LayoutReport LayoutReport::fromEnvironment() {
    LayoutReport report;
    if (const char* path = std::getenv("RACETRACE_LAYOUT_REPORT")) report.m_path = path;
    return report;
}

void LayoutReport::item(std::string_view name) {
    if (enabled()) rect(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void LayoutReport::rect(std::string_view name, ImVec2 min, ImVec2 max) {
    if (!enabled()) return;
    // The draw list's clip rectangle is the window's visible inside.
    const ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 clipMin = draw->GetClipRectMin(), clipMax = draw->GetClipRectMax();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const bool shown = min.x >= std::max(clipMin.x, 0.0f) - 0.5f && min.y >= std::max(clipMin.y, 0.0f) - 0.5f &&
                       max.x <= std::min(clipMax.x, display.x) + 0.5f && max.y <= std::min(clipMax.y, display.y) + 0.5f;
    char line[160];
    std::snprintf(line, sizeof line, " %.0f %.0f %.0f %.0f %s\n", min.x, min.y, max.x, max.y,
                  shown ? "shown" : "clipped");
    m_frame.append(name);
    m_frame += line;
}

void LayoutReport::endFrame(float fontPixels) {
    if (!enabled()) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const std::string report = "display " + std::to_string(std::lround(display.x)) + " " +
                               std::to_string(std::lround(display.y)) + "\nfont " +
                               std::to_string(std::lround(fontPixels)) + "\n" + m_frame;
    m_frame.clear();
    if (report == m_written) return;
    // Written whole under another name, then renamed: a reader never sees half a report.
    const std::string partial = m_path + ".partial";
    std::ofstream(partial, std::ios::trunc) << report;
    if (std::rename(partial.c_str(), m_path.c_str()) == 0) m_written = report;
}

} // namespace racetrace
