#include "session/chrome_tracks.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace racetrace {

namespace {
// pid_max is at most 2^22 on Linux: no process ever has this id or a larger one.
constexpr std::int64_t kFirstSyntheticId = std::int64_t{1} << 22;
constexpr std::int64_t kFirstUnknownPid = kFirstSyntheticId + 16;
constexpr std::int64_t kFirstWorkerTid = kFirstUnknownPid + std::int64_t{kMaxWorkers};
} // namespace

std::vector<KernelLockWait> kernelLockWaits(const Trace& trace) {
    std::vector<KernelLockWait> waits;
    std::vector<std::optional<KernelLockWait>> open(trace.workers.size());
    for (const Event& e : trace.events) {
        if (e.worker >= open.size()) continue;
        std::optional<KernelLockWait>& wait = open[e.worker];
        if (e.kind == EventKind::LockWait) {
            wait = KernelLockWait{e.worker, e.variable, e.timestamp, e.timestamp, false};
        } else if (wait && (e.kind == EventKind::WorkerKilled || e.kind == EventKind::WorkerExit ||
                            (e.kind == EventKind::LockAcquire && e.variable == wait->variable))) {
            wait->endNs = e.timestamp;
            wait->acquired = e.kind == EventKind::LockAcquire;
            waits.push_back(*wait);
            wait.reset();
        }
    }
    for (std::optional<KernelLockWait>& wait : open)
        if (wait) {
            wait->endNs = std::max(wait->beginNs, trace.durationNs); // still waiting when the run ended
            waits.push_back(*wait);
        }
    return waits;
}

ChromeTracks assignTracks(const Trace& trace, const std::vector<CriticalSectionSpan>& stays,
                          const std::vector<BlockedWait>& blocked, const std::vector<KernelLockWait>& lockWaits) {
    ChromeTracks tracks;
    tracks.findings = kFirstSyntheticId;
    tracks.memory = kFirstSyntheticId + 1;
    tracks.channels = kFirstSyntheticId + 2;
    tracks.m_firstWorkerTid = kFirstWorkerTid;
    const std::size_t workers = trace.workers.size();
    std::unordered_set<std::int64_t> seen;
    for (std::size_t w = 0; w < workers; ++w) {
        const std::int64_t pid = trace.workers[w].pid;
        const bool usable = pid > 0 && seen.insert(pid).second;
        tracks.workerPid.push_back(usable ? pid : kFirstUnknownPid + static_cast<std::int64_t>(w));
    }
    tracks.hasStays.assign(workers, false);
    tracks.hasWaits.assign(workers, false);
    for (const CriticalSectionSpan& stay : stays)
        if (stay.worker < workers) tracks.hasStays[stay.worker] = true;
    for (const BlockedWait& wait : blocked)
        if (wait.worker < workers) tracks.hasWaits[wait.worker] = true;
    for (const KernelLockWait& wait : lockWaits)
        tracks.hasWaits[wait.worker] = true;
    return tracks;
}

const FlowEnd* FlowPlan::at(std::uint64_t event) const {
    const auto found = m_ends.find(event);
    return found == m_ends.end() ? nullptr : &found->second;
}

void FlowPlan::add(std::uint64_t send, std::uint64_t sendBeginNs, std::uint64_t receive, std::uint64_t receiveBeginNs) {
    m_ends[send] = FlowEnd{send, sendBeginNs, true};
    m_ends[receive] = FlowEnd{send, receiveBeginNs, false};
    ++m_count;
}

FlowPlan planFlows(const Trace& trace, const MessageStats& messages) {
    // Each send's first receive (matches are in trace order).
    std::unordered_map<std::uint64_t, std::uint64_t> receiveOf;
    for (const MessageMatch& match : messages.matches)
        if (match.send < trace.events.size() && match.receive < trace.events.size())
            receiveOf.try_emplace(match.send, match.receive);
    // When each of their calls began.
    std::unordered_map<std::uint64_t, std::uint64_t> previousNs;
    for (const auto& [send, receive] : receiveOf)
        previousNs[send] = previousNs[receive] = 0;
    CallBegins calls;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::Send || e.kind == EventKind::Receive)
            if (const auto found = previousNs.find(i); found != previousNs.end()) found->second = calls.of(e);
        calls.after(e);
    }
    FlowPlan plan;
    for (const auto& [send, receive] : receiveOf) {
        const std::uint64_t sendBegin = previousNs[send];
        const std::uint64_t receiveBegin = std::max(previousNs[receive], sendBegin + 1);
        if (receiveBegin <= trace.events[receive].timestamp) plan.add(send, sendBegin, receive, receiveBegin);
    }
    return plan;
}

} // namespace racetrace
