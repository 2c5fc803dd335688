// The lesson's own panel (session/lesson.hpp): the step's section and title,
// its text large enough for the back of the hall, its question with one
// button per choice, and once the run is shown the answer and what to say
// after; Previous, Run again and Next (Page Up, R, Page Down: a clicker's
// keys). It only draws and says what was asked for; the application sets up
// each step (scenario, knobs, mode, what to point at).
#pragma once

#include "gui/view.hpp"
#include "session/lesson.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace racetrace {

class LessonPanel {
  public:
    void open(Lesson lesson);
    void close() { m_open = false; }
    bool isOpen() const { return m_open; }
    const Lesson& lesson() const { return m_lesson; }
    std::size_t index() const { return m_index; }
    const LessonStep& step() const { return m_lesson.steps[m_index]; }

    /// Goes to step `index` (clamped): its question unanswered, nothing shown yet.
    void go(std::size_t index);
    /// The question is still open: the step's run waits for a guess.
    bool asking() const { return step().question && !m_answered; }
    /// The step's run (or comparison, or stepping) has been shown: the answer and the after-words appear.
    void shown(const TraceDocument* document);
    bool wasShown() const { return m_shown; }

    /// Run: a guess was made (or skipped), run the step; Again: set the step up afresh.
    enum class Action : std::uint8_t { None, Previous, Next, Run, Again, Close };
    /// Draws inside an already begun window.
    Action draw(ViewContext& context);
    /// "Step 3 of 14 (3.1): One counter, two processes": what the status line and standard output say.
    std::string stepSentence() const;

  private:
    void drawQuestion(ViewContext& context, Action& action);
    void drawAnswer(ViewContext& context);
    Action drawButtons(ViewContext& context);

    Lesson m_lesson;
    bool m_open = false;
    std::size_t m_index = 0;
    bool m_answered = false; ///< a choice was made, or the guess skipped
    int m_guess = -1;        ///< -1: skipped
    bool m_shown = false;
    bool m_scrollToEnd = false; ///< bring the answer into view at the next draw
    int m_correct = -1;         ///< the first choice whose condition the shown run meets; -1: none or no run
    std::string m_fact;         ///< what decided the answer: the counter's sentence, else the run's headline
};

} // namespace racetrace
