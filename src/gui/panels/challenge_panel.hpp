// A challenge for a student (session/lesson.hpp LessonChallenge): its goal,
// the steps taken and the best score, hints after failed tries, and once won
// the finding that proves it (or, for a goal no stepping can reach, why).
// It only draws and says what was asked for; the application starts step
// mode, decides after each step whether the goal was reached, and keeps the
// best score in the settings file.
#pragma once

#include "gui/view.hpp"
#include "session/lesson.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace racetrace {

class ChallengePanel {
  public:
    void open(LessonChallenge challenge, std::optional<std::uint64_t> best);
    void close() { m_open = false; }
    bool isOpen() const { return m_open; }
    const LessonChallenge& challenge() const { return m_challenge; }
    bool won() const { return m_won; }

    /// A new try: the counter back to 0 (tries, hints and the best stay).
    void newTry();
    /// Steps taken so far in this try (shown as the counter).
    void setSteps(std::uint64_t steps) { m_steps = steps; }
    /// The goal was reached in `steps`; `proof` is the finding's sentence. Returns true for a new best.
    bool win(std::uint64_t steps, std::string proof);
    /// A try ended without the goal (the workers finished, or Try again).
    void failTry();
    std::uint32_t failedTries() const { return m_failedTries; }
    /// Whether the explanation of an impossible goal is on screen yet.
    bool explained() const { return !m_challenge.possible() && m_failedTries > m_challenge.hints.size(); }

    enum class Action : std::uint8_t { None, TryAgain, FreeRun, Close };
    /// Draws inside an already begun window.
    Action draw(ViewContext& context);

  private:
    void drawProgress(ViewContext& context);
    void drawOutcome(ViewContext& context);

    LessonChallenge m_challenge;
    bool m_open = false;
    std::optional<std::uint64_t> m_best;
    std::uint64_t m_steps = 0;
    std::uint32_t m_failedTries = 0;
    bool m_won = false;
    bool m_newBest = false;
    std::string m_proof;
    std::size_t m_shownLines = 0; ///< what drawOutcome showed last time, to scroll to what is new
};

} // namespace racetrace
