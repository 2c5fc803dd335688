// The side-by-side view: two timelines stacked, the naive flag above the
// test-and-set lock, both run under the same schedule (A and B take turns at
// every shared access), each headed by its scenario and one plain sentence.
// Each side is an ordinary TimelineView with its own document and ViewState,
// so zoom, pan, hover and the axis work as in the main timeline.
//
//   +---------------------------------------------------------------+
//   | [naive-flag v] vs [tas-mutex v]           [axis] [again] [leave]|
//   | A and B take turns at every access ... (not in lecture mode)  |
//   | Naive boolean flag   B entered while A was inside, 3 times ...|
//   |   ruler / lane A / lane B                                     |
//   | Atomic test-and-set lock   A waited ... never two inside ...  |
//   |   ruler / lane A / lane B                                     |
//   +---------------------------------------------------------------+
#pragma once

#include "gui/view_state.hpp"
#include "session/comparison.hpp"

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace racetrace {

class Theme;
class AppCommands;
class TimelineView;
class LayoutReport;

class ComparisonView {
  public:
    ComparisonView();
    ~ComparisonView();

    /// Shows `comparison` (fitted, on the event-order axis: a stepped run's
    /// time is the user's, not the race's).
    void show(std::shared_ptr<const Comparison> comparison);
    bool empty() const { return m_comparison == nullptr; }
    /// The sentence for the status line.
    std::string headline() const { return m_comparison ? m_comparison->headline : std::string(); }
    /// "Naive boolean flag vs Atomic test-and-set lock", for the window's title.
    std::string titles() const {
        if (!m_comparison || m_comparison->sides.size() < 2) return "comparison";
        return m_comparison->sides[0].title + " vs " + m_comparison->sides[1].title;
    }

    enum class Action { None, RunAgain, Leave };
    /// The two scenarios on screen, or picked in the header: what Run again runs.
    ComparisonPair pair() const { return comparisonOf(m_picked[0], m_picked[1]); }
    /// Draws into an already begun window; returns what the user asked for.
    /// Items the tests click go into `layout` when given: compare-first,
    /// compare-second, and while a picker is open, compare-pick-NAME.
    Action draw(const Theme& theme, AppCommands& commands, LayoutReport* layout = nullptr);

    /// T: both timelines switch between event order and real time.
    void toggleAxis();
    /// F: both timelines show their whole run.
    void fit();

  private:
    struct Side {
        std::unique_ptr<TimelineView> timeline;
        ViewState state;
    };
    void drawHeader(const Theme& theme, bool busy, Action& action, LayoutReport* layout);
    /// One side's scenario picker; true when the user chose another.
    bool drawPicker(std::size_t index, float width, LayoutReport* layout);
    void drawSide(std::size_t index, float height, const Theme& theme, AppCommands& commands);

    std::shared_ptr<const Comparison> m_comparison;
    std::vector<Side> m_sides;
    TimeAxis m_axis = TimeAxis::EventOrder;
    std::array<std::string, 2> m_picked;                     ///< scenario names, top then bottom
    std::vector<std::pair<std::string, std::string>> m_menu; ///< every built-in scenario: name, summary
};

} // namespace racetrace
