// A paragraph for the back of the hall: wrapped to the window, in a chosen
// font and colour, numbers digit-grouped, noted in the layout report so the
// window tests can tell whether it is on screen. The lesson and challenge
// panels are made of these.
#pragma once

#include "gui/view.hpp"
#include "gui/whole_numbers.hpp"

#include <imgui.h>

#include <string>

namespace racetrace {

inline void wrappedWords(const ViewContext& context, ImFont* font, ImU32 colour, const std::string& text,
                         const char* item) {
    ImGui::PushFont(font);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextWrapped("%s", wholeNumbers(text).c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
    noteItem(context, item);
}

} // namespace racetrace
