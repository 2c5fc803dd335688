// Step mode ("take the scheduler's seat"): the Run panel hands its area to this
// panel, which draws a StepSession (session/step_session.hpp). Each button (or
// key 1-9) lets one worker make its next shared access; after every step the
// live trace is shown in every view, so the findings appear the moment the
// race does.
#pragma once

#include "gui/view.hpp"
#include "session/step_session.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace racetrace {

class StepPanel {
  public:
    /// Starts real workers for `options` with every gate closed.
    static Result<std::unique_ptr<StepPanel>> start(RunOptions options);

    /// Draws the step controls into the current window and handles keys 1-9.
    /// Returns false once the user chose "Leave step mode".
    bool draw(ViewContext& context);
    /// A challenge hides "Show me the race": it would give the answer away.
    void allowDemo(bool allowed) { m_demoAllowed = allowed; }
    /// True while "Show me the race" plays its steps.
    bool playingDemo() const { return !m_demo.empty(); }
    std::uint32_t workers() const { return m_session->workers(); }
    /// Steps taken so far (after running freely: those before it).
    std::size_t stepsTaken() const { return m_session->schedule().size(); }
    /// No worker can be stepped any more: all finished or blocked, or they ran freely.
    bool done() const;
    bool ranFreely() const { return m_session->ranFreely(); }
    /// Clears the per-worker next accesses step mode put into the ViewState.
    static void clearState(ViewState& state);

  private:
    explicit StepPanel(std::unique_ptr<StepSession> session) : m_session(std::move(session)) {}

    void stepWorker(ViewContext& context, std::uint32_t worker);
    void undo(ViewContext& context);
    /// "Kill A now": SIGKILL to the worker wherever it waits; the others go on being stepped.
    void killWorker(ViewContext& context, std::uint32_t worker);
    void runFreely(ViewContext& context);
    void startDemo(ViewContext& context);
    void playDemo(ViewContext& context);
    /// Puts every worker's next access into the ViewState and shows the live trace.
    void refresh(ViewContext& context);
    void drawWorkerButtons(ViewContext& context, bool demo);
    /// Run freely, Undo, Show me the race; false when Leave was pressed.
    bool drawActions(ViewContext& context, bool demo);
    /// Last, under the others: "Kill A now (K)".
    void drawKillButton(ViewContext& context, bool demo);

    std::unique_ptr<StepSession> m_session;
    bool m_needsRefresh = true;
    std::vector<std::uint32_t> m_demo; ///< "Show me the race": steps still to play
    bool m_demoAllowed = true;
    std::size_t m_demoPosition = 0;
    double m_demoNextTime = 0.0;
};

} // namespace racetrace
