// What a user asks a run to be (the CLI's options, the Run panel's knobs, a
// replay), before the scenario's defaults fill the gaps. Run::start resolves it
// into the RunSettings a trace records (trace/trace.hpp).
#pragma once

#include "ipc/result.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace racetrace {

struct Scenario;

/// Limits the CLI and the window both enforce.
inline constexpr std::uint32_t kMinRunWorkers = 2;
inline constexpr std::uint32_t kMaxRunWorkers = 64;
inline constexpr std::uint64_t kMaxIterations = 100'000'000;
inline constexpr std::uint64_t kMaxWindowNs = 100'000'000; // 100 ms
inline constexpr double kMaxWatchdogSeconds = 3600.0;
inline constexpr std::uint64_t kMaxEvents = 10'000'000'000; ///< --max-events: 1.8 TB to analyse
/// Peak memory per recorded event after a run, as measured with RACETRACE_PHASES=1
/// and VmHWM: `racetrace run` 137-178 bytes (ordering and analysing), the
/// window 160-180 while analysing and ~153 once shown (plus the previous run, kept for B).
inline constexpr std::uint64_t kRunBytesPerEvent = 180;
inline constexpr std::uint64_t kWindowBytesPerEvent = 200;

/// Which worker to kill, and at its how-manieth entry into the critical section (from 1).
struct KillPlan {
    std::uint32_t worker = 0;
    std::uint64_t entry = 1;
};

struct RunOptions {
    std::string scenario = "naive-flag"; ///< built-in name or path of a .toml file
    /// The scenario's TOML text, when it comes from a trace (replay); `scenario` is then its name.
    std::string scenarioSource;
    std::uint32_t workers = 2;             ///< 0: the scenario's default
    std::uint64_t iterations = 0;          ///< per worker; 0: the scenario's default
    std::optional<std::uint64_t> windowNs; ///< busy wait in the race window; nothing: the scenario's default
    PinMode pin = PinMode::None;
    std::uint64_t seed = 0;       ///< jitter seed; 0: a random one (printed with the run)
    bool traceEnabled = true;     ///< false: --no-trace, workers record nothing
    double watchdogSeconds = 5.0; ///< stop the run after this long without progress
    bool stepping = false;        ///< workers wait at their step gate before every access
    /// Events per worker ring (a power of two); 0: the run chooses. Tests pass a
    /// tiny ring to make rings overflow for certain.
    std::uint64_t ringCapacity = 0;
    /// Memory the caller needs per recorded event once the run is over: a run
    /// expected to need more than is available is refused (lab/run_memory.hpp).
    std::uint64_t bytesPerEvent = kRunBytesPerEvent;
    /// --max-events: the run stops like Stop once it has recorded this many
    /// events (a program that loops without end records without end); 0: as
    /// many as the machine's memory holds at bytesPerEvent (defaultMaxEvents).
    std::uint64_t maxEvents = 0;
    std::uint32_t messageBytes = 0; ///< every channel's message size; 0: the scenario's
    std::uint64_t capacity = 0; ///< every channel's capacity (bytes of a pipe, messages of a queue); 0: the scenario's
    bool retryWhenFull = false; ///< --when-full retry (see RunSettings::retryWhenFull)
    /// --kill A@N: the parent kills this worker (SIGKILL) the N-th time it is
    /// inside the critical section, to show what each lock does then.
    std::optional<KillPlan> kill;
};

/// "A@3" as a KillPlan, or one sentence saying what is wrong with it.
Result<KillPlan> parseKillPlan(std::string_view text);

/// Checks options against the limits; the sentence names the bad option.
Result<void> validateRunOptions(const RunOptions& options);

/// The settings a run of `options` uses: the scenario's name and defaults
/// where the options leave them open, a random seed if none was given.
RunSettings resolveSettings(const RunOptions& options, const Scenario& scenario);

/// The options that make the run `settings` describe again, with the
/// scenario's own text (a replay must not depend on today's built-ins).
RunOptions optionsToRepeat(const RunSettings& settings, std::string scenarioSource);

} // namespace racetrace
