// What happened to the messages of a run, counted from its channel events
// (trace/channel_info.hpp): sent and received, lost, torn, duplicated, out of
// order, refused without waiting (EAGAIN), given up, and how long each worker
// waited in a blocking channel call. Zeros for a scenario without channels.
#pragma once

#include "trace/trace.hpp"

#include <cstdint>
#include <vector>

namespace racetrace {

struct MessageCounts {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::uint64_t lost = 0;               ///< sent and never received, or refused by a broken pipe (EPIPE)
    std::uint64_t torn = 0;               ///< received with bytes of another send inside
    std::uint64_t duplicated = 0;         ///< received again
    std::uint64_t outOfOrder = 0;         ///< received after a later message of the same sender
    std::uint64_t wouldBlock = 0;         ///< non-blocking calls that returned EAGAIN
    std::uint64_t dropped = 0;            ///< messages the program gave up after EAGAIN
    std::vector<std::uint64_t> blockedNs; ///< per worker: time spent waiting in channel calls
};

MessageCounts countMessages(const Trace& trace);

} // namespace racetrace
