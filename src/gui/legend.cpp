#include "gui/legend.hpp"

#include "gui/theme.hpp"

#include <imgui.h>

namespace racetrace {

void drawTimelineLegend(const Theme& theme) {
    const Palette& p = theme.palette();
    const struct {
        ImU32 color;
        const char* label;
    } entries[] = {
        {p.flagRead, "flag read"},       {p.flagWrite, "flag write"},        {p.lockTry, "lock try"},
        {p.lockAcquire, "lock taken"},   {p.lockRelease, "lock released"},   {p.dataRead, "counter read"},
        {p.dataWrite, "counter write"},  {p.recordWord, "record word"},      {p.recordCheck, "record check"},
        {p.criticalSpan, "in the critical section"}, {p.overlapBand, "overlap"},
        {p.lostUpdateArrow, "lost update"}, {p.tornMarker, "torn record"},
    };
    const float box = ImGui::GetTextLineHeight() * 0.8f;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    bool first = true;
    for (const auto& entry : entries) {
        const float width = box + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(entry.label).x;
        if (!first) {
            ImGui::SameLine(0.0f, ImGui::GetFontSize());
            if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
        }
        first = false;
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float y = at.y + (ImGui::GetTextLineHeight() - box) * 0.5f;
        // Translucent colours (spans, bands) are shown as they look on a lane.
        ImDrawList* draw = ImGui::GetWindowDrawList();
        draw->AddRectFilled(ImVec2(at.x, y), ImVec2(at.x + box, y + box), p.laneBackground);
        draw->AddRectFilled(ImVec2(at.x, y), ImVec2(at.x + box, y + box), entry.color);
        draw->AddRect(ImVec2(at.x, y), ImVec2(at.x + box, y + box), p.laneSeparator);
        ImGui::Dummy(ImVec2(box, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0.0f, ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::TextUnformatted(entry.label);
    }
}

} // namespace racetrace
