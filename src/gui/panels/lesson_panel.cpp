#include "gui/panels/lesson_panel.hpp"

#include "gui/theme.hpp"
#include "gui/whole_numbers.hpp"
#include "gui/wrapped_words.hpp"

#include <imgui.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace racetrace {

namespace {

/// A button as wide as the panel: a choice reads (and is hit) from afar.
bool wideButton(const std::string& label) {
    return ImGui::Button(label.c_str(), ImVec2(ImGui::GetContentRegionAvail().x, 0.0f));
}

/// "Watch Y and B's lane.": what the step points at besides the finding it selects.
std::string watchWords(const LessonPoint& point) {
    std::vector<std::string> parts;
    if (point.variable)
        parts.push_back(point.channel ? "the lane of " + *point.variable : *point.variable + " in Memory");
    if (point.worker) parts.push_back(workerName(*point.worker) + "'s lane");
    if (parts.empty()) return {};
    return "Watch " + parts[0] + (parts.size() > 1 ? " and " + parts[1] : "") + ".";
}

} // namespace

void LessonPanel::open(Lesson lesson) {
    m_lesson = std::move(lesson);
    m_open = !m_lesson.steps.empty();
    go(0);
}

void LessonPanel::go(std::size_t index) {
    m_index = std::min(index, m_lesson.steps.empty() ? 0 : m_lesson.steps.size() - 1);
    m_answered = false;
    m_guess = -1;
    m_shown = false;
    m_correct = -1;
    m_fact.clear();
}

void LessonPanel::shown(const TraceDocument* document) {
    m_shown = true;
    m_scrollToEnd = true;
    m_correct = -1;
    m_fact.clear();
    if (document == nullptr || !step().question) return;
    // What decided it, in the run's own words: the counter where there is one.
    const auto& invariants = document->analysis.invariants;
    m_fact = invariants.empty() ? document->analysis.headline : invariants.front().sentence;
    const auto& choices = step().question->choices;
    for (std::size_t k = 0; k < choices.size() && m_correct < 0; ++k)
        if (lessonConditionHolds(choices[k].answer, *document)) m_correct = static_cast<int>(k);
}

std::string LessonPanel::stepSentence() const {
    return "Step " + std::to_string(m_index + 1) + " of " + std::to_string(m_lesson.steps.size()) + " (" +
           step().section + "): " + step().title + (step().title.ends_with('?') ? "" : ".");
}

LessonPanel::Action LessonPanel::draw(ViewContext& context) {
    const Theme& theme = context.theme;
    const Palette& palette = theme.palette();
    Action action = Action::None;
    // The words scroll; the buttons below them always show (in step mode the
    // Run panel takes half the column).
    const float buttons = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y * 2;
    ImGui::BeginChild("##lesson-words", ImVec2(0, -buttons));
    ImGui::TextDisabled("Step %zu of %zu, lecture notes %s", m_index + 1, m_lesson.steps.size(),
                        step().section.c_str());
    wrappedWords(context, theme.largeFont(), palette.text, step().title, "lesson-title");
    ImGui::Spacing();
    wrappedWords(context, theme.regularFont(), palette.text, step().text, "lesson-text");
    if (const std::string watch = watchWords(step().point); !watch.empty()) {
        ImGui::Spacing();
        wrappedWords(context, theme.regularFont(), palette.text, watch, "lesson-watch");
    }
    if (step().mode == LessonMode::Step) {
        std::string order;
        for (std::uint32_t worker : step().schedule)
            order += (order.empty() ? "" : " ") + workerName(worker);
        ImGui::Spacing();
        wrappedWords(context, theme.regularFont(), palette.text, "Step " + order + " (keys 1 and 2).",
                     "lesson-schedule");
    }
    ImGui::Spacing();
    if (asking())
        drawQuestion(context, action);
    else if (m_shown)
        drawAnswer(context);
    if (std::exchange(m_scrollToEnd, false)) ImGui::SetScrollHereY(1.0f); // the answer has just appeared
    ImGui::EndChild();
    ImGui::Separator();
    const Action pressed = drawButtons(context);
    return pressed != Action::None ? pressed : action;
}

void LessonPanel::drawQuestion(ViewContext& context, Action& action) {
    const LessonQuestion& question = *step().question;
    wrappedWords(context, context.theme.regularFont(), context.theme.palette().text, question.text, "lesson-question");
    for (std::size_t k = 0; k < question.choices.size(); ++k) {
        ImGui::PushID(static_cast<int>(k));
        const std::string label = std::to_string(k + 1) + "  " + wholeNumbers(question.choices[k].text);
        const bool key = k < 9 && ImGui::IsKeyPressed('1' + static_cast<int>(k), false);
        if (wideButton(label) || key) {
            m_guess = static_cast<int>(k);
            m_answered = true;
            action = Action::Run;
        }
        if (k == 0) noteItem(context, "lesson-choice");
        ImGui::PopID();
    }
    if (ImGui::SmallButton("Run without guessing")) {
        m_answered = true;
        action = Action::Run;
    }
}

void LessonPanel::drawAnswer(ViewContext& context) {
    const Palette& palette = context.theme.palette();
    if (step().question && m_guess >= 0) {
        const auto& choices = step().question->choices;
        const bool right = m_correct == m_guess;
        const std::string verdict = m_correct < 0 ? "The run cannot tell."
                                    : right
                                        ? "Right: " + choices[static_cast<std::size_t>(m_guess)].text + "."
                                        : "Not this time: " + choices[static_cast<std::size_t>(m_correct)].text + ".";
        wrappedWords(context, context.theme.largeFont(), right ? palette.good : palette.tornMarker, verdict,
                     "lesson-verdict");
    }
    if (!step().after.empty())
        wrappedWords(context, context.theme.regularFont(), palette.text, step().after, "lesson-after");
}

LessonPanel::Action LessonPanel::drawButtons(ViewContext& context) {
    Action action = Action::None;
    const float third = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x * 2) / 3;
    ImGui::BeginDisabled(m_index == 0);
    if (ImGui::Button("< Previous", ImVec2(third, 0))) action = Action::Previous;
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Page Up");
    ImGui::SameLine();
    if (ImGui::Button("Again", ImVec2(third, 0))) action = Action::Again;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Set the step up again and run it");
    ImGui::SameLine();
    ImGui::BeginDisabled(m_index + 1 >= m_lesson.steps.size());
    if (ImGui::Button("Next >", ImVec2(third, 0))) action = Action::Next;
    ImGui::EndDisabled();
    noteItem(context, "lesson-next");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Page Down");
    if (ImGui::SmallButton("Close the lesson")) action = Action::Close;
    return action;
}

} // namespace racetrace
