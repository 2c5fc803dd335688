#include "gui/panels/step_panel.hpp"
#include "gui/whole_numbers.hpp"

#include "gui/fit_label.hpp"
#include "gui/theme.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <string>

namespace racetrace {

namespace {

constexpr double kDemoStepSeconds = 0.4;

ImU32 brighter(ImU32 colour, int amount) {
    auto channel = [&](int shift) {
        const int value = static_cast<int>((colour >> shift) & 0xFF) + amount;
        return static_cast<ImU32>(std::clamp(value, 0, 255)) << shift;
    };
    return channel(IM_COL32_R_SHIFT) | channel(IM_COL32_G_SHIFT) | channel(IM_COL32_B_SHIFT) |
           (colour & (0xFFu << IM_COL32_A_SHIFT));
}

} // namespace

Result<std::unique_ptr<StepPanel>> StepPanel::start(RunOptions options) {
    auto session = StepSession::start(std::move(options));
    if (!session) return fail(session.error());
    return std::unique_ptr<StepPanel>(new StepPanel(std::move(*session)));
}

void StepPanel::clearState(ViewState& state) {
    state.nextAccess.clear();
    state.nextLine.clear();
}

void StepPanel::refresh(ViewContext& context) {
    m_needsRefresh = false;
    const std::uint32_t workers = m_session->workers();
    clearState(context.state);
    if (m_session->ranFreely()) return;
    context.state.nextAccess.assign(workers, std::string());
    context.state.nextLine.assign(workers, -1);
    for (std::uint32_t k = 0; k < workers; ++k) {
        context.state.nextAccess[k] = m_session->describeNext(k); // "blocked in ..." while blocked
        if (m_session->next(k)) context.state.nextLine[k] = m_session->next(k)->line;
    }
    context.commands.showLive(m_session->liveDocument());
    context.state.fitRequested = true; // keep every step in view
}

void StepPanel::stepWorker(ViewContext& context, std::uint32_t worker) {
    if (auto stepped = m_session->step(worker); !stepped) context.commands.showMessage(stepped.error());
    m_needsRefresh = true;
}

void StepPanel::undo(ViewContext& context) {
    auto replayed = m_session->undo();
    m_needsRefresh = true;
    if (!replayed) return context.commands.showMessage(replayed.error(), true);
    context.commands.showMessage("Undone: fresh processes replayed the first " + std::to_string(*replayed) + " steps.");
}

void StepPanel::killWorker(ViewContext& context, std::uint32_t worker) {
    m_needsRefresh = true;
    if (auto killed = m_session->kill(worker); !killed) return context.commands.showMessage(killed.error(), true);
    context.commands.showMessage("Killed " + workerName(worker) +
                                 " (SIGKILL from the parent). Step the others to see what its death left "
                                 "behind; Undo brings it back.");
}

void StepPanel::runFreely(ViewContext& context) {
    if (m_session->ranFreely()) return;
    m_demo.clear();
    context.commands.showLive(m_session->runFreely());
    clearState(context.state);
    context.state.fitRequested = true;
    m_needsRefresh = false;
}

void StepPanel::startDemo(ViewContext& context) {
    RunOptions options = m_session->options();
    options.scenario = "naive-flag";
    options.workers = 2;
    m_needsRefresh = true;
    if (auto restarted = m_session->restart(options); !restarted)
        return context.commands.showMessage(restarted.error(), true);
    m_demo = StepSession::raceSchedule();
    m_demoPosition = 0;
    m_demoNextTime = ImGui::GetTime() + kDemoStepSeconds;
    context.commands.showMessage("Watch: A checks Y, then B checks Y before A could set it...");
}

void StepPanel::playDemo(ViewContext& context) {
    if (m_demoPosition >= m_demo.size() || ImGui::GetTime() < m_demoNextTime) return;
    stepWorker(context, m_demo[m_demoPosition++]);
    m_demoNextTime = ImGui::GetTime() + kDemoStepSeconds;
    if (m_demoPosition >= m_demo.size()) {
        m_demo.clear();
        context.commands.showMessage("Both are in the critical section: both saw Y free before either set it.");
    }
}

bool StepPanel::draw(ViewContext& context) {
    if (!m_demo.empty()) playDemo(context);
    if (m_needsRefresh) refresh(context);

    const std::uint32_t workers = m_session->workers();
    const bool demo = !m_demo.empty();
    const bool free = m_session->ranFreely();
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.WantTextInput && !demo && !free)
        for (std::uint32_t k = 0; k < workers && k < StepSession::kMaxWorkers; ++k)
            if (ImGui::IsKeyPressed(GLFW_KEY_1 + static_cast<int>(k), false) && m_session->next(k))
                stepWorker(context, k);
    if (!io.WantTextInput && !demo && !free && !m_session->killedSomeone() && ImGui::IsKeyPressed(GLFW_KEY_K, false))
        killWorker(context, 0);

    ImGui::PushStyleColor(ImGuiCol_Text, context.theme.palette().dimText);
    if (free)
        ImGui::TextWrapped("The workers ran freely to the end after %zu steps.", m_session->schedule().size());
    else if (demo)
        ImGui::TextWrapped("Showing the race, one step at a time...");
    else
        ImGui::TextWrapped("You are the scheduler: pick who makes the next shared access (keys 1-%u). Step %zu.",
                           std::min(workers, StepSession::kMaxWorkers), m_session->schedule().size());
    ImGui::PopStyleColor();
    if (!m_session->stuck().empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, context.theme.palette().tornMarker); // the error-text colour
        textWrappedWhole(m_session->stuck());
        ImGui::PopStyleColor();
    }
    drawWorkerButtons(context, demo);
    return drawActions(context, demo);
}

void StepPanel::drawWorkerButtons(ViewContext& context, bool demo) {
    // One button per worker, in its colour, saying what it will do next.
    const bool free = m_session->ranFreely();
    ImGui::BeginDisabled(free || demo);
    for (std::uint32_t k = 0; k < m_session->workers(); ++k) {
        const ImU32 colour = context.theme.workerColor(k);
        const bool blocked = m_session->blocked(k);
        const bool finished = !m_session->next(k).has_value() && !blocked;
        std::string label = workerName(k) + ": " +
                            (free                   ? "ran freely"
                             : m_session->killed(k) ? "killed"
                             : finished             ? "finished"
                                                    : m_session->describeNext(k));
        label += "  (" + std::to_string(k + 1) + ")##step" + std::to_string(k);
        ImGui::PushStyleColor(ImGuiCol_Button, colour);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, brighter(colour, 30));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, brighter(colour, -30));
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 255));
        ImGui::BeginDisabled(finished || blocked);
        if (ImGui::Button(label.c_str(), ImVec2(-1, 0))) stepWorker(context, k);
        ImGui::EndDisabled();
        if (blocked && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s waits inside the call: step another worker to give it data or space.",
                              workerName(k).c_str());
        ImGui::PopStyleColor(4);
    }
    ImGui::EndDisabled();
}

bool StepPanel::drawActions(ViewContext& context, bool demo) {
    const bool free = m_session->ranFreely();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float half = (ImGui::GetContentRegionAvail().x - spacing) / 2;
    ImGui::BeginDisabled(free || demo);
    if (ImGui::Button("Run freely", ImVec2(half, 0))) runFreely(context);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open every gate: the workers race on to the end on their own.");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(demo || (m_session->schedule().empty() && !free && !m_session->killedSomeone()));
    if (ImGui::Button("Undo", ImVec2(half, 0))) undo(context);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", m_session->killedSomeone()
                                    ? "Bring the killed worker back: fresh processes replay the steps before the kill."
                                    : "Step back: fresh processes replay every step but the last.");
    ImGui::EndDisabled();
    const bool naiveFlag = m_session->options().scenario == "naive-flag" && m_demoAllowed;
    if (naiveFlag) {
        ImGui::BeginDisabled(demo);
        if (ImGui::Button(fitLabel({"Show me the race", "Show the race", "Show race"}, half), ImVec2(half, 0)))
            startDemo(context);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Starts again with A and B and plays: A read Y, B read Y, A write Y, B write Y,\n"
                              "A enters, B enters, one step every %.1f s.",
                              kDemoStepSeconds);
        ImGui::EndDisabled();
        ImGui::SameLine();
    }
    const float leaveWidth = naiveFlag ? half : ImGui::GetContentRegionAvail().x;
    if (ImGui::Button(fitLabel({"Leave step mode", "Leave"}, leaveWidth), ImVec2(leaveWidth, 0))) {
        m_demo.clear();
        clearState(context.state);
        return false;
    }
    drawKillButton(context, demo);
    return true;
}

void StepPanel::drawKillButton(ViewContext& context, bool demo) {
    const bool free = m_session->ranFreely();
    const bool finishedA = !m_session->next(0).has_value() && !m_session->blocked(0);
    ImGui::BeginDisabled(free || demo || m_session->killedSomeone() || finishedA);
    if (ImGui::Button(fitLabel({"Kill A now (K)", "Kill A (K)", "Kill A"}, ImGui::GetContentRegionAvail().x),
                      ImVec2(-1, 0)))
        killWorker(context, 0);
    noteItem(context, "kill-now-button");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("SIGKILL A where it stands, as a crash would: if it holds the lock, see what each\n"
                          "mechanism does without it (a spin lock spins forever, a robust mutex recovers).");
    ImGui::EndDisabled();
}

bool StepPanel::done() const {
    if (m_session->ranFreely()) return true;
    for (std::uint32_t worker = 0; worker < m_session->workers(); ++worker)
        if (m_session->next(worker)) return false;
    return true;
}

} // namespace racetrace
