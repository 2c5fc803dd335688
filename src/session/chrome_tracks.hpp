// What the Chrome export (export_chrome.cpp) works out before it writes: the
// process and thread ids of its tracks, which send -> receive pairs become
// flows and where their slices begin, and the waits for kernel locks.
#pragma once

#include "analysis/critical_sections.hpp"
#include "analysis/message_analysis.hpp"
#include "trace/trace.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace racetrace {

/// One wait for a kernel lock (semaphore, mutex): from its LockWait to its
/// LockAcquire, or to the worker's end when it never got the lock.
struct KernelLockWait {
    std::uint32_t worker = 0;
    std::uint16_t variable = 0;
    std::uint64_t beginNs = 0;
    std::uint64_t endNs = 0;
    bool acquired = false;
};
std::vector<KernelLockWait> kernelLockWaits(const Trace& trace);

/// Process and thread ids. A worker's process is its real pid; the tracks the
/// export adds take ids above the largest pid Linux can give (2^22), so they
/// never collide with one (nor does a worker whose pid is unknown or repeated).
struct ChromeTracks {
    std::vector<std::int64_t> workerPid;
    std::vector<bool> hasStays, hasWaits; ///< per worker: whether it needs that thread
    std::int64_t findings = 0, memory = 0, channels = 0;

    std::int64_t staysTid(std::uint32_t worker) const { return m_firstWorkerTid + 2 * std::int64_t{worker}; }
    std::int64_t waitsTid(std::uint32_t worker) const { return staysTid(worker) + 1; }

    std::int64_t m_firstWorkerTid = 0;
};
ChromeTracks assignTracks(const Trace& trace, const std::vector<CriticalSectionSpan>& stays,
                          const std::vector<BlockedWait>& blocked, const std::vector<KernelLockWait>& lockWaits);

/// When each worker's current channel call began, at the latest: at its
/// previous event, or for a call that blocked, at its BlockedBegin (the
/// BlockedEnd is stamped after the data has moved). Told every event in order.
class CallBegins {
  public:
    std::uint64_t of(const Event& event) const { return std::min(m_last[event.worker], event.timestamp); }
    void after(const Event& event) {
        if (event.kind != EventKind::BlockedEnd) m_last[event.worker] = event.timestamp;
    }

  private:
    std::vector<std::uint64_t> m_last = std::vector<std::uint64_t>(kMaxWorkers, ~std::uint64_t{0});
};

/// A send's or a receive's end of a flow.
struct FlowEnd {
    std::uint64_t id = 0;           ///< bind_id: the send's event index
    std::uint64_t sliceBeginNs = 0; ///< where its slice begins
    bool out = false;               ///< the send (flow_out); else the receive (flow_in)
};

/// Which messages become flows: each send to the first receive that took it.
/// A viewer binds a flow's ends in the order their slices begin, and a stamp
/// lags its call (a receive can be stamped before the send it took), so each
/// slice begins where its call began at the latest (CallBegins), and a
/// receive's no earlier than just after its send's: the read
/// cannot have returned before the write began. A pair whose receive was
/// stamped before that gets no flow.
class FlowPlan {
  public:
    const FlowEnd* at(std::uint64_t event) const;
    std::uint64_t count() const { return m_count; }
    void add(std::uint64_t send, std::uint64_t sendBeginNs, std::uint64_t receive, std::uint64_t receiveBeginNs);

  private:
    std::unordered_map<std::uint64_t, FlowEnd> m_ends;
    std::uint64_t m_count = 0;
};
FlowPlan planFlows(const Trace& trace, const MessageStats& messages);

} // namespace racetrace
