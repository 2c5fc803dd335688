// Choose a scenario and its knobs, then Run or Stop. While a run goes on it
// shows per-worker progress; the finished run replaces the shown trace, and the
// previous one stays a click away for comparison.
#pragma once

#include "gui/view.hpp"
#include "lab/scenario.hpp"

#include <memory>
#include <vector>

namespace racetrace {

class StepPanel;

class RunPanel : public View {
public:
    explicit RunPanel(const RunOptions& initial);
    ~RunPanel() override;
    const char* title() const override { return "Run"; }
    void draw(ViewContext& context) override;

    const RunOptions& options() const { return m_options; }
    /// Starts a run with the panel's options (also bound to the R key).
    void run(ViewContext& context);
    /// Step mode: the user picks which worker makes the next shared access.
    void startStepping(ViewContext& context);
    bool stepping() const { return m_step != nullptr; }

private:
    void drawPicker();
    void drawKnobs(ViewContext& context);
    void drawButtons(ViewContext& context);
    void drawProgress(ViewContext& context);

    RunOptions m_options;
    std::vector<Scenario> m_scenarios;
    int m_scenarioIndex = 0;
    std::unique_ptr<StepPanel> m_step; ///< while stepping; owns the StepController
    TimeAxis m_axisBeforeStepping = TimeAxis::RealTime;
};

} // namespace racetrace
