#include "trace/event_gaps.hpp"

#include <algorithm>
#include <limits>

namespace racetrace {

EventGaps::EventGaps(const Trace& trace) {
    constexpr std::uint64_t kForever = std::numeric_limits<std::uint64_t>::max();
    struct Seen {
        std::uint32_t nextSeq = 0;
        std::uint64_t lastNs = 0;
        std::uint64_t missing = 0; ///< events the sequence numbers show as missing
        bool any = false;
    };
    std::array<Seen, 256> workers{};
    for (const Event& e : trace.events) {
        Seen& w = workers[e.worker];
        if (e.seq != w.nextSeq) {
            m_gaps.push_back({w.any ? w.lastNs : 0, e.timestamp});
            // A seq that goes backwards is damage, not a count of missing events; count it as one.
            w.missing += e.seq > w.nextSeq ? e.seq - w.nextSeq : 1;
        }
        w.nextSeq = e.seq + 1;
        w.lastNs = e.timestamp;
        w.any = true;
    }
    // Drops after a worker's last recorded event leave no jump to see; its ring's
    // count of dropped events still tells.
    m_trailing.assign(trace.workers.size(), false);
    for (std::size_t k = 0; k < trace.workers.size() && k < workers.size(); ++k) {
        if (trace.workers[k].dropped <= workers[k].missing) continue;
        m_trailing[k] = true;
        m_gaps.push_back({workers[k].lastNs, kForever});
    }
    std::sort(m_gaps.begin(), m_gaps.end(), [](const Gap& a, const Gap& b) { return a.fromNs < b.fromNs; });
    m_maxToSoFar.reserve(m_gaps.size());
    std::uint64_t maxTo = 0;
    for (const Gap& gap : m_gaps)
        m_maxToSoFar.push_back(maxTo = std::max(maxTo, gap.toNs));
}

bool EventGaps::touches(std::uint64_t fromNs, std::uint64_t toNs) const {
    // The gaps that start no later than toNs are a prefix; one of them reaches fromNs if the longest does.
    const auto end = std::upper_bound(m_gaps.begin(), m_gaps.end(), toNs,
                                      [](std::uint64_t ns, const Gap& gap) { return ns < gap.fromNs; });
    if (end == m_gaps.begin()) return false;
    return m_maxToSoFar[static_cast<std::size_t>(end - m_gaps.begin()) - 1] >= fromNs;
}

} // namespace racetrace
