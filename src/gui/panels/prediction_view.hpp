// Predict, then reveal, in the window (session/prediction.hpp has the
// questions): before a run it asks, large enough for the back of the hall,
// and starts the run once a choice is made (a click, or 1, 2, 3); when the run
// is shown it puts the answer beside the guess.
#pragma once

#include "gui/view.hpp"
#include "session/prediction.hpp"

#include <optional>

namespace racetrace {

class PredictionView {
  public:
    /// Asks `prediction` before `options` run.
    void ask(Prediction prediction, RunOptions options);
    /// A question is open or its run has not been shown yet.
    bool busy() const { return m_phase == Phase::Asking || m_phase == Phase::Waiting; }
    /// Draws the question or the answer; returns the options to run, once, when the guess is made.
    std::optional<RunOptions> draw(ViewContext& context);
    /// A fresh run's document: the answer to the guess waiting for it, and
    /// the verdict in one sentence for the status line ("Right: ...").
    std::optional<std::string> shown(const TraceDocument& document);
    /// The run asked for never came (it failed to start): no answer to wait for.
    void forget();

  private:
    enum class Phase { Idle, Asking, Waiting, Revealing };
    std::optional<RunOptions> drawQuestion(ViewContext& context);
    void drawReveal(ViewContext& context);
    /// "Right.", "Not this time: less than 600.", or that the run cannot tell.
    std::string verdict() const;

    Phase m_phase = Phase::Idle;
    bool m_popupPending = false; ///< OpenPopup at the next draw
    std::optional<Prediction> m_prediction;
    RunOptions m_options;
    int m_guess = -1; ///< -1: skipped
    Reveal m_reveal;
};

} // namespace racetrace
