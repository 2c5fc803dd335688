#include "gui/panels/comparison_view.hpp"
#include "gui/whole_numbers.hpp"

#include "gui/layout_report.hpp"
#include "gui/theme.hpp"
#include "gui/timeline/timeline_view.hpp"
#include "lab/builtin_scenarios.hpp"

#include <imgui.h>

#include <cmath>
#include <string>

namespace racetrace {

ComparisonView::ComparisonView() {
    for (const Scenario& scenario : builtinScenarios())
        m_menu.emplace_back(scenario.info.name, scenario.summary);
}
ComparisonView::~ComparisonView() = default;

void ComparisonView::show(std::shared_ptr<const Comparison> comparison) {
    m_comparison = std::move(comparison);
    m_sides.clear();
    if (!m_comparison) return;
    for (std::size_t i = 0; i < m_picked.size() && i < m_comparison->sides.size(); ++i)
        m_picked[i] = m_comparison->sides[i].document->trace.scenario.name;
    for (std::size_t i = 0; i < m_comparison->sides.size(); ++i) {
        Side side;
        side.timeline = std::make_unique<TimelineView>(false);
        side.state.axis = m_axis;
        side.state.fitRequested = true;
        // A free run is long: open on its race, as the main view does.
        const TraceDocument& document = *m_comparison->sides[i].document;
        if (const int opening = document.analysis.openingFinding(document.trace);
            m_comparison->freeRuns && opening >= 0)
            side.state.selectFinding(opening);
        m_sides.push_back(std::move(side));
    }
}

void ComparisonView::toggleAxis() {
    m_axis = m_axis == TimeAxis::EventOrder ? TimeAxis::RealTime : TimeAxis::EventOrder;
    for (Side& side : m_sides) {
        side.state.axis = m_axis;
        side.state.fitRequested = true; // the two runs take different real times: show each whole
    }
}

void ComparisonView::fit() {
    for (Side& side : m_sides)
        side.state.fitRequested = true;
}

bool ComparisonView::drawPicker(std::size_t index, float width, LayoutReport* layout) {
    bool picked = false;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(index == 0 ? "##first" : "##second", m_picked[index].c_str())) {
        for (const auto& [name, summary] : m_menu) {
            if (ImGui::Selectable(name.c_str(), name == m_picked[index]) && name != m_picked[index]) {
                m_picked[index] = name;
                picked = true;
            }
            if (layout) layout->item("compare-pick-" + name);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", summary.c_str());
        }
        ImGui::EndCombo();
    }
    if (layout) layout->item(index == 0 ? "compare-first" : "compare-second");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Pick the scenario shown %s: both run again at once.", index == 0 ? "on top" : "below");
    return picked;
}

void ComparisonView::drawHeader(const Theme& theme, bool busy, Action& action, LayoutReport* layout) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const char* axis = m_axis == TimeAxis::EventOrder ? "Real time (T)" : "Event order (T)";
    const char* again = "Run again (R)";
    const char* leave = "Leave (Esc)";
    auto width = [&](const char* label) { return ImGui::CalcTextSize(label).x + style.FramePadding.x * 2; };
    const float buttons = width(axis) + width(again) + width(leave) + style.ItemSpacing.x * 2;
    const float left = ImGui::GetCursorPosX();
    const float avail = ImGui::GetContentRegionAvail().x;

    // Any two scenarios: the longest name fits its picker.
    const float picker =
        ImGui::CalcTextSize("pipe-many-writers").x + ImGui::GetFrameHeight() + style.FramePadding.x * 2;
    ImGui::BeginDisabled(busy);
    bool picked = drawPicker(0, picker, layout);
    ImGui::SameLine();
    ImGui::TextUnformatted("vs");
    ImGui::SameLine();
    picked = drawPicker(1, picker, layout) || picked;
    ImGui::EndDisabled();
    if (picked) action = Action::RunAgain;
    ImGui::SameLine(left + avail - buttons);
    if (ImGui::Button(axis)) toggleAxis();
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Event order: one slot per access, the interleaving diagram.\n"
                          "Real time: when each access happened (the gaps are the stepping).");
    ImGui::SameLine();
    ImGui::BeginDisabled(busy);
    if (ImGui::Button(again)) action = Action::RunAgain;
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s",
                          m_comparison->freeRuns
                              ? "Run both scenarios again with new processes (free runs: a new picture each time)."
                              : "Run both scenarios again with new processes (the same schedule, so the same "
                                "picture).");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button(leave)) action = Action::Leave;
    // At lecture sizes the status line already says it; the lanes need the room.
    if (!theme.lecture())
        ImGui::TextWrapped("%s: %s. %s", m_comparison->freeRuns ? "Two free runs" : "Same schedule on both sides",
                           m_comparison->policy.c_str(), m_comparison->lesson.c_str());
    if (busy) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme.palette().dimText);
        ImGui::TextUnformatted("Running both again...");
        ImGui::PopStyleColor();
    }
}

void ComparisonView::drawSide(std::size_t index, float height, const Theme& theme, AppCommands& commands) {
    const ComparisonSide& data = m_comparison->sides[index];
    Side& side = m_sides[index];
    const std::string id = "##side" + std::to_string(index);
    // A thin frame around each side keeps the two runs apart; little padding
    // inside it, so that two lanes fit at lecture sizes.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 2));
    ImGui::BeginChild(id.c_str(), ImVec2(0, height), true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    ImGui::PushFont(theme.largeFont());
    ImGui::TextUnformatted(data.title.c_str());
    ImGui::PopFont();
    ImGui::SameLine(0, ImGui::GetFontSize());
    // The sentence sits on the title's baseline, not at the top of its line.
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + theme.largeFont()->Ascent - ImGui::GetFont()->Ascent);
    // Red where the guard let two in, green where it kept them apart (the
    // colours the findings panel uses for "Race found" and "No race found").
    ImGui::PushStyleColor(ImGuiCol_Text, data.raced ? theme.palette().tornMarker : theme.palette().good);
    textWrappedWhole(data.sentence);
    ImGui::PopStyleColor();

    ViewContext context{.document = data.document, .state = side.state, .theme = theme, .commands = commands};
    side.timeline->draw(context);
    ImGui::EndChild();
}

ComparisonView::Action ComparisonView::draw(const Theme& theme, AppCommands& commands, LayoutReport* layout) {
    Action action = Action::None;
    if (!m_comparison) return action;
    drawHeader(theme, commands.job().busy, action, layout);
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const auto count = static_cast<float>(m_sides.size());
    const float height = std::floor((ImGui::GetContentRegionAvail().y - spacing * (count - 1)) / count);
    for (std::size_t i = 0; i < m_sides.size(); ++i)
        drawSide(i, height, theme, commands);
    return action;
}

} // namespace racetrace
