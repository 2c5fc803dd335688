// One order for all the workers' events: the order the tool shows, analyses,
// saves and replays.
//
// Each worker's events come in program order, stamped by its CPU's clock next to
// each access. Sorting by those stamps is almost right, but a stamp is read a
// few ns after its access (and microseconds to milliseconds after it when the
// worker is interrupted in between), so two workers' accesses a few ns apart can
// be stamped the wrong way round: B's load of Y is stamped before A's store that
// it returned. The values cannot be wrong that way. finalizeEventOrder merges the
// workers' events so that every read comes after the write it returned and
// before the next write of that location (trace/modification_order.hpp chooses
// which write each read returned); where the stamps disagree, the value evidence
// wins and the stamp of the event that moved earlier is lowered to fit, so the
// trace stays sorted by time. The result is an order a single memory could have
// produced, which is what schedule replay forces again.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace racetrace {

/// Appends the events of `runs`, one worker's events each in stamp order, to
/// `out` in stamp order (ties: worker, then seq), and empties the runs: the
/// merge that sortEventsByTimestamp would do, without its buffer. (A run out of
/// order, a clock gone back, is merged as it comes; sortEventsByTimestamp then
/// puts the whole right.)
void mergeStampedRuns(std::vector<std::vector<Event>>& runs, std::vector<Event>& out);

/// Sorts events by timestamp (ties: worker, then seq) and fills WorkerRecord::cpus.
void sortEventsByTimestamp(Trace& trace);

/// sortEventsByTimestamp, then the value-consistent merge described above.
EventOrderRepair finalizeEventOrder(Trace& trace);

} // namespace racetrace
