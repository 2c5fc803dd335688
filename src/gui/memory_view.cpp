#include "gui/memory_view.hpp"

#include "gui/theme.hpp"

#include <imgui.h>

#include <set>
#include <string>

namespace racetrace {

void MemoryView::draw(ViewContext& context) {
    const auto& document = context.document;
    if (!document) return;
    const Trace& trace = document->trace;
    const std::uint64_t cursor = context.state.cursorEvent;
    if (document.get() != m_document || cursor != m_cursor || m_snapshot.words.empty()) {
        m_snapshot = document->memory.at(trace, cursor);
        m_document = document.get();
        m_cursor = cursor;
    }
    const Theme& theme = context.theme;
    const Palette& palette = theme.palette();
    if (cursor == kNoEvent)
        ImGui::TextDisabled("Before the first event (initial values):");
    else
        ImGui::TextDisabled("After event %llu:", static_cast<unsigned long long>(cursor + 1));

    const float cell = ImGui::GetFontSize() * 1.8f;
    for (std::uint16_t v = 0; v < trace.scenario.variables.size(); ++v) {
        const VariableInfo& variable = trace.scenario.variables[v];
        if (variable.firstWord + variable.words > m_snapshot.words.size()) continue;
        const std::int64_t value = m_snapshot.words[variable.firstWord];
        ImGui::PushFont(theme.monoFont());
        switch (variable.kind) {
        case VariableKind::Flag:
        case VariableKind::Lock:
            ImGui::Text("%-8s = %lld", variable.name.c_str(), static_cast<long long>(value));
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::TextColored(ImColor(value == (variable.kind == VariableKind::Flag ? 1 : 0) ? palette.lockRelease
                                                                                              : palette.tornMarker),
                               "%s", guardStateText(trace, v, m_snapshot).c_str());
            break;
        case VariableKind::Record: {
            ImGui::Text("%-8s", variable.name.c_str());
            ImGui::PopFont();
            ImGui::SameLine();
            ImDrawList* draw = ImGui::GetWindowDrawList();
            const ImVec2 origin = ImGui::GetCursorScreenPos();
            std::set<std::int32_t> writers;
            for (std::uint32_t w = 0; w < variable.words; ++w) {
                const std::int32_t writer = m_snapshot.lastWriter[variable.firstWord + w];
                if (writer >= 0) writers.insert(writer);
                const ImVec2 a(origin.x + static_cast<float>(w) * (cell + 4.0f), origin.y);
                const ImVec2 b(a.x + cell, a.y + cell);
                draw->AddRectFilled(
                    a, b, writer >= 0 ? theme.workerColor(static_cast<std::uint32_t>(writer)) : palette.laneAlternate,
                    3.0f);
                draw->AddRect(a, b, palette.laneSeparator, 3.0f);
                const std::string letter = writer >= 0 ? workerName(static_cast<std::uint32_t>(writer)) : "-";
                const ImVec2 size = ImGui::CalcTextSize(letter.c_str());
                draw->AddText(ImVec2(a.x + (cell - size.x) / 2, a.y + (cell - size.y) / 2), IM_COL32(0, 0, 0, 255),
                              letter.c_str());
            }
            ImGui::Dummy(ImVec2(static_cast<float>(variable.words) * (cell + 4.0f), cell));
            if (writers.size() > 1) {
                ImGui::SameLine();
                ImGui::TextColored(ImColor(palette.tornMarker), "torn: written by %zu workers", writers.size());
            }
            break;
        }
        default:
            ImGui::Text("%-8s = %lld", variable.name.c_str(), static_cast<long long>(value));
            ImGui::PopFont();
            break;
        }
    }
}

} // namespace racetrace
