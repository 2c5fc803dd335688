// Lookups the views make every frame, prepared once per trace: each worker's
// events and critical-section spans, "where was worker K at event i", and the
// shared memory as it stood after any event. Built off the UI thread; read-only.
#pragma once

#include "analysis/critical_sections.hpp"
#include "analysis/trace_queries.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

/// One worker's share of the trace.
struct WorkerEvents {
    std::vector<std::uint64_t> events;      ///< indices into Trace::events, ascending
    std::vector<CriticalSectionSpan> spans; ///< its critical-section stays, ascending
};

class TraceIndex {
  public:
    static TraceIndex build(const Trace& trace);
    /// The same, with the trace's stays already worked out (criticalSections, or analyse's).
    static TraceIndex build(const Trace& trace, const std::vector<CriticalSectionSpan>& spans);

    const std::vector<WorkerEvents>& lanes() const { return m_lanes; }
    /// The worker's last event at or before `eventIndex` (kNoEvent if none yet).
    std::uint64_t lastEventOf(std::uint32_t worker, std::uint64_t eventIndex) const;
    /// The worker's next event after `eventIndex` (kNoEvent if none).
    std::uint64_t nextEventOf(std::uint32_t worker, std::uint64_t eventIndex) const;
    /// The program line the worker is at after `eventIndex` (its last event's line).
    std::optional<std::uint16_t> lineAt(const Trace& trace, std::uint32_t worker, std::uint64_t eventIndex) const;
    /// The workers inside the critical section just after event `eventIndex`
    /// (entered at or before it, not yet left), ascending: the lock's owner,
    /// whatever the lock is. O(workers x log stays).
    std::vector<std::uint32_t> insideAfter(std::uint64_t eventIndex) const;
    /// True when some worker ever entered a critical section.
    bool hasStays() const;
    /// The first event whose timestamp is >= ns (events.size() if none).
    static std::uint64_t firstEventAtOrAfter(const Trace& trace, std::uint64_t ns);

  private:
    std::vector<WorkerEvents> m_lanes;
};

/// The variable area as rebuilt from the writes up to and including one event.
struct MemorySnapshot {
    std::vector<std::int64_t> words;      ///< indexed like Trace::finalWords (VariableInfo::firstWord + k)
    std::vector<std::int32_t> lastWriter; ///< per word: worker that last changed it, -1 for the initial value
};

/// Memory at any event in O(stride): checkpoints every kStride events, replay in between.
class MemoryTimeline {
  public:
    static constexpr std::uint64_t kStride = 4096;
    static MemoryTimeline build(const Trace& trace);
    /// State after event `eventIndex`; kNoEvent gives the initial state, an
    /// index past the end the state after the last event.
    MemorySnapshot at(const Trace& trace, std::uint64_t eventIndex) const;
    /// Events between checkpoints: kStride unless the variable area is so large
    /// that kStride would hold too many copies of it in memory.
    std::uint64_t stride() const { return m_stride; }

    /// Where one variable's words sit in MemorySnapshot::words, clipped to the area.
    struct VariableSlots {
        std::uint64_t first = 0;
        std::uint64_t words = 0;
    };

  private:
    std::vector<MemorySnapshot> m_checkpoints; ///< [k] = state before event k * m_stride
    MemorySnapshot m_initial;
    std::vector<VariableSlots> m_slots; ///< per variable, as the trace declared them
    std::uint64_t m_stride = kStride;
};

/// What a guard variable's value means at that moment, with its owner where
/// known: "free", "in use (set by B)", "held by A".
std::string guardStateText(const Trace& trace, std::uint16_t variable, const MemorySnapshot& memory);

} // namespace racetrace
