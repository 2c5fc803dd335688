// Step mode ("take the scheduler's seat"): the Run panel hands its area to this
// panel, which owns a StepController. Each button (or key 1-9) lets one worker
// make its next shared access; after every step the live trace is shown in
// every view, so the findings appear the moment the race does.
#pragma once

#include "gui/view.hpp"
#include "lab/step_controller.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

class StepPanel {
  public:
    /// Starts real workers for `options` with every gate closed (workers capped
    /// at 9 so keys 1-9 reach them all, window 0).
    static Result<std::unique_ptr<StepPanel>> start(RunOptions options);
    ~StepPanel();

    /// Draws the step controls into the current window and handles keys 1-9.
    /// Returns false once the user chose "Leave step mode".
    bool draw(ViewContext& context);
    /// Clears the per-worker next accesses step mode put into the ViewState.
    static void clearState(ViewState& state);

    static constexpr std::uint32_t kMaxStepWorkers = 9;
    static constexpr std::uint64_t kStepIterations = 3;

  private:
    StepPanel(RunOptions options, std::unique_ptr<StepController> controller);

    void stepWorker(ViewContext& context, std::uint32_t worker);
    void undo(ViewContext& context);
    void runFreely(ViewContext& context);
    void startDemo(ViewContext& context);
    void playDemo(ViewContext& context);
    /// Fresh processes replaying `schedule`; false (and a message) on failure.
    bool restart(ViewContext& context, const RunOptions& options, const std::vector<std::uint32_t>& schedule);
    /// Reads every worker's next access and shows the live trace.
    void refresh(ViewContext& context);

    RunOptions m_options;
    std::unique_ptr<StepController> m_controller;
    std::vector<std::uint32_t> m_schedule;            ///< steps taken (kept after running freely)
    std::vector<std::optional<PendingAccess>> m_next; ///< per worker; nullopt: finished
    bool m_needsRefresh = true;
    bool m_free = false;               ///< ran freely to the end: only Undo and Leave remain
    std::vector<std::uint32_t> m_demo; ///< "Show me the race": steps still to play
    std::size_t m_demoPosition = 0;
    double m_demoNextTime = 0.0;
};

} // namespace racetrace
