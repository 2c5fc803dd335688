// What the channel events say about the order of two workers' calls, for the
// order repair (trace/event_order.hpp). A stamp is read a little before or
// after the call it records, so two calls close in time can be stamped the
// wrong way round; what each call found cannot be wrong:
//
//   S -> R      R received the message S sent (the first such R)
//   B -> S      a reader found the channel empty (its BlockedBegin B) and then
//               received S's message: S came after B
//
// and on a channel that holds whole messages (a queue, a pipe of page-sized
// messages: ChannelInfo::holdsWholeMessages), `capacity` of them:
//
//   F -> R_k    a send that found the queue full (a failed try or a wait) came
//               before the receive that made room (k = sends before F - capacity)
//   E -> S_k    a receive that found it empty came before the next send
//   R_k -> S    a send that went through came after the receive that made
//               room for it
//
// Other pipes hold bytes in pages, and say nothing as exact about when a write fits.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace racetrace {

/// (before, after) pairs of event indices into `trace.events`, which must be
/// sorted by stamp.
std::vector<std::pair<std::uint32_t, std::uint32_t>> channelOrderEdges(const Trace& trace);

} // namespace racetrace
