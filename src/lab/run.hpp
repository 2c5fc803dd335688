// The Run controller: owns one run's shared segment and worker processes, from
// spawn to the finished Trace. It drains the trace rings while the workers race
// (so rings rarely fill), reaps workers, and stops a run that makes no progress
// or records more events than the machine can hold (lab/run_watchdog.cpp).
//
//   start() ──► workers at barrier ──► go ──► pump() ... pump() ──► finish() ──► Trace
//                                              │ drain rings, reap, watchdog
//                                              └ requestStop(): kill at once
//
// A Run can never outlive its object: the destructor kills and reaps every
// worker, and the workers themselves die with the parent process.
#pragma once

#include "ipc/child_process.hpp"
#include "ipc/life_line.hpp"
#include "ipc/machine_clock.hpp"
#include "ipc/result.hpp"
#include "ipc/shared_segment.hpp"
#include "lab/channel_set.hpp"
#include "lab/run_options.hpp"
#include "lab/scenario.hpp"
#include "lab/segment_layout.hpp"
#include "trace/trace.hpp"
#include "trace/trace_ring.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

/// The words of the stop reason of a run stopped by its limit on recorded
/// events ("Stopped after 200,000 events, the limit for one run ..."): a summary
/// that tells what ended the run looks for them.
inline constexpr std::string_view kEventLimitWords = ", the limit for one run";

/// Live numbers for a progress bar, cheap to read while the run goes on.
struct RunProgress {
    std::vector<std::uint64_t> eventsPerWorker;
    std::vector<std::uint64_t> iterationsPerWorker;
    std::uint64_t iterationsTarget = 0;
    bool running = false;
};

class Run {
  public:
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    /// Creates the segment, spawns the workers and opens the start barrier.
    /// `workerExecutable` must answer to `worker` (see lab/worker_main.hpp).
    static Result<std::unique_ptr<Run>> start(const RunOptions& options,
                                              const std::string& workerExecutable = "/proc/self/exe");

    /// Drains rings, reaps workers, applies the watchdog. Returns false once
    /// every worker has ended.
    bool pump();
    /// Kills every worker now (thread-safe: takes effect at the next pump).
    void requestStop();
    /// Kills one worker now, wherever it is, as --kill would inside the
    /// critical section (the window's "Kill A now"; thread-safe: takes effect
    /// at the next pump). The run's settings then name it as killed at its
    /// current entry (inside) or the next one, so running it again repeats it.
    void requestKill(std::uint32_t worker);
    /// Pumps until the run ends, then builds the Trace.
    Trace finish();

    /// The trace so far, while the run goes on (stepping shows findings live).
    Trace snapshot();
    RunProgress progress() const;
    /// The worker's shared status and step gate (lab/step_gate.hpp).
    WorkerSlot& workerSlot(std::uint32_t worker) { return m_view.slot(worker); }
    /// True once the worker process has ended and been reaped (see pump()).
    bool workerEnded(std::uint32_t worker) const { return !m_children[worker].running(); }
    const Scenario& scenario() const { return m_scenario; }
    /// The options resolved: the scenario's defaults filled in, a seed chosen.
    const RunSettings& settings() const { return m_settings; }
    bool stepping() const { return m_stepping; }
    /// The gates are open for good: the watchdog watches again, with
    /// `watchdogSeconds` (a killed lock holder leaves the others spinning).
    void leaveStepping(double watchdogSeconds);
    std::vector<pid_t> workerPids() const;
    /// "B is blocked in read() forever: ..." when a reader waits on a pipe
    /// whose only remaining write end is its own; empty otherwise.
    std::string describeBlockedForever() const;

  private:
    /// How and when one worker's process ended, as far as the parent knows.
    struct WorkerEnd {
        WorkerExit::How killedHow = WorkerExit::How::Unknown; ///< Unknown unless we killed it
        std::uint64_t ticks = 0;                              ///< when we killed it, or first saw it gone
        bool seenGone = false;
    };

    Run() = default;
    Result<void> openChannels();
    Result<void> createSegment(const RunOptions& options);
    Result<void> spawnWorkers(const std::string& executable);
    Result<void> waitForBarrier();
    void drainRings();
    /// Gives back to the system the pages only slots [from, to) of the worker's
    /// ring occupy, just drained and not yet handed back to the producer: a
    /// ring sized for the whole run would otherwise hold a second copy of
    /// every event. Spans under 1 MiB are kept (each release flushes TLBs).
    void releaseSlots(std::size_t worker, std::uint64_t from, std::uint64_t to);
    /// Gives back the whole ring, once every worker has ended.
    void releaseRing(std::size_t worker);
    /// --kill: kills the worker that stopped itself inside the critical section.
    void killStoppedWorker();
    /// requestKill(): kills the worker asked for, once.
    void killRequestedWorker();
    /// SIGKILL to `worker`, stamped now, noted as ours.
    void killWorker(std::uint32_t worker);
    void reapWorkers();
    /// (Re)starts the watchdog's clock and its count of finished iterations.
    void startWatching();
    void checkWatchdog();
    /// "worker A at line 1 (...); ..." when no worker still running has
    /// finished an iteration since the watch began; empty otherwise.
    std::string describeLoopingWorkers() const;
    /// Where `worker` is: the line of its latest drained event (or of its slot).
    std::uint32_t currentLine(std::uint32_t worker) const;
    /// A worker that has ended whose last critical-section event is an entry.
    std::optional<std::uint32_t> deadInsideCriticalSection() const;
    std::uint64_t eventsRecorded() const;
    /// Stops the run like Stop once it has recorded m_maxEvents, saying so.
    void checkEventLimit();
    void killAll(WorkerExit::How how, const std::string& reason);
    void addStopReason(const std::string& sentence);
    std::string describeStuckWorkers() const;
    /// The entry a requestKill() victim died at, as --kill would name it.
    std::uint64_t killedAtEntry(std::uint32_t worker) const;
    /// `release`: free the drained events (the run is over).
    Trace buildTrace(bool release);
    WorkerRecord workerRecord(std::uint32_t worker) const;
    /// Keeps the worker's well-formed events in `events` (its own, drained),
    /// stamped in ns since the start, and adds a WorkerKilled event if it died
    /// of a signal, ours or its own.
    void convertEvents(std::uint32_t worker, const ClockCalibration& base, std::vector<Event>& events) const;

    RunSettings m_settings;
    bool m_stepping = false;
    Scenario m_scenario;
    ClockCalibration m_clock;
    SharedSegment m_segment;
    SegmentView m_view;
    LifeLine m_lifeLine;   ///< cut when the Run ends or the process dies: workers exit
    ChannelSet m_channels; ///< the parent's copies of the channels, until the workers have theirs
    std::vector<ChildProcess> m_children;
    std::vector<RingConsumer> m_rings;
    std::vector<std::vector<Event>> m_events; ///< drained so far, per worker
    std::vector<WorkerEnd> m_ends;
    std::atomic<bool> m_stopRequested{false};
    std::string m_stopReason;
    bool m_stopKilled = false;      ///< requestStop() has been acted on
    bool m_watchdogFired = false;   ///< the watchdog has stopped the run
    std::optional<KillPlan> m_kill; ///< --kill: who, and at which entry
    bool m_killSent = false;        ///< the SIGKILL of --kill (or of requestKill) has been sent
    static constexpr std::uint32_t kNobody = ~0u;
    std::atomic<std::uint32_t> m_killNow{kNobody}; ///< requestKill(): the worker to kill at the next pump
    std::optional<std::uint32_t> m_killedNow;      ///< whom requestKill() killed
    std::uint64_t m_startTicks = 0;
    std::uint64_t m_endTicks = 0;
    std::uint64_t m_lastProgressSum = 0;
    std::chrono::steady_clock::time_point m_lastProgressTime;
    std::chrono::steady_clock::time_point m_watchStart;  ///< the start, or the end of stepping
    std::vector<std::uint64_t> m_iterationsAtWatchStart; ///< per worker, at m_watchStart
    std::uint64_t m_maxEvents = 0;                       ///< the run stops once it has recorded this many
    bool m_limitReached = false;
    std::atomic<bool> m_done{false}; ///< read by progress() from other threads
};

/// Checks the channel sizes `options` ask for (--message-bytes, --capacity)
/// against its scenario's channels before anything starts; the sentence names
/// the option. A scenario that cannot be loaded passes here (the run says why).
Result<void> checkChannelOptions(const RunOptions& options);

/// Starts a run and waits for it: what the CLI and the tests use.
Result<Trace> runToCompletion(const RunOptions& options, const std::string& workerExecutable = "/proc/self/exe");
/// The same, stopped (as requestStop() does) as soon as `stop` is set: the
/// trace holds what was recorded until then.
Result<Trace> runToCompletion(const RunOptions& options, const std::atomic<bool>& stop);

} // namespace racetrace
