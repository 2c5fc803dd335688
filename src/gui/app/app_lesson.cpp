// The lesson in the window: `racetrace lesson ipc` (or Lesson in the menu)
// opens it on step 1; Page Down / Page Up (a clicker's keys) move between
// steps. Each step sets the Run panel to its scenario and knobs, asks its
// question if it has one, then runs real processes (or starts step mode, a
// comparison, or "How often?") and, once shown, selects what the step points
// at. Every knob stays usable: the lecturer may leave the path and come back
// with Page Down.
#include "gui/app/app.hpp"

#include "session/comparison.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace racetrace {

namespace {
constexpr ImGuiWindowFlags kLessonFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                          ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
} // namespace

void App::openLesson(const std::string& name) {
    auto lesson = loadLesson(name);
    if (!lesson) {
        showMessage(lesson.error(), true);
        return;
    }
    m_challenge.close();
    m_lesson.open(std::move(*lesson));
    goToLessonStep(0);
}

void App::goToLessonStep(std::size_t index) {
    if (!m_lesson.isOpen()) return;
    // The step before is over: its run and its "How often?" runs too.
    if (m_session.stoppable()) m_session.stop();
    if (m_howOften.isOpen()) m_howOften.close();
    m_lesson.go(index);
    m_lessonWait = LessonWait::Nothing;
    m_lessonSetUpPending = true;
    showMessage(m_lesson.stepSentence());
}

void App::pollLesson(ViewContext& context) {
    if (!m_lesson.isOpen()) return;
    if (m_lessonSetUpPending && !m_session.busy() && !m_howOften.busy()) {
        m_lessonSetUpPending = false;
        setUpLessonStep(context);
    }
    const LessonStep& step = m_lesson.step();
    // A stepped step is shown once the lecturer has taken its steps; a
    // comparison once it is on screen.
    const bool stepped = m_lessonWait == LessonWait::Steps && m_runPanel.stepping() && m_document &&
                         m_runPanel.stepsTaken() >= step.schedule.size();
    const bool compared = m_lessonWait == LessonWait::Comparison && m_comparing && !m_session.busy();
    const bool swept = m_lessonWait == LessonWait::Sweep && m_howOften.finished();
    if (stepped || compared || swept) {
        m_lesson.shown(stepped ? m_document.get() : nullptr);
        m_lessonWait = LessonWait::Nothing;
    }
}

void App::setUpLessonStep(ViewContext& context) {
    const LessonStep& step = m_lesson.step();
    if (m_comparing) leaveComparison();
    m_runPanel.setUp(step.options, context);
    if (step.point.eventOrder) m_state.axis = TimeAxis::EventOrder;
    switch (step.mode) {
    case LessonMode::Run:
        if (!m_lesson.asking()) {
            runLessonStep(context);
        } else if (m_document) { // the last step's trace would answer the question before it is asked
            m_previous = std::move(m_document);
            setWindowTitle();
        }
        break;
    case LessonMode::Step:
        m_runPanel.startStepping(context); // on the event-order axis, as step mode always is
        m_lessonWait = LessonWait::Steps;
        break;
    case LessonMode::Compare:
        compare(comparisonOf(step.compareWith->scenario, step.options.scenario));
        m_lessonWait = LessonWait::Comparison;
        break;
    case LessonMode::HowOften: { // in the right-hand column, beside the lesson's words
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const float left = leftColumnWidth();
        m_howOften.startSweep(step.options, step.sweep, static_cast<int>(step.runsPerValue),
                              PanelArea{left, m_layoutTop, display.x - left, display.y - m_layoutTop});
        m_lessonWait = LessonWait::Sweep;
        break;
    }
    }
}

void App::runLessonStep(ViewContext& context) {
    m_lessonWait = LessonWait::Run;
    m_runPanel.run(context);
}

void App::lessonRunShown() {
    if (!m_lesson.isOpen() || m_lessonWait != LessonWait::Run || !m_document) return;
    m_lessonWait = LessonWait::Nothing;
    m_lesson.shown(m_document.get());
    const LessonPoint& point = m_lesson.step().point;
    if (!point.finding) return;
    const auto& findings = m_document->analysis.findings;
    const auto pointedAt = [&](const Finding& f) {
        return findingKindName(f.kind) == *point.finding &&
               (!point.worker || std::ranges::find(f.workers, *point.worker) != f.workers.end());
    };
    const auto found = std::ranges::find_if(findings, pointedAt);
    if (found == findings.end()) return; // this run did not show it: the opening finding stays
    m_state.selectFinding(static_cast<int>(found - findings.begin()));
    // Standard output follows the status line, which now says this finding's sentence.
    std::printf("%s\n", found->sentence.c_str());
    std::fflush(stdout);
}

void App::drawLessonPanel(ViewContext& context, ImVec2 pos, ImVec2 size) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    LessonPanel::Action action = LessonPanel::Action::None;
    if (ImGui::Begin("Lesson", nullptr, kLessonFlags)) action = m_lesson.draw(context);
    ImGui::End();
    switch (action) {
    case LessonPanel::Action::Previous:
        if (m_lesson.index() > 0) goToLessonStep(m_lesson.index() - 1);
        break;
    case LessonPanel::Action::Next: goToLessonStep(m_lesson.index() + 1); break;
    case LessonPanel::Action::Again: goToLessonStep(m_lesson.index()); break;
    case LessonPanel::Action::Run: runLessonStep(context); break;
    case LessonPanel::Action::Close:
        m_lesson.close();
        showMessage("Closed the lesson; Lesson in the menu opens it again.");
        break;
    case LessonPanel::Action::None: break;
    }
}

void App::drawLessonMenu() {
    if (!ImGui::BeginMenu("Lesson")) return;
    for (const Lesson& lesson : builtinLessons())
        if (ImGui::MenuItem(("Start: " + lesson.title).c_str())) {
            if (!m_settings.lecture) setLecture(true);
            openLesson(lesson.name);
        }
    ImGui::Separator();
    const bool open = m_lesson.isOpen();
    if (ImGui::MenuItem("Next step", "Page Down", false, open && m_lesson.index() + 1 < m_lesson.lesson().steps.size()))
        goToLessonStep(m_lesson.index() + 1);
    if (ImGui::MenuItem("Previous step", "Page Up", false, open && m_lesson.index() > 0))
        goToLessonStep(m_lesson.index() - 1);
    if (ImGui::MenuItem("Close the lesson", nullptr, false, open)) m_lesson.close();
    ImGui::Separator();
    drawChallengeMenu();
    ImGui::EndMenu();
}

} // namespace racetrace
