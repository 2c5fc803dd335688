// Button labels that fit: at lecture sizes a half-width button cannot hold
// "Leave step mode" or "Replay (Ctrl+R)", and ImGui would clip the words.
// Each button offers labels from longest to shortest; the first that fits wins.
#pragma once

#include <imgui.h>

#include <initializer_list>

namespace racetrace {

/// The first of `labels` (longest first) whose text fits a button `width`
/// pixels wide; the last one if none does.
inline const char* fitLabel(std::initializer_list<const char*> labels, float width) {
    const float padding = ImGui::GetStyle().FramePadding.x * 2;
    for (const char* label : labels)
        if (ImGui::CalcTextSize(label, nullptr, true).x + padding <= width) return label;
    return *(labels.end() - 1);
}

} // namespace racetrace
