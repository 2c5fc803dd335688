#include "gui/panels/code_view.hpp"

#include "gui/theme.hpp"

#include <imgui.h>

#include <cmath>

#include <string>
#include <vector>

namespace racetrace {

namespace {

/// Width of a worker swatch item (Theme::workerSwatchItem) followed by `text`.
float swatchedWidth(const std::string& text) {
    return std::floor(ImGui::GetTextLineHeight() * 0.75f) + ImGui::GetStyle().ItemInnerSpacing.x +
           ImGui::CalcTextSize(text.c_str()).x;
}

/// Continues the current line if `width` more pixels fit, else starts a new one.
void sameLineIfFits(float width) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

/// Per line of program `p`, the workers at it: at the cursor, or in step mode
/// where each will make its next access.
std::vector<std::vector<std::uint32_t>> workersAtLines(const ViewContext& context, std::size_t p) {
    const Trace& trace = context.document->trace;
    const ProgramInfo& program = trace.scenario.programs[p];
    const std::vector<int>& nextLine = context.state.nextLine;
    const bool stepping = !nextLine.empty();
    const std::uint64_t cursor = context.state.cursorEvent;
    std::vector<std::vector<std::uint32_t>> atLine(program.lines.size());
    for (std::uint32_t w = 0; w < (stepping ? nextLine.size() : trace.workers.size()); ++w) {
        if (w % trace.scenario.programs.size() != p) continue;
        if (stepping) {
            if (nextLine[w] >= 0 && static_cast<std::size_t>(nextLine[w]) < program.lines.size())
                atLine[static_cast<std::size_t>(nextLine[w])].push_back(w);
            continue;
        }
        if (cursor == kNoEvent) continue;
        if (auto line = context.document->index.lineAt(trace, w, cursor); line && *line < program.lines.size())
            atLine[*line].push_back(w);
    }
    return atLine;
}

/// Step mode, above the listing (wrapped when narrow): who will do what next,
/// each worker as a swatch and its name in the text colour.
void drawNextAccesses(const ViewContext& context) {
    const std::vector<int>& nextLine = context.state.nextLine;
    ImGui::TextDisabled("next:");
    for (std::uint32_t w = 0; w < nextLine.size(); ++w) {
        const bool known = w < context.state.nextAccess.size() && !context.state.nextAccess[w].empty();
        const std::string what = known ? context.state.nextAccess[w] : std::string("finished");
        const std::string text = workerName(w) + ": " + what + (w + 1 < nextLine.size() ? "," : "");
        sameLineIfFits(swatchedWidth(text));
        context.theme.workerSwatchItem(w);
        ImGui::TextUnformatted(text.c_str());
    }
}

/// One badge per worker at the line, in the worker's colour, from `start`.
void drawBadges(const Theme& theme, ImVec2 start, const std::vector<std::uint32_t>& workers) {
    const float badge = ImGui::GetFontSize() * 1.3f;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float x = start.x;
    for (std::uint32_t worker : workers) {
        const ImVec2 a(x, start.y), b(x + badge, start.y + ImGui::GetTextLineHeight());
        draw->AddRectFilled(a, b, theme.workerColor(worker), 4.0f);
        const std::string name = workerName(worker);
        draw->AddText(ImVec2(a.x + (badge - ImGui::CalcTextSize(name.c_str()).x) / 2, a.y), IM_COL32(0, 0, 0, 255),
                      name.c_str());
        x += badge + 2.0f;
    }
}

/// After a line, while there is room: "■ A next: read Y". When it would be
/// clipped it is left out: the badge and the "next:" line say it too.
void drawNextAfterLine(const ViewContext& context, const std::vector<std::uint32_t>& workers) {
    for (std::uint32_t worker : workers) {
        if (worker >= context.state.nextAccess.size()) continue;
        const std::string text = workerName(worker) + " next: " + context.state.nextAccess[worker];
        const float width = ImGui::GetFontSize() + swatchedWidth(text);
        ImGui::SameLine(0.0f, ImGui::GetFontSize());
        if (ImGui::GetContentRegionAvail().x < width) {
            ImGui::NewLine();
            break;
        }
        context.theme.workerSwatchItem(worker);
        ImGui::TextUnformatted(text.c_str());
    }
}

/// One numbered line of pseudo-code, highlighted when a worker is at it. A
/// line too long for the panel (lecture mode's large text) puts its
/// "// comment" on a line of its own under the code, instead of losing it at
/// the panel's edge.
void drawLine(const ViewContext& context, std::size_t line, const std::string& text,
              const std::vector<std::uint32_t>& workers, float badgeColumn) {
    const ImVec2 start = ImGui::GetCursorScreenPos();
    drawBadges(context.theme, start, workers);
    const std::string number = (line + 1 < 10 ? " " : "") + std::to_string(line + 1) + "  ";
    const float room = ImGui::GetContentRegionAvail().x - badgeColumn;
    std::size_t comment = text.find("//");
    if (comment == std::string::npos || ImGui::CalcTextSize((number + text).c_str()).x <= room)
        comment = std::string::npos;
    std::string code = text.substr(0, comment);
    while (!code.empty() && code.back() == ' ')
        code.pop_back();
    const float height = comment == std::string::npos
                             ? ImGui::GetTextLineHeight()
                             : ImGui::GetTextLineHeightWithSpacing() + ImGui::GetTextLineHeight();
    if (!workers.empty())
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(start.x + badgeColumn - 4.0f, start.y),
                                                  ImVec2(start.x + ImGui::GetContentRegionAvail().x, start.y + height),
                                                  context.theme.palette().selection);
    ImGui::SetCursorScreenPos(ImVec2(start.x + badgeColumn, start.y));
    ImGui::Text("%s%s", number.c_str(), code.c_str());
    if (comment != std::string::npos) {
        ImGui::SetCursorScreenPos(
            ImVec2(start.x + badgeColumn + ImGui::CalcTextSize(number.c_str()).x, ImGui::GetCursorScreenPos().y));
        ImGui::TextDisabled("%s", text.c_str() + comment);
    }
    if (!context.state.nextLine.empty()) drawNextAfterLine(context, workers);
}

} // namespace

void CodeView::draw(ViewContext& context) {
    if (!context.document) return;
    const Trace& trace = context.document->trace;
    ImGui::TextWrapped("%s", trace.scenario.title.c_str());
    const float badge = ImGui::GetFontSize() * 1.3f;
    const float badgeColumn = badge * static_cast<float>(std::min<std::size_t>(trace.workers.size(), 4)) + 8.0f;
    for (std::size_t p = 0; p < trace.scenario.programs.size(); ++p) {
        const ProgramInfo& program = trace.scenario.programs[p];
        if (trace.scenario.programs.size() > 1) ImGui::TextDisabled("role %s", program.role.c_str());
        const auto workersAtLine = workersAtLines(context, p);
        if (!context.state.nextLine.empty() && p == 0) drawNextAccesses(context);
        ImGui::PushFont(context.theme.monoFont());
        for (std::size_t line = 0; line < program.lines.size(); ++line)
            drawLine(context, line, program.lines[line].text, workersAtLine[line], badgeColumn);
        ImGui::PopFont();
    }
}

} // namespace racetrace
