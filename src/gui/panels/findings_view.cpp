#include "gui/panels/findings_view.hpp"
#include "gui/whole_numbers.hpp"

#include "analysis/finders.hpp"

#include "analysis/plain_words.hpp"
#include "gui/theme.hpp"

#include <imgui.h>

#include <iterator>
#include <string>

namespace racetrace {

namespace {

std::string grouped(std::uint64_t value) {
    return groupedNumber(static_cast<std::int64_t>(value));
}

/// A hint in the disabled colour that wraps instead of running off the panel
/// (TextDisabled does not wrap; lecture mode's large text needs it).
void hintWrapped(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    textWrappedWhole(text);
    ImGui::PopStyleColor();
}

/// "Overlaps: 5,448   Lost updates: 2,048   Torn records: 924" on one line
/// when it fits, else as many lines as needed, never clipped in the middle.
void countsLine(const Trace& trace, const Analysis& analysis) {
    std::vector<std::string> parts;
    for (const FindingKindInfo& kind : kFindingKinds)
        if (concernsTrace(trace, analysis, kind))
            parts.push_back(std::string(kind.label) + ": " + grouped(analysis.count(kind.kind)));
    const float gap = ImGui::GetFontSize();
    for (std::size_t k = 0; k < std::size(parts); ++k) {
        if (k > 0) {
            ImGui::SameLine(0.0f, gap);
            if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(parts[k].c_str()).x) ImGui::NewLine();
        }
        ImGui::TextUnformatted(parts[k].c_str());
    }
}

/// `text` cut to fit `width` pixels, ending in "…" when cut (at a UTF-8
/// character boundary: sentences hold µ and dashes). The list's rows stay one
/// line high, so they keep a fixed pitch for the clipper; the whole sentence
/// is in the tooltip and, for the selected finding, above the list.
std::string fitted(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    constexpr const char* kEllipsis = "\u2026";
    std::size_t lo = 0, hi = text.size(); // the longest prefix that fits is in [lo, hi]
    auto fits = [&](std::size_t n) { return ImGui::CalcTextSize((text.substr(0, n) + kEllipsis).c_str()).x <= width; };
    while (lo < hi) {
        const std::size_t mid = (lo + hi + 1) / 2;
        if (fits(mid))
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80)
        --lo; // not inside a character
    while (lo > 0 && text[lo - 1] == ' ')
        --lo;
    return text.substr(0, lo) + kEllipsis;
}

/// Per worker: how often it got into the critical section, how long it waited
/// and stayed (a fair lock shares these evenly). Folded away in lecture mode,
/// where the panel's height goes to the headline and the counts.
void drawLockStats(const ViewContext& context) {
    const auto& locks = context.document->analysis.locks;
    if (locks.empty()) return;
    ImGui::SetNextItemOpen(!context.theme.lecture(), ImGuiCond_Appearing);
    if (!ImGui::TreeNode("Getting in: how often, how long")) return;
    for (const WorkerLockStats& row : locks) {
        context.theme.workerSwatchItem(row.worker);
        const std::string inARow =
            row.longestRun > 1 ? " (up to " + grouped(row.longestRun) + " in a row)" : std::string();
        const std::string text = workerName(row.worker) + ": " + grouped(row.acquired) + " times" + inARow +
                                 ", waited " + humanDuration(row.waitNs) + ", inside " + humanDuration(row.holdNs);
        textWrappedWhole(text);
    }
    ImGui::TreePop();
}

/// "Race found" or not, the counts, the invariants, why the run stopped, what was dropped.
void drawSummary(const ViewContext& context) {
    const TraceDocument& document = *context.document;
    const Analysis& analysis = document.analysis;
    const Palette& palette = context.theme.palette();
    ImGui::PushFont(context.theme.largeFont());
    ImGui::TextColored(ImColor(analysis.raced() ? palette.overlapBand | 0xFF000000u : palette.good), "%s",
                       analysis.raced() ? "Race found" : "No race found");
    noteItem(context, "findings-headline");
    ImGui::PopFont();
    countsLine(document.trace, analysis);
    noteItem(context, "findings-counts");
    drawLockStats(context);
    for (const auto& result : analysis.invariants) {
        ImGui::PushStyleColor(ImGuiCol_Text, result.holds ? palette.text : palette.tornMarker);
        textWrappedWhole(result.sentence);
        noteItem(context, "invariant");
        ImGui::PopStyleColor();
    }
    if (!document.trace.stopReason.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette.tornMarker);
        textWrappedWhole(document.trace.stopReason);
        ImGui::PopStyleColor();
    }
    if (document.trace.droppedTotal() > 0)
        ImGui::TextWrapped("%s events were dropped because a ring was full: findings may be incomplete.",
                           grouped(document.trace.droppedTotal()).c_str());
}

/// The selected finding's whole sentence, or how to select one.
void drawSelection(const ViewContext& context) {
    const auto& findings = context.document->analysis.findings;
    const int selected = context.state.selectedFinding;
    if (selected >= 0 && selected < static_cast<int>(findings.size())) {
        const std::string where = "Finding " + std::to_string(selected + 1) + " of " + grouped(findings.size()) +
                                  " (N: next, P: previous, Z: zoom to it)";
        hintWrapped(where.c_str());
        textWrappedWhole(findings[static_cast<std::size_t>(selected)].sentence);
    } else {
        hintWrapped("Click a finding to see it on the timeline (N: next, P: previous).");
    }
}

} // namespace

void FindingsView::draw(ViewContext& context) {
    if (!context.document) {
        ImGui::TextWrapped("%s",
                           context.commands.job().busy
                               ? "The findings appear once the trace is recorded (or read) and analysed."
                               : "No trace yet. Run a scenario, or open a .rtrace file (Ctrl+O or drop it here).");
        return;
    }
    drawSummary(context);
    if (context.document->analysis.findings.empty()) return;
    ImGui::Separator();
    drawSelection(context);
    ImGui::Separator();
    drawList(context);
}

void FindingsView::drawList(ViewContext& context) {
    const auto& findings = context.document->analysis.findings;
    const int selected = context.state.selectedFinding;
    ImGui::BeginChild("finding-list");
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(findings.size()));
    // Keep the selection in view when it was changed by a key, not by a click.
    if (selected != m_scrolledTo && selected >= 0) clipper.ForceDisplayRangeByIndices(selected, selected + 1);
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const Finding& finding = findings[static_cast<std::size_t>(i)];
            ImGui::PushID(i);
            const std::string label = std::to_string(i + 1) + ". " +
                                      std::string(findingKindInfo(finding.kind).singular) + ": " + finding.sentence;
            if (ImGui::Selectable(fitted(label, ImGui::GetContentRegionAvail().x).c_str(), i == selected)) {
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
