#include "gui/panels/code_view.hpp"

#include "gui/theme.hpp"

#include <imgui.h>

#include <algorithm>
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

/// Badges side by side in the badge column, at most this many per row; more
/// workers on one line stack in further rows (the line grows).
constexpr std::size_t kBadgesPerRow = 4;

float badgeWidth() {
    return ImGui::GetFontSize() * 1.3f;
}

std::size_t badgeRows(std::size_t workers) {
    return std::max<std::size_t>(1, (workers + kBadgesPerRow - 1) / kBadgesPerRow);
}

/// One badge per worker at the line, in the worker's colour, from `start`.
void drawBadges(const Theme& theme, ImVec2 start, const std::vector<std::uint32_t>& workers) {
    const float badge = badgeWidth(), row = ImGui::GetTextLineHeightWithSpacing();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (std::size_t k = 0; k < workers.size(); ++k) {
        const float x = start.x + static_cast<float>(k % kBadgesPerRow) * (badge + 2.0f);
        const float y = start.y + static_cast<float>(k / kBadgesPerRow) * row;
        const ImVec2 a(x, y), b(x + badge, y + ImGui::GetTextLineHeight());
        draw->AddRectFilled(a, b, theme.workerColor(workers[k]), 4.0f);
        const std::string name = workerName(workers[k]);
        draw->AddText(ImVec2(a.x + (badge - ImGui::CalcTextSize(name.c_str()).x) / 2, a.y), IM_COL32(0, 0, 0, 255),
                      name.c_str());
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

/// " 4  ": the line number as the listing writes it.
std::string lineNumber(std::size_t line) {
    return (line + 1 < 10 ? " " : "") + std::to_string(line + 1) + "  ";
}

bool fitsAsWritten(std::size_t line, const std::string& text, float room) {
    return ImGui::CalcTextSize((lineNumber(line) + text).c_str()).x <= room;
}

/// The line as written, or, with `pulledIn`, its "// comment" next to the
/// code instead of in the comments' column.
std::string fittedLine(const std::string& text, bool pulledIn) {
    const std::size_t comment = text.find("//");
    if (comment == std::string::npos || !pulledIn) return text;
    std::string code = text.substr(0, comment);
    while (!code.empty() && code.back() == ' ')
        code.pop_back();
    return code + "  " + text.substr(comment);
}

/// Where the "// comment" of a line starts when it does not fit beside the
/// code in `room` pixels (pulled in or not), else npos.
std::size_t overflowingComment(std::size_t line, const std::string& text, float room, bool pulledIn) {
    const std::string fitted = fittedLine(text, pulledIn);
    const std::size_t comment = fitted.find("//");
    if (comment == std::string::npos || ImGui::CalcTextSize((lineNumber(line) + fitted).c_str()).x <= room)
        return std::string::npos;
    return comment;
}

struct LineLayout {
    float badgeColumn = 0; ///< pixels left of the line number
    /// A line too wide for the panel (lecture mode's large text): every
    /// comment moves next to its code, out of the comments' column.
    bool pullInComments = false;
    bool wrapComments = true; ///< a comment that still does not fit goes under its code, else into a tooltip
    int row = 0;              ///< the line's number in the whole listing (all programs), from 1
};

/// One numbered line of pseudo-code, highlighted when a worker is at it. A
/// "// comment" too long for the panel (lecture mode's large text) goes on a
/// line of its own under the code when the panel has the room, else it is
/// left to the line's tooltip: every line of code matters more than comments.
void drawLine(const ViewContext& context, std::size_t line, const std::string& written,
              const std::vector<std::uint32_t>& workers, const LineLayout& layout) {
    const ImVec2 start = ImGui::GetCursorScreenPos();
    drawBadges(context.theme, start, workers);
    const std::string number = lineNumber(line);
    const float room = ImGui::GetContentRegionAvail().x - layout.badgeColumn;
    const std::string text = fittedLine(written, layout.pullInComments);
    const std::size_t comment = overflowingComment(line, written, room, layout.pullInComments);
    std::string code = text.substr(0, comment);
    while (!code.empty() && code.back() == ' ')
        code.pop_back();
    const bool commentUnder = comment != std::string::npos && layout.wrapComments;
    const float rows = static_cast<float>(std::max<std::size_t>(badgeRows(workers.size()), commentUnder ? 2 : 1));
    const float height = (rows - 1) * ImGui::GetTextLineHeightWithSpacing() + ImGui::GetTextLineHeight();
    if (!workers.empty())
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(start.x + layout.badgeColumn - 4.0f, start.y),
                                                  ImVec2(start.x + ImGui::GetContentRegionAvail().x, start.y + height),
                                                  context.theme.palette().selection);
    ImGui::SetCursorScreenPos(ImVec2(start.x + layout.badgeColumn, start.y));
    ImGui::Text("%s%s", number.c_str(), code.c_str());
    noteItem(context, "code-line-" + std::to_string(layout.row));
    if (comment != std::string::npos && !layout.wrapComments && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", text.c_str() + comment);
    if (commentUnder) {
        ImGui::SetCursorScreenPos(ImVec2(start.x + layout.badgeColumn + ImGui::CalcTextSize(number.c_str()).x,
                                         ImGui::GetCursorScreenPos().y));
        ImGui::TextDisabled("%s", text.c_str() + comment);
    }
    if (!context.state.nextLine.empty()) drawNextAfterLine(context, workers);
    // Stacked badges need the rows the text did not take.
    const float bottom = start.y + height + ImGui::GetStyle().ItemSpacing.y;
    if (ImGui::GetCursorScreenPos().y < bottom) {
        ImGui::SetCursorScreenPos(ImVec2(start.x, bottom));
        ImGui::Dummy(ImVec2(0, 0));
    }
}

/// Lines of code (all programs) whose comment would need a line of its own.
std::size_t wrappedComments(const ScenarioInfo& scenario, float room, bool pulledIn) {
    std::size_t count = 0;
    for (const ProgramInfo& program : scenario.programs)
        for (std::size_t line = 0; line < program.lines.size(); ++line)
            count += overflowingComment(line, program.lines[line].text, room, pulledIn) != std::string::npos;
    return count;
}

bool allFitAsWritten(const ScenarioInfo& scenario, float room) {
    for (const ProgramInfo& program : scenario.programs)
        for (std::size_t line = 0; line < program.lines.size(); ++line)
            if (!fitsAsWritten(line, program.lines[line].text, room)) return false;
    return true;
}

/// Rows of text the listing takes with every comment beside its code.
std::size_t listingRows(const ViewContext& context) {
    const ScenarioInfo& scenario = context.document->trace.scenario;
    std::size_t rows = 1 + (context.state.nextLine.empty() ? 0 : 1); // the title, "next:" while stepping
    for (const ProgramInfo& program : scenario.programs)
        rows += program.lines.size() + (scenario.programs.size() > 1 ? 1 : 0);
    return rows;
}

float badgeColumnWidth(std::size_t workers) {
    return badgeWidth() * static_cast<float>(std::min(workers, kBadgesPerRow)) + 8.0f;
}

} // namespace

float CodeView::neededHeight(const ViewContext& context) const {
    if (!context.document) return 0.0f;
    const float rows = static_cast<float>(listingRows(context));
    return ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y * 2 +
           rows * ImGui::GetTextLineHeightWithSpacing();
}

void CodeView::draw(ViewContext& context) {
    if (!context.document) return;
    const Trace& trace = context.document->trace;
    ImGui::TextWrapped("%s", trace.scenario.title.c_str());
    LineLayout layout{.badgeColumn = badgeColumnWidth(trace.workers.size())};
    ImGui::PushFont(context.theme.monoFont());
    const float room = ImGui::GetContentRegionAvail().x - layout.badgeColumn;
    layout.pullInComments = !allFitAsWritten(trace.scenario, room);
    const float rowsWithComments =
        static_cast<float>(listingRows(context) + wrappedComments(trace.scenario, room, layout.pullInComments));
    layout.wrapComments = rowsWithComments * ImGui::GetTextLineHeightWithSpacing() <=
                          ImGui::GetContentRegionAvail().y + ImGui::GetTextLineHeightWithSpacing();
    ImGui::PopFont();
    int firstBadged = -1, row = 0;
    for (std::size_t p = 0; p < trace.scenario.programs.size(); ++p) {
        const ProgramInfo& program = trace.scenario.programs[p];
        if (trace.scenario.programs.size() > 1) ImGui::TextDisabled("role %s", program.role.c_str());
        const auto workersAtLine = workersAtLines(context, p);
        if (!context.state.nextLine.empty() && p == 0) drawNextAccesses(context);
        ImGui::PushFont(context.theme.monoFont());
        for (std::size_t line = 0; line < program.lines.size(); ++line, ++row) {
            const float top = ImGui::GetCursorPosY();
            layout.row = row + 1;
            drawLine(context, line, program.lines[line].text, workersAtLine[line], layout);
            if (!workersAtLine[line].empty() && firstBadged < 0) {
                firstBadged = row;
                scrollToBadges(top, ImGui::GetCursorPosY(), context.state.cursorEvent, row);
            }
        }
        ImGui::PopFont();
    }
}

void CodeView::scrollToBadges(float top, float bottom, std::uint64_t cursor, int row) {
    // Once per move of the cursor or the badges: the user may scroll away after.
    if (cursor == m_scrolledFor && row == m_scrolledTo) return;
    m_scrolledFor = cursor;
    m_scrolledTo = row;
    const float scroll = ImGui::GetScrollY(), height = ImGui::GetWindowHeight();
    if (top < scroll || bottom > scroll + height - ImGui::GetFrameHeight())
        ImGui::SetScrollY(std::max(0.0f, top - ImGui::GetTextLineHeightWithSpacing()));
}

} // namespace racetrace
