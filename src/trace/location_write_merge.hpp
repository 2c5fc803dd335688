// Internal to the trace layer: step 2 of trace/location_order.cpp, the merge
// of one location's writes into a modification order under the constraints
// its reads' chosen sources put on them. Not for use outside src/trace.
#pragma once

#include "trace/location_history.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace racetrace::location {

/// "Write `from` before write `to`", because of read `read` (an index into
/// History::reads). Positions in 32 bits: 12 bytes an edge, up to two a read.
struct Edge {
    Position from;
    Position to;
    Position read;
};

/// An atomic read-modify-write's write `rmw` and the write `source` its read
/// returned (kNone: the initial value). Atomic means no write of another value
/// comes between them, which edges cannot say: the merge places `rmw` as soon
/// as it can after `source`, before memory's value changes.
struct Glue {
    Position source;
    Position rmw;
    Position read; ///< the read-modify-write's read, an index into History::reads
};

/// What the chosen sources ask of the writes' order.
struct Constraints {
    std::vector<Edge> edges;
    std::vector<Glue> glues;
};

struct Merge {
    std::vector<std::size_t> order; ///< write positions, in modification order
    std::uint64_t moved = 0;
    std::uint64_t conflicts = 0;
    std::vector<std::size_t> doubtful; ///< reads whose choice stood in a contradiction, to choose again
};

/// Kahn's topological sort over the workers' chains plus the edges, the
/// earliest stamped ready write first, and a glued read-modify-write before
/// anything else once its source is placed. When every next write waits for
/// another (a contradiction), the earliest stamped one goes anyway; of the
/// reads whose requirements it broke, the least certain one (the largest
/// `readCost` among those `canChange`) is reported as doubtful.
Merge mergeWrites(const History& h, std::int64_t initial, const Constraints& constraints,
                  const std::vector<std::uint64_t>& readCost, const std::vector<bool>& canChange);

} // namespace racetrace::location
