// One search for lookups that move a little each time: a cursor that follows
// the reads of a location, a frame walking a lane column by column, findings
// placed in time order. A binary search over everything left missed the
// cache at nearly every probe; galloping from the last answer costs
// O(log distance) and touches memory near it.
#pragma once

#include <cstddef>

namespace racetrace {

/// The first index in [from, end) for which `before(index)` is false, where
/// `before` holds for a prefix of [from, end) (end if it holds for all): probes
/// from + 1, + 2, + 4, ... until it fails, then bisects the last step.
template <class Before> std::size_t gallopFrom(std::size_t from, std::size_t end, Before before) {
    std::size_t lo = from, hi = from, step = 1; // before(k) holds for every k in [from, lo)
    while (hi < end && before(hi)) {
        lo = hi + 1;
        hi = from + step;
        step *= 2;
    }
    if (hi > end) hi = end;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (before(mid))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

} // namespace racetrace
