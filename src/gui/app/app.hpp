// The window's shell: owns the platform window, the theme, the settings, the
// run session, the shown trace (and the previous one), the ViewState and the
// views; lays the views out, routes keys and menus, and runs playback.
#pragma once

#include "gui/app/export_job.hpp"
#include "gui/app/gui_main.hpp"
#include "gui/app/platform_window.hpp"
#include "gui/app/settings_store.hpp"
#include "gui/layout_report.hpp"
#include "gui/panels/challenge_panel.hpp"
#include "gui/panels/code_view.hpp"
#include "gui/panels/comparison_view.hpp"
#include "gui/panels/file_browser.hpp"
#include "gui/panels/findings_view.hpp"
#include "gui/panels/how_often_panel.hpp"
#include "gui/panels/lesson_panel.hpp"
#include "gui/panels/memory_view.hpp"
#include "gui/panels/prediction_view.hpp"
#include "gui/panels/run_panel.hpp"
#include "gui/theme.hpp"
#include "gui/timeline/timeline_view.hpp"
#include "session/run_session.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace racetrace {

class App final : public AppCommands {
  public:
    App(std::unique_ptr<PlatformWindow> window, const GuiOptions& options);
    ~App();
    /// Runs until the window is closed; returns the process exit status.
    int run();

    // AppCommands: what the views may ask for.
    void openTrace(const std::string& path) override;
    void showMessage(const std::string& sentence, bool error = false) override;
    std::shared_ptr<const TraceDocument> previousDocument() const override { return m_previous; }
    void showPrevious() override;
    void showLive(std::shared_ptr<const TraceDocument> document) override;
    bool startRun(const RunOptions& options) override;
    void stopRun() override { m_session.stop(); }
    void replayShown() override;
    void compare() override;
    JobStatus job() const override;

  private:
    ViewContext makeContext();
    void frame();
    void pollSession();
    void adopt(std::shared_ptr<const TraceDocument> document);
    void handleKeys(ViewContext& context);
    void drawMenuBar(ViewContext& context);
    void drawFileMenu();
    void drawRunMenu(ViewContext& context);
    void drawViewMenu();
    void drawHelpMenu();
    /// What the status line says now, in which colour, and whether it has a × to dismiss it.
    struct StatusSentence {
        std::string text;
        ImU32 color;
        bool dismissable;
    };
    StatusSentence statusSentence() const;
    /// Draws the status line below `top`; returns its height.
    float drawStatusLine(float top);
    /// Sleeps until there is something to draw (see app.cpp), then starts the frame.
    void waitForReason();
    /// Clears an error sentence from the status line (it stays until then).
    void dismissMessage();
    bool errorShown() const;
    /// Fullscreen and the event-order axis in lecture mode; windowed, real time otherwise.
    void showLectureLayout(bool lecture);
    void drawLayout(ViewContext& context, float top);
    /// The Run panel's column, wider while a lesson or a challenge is open.
    float leftColumnWidth() const;
    void drawPlaybackBar(ViewContext& context);
    void showOpenDialog();
    void showSaveDialog();
    void showExportDialog(ExportFormat format);
    void drawDialogs();
    void pollExport();
    void tickPlayback();
    void stepCursor(std::int64_t delta);
    void stepFinding(int delta);
    void setLecture(bool lecture);
    void setScale(float scale);
    void requestScreenshot();
    void compare(ComparisonPair pair);
    void leaveComparison();
    /// K while a run goes on: "Kill A now".
    void killNow();
    /// The comparison below `top`, right of `left` (a lesson's panel keeps the left column).
    void drawComparison(float top, float left);
    void handleComparisonKeys();
    void setWindowTitle();

    // The lesson (app_lesson.cpp): each step sets up the Run panel, runs,
    // steps, compares or opens "How often?", then frames what matters.
    void openLesson(const std::string& name);
    void goToLessonStep(std::size_t index);
    /// Sets up the step once nothing else runs; notices a stepped or compared step has been shown.
    void pollLesson(ViewContext& context);
    void setUpLessonStep(ViewContext& context);
    void runLessonStep(ViewContext& context);
    /// A run the lesson waited for is shown: select the finding the step points at.
    void lessonRunShown();
    void drawLessonPanel(ViewContext& context, ImVec2 pos, ImVec2 size);
    void drawLessonMenu();
    /// The built-in lessons, parsed once (the menu lists their challenges).
    const std::vector<Lesson>& builtinLessons();

    // Challenges (app_challenge.cpp): step mode with a goal, decided after every step.
    void openChallenge(const LessonChallenge& challenge);
    /// `racetrace lesson NAME --challenge C`.
    void openChallengeNamed(const std::string& lesson, const std::string& challenge);
    void startChallengeTry(ViewContext& context);
    void pollChallenge(ViewContext& context);
    /// The goal reached: the counter stops, the best score is saved at once.
    void winChallenge();
    void drawChallengePanel(ViewContext& context, ImVec2 pos, ImVec2 size);
    void drawChallengeMenu();

    std::unique_ptr<PlatformWindow> m_window;
    Settings m_settings;
    Theme m_theme;
    LayoutReport m_layoutReport = LayoutReport::fromEnvironment();
    bool m_themeDirty = true;
    float m_themeHeight = 0.0f; ///< the window height the theme was applied for
    int m_settleFrames = 4;     ///< frames still to draw after the last input before sleeping
    RunSession m_session;
    std::shared_ptr<const TraceDocument> m_document;
    std::shared_ptr<const TraceDocument> m_previous;
    ViewState m_state;

    RunPanel m_runPanel;
    FindingsView m_findings;
    TimelineView m_timeline;
    MemoryView m_memory;
    CodeView m_code;
    ComparisonView m_comparison;
    HowOftenPanel m_howOften;
    PredictionView m_prediction;
    LessonPanel m_lesson;
    float m_layoutTop = 0.0f;          ///< where the panels begin, below the menu bar and the status line
    bool m_lessonSetUpPending = false; ///< set the step up at the next frame nothing else runs
    /// What the lesson waits for before its step counts as shown.
    enum class LessonWait : std::uint8_t { Nothing, Run, Steps, Comparison, Sweep };
    LessonWait m_lessonWait = LessonWait::Nothing;
    std::optional<std::vector<Lesson>> m_builtinLessons;
    ChallengePanel m_challenge;
    bool m_challengeStartPending = false;
    bool m_challengeTryOver = false;                ///< this try failed: counted once
    const TraceDocument* m_challengeSeen = nullptr; ///< the live trace last judged
    std::optional<ReplayOutcome> m_replay;          ///< the last replay: its document and what it found
    bool m_comparing = false;                       ///< the comparison replaces every panel below the status line
    bool m_demoPending = false;                     ///< the start-up demo runs: its document will not set the knobs

    std::string m_message;
    bool m_messageIsError = false;
    std::chrono::steady_clock::time_point m_messageTime;
    std::optional<std::string> m_screenshotPath;
    FileBrowser m_browser;
    enum class BrowserFor : std::uint8_t { Open, Save, Export };
    BrowserFor m_browserFor = BrowserFor::Open; ///< what the path the browser gives is for
    ExportFormat m_exportFormat = ExportFormat::Chrome;
    ExportJob m_export;
    std::chrono::steady_clock::time_point m_lastFrame;
};

} // namespace racetrace
