#include "gui/panels/how_often_panel.hpp"

#include "gui/fit_label.hpp"
#include "gui/panels/rate_plot.hpp"
#include "gui/theme.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace racetrace {

namespace {

/// Where the panel first appears: clear of the menu bar and the status line.
void placeWindow(const ViewContext& context, const std::optional<PanelArea>& area) {
    if (area) { // a lesson's column: kept there, over whatever it covers
        ImGui::SetNextWindowPos(ImVec2(area->x, area->y), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(area->width, area->height), ImGuiCond_Always);
        return;
    }
    // Below the menu bar and the status line at their tallest (three lines of
    // the large font), where the sweep's reading is said when it ends: a
    // panel centred on the screen covered its second line at 1280x720.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float top = ImGui::GetFrameHeight() + context.theme.largeFont()->FontSize * 3 + style.WindowPadding.y * 2 + 2;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const float room = std::max(display.y - top, display.y * 0.5f);
    ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y - room / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(display.x * 0.85f, room * 0.94f), ImGuiCond_Appearing);
}

} // namespace

/// The runs on their own thread; the report so far under a mutex.
struct HowOftenPanel::Job {
    std::atomic<bool> stop{false};
    std::atomic<bool> done{false};
    mutable std::mutex mutex;
    StatsReport report;                 ///< guarded by mutex
    std::uint64_t total = 0;            ///< runs in all
    std::optional<std::string> failure; ///< guarded by mutex: why the runs ended early
    bool announced = false;             ///< the window's thread has said how it ended
    std::jthread thread;                ///< last: joined first on destruction
};

HowOftenPanel::HowOftenPanel() {
    // Values that show each knob's effect in a few seconds per point.
    const std::array<const char*, kSweepKnobs.size()> defaults = {"0,500,2000,8000", "2,4,8", "none,spread,same",
                                                                  "100,1000,10000", "16,256,4096"};
    for (std::size_t k = 0; k < defaults.size(); ++k)
        m_values[k] = defaults[k];
}

HowOftenPanel::~HowOftenPanel() {
    stop();
}

bool HowOftenPanel::busy() const {
    return m_job && !m_job->done;
}

void HowOftenPanel::stop() {
    if (m_job) m_job->stop = true;
}

StatsReport HowOftenPanel::latest() const {
    const std::lock_guard lock(m_job->mutex);
    return m_job->report;
}

void HowOftenPanel::close() {
    stop();
    m_open = false;
    m_area.reset();
}

void HowOftenPanel::startSweep(const RunOptions& base, std::string_view sweep, int runs,
                               std::optional<PanelArea> area) {
    const std::string_view name = sweep.substr(0, sweep.find('='));
    for (std::size_t k = 0; k < kSweepKnobs.size(); ++k)
        if (kSweepKnobs[k].name == name) {
            m_knob = static_cast<int>(k);
            m_values[k] = std::string(sweep.substr(std::min(sweep.size(), name.size() + 1)));
        }
    m_runs = std::clamp(runs, 1, 1000);
    m_untracedToo = false;
    m_area = area;
    m_open = true;
    start(base);
}

bool HowOftenPanel::finished() const {
    return m_job && m_job->done.load() && !m_job->stop.load();
}

void HowOftenPanel::start(const RunOptions& base) {
    const SweepKnobInfo& knob = kSweepKnobs[static_cast<std::size_t>(m_knob)];
    auto sweep = parseSweep(std::string(knob.name) + "=" + m_values[static_cast<std::size_t>(m_knob)], base);
    if (!sweep) {
        m_error = sweep.error();
        return;
    }
    m_error.clear();
    if (m_job) m_job->thread = {}; // the previous runs have ended (busy() was false)
    m_job = std::make_unique<Job>();
    Job& job = *m_job;
    job.total = sweep->values.size() * static_cast<std::uint64_t>(m_runs) * (m_untracedToo ? 2u : 1u);
    StatsPlan plan{base, std::move(*sweep), static_cast<std::uint32_t>(m_runs), m_untracedToo};
    job.report = plannedReport(plan); // every value has its place on the plot before the first run ends
    job.thread = std::jthread([&job, plan = std::move(plan)] {
        auto report = runStats(plan, job.stop, [&job](std::uint64_t, std::uint64_t, const StatsReport& sofar) {
            const std::lock_guard lock(job.mutex);
            job.report = sofar;
        });
        const std::lock_guard lock(job.mutex);
        if (report)
            job.report = std::move(*report);
        else
            job.failure = report.error();
        job.done = true;
    });
}

void HowOftenPanel::announceEnd(ViewContext& context) {
    if (!m_job->done || m_job->announced) return;
    m_job->announced = true;
    const std::lock_guard lock(m_job->mutex); // the final report: done is set under it
    if (m_job->failure)
        context.commands.showMessage(*m_job->failure, true);
    else
        context.commands.showMessage("How often? " + statsReading(m_job->report));
}

void HowOftenPanel::drawControls(ViewContext& context, const RunOptions& base) {
    const float font = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(font * 11); // "iterations per worker"
    const std::string current(kSweepKnobs[static_cast<std::size_t>(m_knob)].title);
    if (ImGui::BeginCombo("##knob", current.c_str())) {
        for (std::size_t k = 0; k < kSweepKnobs.size(); ++k)
            if (ImGui::Selectable(std::string(kSweepKnobs[k].title).c_str(), static_cast<int>(k) == m_knob))
                m_knob = static_cast<int>(k);
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(font * 12);
    ImGui::InputText("values", &m_values[static_cast<std::size_t>(m_knob)]);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(font * 5);
    ImGui::InputInt("runs each", &m_runs, 5, 20);
    m_runs = std::clamp(m_runs, 1, 1000);
    ImGui::SameLine();
    ImGui::Checkbox("untraced too", &m_untracedToo);
    ImGui::SameLine();
    if (busy()) {
        if (ImGui::Button("Stop")) stop();
    } else if (ImGui::Button("Run the sweep")) {
        start(base);
    }
    noteItem(context, "how-often-run");
}

void HowOftenPanel::draw(ViewContext& context, const RunOptions& base) {
    if (!m_open) return;
    placeWindow(context, m_area);
    if (!ImGui::Begin("How often?", &m_open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    const Theme& theme = context.theme;
    ImGui::TextDisabled(
        "%s", ("Runs " + base.scenario + " again and again with the Run panel's knobs, changing one.").c_str());
    noteItem(context, "how-often-intro"); // the panel's first line: where it begins, below its title bar
    drawControls(context, base);
    if (!m_error.empty())
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.palette().lostUpdateArrow), "%s", m_error.c_str());
    if (!m_job) {
        ImGui::TextWrapped("Choose a knob and its values, then Run the sweep: each point's runs are real "
                           "processes, analysed one by one, and the plot grows as they finish.");
        ImGui::End();
        return;
    }
    const StatsReport report = latest();
    announceEnd(context);
    {
        const std::lock_guard lock(m_job->mutex);
        if (m_job->failure)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme.palette().lostUpdateArrow), "%s",
                               m_job->failure->c_str());
    }
    const std::string progress =
        busy() ? "run " + std::to_string(report.runsDone) + " of " + std::to_string(m_job->total) + "..."
               : std::to_string(report.runsDone) + " runs";
    ImGui::TextDisabled("%s", progress.c_str());
    ImGui::PushFont(theme.largeFont());
    const bool none = report.runsDone == 0;
    ImGui::TextWrapped("%s", none && busy() ? "The first runs are under way..." : statsReading(report).c_str());
    ImGui::PopFont();
    drawRatePlotLegend(report, theme);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 room = ImGui::GetContentRegionAvail();
    drawRatePlot(*ImGui::GetWindowDrawList(), min, ImVec2(min.x + room.x, min.y + room.y), report, theme);
    ImGui::Dummy(room);
    noteItem(context, "how-often-plot");
    ImGui::End();
}

} // namespace racetrace
