#include "gui/panels/challenge_panel.hpp"

#include "gui/theme.hpp"
#include "gui/whole_numbers.hpp"
#include "gui/wrapped_words.hpp"

#include <imgui.h>

#include <algorithm>
#include <utility>

namespace racetrace {

void ChallengePanel::open(LessonChallenge challenge, std::optional<std::uint64_t> best) {
    m_challenge = std::move(challenge);
    m_best = best;
    m_open = true;
    m_steps = 0;
    m_failedTries = 0;
    m_won = false;
    m_newBest = false;
    m_proof.clear();
}

void ChallengePanel::newTry() {
    m_steps = 0;
    m_won = false;
    m_newBest = false;
    m_proof.clear();
}

bool ChallengePanel::win(std::uint64_t steps, std::string proof) {
    m_won = true;
    m_steps = steps;
    m_proof = std::move(proof);
    m_newBest = !m_best || steps < *m_best;
    if (m_newBest) m_best = steps;
    return m_newBest;
}

void ChallengePanel::failTry() {
    if (!m_won) ++m_failedTries;
}

ChallengePanel::Action ChallengePanel::draw(ViewContext& context) {
    const Theme& theme = context.theme;
    Action action = Action::None;
    // The words scroll; the buttons below them always show.
    const float buttons = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y * 2;
    ImGui::BeginChild("##challenge-words", ImVec2(0, -buttons));
    ImGui::TextDisabled("Challenge, in step mode");
    wrappedWords(context, theme.largeFont(), theme.palette().text, m_challenge.title, "challenge-title");
    ImGui::Spacing();
    wrappedWords(context, theme.regularFont(), theme.palette().text, m_challenge.goal, "challenge-goal");
    ImGui::Spacing();
    drawProgress(context);
    drawOutcome(context);
    // A new hint, the win or the reason has just appeared: bring it into view.
    const std::size_t shownLines = (m_won ? 1 : 0) + (explained() ? 1 : 0) + m_failedTries;
    if (std::exchange(m_shownLines, shownLines) != shownLines) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::Separator();
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    if (ImGui::Button(m_won ? "Again" : "Try again", ImVec2(half, 0))) action = Action::TryAgain;
    noteItem(context, "challenge-try-again");
    ImGui::SameLine();
    if (ImGui::Button("Close", ImVec2(half, 0))) action = Action::Close;
    if (m_challenge.freeRun && explained() && ImGui::Button("Show me a free run where it happened"))
        action = Action::FreeRun;
    return action;
}

void ChallengePanel::drawProgress(ViewContext& context) {
    std::string counter = "Steps: " + std::to_string(m_steps);
    if (m_best) counter += "    Best: " + std::to_string(*m_best);
    if (m_failedTries > 0) counter += "    Failed tries: " + std::to_string(m_failedTries);
    wrappedWords(context, context.theme.regularFont(), context.theme.palette().text, counter, "challenge-steps");
    const std::size_t hints = std::min<std::size_t>(m_failedTries, m_challenge.hints.size());
    for (std::size_t k = 0; k < hints && !m_won; ++k)
        wrappedWords(context, context.theme.regularFont(), context.theme.palette().text,
                     "Hint: " + m_challenge.hints[k], "challenge-hint");
}

void ChallengePanel::drawOutcome(ViewContext& context) {
    const Palette& palette = context.theme.palette();
    if (m_won) {
        // The scripted solution is as short as it gets: say so when it is matched.
        const bool fewest = m_steps <= m_challenge.solution.size();
        const std::string done = "Done in " + std::to_string(m_steps) + (m_steps == 1 ? " step" : " steps") +
                                 (fewest      ? ": the fewest possible."
                                  : m_newBest ? ", your best yet."
                                              : ".");
        wrappedWords(context, context.theme.largeFont(), palette.good, done, "challenge-won");
        wrappedWords(context, context.theme.regularFont(), palette.text, m_proof, "challenge-proof");
    }
    if (explained())
        wrappedWords(context, context.theme.regularFont(), palette.text, m_challenge.impossible, "challenge-why");
}

} // namespace racetrace
