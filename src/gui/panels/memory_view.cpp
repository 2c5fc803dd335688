#include "gui/panels/memory_view.hpp"

#include "analysis/plain_words.hpp"
#include "gui/theme.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include <set>
#include <string>

namespace racetrace {

namespace {

/// Coloured words after the last item on its line, or on the next line when
/// they would not fit: the panel never scrolls sideways.
void textBesideOrBelow(ImU32 color, const std::string& text) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(text.c_str()).x) ImGui::NewLine();
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}
/// Message cells drawn per channel at most (a big pipe holds thousands).
constexpr std::size_t kMaxCells = 32;
} // namespace

void MemoryView::draw(ViewContext& context) {
    const auto& document = context.document;
    if (!document) return;
    const Trace& trace = document->trace;
    const std::uint64_t cursor = context.state.cursorEvent;
    if (document.get() != m_document || cursor != m_cursor || m_snapshot.words.empty()) {
        m_snapshot = document->memory.at(trace, cursor);
        m_inside = document->index.insideAfter(cursor);
        m_held.clear();
        for (std::uint16_t c = 0; c < trace.scenario.channels.size(); ++c)
            m_held.push_back(document->analysis.messages.heldAfter(c, cursor));
        m_document = document.get();
        m_cursor = cursor;
    }
    const Theme& theme = context.theme;
    if (cursor == kNoEvent)
        ImGui::TextDisabled("Before the first event (initial values):");
    else
        ImGui::TextDisabled("After event %llu:", static_cast<unsigned long long>(cursor + 1));

    for (std::uint16_t v = 0; v < trace.scenario.variables.size(); ++v) {
        const VariableInfo& variable = trace.scenario.variables[v];
        if (variable.firstWord + variable.words > m_snapshot.words.size()) continue;
        if (variableRoleInfo(variable.role).signedWords)
            drawRecord(theme, variable);
        else
            drawScalar(theme, trace, v);
    }
    drawOwner(theme, *document);
    for (std::uint16_t c = 0; c < m_held.size(); ++c)
        drawChannel(theme, trace, c);
}

void MemoryView::drawOwner(const Theme& theme, const TraceDocument& document) const {
    if (!document.index.hasStays()) return;
    const Palette& palette = theme.palette();
    if (m_inside.empty()) {
        ImGui::TextDisabled("inside the critical section: nobody");
        return;
    }
    const bool shared = m_inside.size() > 1;
    ImGui::PushStyleColor(ImGuiCol_Text, shared ? palette.tornMarker : palette.text);
    ImGui::TextWrapped("inside the critical section: %s%s", workerList(m_inside).c_str(), shared ? " (at once!)" : "");
    ImGui::PopStyleColor();
}

void MemoryView::drawChannel(const Theme& theme, const Trace& trace, std::uint16_t c) const {
    const Palette& palette = theme.palette();
    const ChannelInfo& channel = trace.scenario.channels[c];
    const std::uint64_t capacity = channel.capacityInMessages();
    const std::uint64_t held = m_held[c].size();
    const std::size_t cells =
        capacity <= kMaxCells ? static_cast<std::size_t>(capacity) : std::min(m_held[c].size(), kMaxCells);
    ImGui::PushFont(theme.monoFont());
    ImGui::Text("%-8s", channel.name.c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("%s, %llu of %llu messages%s", std::string(channelKindName(channel.kind)).c_str(),
                        static_cast<unsigned long long>(held), static_cast<unsigned long long>(capacity),
                        held > cells ? " (the oldest shown)" : "");
    // Empty cells show the room left, when there are few enough to draw.
    const float cell = ImGui::GetFontSize() * 1.8f;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float perRow = std::max(1.0f, std::floor(ImGui::GetContentRegionAvail().x / (cell + 4.0f)));
    for (std::size_t k = 0; k < cells; ++k) {
        const float row = std::floor(static_cast<float>(k) / perRow), column = static_cast<float>(k) - row * perRow;
        const ImVec2 a(origin.x + column * (cell + 4.0f), origin.y + row * (cell + 4.0f));
        const ImVec2 b(a.x + cell, a.y + cell);
        if (k >= m_held[c].size()) {
            draw->AddRect(a, b, palette.laneSeparator, 3.0f);
            continue;
        }
        const std::uint32_t sender = tagSender(trace.events[m_held[c][k]].value).value_or(0);
        draw->AddRectFilled(a, b, theme.workerColor(sender), 3.0f);
        const std::string letter = workerName(sender);
        const ImVec2 size = ImGui::CalcTextSize(letter.c_str());
        draw->AddText(ImVec2(a.x + (cell - size.x) / 2, a.y + (cell - size.y) / 2), IM_COL32(0, 0, 0, 255),
                      letter.c_str());
    }
    const float rows = std::ceil(static_cast<float>(std::max<std::size_t>(cells, 1)) / perRow);
    ImGui::Dummy(ImVec2(std::min(static_cast<float>(cells), perRow) * (cell + 4.0f), rows * (cell + 4.0f)));
    if (ImGui::IsItemHovered() && !m_held[c].empty())
        ImGui::SetTooltip("Oldest first: %s is the next to be read.",
                          messageName(trace.events[m_held[c].front()].value).c_str());
}

void MemoryView::drawScalar(const Theme& theme, const Trace& trace, std::uint16_t v) const {
    const Palette& palette = theme.palette();
    const VariableInfo& variable = trace.scenario.variables[v];
    std::string values;
    for (std::uint32_t w = 0; w < variable.words; ++w)
        values += (w ? ", " : "") + std::to_string(m_snapshot.words[variable.firstWord + w]);
    if (variable.words > 1) values = "[" + values + "]";
    ImGui::PushFont(theme.monoFont());
    ImGui::Text("%-8s = %s", variable.name.c_str(), values.c_str());
    ImGui::PopFont();
    const std::int64_t value = m_snapshot.words[variable.firstWord];
    if (variable.words > 1 || variable.meanings.of(value).empty()) return;
    // The value's words ("in use (set by A)"): green when it lets a worker in, red when it does not.
    ImU32 color = palette.text;
    if (variable.meanings.free) color = variable.meanings.isFree(value) ? palette.good : palette.tornMarker;
    textBesideOrBelow(color, guardStateText(trace, v, m_snapshot));
}

void MemoryView::drawRecord(const Theme& theme, const VariableInfo& variable) const {
    const Palette& palette = theme.palette();
    const float cell = ImGui::GetFontSize() * 1.8f;
    ImGui::PushFont(theme.monoFont());
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
            a, b, writer >= 0 ? theme.workerColor(static_cast<std::uint32_t>(writer)) : palette.laneAlternate, 3.0f);
        draw->AddRect(a, b, palette.laneSeparator, 3.0f);
        const std::string letter = writer >= 0 ? workerName(static_cast<std::uint32_t>(writer)) : "-";
        const ImVec2 size = ImGui::CalcTextSize(letter.c_str());
        draw->AddText(ImVec2(a.x + (cell - size.x) / 2, a.y + (cell - size.y) / 2), IM_COL32(0, 0, 0, 255),
                      letter.c_str());
    }
    ImGui::Dummy(ImVec2(static_cast<float>(variable.words) * (cell + 4.0f), cell));
    if (writers.size() > 1)
        textBesideOrBelow(palette.tornMarker, "torn: written by " + std::to_string(writers.size()) + " workers");
}

} // namespace racetrace
