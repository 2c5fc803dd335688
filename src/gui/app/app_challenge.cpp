// Challenges in the window (Lesson > Challenges): step mode on real
// processes with a goal. After every step the live trace's analysis decides
// whether the goal was reached; a try that ends without it (the workers can
// go no further, or Try again) counts as failed and unlocks the next hint;
// a goal no stepping can reach is explained after the hints, with a free run
// where it happened when there is one. The best score is kept per challenge
// in the settings file.
#include "gui/app/app.hpp"

#include "analysis/narration.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace racetrace {

namespace {
constexpr ImGuiWindowFlags kChallengeFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                             ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

/// What proves the goal was reached: the finding of its kind, else what the last step did.
std::string proofOf(const LessonCondition& reach, const TraceDocument& document) {
    if (const auto kind = lessonFindingKind(reach))
        for (const Finding& finding : document.analysis.findings)
            if (finding.kind == *kind) return finding.sentence;
    const auto& events = document.trace.events;
    return events.empty() ? std::string() : narrateEvent(document.trace, events.size() - 1);
}
} // namespace

void App::openChallenge(const LessonChallenge& challenge) {
    m_lesson.close();
    const auto best = m_settings.challengeBest.find(challenge.name);
    m_challenge.open(challenge, best != m_settings.challengeBest.end() ? std::optional(best->second) : std::nullopt);
    if (m_session.stoppable()) m_session.stop();
    m_challengeStartPending = true;
    showMessage("Challenge: " + challenge.goal);
}

void App::openChallengeNamed(const std::string& lessonName, const std::string& challengeName) {
    auto lesson = loadLesson(lessonName);
    if (!lesson) return showMessage(lesson.error(), true);
    for (const LessonChallenge& challenge : lesson->challenges)
        if (challenge.name == challengeName) return openChallenge(challenge);
    showMessage("The lesson " + lessonName + " has no challenge called '" + challengeName + "'.", true);
}

void App::startChallengeTry(ViewContext& context) {
    if (m_comparing) leaveComparison();
    m_challenge.newTry();
    m_challengeTryOver = false;
    m_challengeSeen = nullptr;
    m_runPanel.setUp(m_challenge.challenge().options, context);
    m_runPanel.startStepping(context, false);
}

void App::pollChallenge(ViewContext& context) {
    if (!m_challenge.isOpen()) return;
    if (m_challengeStartPending && !m_session.busy() && !m_howOften.busy()) {
        m_challengeStartPending = false;
        startChallengeTry(context);
    }
    if (!m_runPanel.stepping() || m_challenge.won() || m_challengeTryOver) return;
    m_challenge.setSteps(m_runPanel.stepsTaken());
    // What running freely did was not stepped: it wins nothing.
    if (m_document && m_document.get() != m_challengeSeen && !m_runPanel.stepsRanFreely()) {
        m_challengeSeen = m_document.get();
        if (m_runPanel.stepsTaken() > 0 && lessonConditionHolds(m_challenge.challenge().reach, *m_document))
            return winChallenge();
    }
    if (m_runPanel.stepsDone()) {
        m_challengeTryOver = true;
        m_challenge.failTry();
        showMessage(m_challenge.explained() ? "Not reached: read why under the goal."
                                            : "Not reached this time: Try again (a hint is waiting).");
    }
}

void App::winChallenge() {
    const std::uint64_t steps = m_runPanel.stepsTaken();
    const bool best = m_challenge.win(steps, proofOf(m_challenge.challenge().reach, *m_document));
    if (best) {
        m_settings.challengeBest[m_challenge.challenge().name] = steps;
        if (auto saved = saveSettings(m_settings); !saved) showMessage(saved.error(), true);
    }
    const bool fewest = steps <= m_challenge.challenge().solution.size();
    showMessage("Challenge won in " + std::to_string(steps) + (steps == 1 ? " step" : " steps") +
                (fewest ? ": the fewest possible."
                 : best ? ", your best yet."
                        : "."));
}

void App::drawChallengePanel(ViewContext& context, ImVec2 pos, ImVec2 size) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ChallengePanel::Action action = ChallengePanel::Action::None;
    if (ImGui::Begin("Challenge", nullptr, kChallengeFlags)) action = m_challenge.draw(context);
    ImGui::End();
    switch (action) {
    case ChallengePanel::Action::TryAgain:
        if (!m_challenge.won() && !m_challengeTryOver && m_runPanel.stepsTaken() > 0) m_challenge.failTry();
        m_challengeStartPending = true;
        break;
    case ChallengePanel::Action::FreeRun:
        m_runPanel.setUp(*m_challenge.challenge().freeRun, context);
        m_runPanel.run(context);
        break;
    case ChallengePanel::Action::Close:
        m_challenge.close();
        m_runPanel.leaveStepMode(context);
        break;
    case ChallengePanel::Action::None: break;
    }
}

void App::drawChallengeMenu() {
    if (!ImGui::BeginMenu("Challenges")) return;
    for (const Lesson& lesson : builtinLessons())
        for (const LessonChallenge& challenge : lesson.challenges) {
            const auto best = m_settings.challengeBest.find(challenge.name);
            const std::string shortcut =
                best != m_settings.challengeBest.end() ? "best " + std::to_string(best->second) : "";
            if (ImGui::MenuItem(challenge.title.c_str(), shortcut.empty() ? nullptr : shortcut.c_str()))
                openChallenge(challenge);
        }
    ImGui::EndMenu();
}

const std::vector<Lesson>& App::builtinLessons() {
    if (!m_builtinLessons) {
        m_builtinLessons.emplace();
        for (const auto& builtin : builtinLessonTexts())
            if (auto lesson = loadLesson(builtin.name)) m_builtinLessons->push_back(std::move(*lesson));
    }
    return *m_builtinLessons;
}

} // namespace racetrace
