// Runs scenarios and loads traces on a background thread, so the window keeps
// drawing while workers race or a big file is read. The UI thread polls it once
// per frame: progress while busy, then a finished TraceDocument or an error.
//
// The Run (and so its workers) lives on the session's thread; the workers ask
// the kernel to die with the thread that spawned them, so that thread stays
// alive for the whole run and the session joins it before it is destroyed.
#pragma once

#include "gui/trace_document.hpp"
#include "lab/run.hpp"

#include <atomic>
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
    /// Kills the running workers at once.
    void stop();
    bool busy() const { return m_busy.load(); }

    /// Progress of the current run (empty when none).
    RunProgress progress() const;

    /// The document finished since the last call, if any.
    std::shared_ptr<const TraceDocument> takeResult();
    /// The error since the last call, if any: one sentence.
    std::optional<std::string> takeError();

private:
    void join();
    void finishWith(Result<std::shared_ptr<const TraceDocument>> result);

    std::thread m_thread;
    std::atomic<bool> m_busy{false};
    std::atomic<bool> m_closing{false}; ///< the window is closing: skip analysing the stopped run
    mutable std::mutex m_mutex;
    std::unique_ptr<Run> m_run; ///< guarded by m_mutex (only pointer access; Run is used by its thread)
    std::shared_ptr<const TraceDocument> m_result;
    std::optional<std::string> m_error;
};

} // namespace racetrace
