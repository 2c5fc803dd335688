// Internal to the trace layer: one location's reads and writes as the
// modification-order search needs them (trace/modification_order.cpp collects
// them, trace/location_order.cpp orders them). Not for use outside src/trace.
#pragma once

#include "trace/event.hpp"
#include "trace/event_gaps.hpp"
#include "trace/modification_order.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace racetrace::location {

/// "No position" in History's vectors.
inline constexpr std::size_t kNone = ~std::size_t{0};

/// A position in one location's writes or reads, stored in 32 bits (a read
/// holds four: 72 bytes a read with size_t, 48 with these), read and written
/// as a size_t where kNone stays kNone. A location has fewer accesses than
/// the trace has events, which the order repair keeps under 2^32 - 1.
class Position {
  public:
    constexpr Position() = default;
    constexpr Position(std::size_t p) : m_value(p == kNone ? kNoValue : static_cast<std::uint32_t>(p)) {} // NOLINT
    constexpr operator std::size_t() const { return m_value == kNoValue ? kNone : m_value; }              // NOLINT

  private:
    static constexpr std::uint32_t kNoValue = ~std::uint32_t{0};
    std::uint32_t m_value = 0;
};

struct Write {
    std::uint64_t event = 0;
    std::uint64_t ns = 0;
    std::int64_t value = 0;
    std::uint8_t worker = 0;
    bool atomic = false; ///< an atomic read-modify-write's write: its read fixes its place
};

struct Read {
    std::uint64_t event = 0;
    std::uint64_t ns = 0;
    std::int64_t value = 0;
    Position before = 0;      ///< writes earlier in timestamp order (positions < before)
    Position ownLast = kNone; ///< the worker's previous write, if recorded with no gap since
    Position ownNext = kNone; ///< the worker's next write, if recorded with no gap before it
    Position link = kNone;    ///< next read of the same worker still waiting for its ownNext
    std::uint8_t worker = 0;
    bool wroteBefore = false; ///< the worker had written this variable before (the initial value is hidden)
};
static_assert(sizeof(Read) == 48, "a read's history entry: 3 x 8 bytes, 4 positions of 4, worker and flag");

/// One variable's reads and writes in trace order, with each worker's program order.
struct History {
    std::vector<Write> writes;
    std::vector<Read> reads;
    std::vector<std::size_t> runStart; ///< per write: the first of the writes of the same value just before it
};

/// Builds one variable's History from its accesses, in trace order.
class HistoryBuilder {
  public:
    HistoryBuilder() {
        m_lastWrite.fill(kNone);
        m_waiting.fill(kNone);
    }

    /// Room for this many accesses, so the history never copies itself while growing.
    void reserve(std::size_t reads, std::size_t writes) {
        m_h.reads.reserve(reads);
        m_h.writes.reserve(writes);
    }

    /// `gaps`: how many gaps the event's worker had so far; program order holds only within one count.
    void add(const Event& e, std::uint64_t index, std::uint32_t gaps) {
        const std::uint8_t w = e.worker;
        if (gaps != m_epoch[w]) { // events of w went missing: its program order is broken here
            m_epoch[w] = gaps;
            m_lastWrite[w] = kNone;
            m_waiting[w] = kNone;
        }
        const bool writes = changesMemory(e);
        if (valueWasRead(e)) {
            Read r;
            r.event = index;
            r.ns = e.timestamp;
            r.value = e.value;
            r.worker = w;
            r.wroteBefore = m_wrote[w];
            r.before = m_h.writes.size();
            r.ownLast = m_lastWrite[w];
            if (writes) {
                r.ownNext = m_h.writes.size(); // an atomic read-modify-write: its own write follows
            } else {
                r.link = m_waiting[w];
                m_waiting[w] = m_h.reads.size();
            }
            m_h.reads.push_back(r);
        }
        if (!writes) return;
        const std::size_t position = m_h.writes.size();
        m_h.writes.push_back({index, e.timestamp, writtenValue(e), w, valueWasRead(e)});
        for (std::size_t r = m_waiting[w]; r != kNone; r = m_h.reads[r].link)
            m_h.reads[r].ownNext = position;
        m_waiting[w] = kNone;
        m_lastWrite[w] = position;
        m_wrote[w] = true;
    }

    History finish() {
        auto& writes = m_h.writes;
        m_h.runStart.resize(writes.size());
        for (std::size_t p = 0; p < writes.size(); ++p)
            m_h.runStart[p] = p > 0 && writes[p - 1].value == writes[p].value ? m_h.runStart[p - 1] : p;
        return std::move(m_h);
    }

  private:
    History m_h;
    std::array<std::size_t, kMaxWorkers> m_lastWrite;
    std::array<std::size_t, kMaxWorkers> m_waiting; ///< head of the worker's reads waiting for ownNext
    std::array<std::uint32_t, kMaxWorkers> m_epoch{};
    std::array<bool, kMaxWorkers> m_wrote{};
};

/// Steps 1 and 2 of location_order.cpp: the location's writes in the order its
/// values allow, and each read's source. `initial` is the location's initial
/// value; `gaps` where the trace is missing events (no source is chosen across them).
ModificationOrder orderLocation(const History& history, std::int64_t initial, const EventGaps& gaps);

} // namespace racetrace::location
