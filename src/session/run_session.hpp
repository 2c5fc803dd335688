// Runs scenarios, loads traces, replays them and runs the side-by-side
// comparison on a background thread, so the window keeps drawing while workers
// race or a big file is read. The UI thread polls it once per frame: progress
// while busy, then a finished TraceDocument (with a note, for a replay), a
// finished Comparison, or an error. One job at a time.
//
// The Run (and so its workers) lives on the session's thread; the workers ask
// the kernel to die with the thread that spawned them, so that thread stays
// alive for the whole run and the session joins it before it is destroyed.
#pragma once

#include "lab/run.hpp"
#include "session/comparison.hpp"
#include "session/document.hpp"
#include "session/replay_job.hpp"
#include "trace/rtrace_file.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace racetrace {

class RunSession {
  public:
    RunSession() = default;
    ~RunSession();
    RunSession(const RunSession&) = delete;
    RunSession& operator=(const RunSession&) = delete;

    /// Starts a run; false (and a message) if one is already going.
    bool startRun(const RunOptions& options);
    /// Loads a .rtrace file in the background.
    bool startLoad(const std::string& path);
    /// Replays `original` with new processes (see replay_job.hpp).
    bool startReplay(std::shared_ptr<const TraceDocument> original);
    /// Runs the side-by-side comparison (see comparison.hpp).
    bool startComparison(ComparisonPair pair);
    /// Kills the running workers at once, cancels a replay at its next step, or
    /// stops a load (while reading at once; once read, its result is dropped)
    /// (a comparison cannot be interrupted, but it is short).
    void stop();
    /// Kills one worker of the run going on, wherever it is ("Kill A now");
    /// false when no run is going on.
    bool killNow(std::uint32_t worker);
    bool busy() const { return m_busy.load(); }
    /// True while a run, a load or a replay goes on: those can be stopped (Stop,
    /// Esc); a run's or a load's analysis stops at its next phase (a second at most).
    bool stoppable() const { return m_busy.load() && (m_runJob.load() || m_replayJob.load() || m_loadJob.load()); }
    /// True once a run's workers have finished, or a file was read, while
    /// its events are merged and analysed (activity() says how many).
    bool analysing() const { return m_busy.load() && m_analysing.load(); }
    /// The window is closing: stops a run (without analysing it) and refuses new jobs.
    void prepareToClose();
    /// What the current job does, for the Run panel ("replaying 6 steps..."); empty when idle.
    std::string activity() const;
    /// How far the current load, replay or analysis is, from 0 to 1; negative when not known.
    float fraction() const;

    /// Progress of the current run (empty when none).
    RunProgress progress() const;

    /// The document of a run or a load finished since the last call, if any.
    std::shared_ptr<const TraceDocument> takeResult();
    /// The error since the last call, if any: one sentence.
    std::optional<std::string> takeError();
    /// What ended a job the user stopped (a load), if that happened since the last call.
    std::optional<std::string> takeNotice();
    /// The replay finished since the last call, if any: the replayed document and what it found.
    std::optional<ReplayOutcome> takeReplayOutcome();
    /// The comparison finished since the last call, if any.
    std::shared_ptr<const Comparison> takeComparison();

  private:
    static std::uint64_t eventsOf(const RunProgress& progress);
    /// The analysis (of a finished run or a file read) is at `stage` of `stages`, `doing` something.
    void announceStage(const std::string& what, int stage, int stages, std::string_view doing);
    void join();
    /// Starts `job` on the session's thread; false if one is already going.
    bool startJob(std::string activity, std::function<void()> job);
    void finishWith(Result<std::shared_ptr<const TraceDocument>> result);
    /// Ends a job the user stopped: `sentence` says so (takeNotice), nothing else changes.
    void finishStopped(std::string sentence);

    std::thread m_thread;
    std::atomic<bool> m_busy{false};
    std::atomic<bool> m_runJob{false};         ///< the current job is a run (startRun)
    std::atomic<bool> m_analysing{false};      ///< the run's workers are done (or the file read); merging and analysing
    std::atomic<bool> m_cancelAnalysis{false}; ///< Stop during the analysis: it ends at its next phase
    std::atomic<bool> m_stopRequested{false};  ///< Stop during this job, kept for a run still starting its workers
    std::atomic<int> m_stage{0};               ///< the analysis is at this stage (from 1) ...
    std::atomic<int> m_stages{0};              ///< ... of these
    std::atomic<bool> m_replayJob{false};      ///< the current job is a replay (startReplay)
    std::atomic<bool> m_loadJob{false};        ///< the current job loads a file (startLoad)
    LoadControl m_loadControl;                 ///< the current load's bytes read and stop flag
    std::string m_loadName;                    ///< guarded by m_mutex: the file being loaded
    ReplayControl m_replayControl;             ///< the current replay's progress and cancel flag
    std::uint64_t m_replayTotal = 0;           ///< guarded by m_mutex: the current replay's steps
    std::atomic<bool> m_closing{false};        ///< the window is closing: skip analysing the stopped run
    mutable std::mutex m_mutex;
    std::unique_ptr<Run> m_run;                 ///< guarded by m_mutex (only pointer access; Run is used by its thread)
    std::string m_activity;                     ///< guarded by m_mutex
    std::optional<std::uint32_t> m_pendingKill; ///< guarded by m_mutex: Kill (K) before the run existed
    std::shared_ptr<const TraceDocument> m_result;
    std::optional<ReplayOutcome> m_replay;
    std::shared_ptr<const Comparison> m_comparison;
    std::optional<std::string> m_error;
    std::optional<std::string> m_notice;
};

} // namespace racetrace
