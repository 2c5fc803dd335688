#include "gui/findings_view.hpp"

#include "analysis/plain_words.hpp"
#include "gui/theme.hpp"

#include <imgui.h>

#include <string>

namespace racetrace {

namespace {
std::string grouped(std::uint64_t value) { return groupedNumber(static_cast<std::int64_t>(value)); }
} // namespace

const char* findingKindLabel(FindingKind kind) {
    switch (kind) {
    case FindingKind::Overlap: return "overlap";
    case FindingKind::LostUpdate: return "lost update";
    case FindingKind::TornRecord: return "torn record";
    }
    return "finding";
}

void FindingsView::draw(ViewContext& context) {
    const auto& document = context.document;
    if (!document) {
        ImGui::TextWrapped("No trace yet. Run a scenario, or open a .rtrace file (Ctrl+O or drop it here).");
        return;
    }
    const Analysis& analysis = document->analysis;
    const Palette& palette = context.theme.palette();

    ImGui::PushFont(context.theme.largeFont());
    ImGui::TextColored(ImColor(analysis.findings.empty() ? palette.lockRelease : palette.overlapBand | 0xFF000000u),
                       "%s", analysis.findings.empty() ? "No race found" : "Race found");
    ImGui::PopFont();
    ImGui::Text("Overlaps: %s   Lost updates: %s   Torn records: %s", grouped(analysis.overlaps).c_str(),
                grouped(analysis.lostUpdates).c_str(), grouped(analysis.tornRecords).c_str());
    for (const auto& result : analysis.invariants) {
        ImGui::PushStyleColor(ImGuiCol_Text, result.holds ? palette.text : palette.tornMarker);
        ImGui::TextWrapped("%s", result.sentence.c_str());
        ImGui::PopStyleColor();
    }
    if (!document->trace.stopReason.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette.tornMarker);
        ImGui::TextWrapped("%s", document->trace.stopReason.c_str());
        ImGui::PopStyleColor();
    }
    if (document->trace.droppedTotal() > 0)
        ImGui::TextWrapped("%s events were dropped because a ring was full: findings may be incomplete.",
                           grouped(document->trace.droppedTotal()).c_str());

    const auto& findings = analysis.findings;
    if (findings.empty()) return;
    ImGui::Separator();
    const int selected = context.state.selectedFinding;
    if (selected >= 0 && selected < static_cast<int>(findings.size())) {
        ImGui::TextDisabled("Finding %d of %zu (N: next, P: previous, Z: zoom to it)", selected + 1, findings.size());
        ImGui::TextWrapped("%s", findings[static_cast<std::size_t>(selected)].sentence.c_str());
    } else {
        ImGui::TextDisabled("Click a finding to see it on the timeline (N: next, P: previous).");
    }
    ImGui::Separator();

    ImGui::BeginChild("finding-list");
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(findings.size()));
    // Keep the selection in view when it was changed by a key, not by a click.
    if (selected != m_scrolledTo && selected >= 0) clipper.ForceDisplayRangeByIndices(selected, selected + 1);
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const Finding& finding = findings[static_cast<std::size_t>(i)];
            ImGui::PushID(i);
            const std::string label = std::to_string(i + 1) + ". " + findingKindLabel(finding.kind) + ": " + finding.sentence;
            if (ImGui::Selectable(label.c_str(), i == selected)) {
                context.state.selectFinding(i);
                m_scrolledTo = i;
            }
            if (i == selected && selected != m_scrolledTo) {
                ImGui::SetScrollHereY(0.3f);
                m_scrolledTo = selected;
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", finding.sentence.c_str());
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

} // namespace racetrace
