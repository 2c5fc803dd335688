// One single-producer/single-consumer ring of Events per worker, living in the
// shared segment. The worker (producer) never blocks: blocking would change the
// very race we came to watch, so a full ring drops the event and counts it.
//
//   RingControl (3 cache lines)                 slots (capacity x 32 bytes)
//   +-----------+-----------+-----------+       +----+----+----+----+-- ...
//   | head      | tail      | dropped   |       | e0 | e1 | e2 | e3 |
//   | producer  | consumer  | producer  |       +----+----+----+----+-- ...
//   +-----------+-----------+-----------+
//
// head and tail are free-running 64-bit counters (slot = counter & mask) on
// separate cache lines so the two sides do not bounce one line between CPUs.
// The producer caches the last tail it saw and rereads it only when the ring
// looks full (rigtorp/SPSCQueue does the same).
#pragma once

#include "trace/event.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

namespace racetrace {

inline constexpr std::size_t kCacheLine = 64;

struct RingControl {
    alignas(kCacheLine) std::atomic<std::uint64_t> head;    ///< producer: events published so far
    alignas(kCacheLine) std::atomic<std::uint64_t> tail;    ///< consumer: events taken so far
    alignas(kCacheLine) std::atomic<std::uint64_t> dropped; ///< producer: events refused, ring full
};
static_assert(sizeof(RingControl) == 3 * kCacheLine, "RingControl is part of the segment ABI");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared counters must be lock-free across processes");

/// The worker's side. Holds only local copies; every shared write is a release store.
class RingProducer {
  public:
    RingProducer() = default;
    /// `capacity` must be a power of two; `control` starts zeroed.
    RingProducer(RingControl* control, Event* slots, std::uint64_t capacity)
        : m_control(control), m_slots(slots), m_mask(capacity - 1), m_capacity(capacity),
          m_head(control->head.load(std::memory_order_relaxed)),
          m_cachedTail(control->tail.load(std::memory_order_acquire)) {}

    /// Publishes `event`, or drops it (counted) when the ring is full. Never waits.
    bool push(const Event& event) {
        if (m_head - m_cachedTail >= m_capacity) {
            m_cachedTail = m_control->tail.load(std::memory_order_acquire);
            if (m_head - m_cachedTail >= m_capacity) {
                // Only this process writes `dropped`, so a plain read-modify-write suffices.
                m_control->dropped.store(m_control->dropped.load(std::memory_order_relaxed) + 1,
                                         std::memory_order_relaxed);
                return false;
            }
        }
        m_slots[m_head & m_mask] = event;
        ++m_head;
        m_control->head.store(m_head, std::memory_order_release);
        return true;
    }

  private:
    RingControl* m_control = nullptr;
    Event* m_slots = nullptr;
    std::uint64_t m_mask = 0;
    std::uint64_t m_capacity = 0;
    std::uint64_t m_head = 0;
    std::uint64_t m_cachedTail = 0;
};

/// The parent's side. Treats the shared counters as untrusted: a worker may
/// scribble anywhere, so a head that runs impossibly far ahead is clamped and
/// reported instead of being followed out of bounds.
class RingConsumer {
  public:
    RingConsumer() = default;
    RingConsumer(RingControl* control, const Event* slots, std::uint64_t capacity)
        : m_control(control), m_slots(slots), m_mask(capacity - 1), m_capacity(capacity) {}

    /// Appends the published events to `out`, at most `most` of them; returns how many were taken.
    std::size_t drain(std::vector<Event>& out, std::uint64_t most = ~std::uint64_t{0}) {
        return drain(out, most, [](std::uint64_t, std::uint64_t) {});
    }

    /// The same, calling `beforeHandBack(from, to)` with the counters taken
    /// while their slots are still the consumer's: once the tail moves, the
    /// producer may write into them again (a lap later).
    template <class BeforeHandBack>
    std::size_t drain(std::vector<Event>& out, std::uint64_t most, BeforeHandBack&& beforeHandBack) {
        const std::uint64_t head = m_control->head.load(std::memory_order_acquire);
        if (head < m_tail || head - m_tail > m_capacity) {
            m_corrupt = true; // the producer never publishes more than capacity ahead
            return 0;
        }
        const std::uint64_t available = std::min(head - m_tail, most);
        // Whole spans, not event by event: up to the end of the slots, then from the start.
        const std::uint64_t start = m_tail & m_mask;
        const std::uint64_t first = std::min(available, m_capacity - start);
        out.insert(out.end(), m_slots + start, m_slots + start + first);
        out.insert(out.end(), m_slots, m_slots + (available - first));
        beforeHandBack(m_tail, m_tail + available);
        m_tail += available;
        m_control->tail.store(m_tail, std::memory_order_release);
        return static_cast<std::size_t>(available);
    }

    std::uint64_t dropped() const { return m_control->dropped.load(std::memory_order_relaxed); }
    /// Events published but not yet taken (at most the capacity, whatever the shared counter says).
    std::uint64_t waiting() const {
        const std::uint64_t head = m_control->head.load(std::memory_order_acquire);
        return head > m_tail ? std::min(head - m_tail, m_capacity) : 0;
    }
    /// Events taken so far: slots below this counter may be reused (or their pages freed).
    std::uint64_t taken() const { return m_tail; }
    /// The bytes of the slots counters [from, to) occupy, as at most two spans (the ring wraps).
    template <class F> void forEachSlotSpan(std::uint64_t from, std::uint64_t to, F&& f) const {
        if (to <= from) return;
        const std::uint64_t count = std::min(to - from, m_capacity), start = from & m_mask;
        const std::uint64_t first = std::min(count, m_capacity - start);
        f(reinterpret_cast<const std::byte*>(m_slots + start), first * sizeof(Event));
        if (count > first) f(reinterpret_cast<const std::byte*>(m_slots), (count - first) * sizeof(Event));
    }
    /// True once the shared counters were seen in an impossible state.
    bool corrupt() const { return m_corrupt; }

  private:
    RingControl* m_control = nullptr;
    const Event* m_slots = nullptr;
    std::uint64_t m_mask = 0;
    std::uint64_t m_capacity = 0;
    std::uint64_t m_tail = 0;
    bool m_corrupt = false;
};

} // namespace racetrace
