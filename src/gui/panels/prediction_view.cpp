#include "gui/panels/prediction_view.hpp"

#include "gui/theme.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <string>

namespace racetrace {

namespace {
constexpr const char* kAskTitle = "Predict first";
constexpr const char* kRevealTitle = "What happened";

/// Centred, `ems` font sizes wide at most: a line of 30-odd words reads at a
/// glance from the back of a hall, a line across the whole screen does not.
void centreNextPopup(float ems) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(display.x * 0.7f, ImGui::GetFontSize() * ems), 0.0f), ImGuiCond_Appearing);
}

/// `text` in the large font, in the text colour of the light theme, on a
/// band of `fill` as wide as the window: the verdict is the first thing read,
/// and black on the verdict's green or vermillion keeps 5:1 where the
/// coloured text alone on white was under 3.5:1.
void verdictBand(const Theme& theme, const std::string& text, ImU32 fill, ImU32 ink) {
    ImFont* font = theme.largeFont();
    const float pad = font->FontSize * 0.4f;
    const float width = ImGui::GetContentRegionAvail().x;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, width - 2 * pad, text.c_str());
    const ImVec2 end(at.x + width, at.y + size.y + 2 * pad);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, end, fill, pad * 0.5f);
    draw->AddText(font, font->FontSize, ImVec2(at.x + pad, at.y + pad), ink, text.c_str(), nullptr, width - 2 * pad);
    ImGui::Dummy(ImVec2(width, end.y - at.y));
}

bool keyPressed(int key) {
    return ImGui::IsKeyPressed(key, false);
}
} // namespace

void PredictionView::ask(Prediction prediction, RunOptions options) {
    m_prediction = std::move(prediction);
    m_options = std::move(options);
    m_guess = -1;
    m_phase = Phase::Asking;
    m_popupPending = true;
}

void PredictionView::forget() {
    if (m_phase == Phase::Waiting) m_phase = Phase::Idle;
}

std::optional<std::string> PredictionView::shown(const TraceDocument& document) {
    if (m_phase != Phase::Waiting || !m_prediction) return std::nullopt;
    if (m_guess < 0) {
        m_phase = Phase::Idle; // skipped: nothing to hold the answer against
        return std::nullopt;
    }
    m_reveal = revealOf(*m_prediction, document);
    m_phase = Phase::Revealing;
    m_popupPending = true;
    return "You said " + m_prediction->choices[static_cast<std::size_t>(m_guess)] + ". " + verdict() + " " +
           m_reveal.fact;
}

std::string PredictionView::verdict() const {
    if (m_reveal.correct < 0) return "The run cannot tell for sure.";
    if (m_reveal.correct == m_guess) return "Right.";
    return "Not this time: " + m_prediction->choices[static_cast<std::size_t>(m_reveal.correct)] + ".";
}

std::optional<RunOptions> PredictionView::drawQuestion(ViewContext& context) {
    centreNextPopup(34.0f);
    if (!ImGui::BeginPopupModal(kAskTitle, nullptr, ImGuiWindowFlags_NoSavedSettings)) return std::nullopt;
    ImGui::PushFont(context.theme.largeFont());
    ImGui::TextWrapped("%s", m_prediction->question.c_str());
    ImGui::Spacing();
    std::optional<RunOptions> start;
    const auto& choices = m_prediction->choices;
    // Large targets in the large font: the lecturer clicks the hall's
    // answer while facing it, or presses its number.
    const float height = ImGui::GetFontSize() * 2.0f;
    for (std::size_t k = 0; k < choices.size(); ++k) {
        const std::string label = std::to_string(k + 1) + "   " + choices[k];
        if (ImGui::Button(label.c_str(), ImVec2(-1.0f, height)) || keyPressed('1' + static_cast<int>(k)))
            m_guess = static_cast<int>(k);
    }
    ImGui::PopFont();
    noteItem(context, "prediction-choices");
    ImGui::Spacing();
    if (ImGui::Button("Just run it (Esc)") || keyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) m_guess = -2;
    if (m_guess != -1) {
        if (m_guess == -2) m_guess = -1; // skipped
        m_phase = Phase::Waiting;
        start = m_options;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
    return start;
}

void PredictionView::drawReveal(ViewContext& context) {
    centreNextPopup(30.0f);
    if (!ImGui::BeginPopupModal(kRevealTitle, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    const Palette& palette = context.theme.palette();
    const auto& choices = m_prediction->choices;
    // The verdict first, then what was said and what the run showed.
    const bool unsure = m_reveal.correct < 0;
    const ImU32 fill = unsure                        ? palette.laneAlternate
                       : m_reveal.correct == m_guess ? palette.good
                                                     : palette.lostUpdateArrow;
    verdictBand(context.theme, verdict(), fill, unsure ? palette.text : IM_COL32(0, 0, 0, 255));
    noteItem(context, "prediction-verdict");
    ImGui::Spacing();
    ImGui::TextWrapped("You said: %s.", choices[static_cast<std::size_t>(m_guess)].c_str());
    ImGui::TextWrapped("The run: %s", m_reveal.fact.c_str());
    ImGui::Spacing();
    if (ImGui::Button("OK (Enter)") || keyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
        keyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        m_phase = Phase::Idle;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

std::optional<RunOptions> PredictionView::draw(ViewContext& context) {
    if (m_popupPending) {
        ImGui::OpenPopup(m_phase == Phase::Asking ? kAskTitle : kRevealTitle);
        m_popupPending = false;
    }
    if (m_phase == Phase::Asking) return drawQuestion(context);
    if (m_phase == Phase::Revealing) drawReveal(context);
    return std::nullopt;
}

} // namespace racetrace
