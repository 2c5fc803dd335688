// Choose a scenario and its knobs, then Run or Stop. While a run goes on it
// shows per-worker progress; the finished run replaces the shown trace, and the
// previous one stays a click away for comparison.
#pragma once

#include "gui/view.hpp"
#include "lab/run_options.hpp"
#include "lab/scenario.hpp"

#include <memory>
#include <string>
#include <vector>

namespace racetrace {

class StepPanel;

class RunPanel : public View {
  public:
    explicit RunPanel(const RunOptions& initial);

    /// The window keeps every event of a run for its views: about 15 per
    /// iteration, ~153 bytes each once shown, 160-180 while the run is merged
    /// and analysed. Runs are capped at 10,000,000 iterations in all (workers x
    /// iterations, ~150 M events); below that, a run the machine's memory
    /// cannot hold is refused with a sentence before it starts
    /// (lab/run_memory.hpp, at kWindowBytesPerEvent). The CLI keeps its own,
    /// higher limit (kMaxIterations).
    static constexpr std::uint64_t kMaxTotalIterations = 10'000'000;
    static std::uint64_t maxIterationsPerWorker(std::uint32_t workers);
    ~RunPanel() override;
    const char* title() const override { return "Run"; }
    void draw(ViewContext& context) override;

    const RunOptions& options() const { return m_options; }
    /// Starts a run with the panel's options (also bound to the R key).
    void run(ViewContext& context);
    /// Step mode: the user picks which worker makes the next shared access.
    /// `demo`: offer "Show me the race" (a challenge does not).
    void startStepping(ViewContext& context, bool demo = true);
    bool stepping() const { return m_step != nullptr; }
    /// Steps taken in step mode (0 when not stepping).
    std::size_t stepsTaken() const;
    /// In step mode, no worker can be stepped any more (see StepPanel::done).
    bool stepsDone() const;
    /// In step mode, the workers were let run freely (what they did then was not stepped).
    bool stepsRanFreely() const;
    /// True while something moves on its own (the step demo plays): keep drawing.
    bool animating() const;
    /// Picks the built-in scenario of the shown run and (`knobsToo`) sets the
    /// knobs as that run had them, so that Run, Compare and the words match
    /// what is on screen.
    void follow(const RunSettings& shown, bool knobsToo);
    /// Sets the scenario and every knob to `options` (a lesson's step), leaving step mode.
    void setUp(const RunOptions& options, ViewContext& context);
    /// Ends step mode (its workers are killed), back to the axis it started on.
    void leaveStepMode(ViewContext& context);
    /// What the last replay found; shown under the buttons while `document` (the replayed run) is shown.
    void setReplayNote(std::shared_ptr<const TraceDocument> document, std::string sentence, bool faithful);

  private:
    void pick(std::size_t index);
    void drawPicker();
    void drawKnobs(ViewContext& context);
    /// Drop or retry, for a scenario whose sender may give an item up.
    void drawWhenFull();
    /// Who to kill inside the critical section, and at which entry (--kill A@N).
    void drawKill();
    void drawButtons(ViewContext& context);
    void drawProgress(ViewContext& context, const JobStatus& job);
    void drawReplayNote(ViewContext& context);
    /// Holds workers x iterations (the scenario's default if none is set) to kMaxTotalIterations.
    void capIterations();

    RunOptions m_options;
    std::vector<Scenario> m_scenarios;
    int m_scenarioIndex = 0;
    std::unique_ptr<StepPanel> m_step; ///< while stepping; owns the StepController
    TimeAxis m_axisBeforeStepping = TimeAxis::RealTime;
    std::shared_ptr<const TraceDocument> m_replayed; ///< the document m_replayNote is about
    std::string m_replayNote;
    bool m_replayFaithful = false;
};

} // namespace racetrace
