// "Replay" in the window: new processes forced through the shown trace's order
// of shared accesses (lab/schedule_replay.hpp), analysed like any run, and one
// honest sentence about it: it followed every step and found the same, or where
// it could not follow the schedule, or that it followed it but found otherwise.
// No ImGui here: RunSession calls it on its background thread.
#pragma once

#include "ipc/result.hpp"
#include "lab/schedule_replay.hpp"
#include "session/document.hpp"
#include "session/run_summary.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace racetrace {

/// The longest schedule the window replays. Each step is a round trip through
/// a worker's gate (10-80 µs on a 2-core machine while the window draws), so
/// 2,000,000 steps is half a minute or more: ten times the demo run (~200,000
/// steps), with a progress count and Esc to cancel (ReplayControl). Longer
/// traces replay with `racetrace replay FILE`.
inline constexpr std::uint64_t kMaxWindowReplaySteps = 2'000'000;

struct ReplayOutcome {
    std::shared_ptr<const TraceDocument> document; ///< the replayed run (up to the divergence, if any)
    ReplayReport report;                           ///< steps followed, the divergence, same findings or not
    std::uint64_t totalSteps = 0;                  ///< steps the original's schedule has
    std::string sentence;                          ///< what the status line and the Run panel say
    bool faithful = false;                         ///< every step followed, same accesses, same findings
};

/// How many steps replaying `trace` takes (its gated accesses, spins expanded),
/// counted up to one more than `limit`.
std::uint64_t replaySteps(const Trace& trace, std::uint64_t limit = kMaxWindowReplaySteps);

/// Replays `original` with new processes and analyses the result. Seconds: the
/// window calls it off the UI thread. Fails (one sentence) if the replay cannot
/// start, or the schedule is longer than `maxSteps` (the window's limit unless
/// told otherwise; the CLI has none).
Result<ReplayOutcome> replayDocument(const TraceDocument& original, std::uint64_t maxSteps = kMaxWindowReplaySteps,
                                     DocumentUse use = DocumentUse::Views, ReplayControl* control = nullptr);

} // namespace racetrace
