#include "gui/app/app.hpp"
#include "analysis/narration.hpp"
#include "gui/whole_numbers.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <ctime>
#include <utility>

namespace racetrace {

namespace {
constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
constexpr auto kMessageSeconds = std::chrono::seconds(8);
constexpr double kIdleWaitSeconds = 10.0;
constexpr int kSettleFrames = 4;
constexpr double kBusyWaitSeconds = 0.1;
} // namespace

App::App(std::unique_ptr<PlatformWindow> window, const GuiOptions& options)
    : m_window(std::move(window)), m_settings(loadSettings()), m_runPanel(m_settings.lastRun) {
    if (options.lecture) m_settings.lecture = true;
    m_state.axis = m_settings.axis;
    // Lecture mode, asked for or saved, starts as L would: fullscreen, in event order.
    if (m_settings.lecture) showLectureLayout(true);
    m_memory.visible = m_settings.showMemory;
    m_code.visible = m_settings.showCode;
    if (options.lesson && options.challenge) {
        openChallengeNamed(*options.lesson, *options.challenge);
    } else if (options.lesson) {
        openLesson(*options.lesson); // its first step runs instead of the demo
    } else if (options.traceFile) {
        m_session.startLoad(*options.traceFile);
        showMessage("Opening " + *options.traceFile + "...");
    } else {
        // The demo: naive-flag with its defaults, so a race is on screen within a second.
        RunOptions demo;
        demo.scenario = "naive-flag";
        // One CPU each: on a busy machine the scheduler may otherwise put both on
        // one CPU, where only a preemption inside the window shows the race.
        demo.pin = PinMode::Spread;
        m_demoPending = m_session.startRun(demo);
        showMessage("Running naive-flag with 2 real processes...");
    }
    m_lastFrame = std::chrono::steady_clock::now();
}

App::~App() {
    m_settings.axis = m_state.axis;
    m_settings.lastRun = m_runPanel.options();
    m_settings.showMemory = m_memory.visible;
    m_settings.showCode = m_code.visible;
    if (auto saved = saveSettings(m_settings); !saved) std::fprintf(stderr, "racetrace: %s\n", saved.error().c_str());
}

ViewContext App::makeContext() {
    return ViewContext{
        .document = m_document, .state = m_state, .theme = m_theme, .commands = *this, .layout = &m_layoutReport};
}

void App::openTrace(const std::string& path) {
    if (m_session.startLoad(path))
        showMessage("Opening " + path + "...");
    else
        showMessage("Busy: wait for the current run or file, then open another.", true);
}

void App::showPrevious() {
    if (!m_previous) return;
    std::swap(m_document, m_previous);
    m_state.cursorEvent = kNoEvent;
    m_state.selectFinding(m_document ? m_document->analysis.openingFinding(m_document->trace) : -1);
    m_state.fitRequested = true;
    setWindowTitle();
    if (m_document) showMessage("Now showing " + m_document->label + " (B goes back to the other trace).");
}

bool App::startRun(const RunOptions& options) {
    if (m_howOften.busy()) {
        showMessage("Busy: the \"How often?\" runs are under way; stop them first.", true);
        return false;
    }
    // A lesson asks its own questions.
    if (m_settings.lecture && m_settings.predict && !m_prediction.busy() && !m_lesson.isOpen())
        if (auto prediction = predictionFor(options)) {
            m_prediction.ask(std::move(*prediction), options); // the run starts once a guess is made
            return false;
        }
    return m_session.startRun(options);
}

JobStatus App::job() const {
    // Once the workers are done the bars would sit at 100 %: the activity says what happens instead.
    return {m_session.busy(), m_session.stoppable(), m_session.activity(),
            m_session.analysing() ? RunProgress{} : m_session.progress(), m_session.fraction()};
}

void App::showMessage(const std::string& sentence, bool error) {
    // Also on standard output: a terminal (or a test) keeps what the status
    // line said after it has moved on.
    std::printf("%s\n", sentence.c_str());
    std::fflush(stdout);
    m_message = sentence;
    m_messageIsError = error;
    m_messageTime = std::chrono::steady_clock::now();
}

void App::adopt(std::shared_ptr<const TraceDocument> document) {
    m_comparing = false; // a new run, file or replay is shown in the normal panels
    if (m_document) m_previous = std::move(m_document);
    m_document = std::move(document);
    // The start-up demo is the tool's choice, not the user's: the knobs keep
    // what the user last set (saved settings); every other run is followed.
    m_runPanel.follow(m_document->trace.settings, !std::exchange(m_demoPending, false));
    m_state.cursorEvent = kNoEvent;
    m_state.fitRequested = true;
    m_state.playing = false;
    // Open on a race that fits on screen: that is what a lecture wants to point
    // at; after a kill, on what the death did (the headline; N goes to the races).
    const int opening = m_document->analysis.fault ? -1 : m_document->analysis.openingFinding(m_document->trace);
    if (opening >= 0)
        m_state.selectFinding(opening);
    else
        m_state.selectedFinding = -1;
    m_message.clear();
    // What the status line now says goes to standard output too, as every status sentence does.
    const auto& findings = m_document->analysis.findings;
    std::printf("%s\n", opening >= 0 ? findings[static_cast<std::size_t>(opening)].sentence.c_str()
                                     : m_document->analysis.headline.c_str());
    std::fflush(stdout);
    if (!m_document->path.empty()) m_settings.addRecent(m_document->path);
    setWindowTitle();
    if (m_document->path.empty()) // a fresh run: the answer to a guess made before it
        if (const auto verdict = m_prediction.shown(*m_document)) showMessage(*verdict);
    lessonRunShown();
}

void App::setWindowTitle() {
    // Tests find the window by a title that starts with "racetrace".
    if (m_comparing)
        m_window->setTitle("racetrace - comparison: " + m_comparison.titles());
    else if (m_document)
        m_window->setTitle("racetrace - " + m_document->label);
    else
        m_window->setTitle("racetrace");
}

void App::showLive(std::shared_ptr<const TraceDocument> document) {
    // Unlike adopt(): no previous-trace swap and no re-zoom at every step.
    const bool first = !m_document || m_document->trace.scenario.name != document->trace.scenario.name;
    m_document = std::move(document);
    m_state.cursorEvent = m_document->trace.events.empty() ? kNoEvent : m_document->trace.events.size() - 1;
    if (first) m_state.fitRequested = true;
}

void App::pollSession() {
    if (auto document = m_session.takeResult()) adopt(std::move(document));
    if (auto replay = m_session.takeReplayOutcome()) {
        adopt(replay->document);
        showMessage(replay->sentence, !replay->faithful);
        m_runPanel.setReplayNote(replay->document, replay->sentence, replay->faithful);
        m_replay = std::move(*replay);
    }
    if (auto comparison = m_session.takeComparison()) {
        m_comparison.show(std::move(comparison));
        m_comparing = true;
        m_state.playing = false;
        setWindowTitle();
        showMessage(m_comparison.headline());
    }
    if (auto error = m_session.takeError()) {
        m_demoPending = false;
        showMessage(*error, true);
    }
    if (auto notice = m_session.takeNotice()) showMessage(*notice, false);
    for (const auto& path : m_window->takeDroppedPaths()) {
        if (m_session.startLoad(path))
            showMessage("Opening " + path + "...");
        else
            showMessage("Busy: wait for the current run or file before dropping another.", true);
    }
}

void App::setLecture(bool lecture) {
    m_settings.lecture = lecture;
    m_themeDirty = true;
    showLectureLayout(lecture);
}

void App::showLectureLayout(bool lecture) {
    m_window->setFullscreen(lecture);
    // One slot per access reads from the back row; real time is for exploring (T toggles).
    m_state.axis = lecture ? TimeAxis::EventOrder : TimeAxis::RealTime;
    m_state.fitRequested = true;
}

void App::setScale(float scale) {
    m_settings.scale = std::clamp(scale, 0.5f, 3.0f);
    m_themeDirty = true;
}

void App::requestScreenshot() {
    char name[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(name, sizeof name, "racetrace-%Y%m%d-%H%M%S.png", std::localtime(&now));
    m_screenshotPath = name;
}

App::StatusSentence App::statusSentence() const {
    const Palette& palette = m_theme.palette();
    // A sentence about something that went wrong stays until dismissed; others for a few seconds.
    // A screenshot (F12) shows the trace's own sentence, not a passing remark.
    const bool passing = !m_screenshotPath && std::chrono::steady_clock::now() - m_messageTime < kMessageSeconds;
    const bool fresh = !m_message.empty() && (m_messageIsError || passing);
    if (m_session.analysing()) return {m_session.activity(), palette.text, false};
    if (fresh || m_session.busy() || (!m_document && !m_comparing))
        return {m_message.empty() ? "Ready." : m_message, m_messageIsError ? palette.tornMarker : palette.text,
                fresh && m_messageIsError && !m_session.busy()};
    if (m_comparing) return {m_comparison.headline(), palette.text, false};
    if (m_replay && m_replay->document == m_document && (!m_replay->faithful || m_state.selectedFinding < 0))
        // A replay that stopped early shows only the steps before it stopped:
        // its own headline ("No race") would hide why.
        return {m_replay->sentence, m_replay->faithful ? palette.text : palette.tornMarker, false};
    if (m_state.narrating) return {narrateEvent(m_document->trace, m_state.cursorEvent), palette.text, false};
    if (m_state.selectedFinding >= 0 &&
        m_state.selectedFinding < static_cast<int>(m_document->analysis.findings.size()))
        return {m_document->analysis.findings[static_cast<std::size_t>(m_state.selectedFinding)].sentence, palette.text,
                false};
    return {m_document->analysis.headline, palette.text, false};
}

float App::drawStatusLine(float top) {
    const ImGuiIO& io = ImGui::GetIO();
    const StatusSentence status = statusSentence();
    const std::string sentence = wholeNumbers(status.text);
    // Two lines of the large font, three when the sentence needs them: the
    // height only changes for a long sentence, so stepping does not shake the lanes.
    // Longer still (a replay's divergence and its cause, lecture mode, 1280x720):
    // the regular font, in a quarter of the screen at most, not a lost end;
    // hovering shows it all.
    ImFont* large = m_theme.largeFont();
    const ImVec2 padding = ImGui::GetStyle().WindowPadding;
    const float width = io.DisplaySize.x - padding.x * 2 - (status.dismissable ? large->FontSize * 2 : 0.0f);
    const auto neededWith = [&](ImFont* f) {
        return f->CalcTextSizeA(f->FontSize, FLT_MAX, width, sentence.c_str()).y;
    };
    float needed = neededWith(large);
    ImFont* font = large;
    if (needed > large->FontSize * 3) {
        font = m_theme.regularFont();
        needed = std::min(neededWith(font), io.DisplaySize.y / 4); // taller than three lines only then
    }
    const float height = std::max(needed, large->FontSize * 2) + padding.y * 2 + 2;
    ImGui::SetNextWindowPos(ImVec2(0, top));
    ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, height));
    ImGui::Begin("##status", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(font);
    if (status.dismissable) {
        if (ImGui::Button("\u00D7")) dismissMessage(); // a multiplication sign: the font has it
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Dismiss (Esc)");
        ImGui::SameLine();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, status.color);
    ImGui::TextWrapped("%s", sentence.c_str());
    if (font != large && ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(width);
        ImGui::TextUnformatted(sentence.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    m_layoutReport.item("status-sentence");
    ImGui::PopStyleColor();
    ImGui::PopFont();
    const ImVec2 at = ImGui::GetWindowPos();
    m_layoutReport.rect("status-line", at, ImVec2(at.x + ImGui::GetWindowWidth(), at.y + height));
    ImGui::End();
    return height;
}

void App::dismissMessage() {
    m_message.clear();
    m_messageIsError = false;
}

bool App::errorShown() const {
    return !m_message.empty() && m_messageIsError;
}

void App::replayShown() {
    if (!m_document || m_comparing) return;
    if (m_runPanel.stepping()) {
        showMessage("Leave step mode first: a replay re-runs a finished trace.", true);
        return;
    }
    if (!m_session.startReplay(m_document)) {
        showMessage("Busy: wait for the current run or file, then replay.", true);
        return;
    }
    showMessage("Replaying " + m_document->label + " with new processes, forced through its order of accesses...");
}

void App::compare() {
    // Again: what is on screen (the pair picked there); else the shown scenario's pair.
    compare(m_comparing && !m_comparison.empty() ? m_comparison.pair() : comparisonFor(m_runPanel.options().scenario));
}

void App::compare(ComparisonPair pair) {
    if (m_runPanel.stepping()) {
        showMessage("Leave step mode first: the comparison runs its own stepped processes.", true);
        return;
    }
    const std::string running = pair.running;
    if (!m_session.startComparison(std::move(pair))) {
        showMessage("Busy: wait for the current run or file, then compare.", true);
        return;
    }
    showMessage(running);
}

void App::killNow() {
    if (!m_session.killNow(0)) {
        showMessage("Kill A now works while a run goes on (R), or in step mode (S).", true);
        return;
    }
    showMessage("Killing A now (SIGKILL from the parent)...");
}

void App::leaveComparison() {
    m_comparing = false;
    m_message.clear();
    setWindowTitle();
}

void App::drawComparison(float top, float left) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(left, top));
    ImGui::SetNextWindowSize(ImVec2(display.x - left, display.y - top));
    // No title bar: the status line and each side's title say what this is,
    // and at lecture sizes the lanes need every line.
    if (ImGui::Begin("##comparison", nullptr,
                     kPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
        switch (m_comparison.draw(m_theme, *this, &m_layoutReport)) {
        case ComparisonView::Action::RunAgain: compare(); break;
        case ComparisonView::Action::Leave: leaveComparison(); break;
        case ComparisonView::Action::None: break;
        }
    }
    ImGui::End();
}

float App::leftColumnWidth() const {
    // A lesson's or a challenge's words need a wider column than the findings list does.
    const bool sidePanel = m_lesson.isOpen() || m_challenge.isOpen();
    const float fraction = sidePanel ? std::max(m_settings.leftColumnFraction, 0.36f) : m_settings.leftColumnFraction;
    return std::floor(ImGui::GetIO().DisplaySize.x * fraction);
}

void App::drawLayout(ViewContext& context, float top) {
    m_layoutTop = top;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const bool sidePanel = m_lesson.isOpen() || m_challenge.isOpen();
    const float leftWidth = leftColumnWidth();
    const float rightWidth = display.x - leftWidth;
    const float height = display.y - top;
    if (m_comparing && m_lesson.isOpen()) { // the lesson's words beside the two sides
        drawLessonPanel(context, ImVec2(0, top), ImVec2(leftWidth, height));
        return drawComparison(top, leftWidth);
    }
    if (m_comparing) return drawComparison(top, 0.0f);

    auto place = [&](View& view, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra = 0) {
        ImGui::SetNextWindowPos(pos);
        ImGui::SetNextWindowSize(size);
        if (ImGui::Begin(view.title(), nullptr, kPanelFlags | extra)) view.draw(context);
        ImGui::End();
    };
    // Step mode's buttons (one per worker, then four) are the point while
    // stepping: give the Run panel the room at lecture sizes too.
    // Otherwise a lesson's or a challenge's words need the column more than the knobs do.
    const float runFraction = m_runPanel.stepping() ? 0.5f : sidePanel ? 0.24f : (m_theme.lecture() ? 0.30f : 0.42f);
    const float runHeight = std::floor(height * runFraction);
    place(m_runPanel, ImVec2(0, top), ImVec2(leftWidth, runHeight));
    // A lesson's text takes the findings' place: their sentence is on the status line.
    if (m_challenge.isOpen())
        drawChallengePanel(context, ImVec2(0, top + runHeight), ImVec2(leftWidth, height - runHeight));
    else if (m_lesson.isOpen())
        drawLessonPanel(context, ImVec2(0, top + runHeight), ImVec2(leftWidth, height - runHeight));
    else
        place(m_findings, ImVec2(0, top + runHeight), ImVec2(leftWidth, height - runHeight));

    const bool bottomRow = m_memory.visible || m_code.visible;
    const float playbackHeight = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().WindowPadding.y * 2;
    // The code below gets the height of all its lines (between 30 % and half
    // of the column); the timeline the rest.
    const float codeHeight = m_code.visible ? m_code.neededHeight(context) : height * 0.42f - playbackHeight;
    const float bottomHeight = std::clamp(codeHeight, height * 0.3f, height * 0.5f);
    const float timelineHeight =
        std::floor(bottomRow ? height - playbackHeight - bottomHeight : height - playbackHeight);
    place(m_timeline, ImVec2(leftWidth, top), ImVec2(rightWidth, timelineHeight), ImGuiWindowFlags_NoScrollbar);

    ImGui::SetNextWindowPos(ImVec2(leftWidth, top + timelineHeight));
    ImGui::SetNextWindowSize(ImVec2(rightWidth, playbackHeight));
    ImGui::Begin("##playback", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    drawPlaybackBar(context);
    ImGui::End();

    if (!bottomRow) return;
    const float bottomTop = top + timelineHeight + playbackHeight;
    const bool both = m_memory.visible && m_code.visible;
    const float codeWidth = both ? std::floor(rightWidth * 0.55f) : rightWidth;
    const float rowHeight = display.y - bottomTop;
    if (m_code.visible) place(m_code, ImVec2(leftWidth, bottomTop), ImVec2(codeWidth, rowHeight));
    if (m_memory.visible)
        place(m_memory, ImVec2(leftWidth + (both ? codeWidth : 0), bottomTop),
              ImVec2(both ? rightWidth - codeWidth : rightWidth, rowHeight));
}

void App::waitForReason() {
    // An idle window draws nothing: it sleeps until input (or until a status
    // sentence expires), then draws a few frames so that ImGui settles what
    // the input changed. Software GL draws a frame in ~25 ms of CPU, so even
    // 4 idle frames a second cost 10 % of a core.
    // A job in the background (a run, a replay) needs the cores more than its
    // progress needs smooth drawing: ten frames a second (a replay of the demo
    // took 35 s while the window drew flat out, beside its two workers).
    const bool animating = m_state.playing || m_runPanel.animating() || ImGui::IsMouseDown(0) || ImGui::IsMouseDown(2);
    const bool busy = m_session.busy() || m_export.busy() || m_howOften.busy();
    double wait = animating ? 0.0 : busy ? kBusyWaitSeconds : m_settleFrames > 0 ? 0.0 : kIdleWaitSeconds;
    if (wait > 0.0 && !m_message.empty() && !m_messageIsError) {
        const std::chrono::duration<double> left = m_messageTime + kMessageSeconds - std::chrono::steady_clock::now();
        if (left.count() > 0.0) wait = std::min(wait, left.count() + 0.05);
    }
    const auto before = std::chrono::steady_clock::now();
    m_window->beginFrame(wait);
    const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - before;
    const bool woken = wait > 0.0 && waited.count() < wait * 0.9;
    if (woken || animating || busy)
        m_settleFrames = kSettleFrames;
    else if (m_settleFrames > 0)
        --m_settleFrames;
}

void App::frame() {
    // Lecture text follows the screen's height (fullscreen, or a resized window).
    const float screenHeight = m_window->height();
    if (m_themeDirty || (m_settings.lecture && screenHeight != m_themeHeight)) {
        m_theme.apply(m_settings.lecture, m_settings.scale, screenHeight);
        m_themeHeight = screenHeight;
        if (m_theme.takeFontsChanged()) m_window->reloadFontTexture();
        m_themeDirty = false;
    }
    waitForReason();
    pollSession();
    pollExport();
    tickPlayback();
    ViewContext context = makeContext();
    handleKeys(context);
    pollLesson(context);
    pollChallenge(context);

    drawMenuBar(context);
    const float menuHeight = ImGui::GetFrameHeight();
    const float statusHeight = drawStatusLine(menuHeight);
    drawLayout(context, menuHeight + statusHeight);
    m_howOften.draw(context, m_runPanel.options());
    if (const auto guessed = m_prediction.draw(context)) {
        if (m_session.startRun(*guessed))
            showMessage("Running " + guessed->scenario + "...");
        else
            m_prediction.forget();
    }
    drawDialogs();
    m_layoutReport.endFrame(m_theme.regularFont()->FontSize);

    std::string* shot = m_screenshotPath ? &*m_screenshotPath : nullptr;
    if (auto saved = m_window->endFrame(shot); shot != nullptr) {
        if (saved)
            showMessage("Saved a screenshot to " + *m_screenshotPath + ".");
        else
            showMessage(saved.error(), true);
        m_screenshotPath.reset();
    }
}

int App::run() {
    while (!m_window->shouldClose())
        frame();
    m_session.prepareToClose();
    // A stopped run ends at once; a replay or a comparison cannot be
    // interrupted (a replay is at most kMaxWindowReplaySteps steps, 8-16 s; a
    // comparison about a second). Keep drawing meanwhile, so
    // the window says why it is still there instead of freezing.
    if (m_session.busy()) showMessage("Closing when the replay's (or comparison's) processes have finished...");
    while (m_session.busy())
        frame();
    return 0;
}

int runGui(const GuiOptions& options) {
    if (!displayAvailable()) {
        std::fprintf(stderr, "racetrace: no display to open a window on (DISPLAY is not set); use the headless "
                             "commands (racetrace run, info, render) or start the window under xvfb-run.\n");
        return 1;
    }
    auto window = PlatformWindow::open("racetrace", options.width, options.height);
    if (!window) {
        std::fprintf(stderr, "racetrace: %s\n", window.error().c_str());
        return 1;
    }
    App app(std::move(*window), options);
    return app.run();
}

} // namespace racetrace
