#include "session/run_session.hpp"

#include "analysis/plain_words.hpp"
#include "trace/phase_timer.hpp"
#include "trace/rtrace_file.hpp"

#include <chrono>
#include <ctime>

namespace racetrace {

namespace {
std::string clockTime() {
    const std::time_t now = std::time(nullptr);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M:%S", std::localtime(&now));
    return text;
}

} // namespace

RunSession::~RunSession() {
    prepareToClose();
    join();
}

void RunSession::prepareToClose() {
    m_closing.store(true);
    stop();
}

void RunSession::join() {
    if (m_thread.joinable()) m_thread.join();
}

void RunSession::finishWith(Result<std::shared_ptr<const TraceDocument>> result) {
    std::lock_guard lock(m_mutex);
    if (result)
        m_result = std::move(*result);
    else
        m_error = result.error();
    m_run.reset();
    m_activity.clear();
    m_busy.store(false);
}

bool RunSession::startJob(std::string activity, std::function<void()> job) {
    if (m_busy.load() || m_closing.load()) return false;
    join();
    {
        std::lock_guard lock(m_mutex);
        m_activity = std::move(activity);
        m_pendingKill.reset();
    }
    m_busy.store(true);
    m_analysing.store(false);
    m_cancelAnalysis.store(false);
    m_stopRequested.store(false);
    m_stage.store(0);
    m_runJob.store(false);
    m_replayJob.store(false);
    m_loadJob.store(false);
    m_thread = std::thread(std::move(job));
    return true;
}

bool RunSession::startRun(const RunOptions& asked) {
    RunOptions options = asked;
    options.bytesPerEvent = kWindowBytesPerEvent; // the views keep every event: more per event than the CLI
    const bool started = startJob("starting workers...", [this, options] {
        auto run = Run::start(options);
        if (!run) return finishWith(std::unexpected(run.error()));
        Run* raw = run->get();
        {
            std::lock_guard lock(m_mutex);
            m_run = std::move(*run);
            // Stop (Esc) or Kill (K) while the workers were starting found no run yet: done now.
            if (m_stopRequested.load()) m_run->requestStop();
            if (m_pendingKill) m_run->requestKill(*std::exchange(m_pendingKill, std::nullopt));
        }
        while (raw->pump())
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        // Closing the window: the workers are dead; merging and analysing what
        // they recorded would only keep the window frozen on its way out.
        if (m_closing.load()) return finishWith(std::unexpected(std::string("the window was closed.")));
        const std::string what = "Analysing the " +
                                 groupedNumber(static_cast<std::int64_t>(eventsOf(raw->progress()))) +
                                 " events the workers recorded: ";
        try {
            const CancelPhasesWhen stopped(m_cancelAnalysis);
            announceStage(what, 1, 4, "merging them");
            Trace trace = raw->finish();
            const std::string label = trace.scenario.name + ", run at " + clockTime();
            finishWith(buildDocument(
                std::move(trace), label, "", DocumentUse::Views,
                [&](int step, int steps, std::string_view doing) { announceStage(what, step + 1, steps + 1, doing); }));
        } catch (const PhasesCancelled&) {
            finishStopped("Stopped analysing the run: its events are dropped (run it again to see it).");
        }
    });
    if (started) m_runJob.store(true); // the job only reads it through stoppable(): no race with its end
    return started;
}

std::uint64_t RunSession::eventsOf(const RunProgress& progress) {
    std::uint64_t events = 0;
    for (auto count : progress.eventsPerWorker)
        events += count;
    return events;
}

void RunSession::announceStage(const std::string& what, int stage, int stages, std::string_view doing) {
    std::lock_guard lock(m_mutex);
    m_activity = what + "step " + std::to_string(stage) + " of " + std::to_string(stages) + ", " + std::string(doing) +
                 " (Esc stops)...";
    m_stage.store(stage);
    m_stages.store(stages);
    m_analysing.store(true);
}

bool RunSession::startLoad(const std::string& path) {
    if (m_busy.load()) return false;
    m_loadControl.cancel.store(false);
    m_loadControl.bytesRead.store(0);
    m_loadControl.bytesTotal.store(0);
    {
        std::lock_guard lock(m_mutex);
        m_loadName = baseName(path);
    }
    const bool started = startJob("", [this, path] {
        const std::string stopped = "Stopped loading " + baseName(path) + ".";
        auto trace = loadRtrace(path, &m_loadControl);
        if (m_loadControl.cancel.load()) return finishStopped(stopped);
        if (!trace) return finishWith(std::unexpected(trace.error()));
        const std::string read = "Read " + baseName(path) + " (" +
                                 groupedNumber(static_cast<std::int64_t>(trace->events.size())) + " events): ";
        try {
            const CancelPhasesWhen cancelled(m_loadControl.cancel);
            finishWith(buildDocument(
                std::move(*trace), baseName(path), path, DocumentUse::Views,
                [&](int step, int steps, std::string_view doing) { announceStage(read, step + 1, steps + 1, doing); }));
        } catch (const PhasesCancelled&) {
            finishStopped(stopped);
        }
    });
    if (started) m_loadJob.store(true);
    return started;
}

void RunSession::finishStopped(std::string sentence) {
    std::lock_guard lock(m_mutex);
    m_run.reset();
    m_notice = std::move(sentence);
    m_activity.clear();
    m_busy.store(false);
}

bool RunSession::startReplay(std::shared_ptr<const TraceDocument> original) {
    if (!original || m_busy.load()) return false;
    m_replayControl.cancel.store(false);
    m_replayControl.stepsDone.store(0);
    const bool started = startJob("counting the steps to replay...", [this, original = std::move(original)] {
        const std::uint64_t steps = replaySteps(original->trace);
        {
            std::lock_guard lock(m_mutex);
            m_replayTotal = steps;
            m_activity.clear(); // activity() counts the steps from here on
        }
        auto outcome = replayDocument(*original, kMaxWindowReplaySteps, DocumentUse::Views, &m_replayControl);
        if (!outcome) return finishWith(std::unexpected(outcome.error()));
        // The replayed document travels inside the outcome, with what it means.
        std::lock_guard lock(m_mutex);
        m_replay = std::move(*outcome);
        m_activity.clear();
        m_busy.store(false);
    });
    if (started) m_replayJob.store(true);
    return started;
}

bool RunSession::startComparison(ComparisonPair pair) {
    return startJob("running both scenarios under one schedule...", [this, pair = std::move(pair)] {
        auto comparison = buildComparison(pair);
        std::lock_guard lock(m_mutex);
        if (comparison)
            m_comparison = std::move(*comparison);
        else
            m_error = comparison.error();
        m_activity.clear();
        m_busy.store(false);
    });
}

void RunSession::stop() {
    if (m_analysing.load()) m_cancelAnalysis.store(true);
    m_stopRequested.store(true);
    if (m_replayJob.load()) m_replayControl.cancel.store(true);
    if (m_loadJob.load()) m_loadControl.cancel.store(true);
    std::lock_guard lock(m_mutex);
    if (m_run) m_run->requestStop();
}

bool RunSession::killNow(std::uint32_t worker) {
    std::lock_guard lock(m_mutex);
    if (!m_busy.load() || !m_runJob.load() || m_analysing.load()) return false;
    if (m_run)
        m_run->requestKill(worker);
    else
        m_pendingKill = worker; // the workers are still starting: killed as soon as the run exists
    return true;
}

RunProgress RunSession::progress() const {
    std::lock_guard lock(m_mutex);
    return m_run ? m_run->progress() : RunProgress{};
}

std::shared_ptr<const TraceDocument> RunSession::takeResult() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_result, nullptr);
}

std::string RunSession::activity() const {
    std::lock_guard lock(m_mutex);
    if (m_activity.empty() && m_busy.load() && m_loadJob.load()) {
        const std::uint64_t total = m_loadControl.bytesTotal.load();
        if (total == 0) return "reading " + m_loadName + "...";
        const auto percent = static_cast<std::int64_t>(m_loadControl.bytesRead.load() * 100 / total);
        return "reading " + m_loadName + ": " + std::to_string(percent) + " % of " +
               groupedNumber(static_cast<std::int64_t>((total + 999'999) / 1'000'000)) + " MB (Esc stops)...";
    }
    if (m_activity.empty() && m_busy.load() && m_replayJob.load())
        return "replaying step " + groupedNumber(static_cast<std::int64_t>(m_replayControl.stepsDone.load())) + " of " +
               groupedNumber(static_cast<std::int64_t>(m_replayTotal)) + " with new processes (Esc cancels)...";
    return m_activity;
}

float RunSession::fraction() const {
    if (!m_busy.load()) return -1.0f;
    if (m_analysing.load() && m_stages.load() > 0)
        return static_cast<float>(m_stage.load() - 1) / static_cast<float>(m_stages.load());
    if (m_loadJob.load()) { // reading: the first of four stages (then buildDocument's three)
        const std::uint64_t total = m_loadControl.bytesTotal.load();
        return total == 0 ? 0.0f
                          : 0.25f * static_cast<float>(m_loadControl.bytesRead.load()) / static_cast<float>(total);
    }
    std::lock_guard lock(m_mutex);
    if (m_replayJob.load() && m_replayTotal > 0)
        return static_cast<float>(m_replayControl.stepsDone.load()) / static_cast<float>(m_replayTotal);
    return -1.0f;
}

std::optional<ReplayOutcome> RunSession::takeReplayOutcome() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_replay, std::nullopt);
}

std::optional<std::string> RunSession::takeNotice() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_notice, std::nullopt);
}

std::shared_ptr<const Comparison> RunSession::takeComparison() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_comparison, nullptr);
}

std::optional<std::string> RunSession::takeError() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_error, std::nullopt);
}

} // namespace racetrace
