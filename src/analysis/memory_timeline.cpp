// The shared variable area as it stood after any event, for the memory view and
// the guard labels. Replaying a million events per frame is too slow and keeping
// a copy per event too big, so we keep a copy every stride events and replay the
// few thousand in between:
//
//   events     0 ........ 4095 | 4096 ........ 8191 | 8192 ....
//   checkpoint [0] (initial)   | [1]                | [2]
//   at(5000) = copy [1], replay 4096..5000
//
// The trace is untrusted: variables, words and the area's size are all clipped,
// and a write that lands outside them is skipped.
#include "analysis/trace_index.hpp"
#include "analysis/trace_queries.hpp"

#include <algorithm>

namespace racetrace {

namespace {

/// No built-in scenario comes near this; it bounds what a damaged trace that
/// claims a huge variable area makes us allocate (12 bytes a word, per checkpoint).
constexpr std::uint64_t kMaxAreaWords = std::uint64_t{1} << 20;

/// What all checkpoints together may take. Normal traces use a few hundred KiB;
/// only a huge area makes the stride grow to stay under this.
constexpr std::uint64_t kCheckpointBudgetBytes = std::uint64_t{64} << 20;

using Slots = std::vector<MemoryTimeline::VariableSlots>;

/// Which word of its variable an event writes. Store and RecordWordWrite carry the
/// word index in aux; the atomics use aux for the new value, delta or success, and
/// every scenario that uses them addresses word 0 of a scalar.
std::uint64_t wordIndexOf(const Event& e) {
    return e.kind == EventKind::Store || e.kind == EventKind::RecordWordWrite ? e.aux : 0;
}

void apply(const Event& e, const Slots& slots, MemorySnapshot& memory) {
    if (!changesMemory(e) || e.variable >= slots.size()) return;
    const auto& slot = slots[e.variable];
    const std::uint64_t word = wordIndexOf(e);
    if (word >= slot.words) return;
    const std::uint64_t at = slot.first + word;
    if (at >= memory.words.size()) return;
    const std::int64_t value = writtenValue(e);
    // A test-and-set that writes 1 over another worker's 1 changes nothing: the
    // lock still belongs to whoever set it. A plain store is a deliberate write,
    // so it makes its worker the last writer even when the value stays.
    const bool deliberate = e.kind == EventKind::Store || e.kind == EventKind::RecordWordWrite;
    if (deliberate || memory.words[at] != value) memory.lastWriter[at] = e.worker;
    memory.words[at] = value;
}

} // namespace

MemoryTimeline MemoryTimeline::build(const Trace& trace) {
    MemoryTimeline timeline;
    const auto& variables = trace.scenario.variables;

    // The area is what the parent read after the run, or as far as the variables
    // reach if the trace has no final memory (or too little of it).
    std::uint64_t area = trace.finalWords.size();
    for (const VariableInfo& v : variables)
        area = std::max(area, std::uint64_t{v.firstWord} + v.words); // 32-bit sum: no overflow
    area = std::min(area, kMaxAreaWords);

    MemorySnapshot& initial = timeline.m_initial;
    initial.words.assign(area, 0);
    initial.lastWriter.assign(area, -1);
    timeline.m_slots.reserve(variables.size());
    for (const VariableInfo& v : variables) {
        const std::uint64_t first = std::min<std::uint64_t>(v.firstWord, area);
        const std::uint64_t words = std::min<std::uint64_t>(v.words, area - first);
        timeline.m_slots.push_back({first, words});
        std::fill_n(initial.words.begin() + static_cast<std::ptrdiff_t>(first), words, v.initial);
    }

    const auto& events = trace.events;
    const std::uint64_t count = events.size();
    const std::uint64_t snapshotBytes =
        std::max<std::uint64_t>(area, 1) * (sizeof(std::int64_t) + sizeof(std::int32_t));
    const auto checkpointsFor = [count](std::uint64_t stride) { return (count + stride - 1) / stride; };
    while (timeline.m_stride < count && checkpointsFor(timeline.m_stride) * snapshotBytes > kCheckpointBudgetBytes)
        timeline.m_stride *= 2;

    timeline.m_checkpoints.reserve(checkpointsFor(timeline.m_stride));
    MemorySnapshot memory = initial;
    std::uint64_t untilCheckpoint = 0;
    for (const Event& e : events) {
        if (untilCheckpoint-- == 0) {
            timeline.m_checkpoints.push_back(memory);
            untilCheckpoint = timeline.m_stride - 1;
        }
        apply(e, timeline.m_slots, memory);
    }
    return timeline;
}

MemorySnapshot MemoryTimeline::at(const Trace& trace, std::uint64_t eventIndex) const {
    if (eventIndex == kNoEvent || trace.events.empty() || m_checkpoints.empty()) return m_initial;
    // Past the end means "after everything"; clamp before touching any event.
    const std::uint64_t last = std::min<std::uint64_t>(eventIndex, trace.events.size() - 1);
    const std::uint64_t checkpoint = std::min<std::uint64_t>(last / m_stride, m_checkpoints.size() - 1);
    MemorySnapshot memory = m_checkpoints[checkpoint];
    for (std::uint64_t i = checkpoint * m_stride; i <= last; ++i)
        apply(trace.events[i], m_slots, memory);
    return memory;
}

std::string guardStateText(const Trace& trace, std::uint16_t variable, const MemorySnapshot& memory) {
    const VariableInfo* info = variableOf(trace, variable);
    if (info == nullptr) return "unknown";
    const std::uint64_t at = info->firstWord;
    if (at >= memory.words.size() || at >= memory.lastWriter.size()) return "unknown";
    const std::int64_t value = memory.words[at];
    const std::int32_t writer = memory.lastWriter[at];
    const std::string_view words = info->meanings.of(value);
    if (words.empty()) return std::to_string(value);
    // Taken: name who took it ("in use (set by B)", "held by A").
    std::string text(words);
    const std::string_view owner = variableRoleInfo(info->role).ownerPattern;
    if (info->meanings.isFree(value) || writer < 0 || owner.empty()) return text;
    const std::size_t who = owner.find("{who}");
    text += owner.substr(0, who);
    text += workerName(static_cast<std::uint32_t>(writer));
    if (who != std::string_view::npos) text += owner.substr(who + 5);
    return text;
}

} // namespace racetrace
