// The one in-memory model of a recorded run. A live run, a saved .rtrace file and
// (later) a replayed run all become a Trace; analysis and views only read it.
#pragma once

#include "ipc/machine_clock.hpp"
#include "trace/channel_info.hpp"
#include "trace/event.hpp"
#include "trace/event_kinds.hpp"
#include "trace/variable_roles.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

struct ModificationOrder;

struct VariableInfo {
    std::string name; ///< as shown to people: "Y", "counter", "X"
    VariableRole role = VariableRole::Word;
    ValueMeanings meanings;      ///< what its values mean (role defaults filled in)
    std::uint32_t words = 1;     ///< 1 for scalars, N for records
    std::int64_t initial = 0;    ///< initial value of every word
    std::uint32_t firstWord = 0; ///< index of its first word in the segment's variable area
};

/// A variable as a scenario file declares it, with its role's value meanings.
VariableInfo declareVariable(std::string name, VariableRole role, std::uint32_t words = 1, std::int64_t initial = 0,
                             std::uint32_t firstWord = 0);

/// One pseudo-code line as shown in the code view.
struct ProgramLineInfo {
    std::string text;
};

/// The listing of one role's program (e.g. "worker"); Event::line indexes `lines`.
struct ProgramInfo {
    std::string role;
    std::vector<ProgramLineInfo> lines;
};

/// An invariant from the scenario, evaluated for one run's options.
struct InvariantInfo {
    std::string text;           ///< as written: "counter == workers * iterations"
    std::uint16_t variable = 0; ///< the variable it constrains
    std::int64_t expected = 0;  ///< the right-hand side evaluated for this run
};

/// What a trace knows about the scenario it recorded: enough to analyse and to
/// draw it without the interpreter. The TOML source is kept for replay.
struct ScenarioInfo {
    std::string name;        ///< "naive-flag"
    std::string title;       ///< "Naive boolean flag"
    std::string description; ///< two or three sentences for people
    std::string source;      ///< the scenario file's text
    std::vector<VariableInfo> variables;
    std::vector<ChannelInfo> channels; ///< pipes and message queues (events on a channel index these)
    std::vector<ProgramInfo> programs;
    std::vector<InvariantInfo> invariants;

    /// Index of the variable called `name`, if any.
    std::optional<std::uint16_t> findVariable(std::string_view name) const;
    /// Index of the channel called `name`, if any.
    std::optional<std::uint16_t> findChannel(std::string_view name) const;
};

enum class PinMode : std::uint8_t { None, Spread, Same };
std::string_view pinModeName(PinMode mode);
std::optional<PinMode> pinModeFromName(std::string_view name);

/// The settings a run was made with, resolved (the scenario's defaults filled
/// in): what a trace records, shows and a replay repeats. What a user asks for
/// is lab's RunOptions (lab/run_options.hpp), which resolves into this.
struct RunSettings {
    std::string scenario = "naive-flag"; ///< the scenario's name
    std::uint32_t workers = 2;
    std::uint64_t iterations = 0; ///< per worker
    std::uint64_t windowNs = 0;   ///< busy wait in the race window
    PinMode pin = PinMode::None;
    std::uint64_t seed = 0;
    bool traceEnabled = true;       ///< false: --no-trace, workers recorded nothing
    double watchdogSeconds = 5.0;   ///< the run stopped after this long without progress
    std::uint32_t messageBytes = 0; ///< every channel's message size (--message-bytes); 0: the scenario's
    std::uint64_t capacity = 0;     ///< every channel's capacity (--capacity); 0: the scenario's
    /// --when-full retry: a `drop` after a failed try_send goes back and tries
    /// again instead of giving the message up (lecture notes, 4.2).
    bool retryWhenFull = false;
    /// --kill A@N: the parent killed worker killWorker inside the critical
    /// section at its killAtEntry-th entry (from 1); 0: nobody was killed on purpose.
    std::uint32_t killWorker = 0;
    std::uint64_t killAtEntry = 0;
};

struct MachineInfo {
    std::string cpuModel;
    std::uint32_t cores = 0;
    std::string kernel;
};
/// Reads /proc/cpuinfo, sysconf and uname of this machine.
MachineInfo currentMachine();

struct ClockInfo {
    ClockKind kind = ClockKind::Monotonic;
    double ticksPerNs = 1.0;
};

/// How one worker process ended.
struct WorkerExit {
    enum class How : std::uint8_t {
        Unknown,  ///< never reaped (should not happen)
        Exited,   ///< exited by itself; `code` is its exit status
        Signaled, ///< died of a signal it got on its own (`signal`)
        Killed,   ///< killed by us: watchdog or Stop (`signal`)
    };
    How how = How::Unknown;
    int code = 0;
    int signal = 0;
};

/// "exited", "signaled", "killed", "unknown": stable names for files and JSON.
std::string_view exitHowName(WorkerExit::How how);

struct WorkerRecord {
    std::uint32_t index = 0;
    std::int32_t pid = 0;
    std::string role;
    std::uint64_t dropped = 0; ///< events lost because its ring was full
    std::uint64_t iterationsDone = 0;
    WorkerExit exit;
    std::vector<std::uint16_t> cpus; ///< CPUs it was seen running on, ascending
};

/// How a trace read from a .rtrace file was stored there (`racetrace info` says).
struct TraceFileFacts {
    std::uint32_t version = 0; ///< 0 for a trace not read from a file
    std::uint64_t bytes = 0;   ///< the file's size
};

/// What a file keeps of the run's modification orders (Trace::memoryOrders),
/// so that a trace read back is analysed as the run analysed it without the
/// search: the run's order repair left nearly every read after the write it
/// returned, and modificationOrders reads those orders off the trace; what
/// differs is listed here (trace/modification_order.hpp says how it is used).
struct KeptMemoryOrders {
    /// A location whose order differs from the trace's in more than its reads' sources.
    struct Location {
        std::uint16_t variable = 0;
        std::uint32_t word = 0;
        std::uint64_t conflicts = 0; ///< as in ModificationOrder
        /// (position, write): the run's write at that position of the
        /// location's writes, where it is not the write the trace order puts
        /// there; ascending by position.
        std::vector<std::pair<std::uint64_t, std::uint64_t>> writesUnlikeTraceOrder;
    };
    /// (read, write) by ascending read, for the reads whose source is not the
    /// one the trace order gives; write is kInitialValue or kNoEvent as in
    /// ModificationOrder::sources.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> readsUnlikeTraceOrder;
    std::vector<Location> locations;
    /// (variable, word) of the locations whose order is too unlike the trace's
    /// to list (or was not found by the run): searched again.
    std::vector<std::pair<std::uint16_t, std::uint32_t>> searched;
};

/// What the value evidence changed in a trace's order (finalizeEventOrder):
/// kept with the trace, so `info` can say how far the clocks' stamps were from
/// an order a single memory could have produced.
struct EventOrderRepair {
    /// An event by its worker and sequence number, which no reordering changes.
    struct EventId {
        std::uint32_t worker = 0;
        std::uint32_t seq = 0;
        bool operator==(const EventId&) const = default;
    };
    /// Conflicts listed by event, at most this many (the count goes on).
    static constexpr std::size_t kMostListed = 1000;

    std::uint64_t moved = 0;      ///< events placed before events stamped earlier than them
    std::uint64_t restamped = 0;  ///< events whose stamp was lowered to keep the trace sorted
    std::uint64_t maxShiftNs = 0; ///< the largest such lowering
    std::uint64_t conflicts = 0;  ///< times no order satisfied every read and the stamps decided
    /// The events placed at those times although a value said they must come
    /// later (the first kMostListed), in the order they were placed: where a
    /// replay, forcing this order, gets other values.
    std::vector<EventId> conflictEvents;

    void noteConflict(const Event& placedAnyway) {
        ++conflicts;
        if (conflictEvents.size() < kMostListed) conflictEvents.push_back({placedAnyway.worker, placedAnyway.seq});
    }
};

struct Trace {
    ScenarioInfo scenario;
    RunSettings settings;
    MachineInfo machine;
    ClockInfo clock;
    std::vector<WorkerRecord> workers;
    std::vector<Event> events;            ///< all workers merged, ascending timestamp (ns since start)
    std::vector<std::int64_t> finalWords; ///< the variable area as the parent read it after the run
    std::string stopReason;               ///< empty when every worker finished; else one sentence
    std::uint64_t durationNs = 0;

    /// Derived, never saved: each location's modification order as the merge
    /// that ordered `events` worked it out (finalizeEventOrder), so analysis
    /// need not work it out again. Null for a trace read from a file, or one
    /// whose events were changed after the merge.
    std::shared_ptr<const std::vector<ModificationOrder>> memoryOrders;
    /// What the file keeps of memoryOrders (see KeptMemoryOrders): worked out
    /// from them before they are dropped, or read from the file. Empty for a
    /// trace with dropped events or from a file written before it was kept.
    std::optional<KeptMemoryOrders> keptOrders;
    /// What the order repair changed when the run ended; saved. Empty for a
    /// file written before it was kept.
    std::optional<EventOrderRepair> orderRepair;
    /// Derived, never saved: the file the trace was read from, if it was.
    TraceFileFacts file;

    std::uint64_t droppedTotal() const;
    /// Final value of a scalar variable (its first word), from finalWords.
    std::int64_t finalValue(std::uint16_t variable) const;
    /// The program listing worker `worker` ran (programs are assigned round-robin).
    const ProgramInfo* programOf(std::uint32_t worker) const;
};

} // namespace racetrace
