#include "gui/panels/prediction_view.hpp"

#include "gui/theme.hpp"

#include <imgui.h>

#include <string>

namespace racetrace {

namespace {
constexpr const char* kAskTitle = "Predict first";
constexpr const char* kRevealTitle = "What happened";

void centreNextPopup() {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(display.x * 0.7f, 0.0f), ImGuiCond_Appearing);
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
    centreNextPopup();
    if (!ImGui::BeginPopupModal(kAskTitle, nullptr, ImGuiWindowFlags_NoSavedSettings)) return std::nullopt;
    ImGui::PushFont(context.theme.largeFont());
    ImGui::TextWrapped("%s", m_prediction->question.c_str());
    ImGui::PopFont();
    ImGui::Spacing();
    std::optional<RunOptions> start;
    const auto& choices = m_prediction->choices;
    for (std::size_t k = 0; k < choices.size(); ++k) {
        const std::string label = std::to_string(k + 1) + "   " + choices[k];
        if (ImGui::Button(label.c_str(), ImVec2(-1.0f, 0.0f)) || keyPressed('1' + static_cast<int>(k)))
            m_guess = static_cast<int>(k);
    }
    noteItem(context, "prediction-choices");
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
    centreNextPopup();
    if (!ImGui::BeginPopupModal(kRevealTitle, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    const Palette& palette = context.theme.palette();
    const auto& choices = m_prediction->choices;
    ImGui::PushFont(context.theme.largeFont());
    ImGui::TextWrapped("You said: %s.", choices[static_cast<std::size_t>(m_guess)].c_str());
    ImGui::TextWrapped("It was: %s", m_reveal.fact.c_str());
    const ImU32 colour = m_reveal.correct < 0          ? palette.dimText
                         : m_reveal.correct == m_guess ? palette.good
                                                       : palette.lostUpdateArrow;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour), "%s", verdict().c_str());
    ImGui::PopFont();
    noteItem(context, "prediction-verdict");
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
