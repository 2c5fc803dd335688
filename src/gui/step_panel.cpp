#include "gui/step_panel.hpp"

#include "gui/fit_label.hpp"
#include "gui/theme.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <string>

namespace racetrace {

namespace {

constexpr double kDemoStepSeconds = 0.4;

RunOptions stepOptions(RunOptions options) {
    options.workers = std::clamp<std::uint32_t>(options.workers, 1, StepPanel::kMaxStepWorkers);
    if (options.iterations == 0 || options.iterations > 20) options.iterations = StepPanel::kStepIterations;
    options.windowNs = 0;
    options.traceEnabled = true;
    options.stepping = true;
    return options;
}

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
    options = stepOptions(std::move(options));
    if (auto valid = validateRunOptions(options); !valid) return fail(valid.error());
    auto controller = StepController::start(options);
    if (!controller) return fail(controller.error());
    return std::unique_ptr<StepPanel>(new StepPanel(std::move(options), std::move(*controller)));
}

StepPanel::StepPanel(RunOptions options, std::unique_ptr<StepController> controller)
    : m_options(std::move(options)), m_controller(std::move(controller)) {}

StepPanel::~StepPanel() = default; // the controller's Run kills its workers

void StepPanel::clearState(ViewState& state) {
    state.nextAccess.clear();
    state.nextLine.clear();
}

void StepPanel::refresh(ViewContext& context) {
    m_needsRefresh = false;
    const std::uint32_t workers = m_controller->workers();
    const ScenarioInfo& info = m_controller->scenario().info;
    m_next.assign(workers, std::nullopt);
    context.state.nextAccess.assign(workers, std::string());
    context.state.nextLine.assign(workers, -1);
    if (!m_free)
        for (std::uint32_t k = 0; k < workers; ++k) {
            m_next[k] = m_controller->next(k);
            if (!m_next[k]) continue;
            context.state.nextAccess[k] = describeAccess(info, *m_next[k]);
            context.state.nextLine[k] = m_next[k]->line;
        }
    if (m_free) clearState(context.state);
    const std::string label = m_options.scenario + (m_free ? ", stepped " : ", stepping: ") +
                              std::to_string(m_schedule.size()) + (m_schedule.size() == 1 ? " step" : " steps") +
                              (m_free ? ", then ran freely" : "");
    if (!m_free) {
        Trace trace = m_controller->snapshot();
        // The run is half done: "counter = 0 but 6 were expected" would be noise.
        trace.scenario.invariants.clear();
        context.showDocument(buildDocument(std::move(trace), label, ""));
    }
    context.state.fitRequested = true; // keep every step in view
}

void StepPanel::stepWorker(ViewContext& context, std::uint32_t worker) {
    if (m_free || worker >= m_controller->workers()) return;
    if (auto stepped = m_controller->step(worker); !stepped) {
        context.showMessage(stepped.error());
    } else {
        m_schedule.push_back(worker);
    }
    m_needsRefresh = true;
}

bool StepPanel::restart(ViewContext& context, const RunOptions& options, const std::vector<std::uint32_t>& schedule) {
    m_controller.reset(); // kill the old workers first
    auto controller = StepController::start(options);
    if (!controller) {
        context.showMessage(controller.error());
        return false;
    }
    m_controller = std::move(*controller);
    m_options = options;
    m_schedule.clear();
    m_free = false;
    for (std::uint32_t worker : schedule) {
        if (auto stepped = m_controller->step(worker); !stepped) {
            context.showMessage("Could not replay the steps: " + stepped.error());
            break;
        }
        m_schedule.push_back(worker);
    }
    m_needsRefresh = true;
    return true;
}

void StepPanel::undo(ViewContext& context) {
    std::vector<std::uint32_t> schedule = m_schedule;
    // After running freely, Undo goes back to the last stepped state.
    if (!m_free && !schedule.empty()) schedule.pop_back();
    if (!restart(context, m_options, schedule)) return;
    context.showMessage("Undone: fresh processes replayed the first " + std::to_string(schedule.size()) + " steps.");
}

void StepPanel::runFreely(ViewContext& context) {
    if (m_free) return;
    m_demo.clear();
    Trace trace = m_controller->finish();
    m_free = true;
    clearState(context.state);
    const std::string label = m_options.scenario + ", " + std::to_string(m_schedule.size()) + " steps, then ran freely";
    context.showDocument(buildDocument(std::move(trace), label, ""));
    context.state.fitRequested = true;
    m_needsRefresh = false;
    m_next.assign(m_controller->workers(), std::nullopt);
}

void StepPanel::startDemo(ViewContext& context) {
    RunOptions options = m_options;
    options.scenario = "naive-flag";
    options.workers = 2;
    if (!restart(context, options, {})) return;
    // A reads Y, B reads Y, both set it, both enter: the race of section 3.2.
    m_demo = {0, 1, 0, 1, 0, 1};
    m_demoPosition = 0;
    m_demoNextTime = ImGui::GetTime() + kDemoStepSeconds;
    context.showMessage("Watch: A checks Y, then B checks Y before A could set it...");
}

void StepPanel::playDemo(ViewContext& context) {
    if (m_demoPosition >= m_demo.size() || ImGui::GetTime() < m_demoNextTime) return;
    stepWorker(context, m_demo[m_demoPosition++]);
    m_demoNextTime = ImGui::GetTime() + kDemoStepSeconds;
    if (m_demoPosition >= m_demo.size()) {
        m_demo.clear();
        context.showMessage("Both are in the critical section: both saw Y free before either set it.");
    }
}

bool StepPanel::draw(ViewContext& context) {
    if (!m_demo.empty()) playDemo(context);
    if (m_needsRefresh) refresh(context);

    const std::uint32_t workers = m_controller->workers();
    const bool demo = !m_demo.empty();
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.WantTextInput && !demo && !m_free)
        for (std::uint32_t k = 0; k < workers && k < kMaxStepWorkers; ++k)
            if (ImGui::IsKeyPressed(GLFW_KEY_1 + static_cast<int>(k), false) && m_next[k]) stepWorker(context, k);

    ImGui::PushStyleColor(ImGuiCol_Text, context.theme.palette().dimText);
    if (m_free)
        ImGui::TextWrapped("The workers ran freely to the end after %zu steps.", m_schedule.size());
    else if (demo)
        ImGui::TextWrapped("Showing the race, one step at a time...");
    else
        ImGui::TextWrapped("You are the scheduler: pick who makes the next shared access (keys 1-%u). Step %zu.",
                           std::min(workers, kMaxStepWorkers), m_schedule.size());
    ImGui::PopStyleColor();

    // One button per worker, in its colour, saying what it will do next.
    ImGui::BeginDisabled(m_free || demo);
    for (std::uint32_t k = 0; k < workers; ++k) {
        const ImU32 colour = context.theme.workerColor(k);
        const bool finished = !m_next[k].has_value();
        std::string label = workerName(k) + ": ";
        if (m_free)
            label += "ran freely";
        else if (finished)
            label += "finished";
        else
            label += context.state.nextAccess.size() > k ? context.state.nextAccess[k] : std::string("?");
        label += "  (" + std::to_string(k + 1) + ")##step" + std::to_string(k);
        ImGui::PushStyleColor(ImGuiCol_Button, colour);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, brighter(colour, 30));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, brighter(colour, -30));
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 255));
        ImGui::BeginDisabled(finished);
        if (ImGui::Button(label.c_str(), ImVec2(-1, 0))) stepWorker(context, k);
        ImGui::EndDisabled();
        ImGui::PopStyleColor(4);
    }
    ImGui::EndDisabled();

    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float half = (ImGui::GetContentRegionAvail().x - spacing) / 2;
    ImGui::BeginDisabled(m_free || demo);
    if (ImGui::Button("Run freely", ImVec2(half, 0))) runFreely(context);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open every gate: the workers race on to the end on their own.");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(demo || (m_schedule.empty() && !m_free));
    if (ImGui::Button("Undo", ImVec2(half, 0))) undo(context);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Step back: fresh processes replay every step but the last.");
    ImGui::EndDisabled();
    if (m_options.scenario == "naive-flag") {
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
    const float leaveWidth = m_options.scenario == "naive-flag" ? half : ImGui::GetContentRegionAvail().x;
    const bool leave = ImGui::Button(fitLabel({"Leave step mode", "Leave"}, leaveWidth), ImVec2(leaveWidth, 0));
    if (leave) {
        m_demo.clear();
        clearState(context.state);
        return false;
    }
    return true;
}

} // namespace racetrace
