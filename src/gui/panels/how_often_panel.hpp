// "How often?": the window's stats sweep (session/race_stats.hpp). Runs the
// shown scenario, with the Run panel's knobs, many times at each value of
// one knob in the background and plots the race rate with its interval as
// the points arrive, with the sweep's one-sentence reading above.
#pragma once

#include "gui/view.hpp"
#include "session/race_stats.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace racetrace {

/// Where a panel goes on screen, in pixels.
struct PanelArea {
    float x = 0.0f, y = 0.0f, width = 0.0f, height = 0.0f;
};

class HowOftenPanel {
  public:
    HowOftenPanel();
    ~HowOftenPanel();
    HowOftenPanel(const HowOftenPanel&) = delete;
    HowOftenPanel& operator=(const HowOftenPanel&) = delete;

    void open() { m_open = true; }
    /// Stops the runs and closes the panel (a lesson moved on).
    void close();
    bool isOpen() const { return m_open; }
    /// Opens the panel in `area` (a lesson's right-hand column; nothing: its own place) and starts
    /// `sweep` ("window-ns=0,500,2000") over `base`, `runs` per value: a lesson's closing step.
    void startSweep(const RunOptions& base, std::string_view sweep, int runs, std::optional<PanelArea> area);
    /// The last sweep ran to its end.
    bool finished() const;
    /// Runs are under way (the window's own runs wait for them).
    bool busy() const;
    /// Stops the runs under way; the plot keeps the runs done.
    void stop();
    /// Draws the panel while it is open; `base` is the Run panel's scenario and knobs.
    void draw(ViewContext& context, const RunOptions& base);

  private:
    void drawControls(ViewContext& context, const RunOptions& base);
    void start(const RunOptions& base);
    /// Once the runs have ended: the reading (or why they failed) on the status line.
    void announceEnd(ViewContext& context);
    /// The latest report (a copy: the runs add to it on their own thread).
    StatsReport latest() const;

    bool m_open = false;
    std::optional<PanelArea> m_area; ///< where a lesson put the panel
    int m_knob = 0;
    std::array<std::string, kSweepKnobs.size()> m_values;
    int m_runs = 20;
    bool m_untracedToo = false;
    std::string m_error;

    struct Job; // the runs' thread and what it shares with the window
    std::unique_ptr<Job> m_job;
};

} // namespace racetrace
