// What a view may ask of the application: a narrow interface instead of the
// App itself. The App implements it; a picture drawn without a window
// (racetrace render) draws only views that ask nothing, and gets NoCommands.
#pragma once

#include "lab/run.hpp"
#include "session/document.hpp"

#include <memory>
#include <string>

namespace racetrace {

/// What the background job (a run, a load, a replay, a comparison) is doing.
struct JobStatus {
    bool busy = false;      ///< a job is going on
    bool stoppable = false; ///< it is a run: Stop kills its workers
    std::string activity;   ///< "replaying 6 steps..."; empty when idle
    RunProgress progress;   ///< per worker, while a run goes on
    float fraction = -1.0f; ///< how far a load, replay or analysis is (0 to 1); negative when not known
};

class AppCommands {
  public:
    virtual ~AppCommands() = default;

    /// Loads a .rtrace file in the background, then shows it.
    virtual void openTrace(const std::string& path) = 0;
    /// One sentence in the status line (and on standard output).
    virtual void showMessage(const std::string& sentence, bool error = false) = 0;
    /// The trace shown before this one, or null.
    virtual std::shared_ptr<const TraceDocument> previousDocument() const = 0;
    /// Shows the previous trace (and keeps this one as the previous).
    virtual void showPrevious() = 0;
    /// Shows a trace that is still growing (step mode), without re-zooming.
    virtual void showLive(std::shared_ptr<const TraceDocument> document) = 0;

    /// Starts a run in the background; false when a job is going on.
    virtual bool startRun(const RunOptions& options) = 0;
    /// Kills the running workers at once.
    virtual void stopRun() = 0;
    /// Replays the shown trace with new processes.
    virtual void replayShown() = 0;
    /// Runs and shows the naive flag and the lock side by side.
    virtual void compare() = 0;
    virtual JobStatus job() const = 0;
};

/// For pictures: every request is ignored.
class NoCommands final : public AppCommands {
  public:
    void openTrace(const std::string&) override {}
    void showMessage(const std::string&, bool) override {}
    std::shared_ptr<const TraceDocument> previousDocument() const override { return nullptr; }
    void showPrevious() override {}
    void showLive(std::shared_ptr<const TraceDocument>) override {}
    bool startRun(const RunOptions&) override { return false; }
    void stopRun() override {}
    void replayShown() override {}
    void compare() override {}
    JobStatus job() const override { return {}; }
};

} // namespace racetrace
