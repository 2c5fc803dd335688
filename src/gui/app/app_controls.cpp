// The App's controls: keys, the menu bar, the playback bar and the open/save
// dialogs. Everything a key does is also in a menu, so it can be found.
#include "gui/app/app.hpp"
#include "racetrace/version.hpp"

#include "analysis/plain_words.hpp"
#include "gui/fit_label.hpp"
#include "gui/panels/legend.hpp"
#include "session/comparison.hpp"
#include "trace/rtrace_file.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>

namespace racetrace {

namespace fs = std::filesystem;

namespace {
bool pressed(int key, bool repeat = false) {
    return ImGui::IsKeyPressed(key, repeat);
}

} // namespace

void App::stepCursor(std::int64_t delta) {
    if (!m_document || m_document->trace.events.empty()) return;
    const auto count = static_cast<std::int64_t>(m_document->trace.events.size());
    const std::int64_t current = m_state.cursorEvent == kNoEvent ? -1 : static_cast<std::int64_t>(m_state.cursorEvent);
    const std::int64_t next = std::clamp<std::int64_t>(current + delta, -1, count - 1);
    m_state.cursorEvent = next < 0 ? kNoEvent : static_cast<std::uint64_t>(next);
    m_state.narrating = true;
}

void App::stepFinding(int delta) {
    if (!m_document || m_document->analysis.findings.empty()) return;
    const int count = static_cast<int>(m_document->analysis.findings.size());
    const int current = m_state.selectedFinding;
    const int next = current < 0 ? (delta > 0 ? 0 : count - 1) : (current + delta + count) % count;
    m_state.selectFinding(next);
}

void App::tickPlayback() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - m_lastFrame).count();
    m_lastFrame = now;
    if (!m_state.playing || !m_document) return;
    m_state.playbackCarry += seconds * m_state.playbackEventsPerSecond;
    const auto whole = static_cast<std::int64_t>(std::floor(m_state.playbackCarry));
    if (whole <= 0) return;
    m_state.playbackCarry -= static_cast<double>(whole);
    stepCursor(whole);
    if (m_state.cursorEvent + 1 >= m_document->trace.events.size()) m_state.playing = false;
}

void App::handleKeys(ViewContext& context) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    if (io.KeyCtrl) {
        if (pressed(GLFW_KEY_EQUAL, true) || pressed(GLFW_KEY_KP_ADD, true)) setScale(m_settings.scale * 1.15f);
        if (pressed(GLFW_KEY_MINUS, true) || pressed(GLFW_KEY_KP_SUBTRACT, true)) setScale(m_settings.scale / 1.15f);
        if (pressed(GLFW_KEY_0)) setScale(1.0f);
        if (pressed(GLFW_KEY_O)) showOpenDialog();
        if (pressed(GLFW_KEY_S)) showSaveDialog();
        if (pressed(GLFW_KEY_E) && !m_export.busy()) showExportDialog(ExportFormat::Chrome);
        if (pressed(GLFW_KEY_Q)) m_window->requestClose();
        if (pressed(GLFW_KEY_R)) replayShown();
        return;
    }
    if (pressed(GLFW_KEY_L)) setLecture(!m_settings.lecture);
    if (pressed(GLFW_KEY_F11)) m_window->setFullscreen(!m_window->fullscreen());
    if (pressed(GLFW_KEY_F12)) requestScreenshot();
    // Page Down / Up (a clicker's keys) walk the lesson while one is open (in a
    // comparison too), else the findings.
    const bool lesson = m_lesson.isOpen();
    if (lesson && pressed(GLFW_KEY_PAGE_DOWN)) {
        if (m_lesson.index() + 1 < m_lesson.lesson().steps.size())
            goToLessonStep(m_lesson.index() + 1);
        else
            showMessage("That was the last step of the lesson; Page Up goes back.");
    }
    if (lesson && pressed(GLFW_KEY_PAGE_UP) && m_lesson.index() > 0) goToLessonStep(m_lesson.index() - 1);
    if (m_comparing) return handleComparisonKeys();
    if (pressed(GLFW_KEY_C)) compare();
    if (pressed(GLFW_KEY_H)) m_howOften.open();
    if (pressed(GLFW_KEY_S) && !m_runPanel.stepping()) m_runPanel.startStepping(context);
    if (pressed(GLFW_KEY_N, true) || (!lesson && pressed(GLFW_KEY_PAGE_DOWN, true))) stepFinding(+1);
    if (pressed(GLFW_KEY_P, true) || (!lesson && pressed(GLFW_KEY_PAGE_UP, true))) stepFinding(-1);
    if (pressed(GLFW_KEY_SPACE)) m_state.playing = !m_state.playing;
    if (pressed(GLFW_KEY_RIGHT, true)) stepCursor(+1);
    if (pressed(GLFW_KEY_LEFT, true)) stepCursor(-1);
    if (pressed(GLFW_KEY_HOME)) m_state.cursorEvent = kNoEvent;
    if (pressed(GLFW_KEY_END) && m_document) stepCursor(static_cast<std::int64_t>(m_document->trace.events.size()));
    if (pressed(GLFW_KEY_R)) m_runPanel.run(context);
    if (pressed(GLFW_KEY_K) && !m_runPanel.stepping()) killNow(); // step mode has its own K
    if (pressed(GLFW_KEY_ESCAPE) && m_session.stoppable())
        m_session.stop();
    else if (pressed(GLFW_KEY_ESCAPE) && errorShown())
        dismissMessage();
    if (pressed(GLFW_KEY_B) && m_previous) showPrevious();
    if (pressed(GLFW_KEY_F)) m_state.fitRequested = true;
    if (pressed(GLFW_KEY_Z) && m_state.selectedFinding >= 0) m_state.focusRequested = true;
    if (pressed(GLFW_KEY_T))
        m_state.axis = m_state.axis == TimeAxis::RealTime ? TimeAxis::EventOrder : TimeAxis::RealTime;
}

void App::handleComparisonKeys() {
    // The comparison replaces the other panels, so only its own keys apply.
    if (pressed(GLFW_KEY_ESCAPE) || pressed(GLFW_KEY_C)) leaveComparison();
    if (pressed(GLFW_KEY_R)) compare();
    if (pressed(GLFW_KEY_T)) m_comparison.toggleAxis();
    if (pressed(GLFW_KEY_F)) m_comparison.fit();
}

void App::drawMenuBar(ViewContext& context) {
    if (!ImGui::BeginMainMenuBar()) return;
    drawFileMenu();
    drawRunMenu(context);
    drawLessonMenu();
    drawViewMenu();
    drawHelpMenu();
    ImGui::EndMainMenuBar();
}

void App::drawFileMenu() {
    if (!ImGui::BeginMenu("File")) return;
    if (ImGui::MenuItem("Open trace...", "Ctrl+O")) showOpenDialog();
    if (ImGui::BeginMenu("Open recent", !m_settings.recentFiles.empty())) {
        for (const auto& path : m_settings.recentFiles)
            if (ImGui::MenuItem(path.c_str())) openTrace(path);
        ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Save trace as...", "Ctrl+S", false, m_document != nullptr)) showSaveDialog();
    if (ImGui::BeginMenu("Export", m_document != nullptr)) {
        for (const ExportFormatInfo& format : kExportFormats)
            if (ImGui::MenuItem((std::string(format.label) + "...").c_str(),
                                format.format == ExportFormat::Chrome ? "Ctrl+E" : nullptr, false, !m_export.busy()))
                showExportDialog(format.format);
        ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Save screenshot", "F12")) requestScreenshot();
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) m_window->requestClose();
    ImGui::EndMenu();
}

void App::drawRunMenu(ViewContext& context) {
    if (!ImGui::BeginMenu("Run")) return;
    if (ImGui::MenuItem("Run again", "R", false, !m_session.busy())) m_runPanel.run(context);
    if (ImGui::MenuItem("Stop", "Esc", false, m_session.stoppable())) m_session.stop();
    if (ImGui::MenuItem("Show previous trace", "B", false, m_previous != nullptr && !m_comparing)) showPrevious();
    ImGui::Separator();
    if (ImGui::MenuItem("Step mode", "S", m_runPanel.stepping(),
                        !m_session.busy() && !m_comparing && !m_runPanel.stepping()))
        m_runPanel.startStepping(context);
    if (ImGui::MenuItem("Replay this trace", "Ctrl+R", false,
                        m_document != nullptr && !m_session.busy() && !m_comparing && !m_runPanel.stepping()))
        replayShown();
    if (ImGui::MenuItem(std::string(comparisonFor(m_runPanel.options().scenario).menuItem).c_str(), "C", m_comparing,
                        !m_session.busy() && !m_runPanel.stepping()))
        m_comparing ? leaveComparison() : compare();
    ImGui::Separator();
    if (ImGui::MenuItem("How often? (many runs)...", "H", m_howOften.isOpen())) m_howOften.open();
    ImGui::EndMenu();
}

void App::drawViewMenu() {
    if (!ImGui::BeginMenu("View")) return;
    if (ImGui::MenuItem("Lecture mode", "L", m_settings.lecture)) setLecture(!m_settings.lecture);
    if (ImGui::MenuItem("Predict before each run (lecture mode)", nullptr, m_settings.predict, m_settings.lecture))
        m_settings.predict = !m_settings.predict;
    if (ImGui::MenuItem("Fullscreen", "F11", m_window->fullscreen())) m_window->setFullscreen(!m_window->fullscreen());
    if (ImGui::MenuItem("Larger text", "Ctrl +")) setScale(m_settings.scale * 1.15f);
    if (ImGui::MenuItem("Smaller text", "Ctrl -")) setScale(m_settings.scale / 1.15f);
    if (ImGui::MenuItem("Normal text size", "Ctrl 0")) setScale(1.0f);
    ImGui::Separator();
    const bool order = m_state.axis == TimeAxis::EventOrder;
    if (ImGui::MenuItem("Event order axis (interleaving)", "T", order))
        m_state.axis = order ? TimeAxis::RealTime : TimeAxis::EventOrder;
    if (ImGui::MenuItem("Zoom to fit", "F")) m_state.fitRequested = true;
    if (ImGui::MenuItem("Zoom to selected finding", "Z", false, m_state.selectedFinding >= 0))
        m_state.focusRequested = true;
    if (ImGui::MenuItem("Next finding", "N")) stepFinding(+1);
    if (ImGui::MenuItem("Previous finding", "P")) stepFinding(-1);
    ImGui::Separator();
    ImGui::MenuItem("Code", nullptr, &m_code.visible);
    ImGui::MenuItem("Memory", nullptr, &m_memory.visible);
    ImGui::EndMenu();
}

void App::drawHelpMenu() {
    if (!ImGui::BeginMenu("Help")) return;
    ImGui::TextUnformatted("L lecture mode   Ctrl +/- text size   F11 fullscreen\n"
                           "N/P next/previous finding   Z zoom to it   F fit   T axis\n"
                           "Space play/pause   Left/Right step one event\n"
                           "R run again   Esc stop   B previous trace   F12 screenshot\n"
                           "S step mode (then 1-9)   K kill A now   Ctrl+R replay   C compare any two\n"
                           "Lesson: Page Down next step   Page Up previous step");
    ImGui::Separator();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
    drawTimelineLegend(m_theme);
    ImGui::PopTextWrapPos();
    ImGui::Separator();
    ImGui::TextDisabled("racetrace %s", kVersion);
    ImGui::EndMenu();
}

void App::drawPlaybackBar(ViewContext&) {
    const bool have = m_document && !m_document->trace.events.empty();
    ImGui::BeginDisabled(!have);
    if (ImGui::Button("|<")) m_state.cursorEvent = kNoEvent;
    ImGui::SameLine();
    if (ImGui::Button("<")) stepCursor(-1);
    ImGui::SameLine();
    if (ImGui::Button(m_state.playing ? "Pause" : "Play")) m_state.playing = !m_state.playing;
    m_layoutReport.item("play-button");
    ImGui::SameLine();
    if (ImGui::Button(">")) stepCursor(+1);
    ImGui::SameLine();
    if (ImGui::Button(">|") && have) stepCursor(static_cast<std::int64_t>(m_document->trace.events.size()));
    ImGui::SameLine();
    float speed = static_cast<float>(m_state.playbackEventsPerSecond);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::SliderFloat("events/s", &speed, 1.0f, 100000.0f, "%.0f", ImGuiSliderFlags_Logarithmic))
        m_state.playbackEventsPerSecond = speed;
    ImGui::EndDisabled();
    if (!have) return;
    ImGui::SameLine();
    const auto& events = m_document->trace.events;
    const std::string total = groupedNumber(static_cast<std::int64_t>(events.size()));
    if (m_state.cursorEvent == kNoEvent || m_state.cursorEvent >= events.size()) {
        ImGui::TextUnformatted(
            fitLabel({("cursor: before the first of " + total + " events").c_str(), "before the first event"},
                     ImGui::GetContentRegionAvail().x));
        m_layoutReport.item("playback-position");
        return;
    }
    const Event& event = events[m_state.cursorEvent];
    const std::string number = "event " + groupedNumber(static_cast<std::int64_t>(m_state.cursorEvent + 1));
    // Full precision: stepping through events must show time moving.
    const std::string when = preciseDuration(event.timestamp);
    const std::string what = workerName(event.worker) + " " + std::string(eventKindName(event.kind));
    // Longest first; a narrow bar (lecture sizes) drops the least useful parts.
    const std::string full = "cursor: " + number + " of " + total + ", " + when + ", " + what;
    const std::string shorter = number + " of " + total + ", " + when + ", " + what;
    const std::string shortest = number + ", " + when + ", " + what;
    const std::string least = number + ", " + when;
    ImGui::TextUnformatted(fitLabel({full.c_str(), shorter.c_str(), shortest.c_str(), least.c_str()},
                                    ImGui::GetContentRegionAvail().x + ImGui::GetStyle().FramePadding.x * 2));
    m_layoutReport.item("playback-position");
}

void App::showOpenDialog() {
    // Where the shown trace came from, else the folder the window started in.
    const bool fromFile = m_document && !m_document->path.empty();
    m_browser.show(FileBrowser::Purpose::Open, fromFile ? fs::path(m_document->path).parent_path() : fs::path("."));
    m_browserFor = BrowserFor::Open;
}

void App::showSaveDialog() {
    if (!m_document) return;
    m_browser.show(FileBrowser::Purpose::Save,
                   m_document->path.empty() ? fs::path("trace.rtrace") : fs::path(m_document->path));
    m_browserFor = BrowserFor::Save;
}

void App::showExportDialog(ExportFormat format) {
    if (!m_document) return;
    const ExportFormatInfo& info = exportFormatInfo(format);
    m_browser.show(FileBrowser::Purpose::Save, defaultExportPath(m_document->path, format), std::string(info.extension),
                   "Export as " + std::string(info.label));
    m_browserFor = BrowserFor::Export;
    m_exportFormat = format;
}

void App::pollExport() {
    const auto outcome = m_export.take();
    if (!outcome) return;
    if (*outcome)
        showMessage(exportSentence(**outcome));
    else
        showMessage(outcome->error(), true);
}

void App::drawDialogs() {
    const std::optional<std::string> chosen = m_browser.draw(m_settings.recentFiles);
    if (!chosen) return;
    if (m_browserFor == BrowserFor::Open) return openTrace(*chosen);
    if (!m_document) return;
    if (m_browserFor == BrowserFor::Export) {
        if (m_export.start(m_document, m_exportFormat, *chosen))
            showMessage("Exporting to " + *chosen + "...");
        else
            showMessage("Busy: wait for the export being written before starting another.", true);
        return;
    }
    if (auto saved = saveRtrace(m_document->trace, *chosen); saved) {
        showMessage("Saved the trace to " + *chosen + ".");
        m_settings.addRecent(*chosen);
    } else {
        showMessage(saved.error(), true);
    }
}

} // namespace racetrace
