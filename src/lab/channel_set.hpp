// The parent's side of a run's channels: it opens every pipe and message queue
// the scenario declares (sizes resolved from the options), hands each worker
// exactly the ends its role uses, and then closes its own copies, so that a
// pipe's readers see end-of-file when its last writer closes or ends, and
// nothing of the channels outlives the workers.
#pragma once

#include "ipc/child_process.hpp"
#include "ipc/message_queue.hpp"
#include "ipc/pipe.hpp"
#include "ipc/result.hpp"
#include "lab/channel_endpoint.hpp"
#include "lab/scenario.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace racetrace {

/// The sizes `settings` asks for (--message-bytes, --capacity) over the
/// scenario's own, checked against what a channel can be; the sentence names
/// the option (or the scenario) that asks too much.
Result<std::vector<ChannelInfo>> resolveChannels(const std::vector<ChannelInfo>& declared, const RunSettings& settings);

class ChannelSet {
  public:
    /// Opens one pipe or queue per channel of `resolved`, with its
    /// non-blocking copies; records the capacity the kernel granted.
    static Result<ChannelSet> open(std::vector<ChannelInfo> resolved);

    /// The channels as opened (a pipe's capacity is what the kernel granted).
    const std::vector<ChannelInfo>& infos() const { return m_infos; }

    /// Adds worker `worker`'s ends to `request` (from child descriptor
    /// `firstChildFd` on) and returns the worker's --channel-fds argument.
    std::string hand(const Scenario& scenario, std::uint32_t worker, int firstChildFd, SpawnRequest& request) const;
    /// The highest descriptor the parent holds for the channels (-1: none).
    int highestFd() const;
    /// Closes every descriptor the parent holds: after the spawn, the workers
    /// hold the only copies.
    void closeParentCopies();

  private:
    struct Opened {
        Pipe pipe;
        UniqueFd readNonBlocking;
        UniqueFd writeNonBlocking;
        MessageQueue queue;
        /// Parent descriptors: (read waiting, read non-blocking, write waiting, write non-blocking).
        ChannelFds parentFds() const;
    };
    std::vector<ChannelInfo> m_infos;
    std::vector<Opened> m_opened;
};

/// "--channel-fds" text <-> one ChannelFds per channel: "rw,rn,ww,wn;..." with -1 for none.
std::string formatChannelFds(const std::vector<ChannelFds>& fds);
Result<std::vector<ChannelFds>> parseChannelFds(std::string_view text);

} // namespace racetrace
