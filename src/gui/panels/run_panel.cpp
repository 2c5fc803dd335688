#include "gui/panels/run_panel.hpp"
#include "gui/whole_numbers.hpp"

#include "analysis/plain_words.hpp"
#include "gui/fit_label.hpp"
#include "gui/panels/step_panel.hpp"
#include "gui/theme.hpp"
#include "lab/builtin_scenarios.hpp"
#include "lab/schedule_policy.hpp"
#include "session/comparison.hpp"
#include "session/replay_job.hpp"
#include "trace/phase_timer.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace racetrace {

RunPanel::RunPanel(const RunOptions& initial) : m_options(initial), m_scenarios(builtinScenarios()) {
    for (std::size_t i = 0; i < m_scenarios.size(); ++i)
        if (m_scenarios[i].info.name == m_options.scenario) m_scenarioIndex = static_cast<int>(i);
    if (!m_scenarios.empty()) m_options.scenario = m_scenarios[static_cast<std::size_t>(m_scenarioIndex)].info.name;
    capIterations(); // saved settings from before the cap may ask for more
}

std::uint64_t RunPanel::maxIterationsPerWorker(std::uint32_t workers) {
    return std::max<std::uint64_t>(1, kMaxTotalIterations / std::max<std::uint32_t>(1, workers));
}

void RunPanel::capIterations() {
    const std::uint64_t cap = maxIterationsPerWorker(m_options.workers);
    if (m_options.iterations > cap) m_options.iterations = cap;
    // A scenario's own default counts too (a custom file may ask for millions).
    if (m_options.iterations == 0 && !m_scenarios.empty() &&
        m_scenarios[static_cast<std::size_t>(m_scenarioIndex)].defaults.iterations > cap)
        m_options.iterations = cap;
}

RunPanel::~RunPanel() = default;

void RunPanel::run(ViewContext& context) {
    if (context.commands.job().busy) return;
    leaveStepMode(context); // a normal run ends step mode
    capIterations();
    if (auto valid = validateRunOptions(m_options); !valid) {
        context.commands.showMessage(valid.error(), true);
        return;
    }
    RunOptions options = m_options;
    // With a worker killed, the others may wait forever: a second tells as much as five.
    if (options.kill) options.watchdogSeconds = 1.0;
    if (!context.commands.startRun(options)) return; // refused, or a prediction is asked for first
    context.commands.showMessage(
        "Running " + m_options.scenario + " with " + std::to_string(m_options.workers) + " real processes" +
        (options.kill ? ", killing " + workerName(options.kill->worker) + " inside the critical section at entry " +
                            std::to_string(options.kill->entry)
                      : std::string()) +
        "...");
}

void RunPanel::leaveStepMode(ViewContext& context) {
    if (!m_step) return;
    m_step.reset();
    StepPanel::clearState(context.state);
    context.state.axis = m_axisBeforeStepping;
}

void RunPanel::setUp(const RunOptions& options, ViewContext& context) {
    leaveStepMode(context);
    const auto builtIn = std::find_if(m_scenarios.begin(), m_scenarios.end(),
                                      [&](const Scenario& s) { return s.info.name == options.scenario; });
    if (builtIn != m_scenarios.end()) pick(static_cast<std::size_t>(builtIn - m_scenarios.begin()));
    m_options = options;
}

void RunPanel::startStepping(ViewContext& context, bool demo) {
    if (context.commands.job().busy || m_step) return;
    auto step = StepPanel::start(m_options);
    if (!step) {
        context.commands.showMessage(step.error(), true);
        return;
    }
    m_step = std::move(*step);
    m_step->allowDemo(demo);
    // Steps are spaced by the user, not by the clock: show the interleaving.
    m_axisBeforeStepping = context.state.axis;
    context.state.axis = TimeAxis::EventOrder;
    context.state.selectedFinding = -1;
    const std::uint32_t workers = std::min(m_step->workers(), StepSession::kMaxWorkers);
    context.commands.showMessage("Step mode: you are the scheduler. Keys 1-" + std::to_string(workers) +
                                 " step worker A-" + workerName(workers - 1) + ".");
}

std::size_t RunPanel::stepsTaken() const {
    return m_step != nullptr ? m_step->stepsTaken() : 0;
}

bool RunPanel::stepsDone() const {
    return m_step != nullptr && m_step->done();
}

bool RunPanel::stepsRanFreely() const {
    return m_step != nullptr && m_step->ranFreely();
}

bool RunPanel::animating() const {
    return m_step != nullptr && m_step->playingDemo();
}

void RunPanel::pick(std::size_t index) {
    m_scenarioIndex = static_cast<int>(index);
    m_options.scenario = m_scenarios[index].info.name;
    m_options.iterations = 0;
    m_options.windowNs.reset();
    m_options.retryWhenFull = false;
    // Roles are dealt round-robin: a scenario's own number gives every role its worker.
    m_options.workers = m_scenarios[index].defaults.workers;
}

void RunPanel::follow(const RunSettings& shown, bool knobsToo) {
    if (stepping()) return;
    const auto builtIn = std::find_if(m_scenarios.begin(), m_scenarios.end(),
                                      [&](const Scenario& s) { return s.info.name == shown.scenario; });
    if (builtIn == m_scenarios.end()) return; // a scenario from a file: the knobs keep what they had
    if (shown.scenario != m_options.scenario) pick(static_cast<std::size_t>(builtIn - m_scenarios.begin()));
    if (!knobsToo) return;
    // The knobs say how the shown run was made: R runs it again as it was.
    m_options.workers = shown.workers;
    m_options.iterations = shown.iterations;
    m_options.windowNs = shown.windowNs;
    m_options.pin = shown.pin;
    m_options.messageBytes = shown.messageBytes;
    m_options.capacity = shown.capacity;
    m_options.retryWhenFull = shown.retryWhenFull;
    m_options.kill.reset();
    if (shown.killAtEntry != 0) m_options.kill = KillPlan{shown.killWorker, shown.killAtEntry};
}

void RunPanel::drawPicker() {
    ImGui::SetNextItemWidth(-1);
    const char* preview =
        m_scenarios.empty() ? "(none)" : m_scenarios[static_cast<std::size_t>(m_scenarioIndex)].info.title.c_str();
    if (ImGui::BeginCombo("##scenario", preview)) {
        for (std::size_t i = 0; i < m_scenarios.size(); ++i) {
            if (ImGui::Selectable(m_scenarios[i].info.title.c_str(), static_cast<int>(i) == m_scenarioIndex)) pick(i);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m_scenarios[i].summary.c_str());
        }
        ImGui::EndCombo();
    }
}

void RunPanel::drawKnobs(ViewContext& context) {
    if (m_scenarios.empty()) return;
    const bool lecture = context.theme.lecture();
    const Scenario& scenario = m_scenarios[static_cast<std::size_t>(m_scenarioIndex)];
    // The scenario's words come after the knobs: with the buttons above them
    // the panel can overflow, and what scrolls away should be the reading.
    auto describe = [&] {
        ImGui::PushStyleColor(ImGuiCol_Text, context.theme.palette().dimText);
        textWrappedWhole(lecture ? scenario.summary.c_str() : scenario.info.description);
        ImGui::PopStyleColor();
    };

    int workers = static_cast<int>(m_options.workers);
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("iterations").x - 16);
    if (ImGui::SliderInt("workers", &workers, static_cast<int>(kMinRunWorkers),
                         lecture ? 8 : static_cast<int>(kMaxRunWorkers))) {
        m_options.workers = static_cast<std::uint32_t>(workers);
        capIterations(); // more workers, fewer iterations each
    }
    int window = static_cast<int>(m_options.windowNs.value_or(scenario.defaults.windowNs));
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("iterations").x - 16);
    if (ImGui::SliderInt("window ns", &window, 0, 100'000, "%d", ImGuiSliderFlags_Logarithmic)) {
        m_options.windowNs = static_cast<std::uint64_t>(std::max(0, window));
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Busy wait between checking and setting the flag, and inside the critical section.\n"
                          "Wider windows make races more likely.");
    if (lecture) return describe(); // iterations and pinning are for exploring, not for the hall
    int iterations = static_cast<int>(m_options.iterations != 0 ? m_options.iterations : scenario.defaults.iterations);
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("iterations").x - 16);
    const std::uint64_t cap = maxIterationsPerWorker(m_options.workers);
    if (ImGui::InputInt("iterations", &iterations, 1000, 10000))
        m_options.iterations = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::max(iterations, 1)), 1, cap);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Iterations per worker: at most %s with %u workers.\n\n"
                          "The window keeps every event for its views (about 15 per iteration, ~200 bytes each\n"
                          "while analysed), so a run here is capped at %s iterations in all (workers x iterations),\n"
                          "and a run this machine's memory cannot hold is refused before it starts.\n"
                          "Longer runs: racetrace run -n N on the command line (--no-trace records nothing).",
                          groupedNumber(static_cast<std::int64_t>(cap)).c_str(), m_options.workers,
                          groupedNumber(static_cast<std::int64_t>(kMaxTotalIterations)).c_str());
    const char* pins[] = {"none", "spread", "same"};
    int pin = static_cast<int>(m_options.pin);
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("iterations").x - 16);
    if (ImGui::Combo("pinning", &pin, pins, 3)) m_options.pin = static_cast<PinMode>(pin);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("none: the scheduler decides\nspread: one CPU per worker\nsame: every worker on one CPU "
                          "(widen the window to see races)");
    if (scenario.uses(OpCode::Drop)) drawWhenFull();
    if (scenario.uses(OpCode::CsEnter)) drawKill();
    describe();
}

void RunPanel::drawKill() {
    // "nobody", then one entry per worker of the next run.
    std::vector<std::string> names{"nobody"};
    for (std::uint32_t w = 0; w < m_options.workers; ++w)
        names.push_back(workerName(w) + " inside the c.s.");
    int choice =
        m_options.kill && m_options.kill->worker < m_options.workers ? static_cast<int>(m_options.kill->worker) + 1 : 0;
    const float width = -ImGui::CalcTextSize("iterations").x - 16;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("kill", names[static_cast<std::size_t>(choice)].c_str())) {
        for (std::size_t k = 0; k < names.size(); ++k)
            if (ImGui::Selectable(names[k].c_str(), static_cast<int>(k) == choice)) choice = static_cast<int>(k);
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Kill a worker (SIGKILL) while it is inside the critical section, and see what the lock\n"
                          "does then: a spin lock or a semaphore leaves the others waiting until the watchdog,\n"
                          "a robust mutex tells the next locker its owner died (EOWNERDEAD).\n"
                          "racetrace run --kill A@N");
    if (choice == 0) {
        m_options.kill.reset();
        return;
    }
    KillPlan plan = m_options.kill.value_or(KillPlan{});
    plan.worker = static_cast<std::uint32_t>(choice - 1);
    int entry = static_cast<int>(std::min<std::uint64_t>(plan.entry, 1'000'000));
    ImGui::SetNextItemWidth(width);
    if (ImGui::InputInt("at entry", &entry, 1, 10)) entry = std::clamp(entry, 1, 1'000'000);
    plan.entry = static_cast<std::uint64_t>(std::max(entry, 1));
    m_options.kill = plan;
}

void RunPanel::drawWhenFull() {
    const char* choices[] = {"drop the item", "retry the send"};
    int choice = m_options.retryWhenFull ? 1 : 0;
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("iterations").x - 16);
    if (ImGui::Combo("when full", &choice, choices, 2)) m_options.retryWhenFull = choice == 1;
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("A send that cannot wait found no room (EAGAIN): give the item up (counted as dropped),\n"
                          "or try the same send again at once (spinning instead of sleeping).\n"
                          "racetrace run --when-full drop|retry");
}

void RunPanel::setReplayNote(std::shared_ptr<const TraceDocument> document, std::string sentence, bool faithful) {
    m_replayed = std::move(document);
    m_replayNote = std::move(sentence);
    m_replayFaithful = faithful;
}

void RunPanel::drawProgress(ViewContext& context, const JobStatus& job) {
    const RunProgress& progress = job.progress;
    if (progress.iterationsPerWorker.empty()) { // loading, replaying, analysing, comparing, or a run still spawning
        // Under the bar the phase in words (the status line says the rest);
        // reading a file has no phase yet, its activity says how far it got.
        const char* phase = job.fraction >= 0.0f ? currentPhase() : nullptr;
        if (job.fraction >= 0.0f) ImGui::ProgressBar(job.fraction, ImVec2(-1, 0), "");
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", phase != nullptr ? phase : job.activity.c_str());
        ImGui::PopTextWrapPos();
        return;
    }
    for (std::size_t k = 0; k < progress.iterationsPerWorker.size() && k < 16; ++k) {
        const float fraction = progress.iterationsTarget == 0 ? 0.0f
                                                              : static_cast<float>(progress.iterationsPerWorker[k]) /
                                                                    static_cast<float>(progress.iterationsTarget);
        const std::string label =
            workerName(static_cast<std::uint32_t>(k)) + ": " + std::to_string(progress.eventsPerWorker[k]) + " events";
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, context.theme.workerColor(static_cast<std::uint32_t>(k)));
        ImGui::ProgressBar(fraction, ImVec2(-1, 0), label.c_str());
        ImGui::PopStyleColor();
    }
}

void RunPanel::drawReplayNote(ViewContext& context) {
    // Only while the replayed run is what the views show: after B (previous
    // trace) or another run the sentence would describe something else.
    if (m_replayNote.empty() || context.document != m_replayed) return;
    const Palette& palette = context.theme.palette();
    ImGui::PushStyleColor(ImGuiCol_Text, m_replayFaithful ? palette.good : palette.tornMarker);
    textWrappedWhole(m_replayNote);
    ImGui::PopStyleColor();
}

void RunPanel::drawButtons(ViewContext& context) {
    const JobStatus job = context.commands.job();
    const bool busy = job.busy;
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    ImGui::BeginDisabled(busy);
    if (ImGui::Button("Run (R)", ImVec2(half, 0))) run(context);
    noteItem(context, "run-button");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!job.stoppable);
    if (ImGui::Button("Stop (Esc)", ImVec2(half, 0))) context.commands.stopRun();
    noteItem(context, "stop-button");
    if (busy && !job.stoppable && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("A replay or a comparison cannot be stopped half-way; it ends by itself within seconds.");
    ImGui::EndDisabled();
    ImGui::BeginDisabled(busy);
    if (ImGui::Button(fitLabel({"Step mode (S)", "Step mode", "Step"}, half), ImVec2(half, 0))) startStepping(context);
    noteItem(context, "step-button");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Take the scheduler's seat: the workers wait before every shared access\n"
                          "until you say who goes next (at most 9 workers, %llu iterations, window 0).",
                          static_cast<unsigned long long>(StepSession::kIterations));
    ImGui::SameLine();
    ImGui::BeginDisabled(!context.document);
    if (ImGui::Button(fitLabel({"Replay (Ctrl+R)", "Replay"}, half), ImVec2(half, 0))) context.commands.replayShown();
    noteItem(context, "replay-button");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("Run new processes forced through the shown trace's order of shared accesses,\n"
                          "one step at a time, and say whether they did the same and found the same.\n"
                          "The window replays up to %s steps (longer traces: racetrace replay FILE).",
                          groupedNumber(static_cast<std::int64_t>(kMaxWindowReplaySteps)).c_str());
    ImGui::EndDisabled();
    const float full = ImGui::GetContentRegionAvail().x;
    const ComparisonPair& pair = comparisonFor(m_options.scenario);
    const std::string labels[] = {std::string(pair.button[0]), std::string(pair.button[1]),
                                  std::string(pair.button[2])};
    if (ImGui::Button(fitLabel({labels[0].c_str(), labels[1].c_str(), labels[2].c_str()}, full), ImVec2(full, 0)))
        context.commands.compare();
    noteItem(context, "compare-button");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s (%s; 2 workers x %llu iterations) under %s and under %s:\n"
                          "both timelines stacked. %s",
                          pair.freeIterations > 0 ? "Two free runs" : "One schedule", std::string(pair.policy).c_str(),
                          static_cast<unsigned long long>(pair.iterations()), std::string(pair.first).c_str(),
                          std::string(pair.second).c_str(), std::string(pair.lesson).c_str());
    ImGui::EndDisabled();
    if (busy)
        drawProgress(context, job);
    else
        drawReplayNote(context);
}

void RunPanel::draw(ViewContext& context) {
    // Picker, then the buttons (visible even at lecture sizes), then the knobs.
    const bool busy = context.commands.job().busy;
    if (m_step) {
        ImGui::BeginDisabled();
        drawPicker();
        ImGui::EndDisabled();
        if (!m_step->draw(context)) {
            leaveStepMode(context);
            context.commands.showMessage("Left step mode; its workers were stopped.");
        }
        return;
    }
    ImGui::BeginDisabled(busy);
    drawPicker();
    ImGui::EndDisabled();
    drawButtons(context);
    ImGui::BeginDisabled(busy);
    drawKnobs(context);
    ImGui::EndDisabled();
    if (const auto previous = context.commands.previousDocument(); previous && !busy) {
        const std::string label = "Show previous: " + previous->label;
        if (ImGui::Button(label.c_str(), ImVec2(-1, 0))) context.commands.showPrevious();
    }
}

} // namespace racetrace
