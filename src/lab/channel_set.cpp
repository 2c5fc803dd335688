#include "lab/channel_set.hpp"

#include <algorithm>
#include <charconv>

#include <unistd.h>

namespace racetrace {

namespace {

std::string sizeProblem(const ChannelInfo& channel, const std::string& option, const std::string& problem) {
    return (option.empty() ? channel.displayName() + " of the scenario" : option) + " " + problem;
}

/// The sentence for a channel whose resolved sizes cannot be, or empty.
std::string checkSizes(const ChannelInfo& channel, const RunSettings& settings) {
    const std::string bytesOption = settings.messageBytes != 0 ? "--message-bytes" : "";
    const std::string capacityOption = settings.capacity != 0 ? "--capacity" : "";
    if (channel.messageBytes < kMinMessageBytes || channel.messageBytes > kMaxMessageBytes ||
        channel.messageBytes % 8 != 0)
        return sizeProblem(channel, bytesOption,
                           "must be a multiple of 8 from " + std::to_string(kMinMessageBytes) + " to " +
                               std::to_string(kMaxMessageBytes) + " bytes, not " +
                               std::to_string(channel.messageBytes) + ".");
    if (channel.kind == ChannelKind::Pipe && (channel.capacity < channel.messageBytes || channel.capacity > (1u << 20)))
        return sizeProblem(channel, capacityOption,
                           "must give " + channel.displayName() + " room for at least one message of " +
                               std::to_string(channel.messageBytes) + " bytes and at most 1 MiB (1048576 bytes), not " +
                               std::to_string(channel.capacity) + ".");
    const auto limits = MessageQueue::systemLimits();
    if (channel.kind == ChannelKind::Queue && geteuid() != 0 &&
        (channel.capacity > static_cast<std::uint64_t>(limits.maxMessages) ||
         channel.messageBytes > static_cast<std::uint64_t>(limits.messageBytes)))
        return sizeProblem(
            channel, channel.capacity > static_cast<std::uint64_t>(limits.maxMessages) ? capacityOption : bytesOption,
            "asks " + channel.displayName() + " for " + std::to_string(channel.capacity) + " messages of " +
                std::to_string(channel.messageBytes) + " bytes, but this system allows at most " +
                std::to_string(limits.maxMessages) + " of " + std::to_string(limits.messageBytes) +
                " (/proc/sys/fs/mqueue/msg_max and msgsize_max).");
    return {};
}

} // namespace

Result<std::vector<ChannelInfo>> resolveChannels(const std::vector<ChannelInfo>& declared,
                                                 const RunSettings& settings) {
    std::vector<ChannelInfo> resolved = declared;
    for (ChannelInfo& channel : resolved) {
        if (settings.messageBytes != 0) channel.messageBytes = settings.messageBytes;
        if (settings.capacity != 0) channel.capacity = settings.capacity;
        if (const std::string problem = checkSizes(channel, settings); !problem.empty()) return fail(problem);
    }
    return resolved;
}

ChannelFds ChannelSet::Opened::parentFds() const {
    if (queue.descriptor() >= 0)
        return {queue.descriptor(), queue.nonBlockingDescriptor(), queue.descriptor(), queue.nonBlockingDescriptor()};
    return {pipe.readEnd(), readNonBlocking.get(), pipe.writeEnd(), writeNonBlocking.get()};
}

Result<ChannelSet> ChannelSet::open(std::vector<ChannelInfo> resolved) {
    ChannelSet set;
    for (ChannelInfo& channel : resolved) {
        Opened opened;
        if (channel.kind == ChannelKind::Queue) {
            auto queue = MessageQueue::create(static_cast<long>(channel.capacity), channel.messageBytes);
            if (!queue) return fail(queue.error());
            opened.queue = std::move(*queue);
        } else {
            auto pipe = Pipe::create(channel.capacity);
            if (!pipe) return fail(pipe.error());
            auto readCopy = pipe->nonBlockingReadEnd();
            auto writeCopy = pipe->nonBlockingWriteEnd();
            if (!readCopy || !writeCopy) return fail(readCopy ? writeCopy.error() : readCopy.error());
            channel.capacity = pipe->capacity();
            opened.pipe = std::move(*pipe);
            opened.readNonBlocking = std::move(*readCopy);
            opened.writeNonBlocking = std::move(*writeCopy);
        }
        set.m_opened.push_back(std::move(opened));
    }
    set.m_infos = std::move(resolved);
    return set;
}

std::string ChannelSet::hand(const Scenario& scenario, std::uint32_t worker, int firstChildFd,
                             SpawnRequest& request) const {
    std::vector<ChannelFds> childFds;
    int next = firstChildFd;
    for (std::uint16_t c = 0; c < m_opened.size(); ++c) {
        const ChannelUse use = scenario.channelUse(worker, c);
        const ChannelFds parent = m_opened[c].parentFds();
        ChannelFds child;
        const bool queue = m_infos[c].kind == ChannelKind::Queue;
        if (use.reads || (queue && use.writes)) {
            child.readWaiting = next++;
            child.readNonBlocking = next++;
            request.inheritFds.emplace_back(parent.readWaiting, child.readWaiting);
            request.inheritFds.emplace_back(parent.readNonBlocking, child.readNonBlocking);
        }
        if (queue && (use.reads || use.writes)) {
            child.writeWaiting = child.readWaiting;
            child.writeNonBlocking = child.readNonBlocking;
            if (!use.reads) child.readWaiting = child.readNonBlocking = -1;
            if (!use.writes) child.writeWaiting = child.writeNonBlocking = -1;
        } else if (use.writes) {
            child.writeWaiting = next++;
            child.writeNonBlocking = next++;
            request.inheritFds.emplace_back(parent.writeWaiting, child.writeWaiting);
            request.inheritFds.emplace_back(parent.writeNonBlocking, child.writeNonBlocking);
        }
        childFds.push_back(child);
    }
    return formatChannelFds(childFds);
}

int ChannelSet::highestFd() const {
    int highest = -1;
    for (const Opened& opened : m_opened)
        for (int fd : opened.parentFds().all())
            highest = std::max(highest, fd);
    return highest;
}

void ChannelSet::closeParentCopies() {
    m_opened.clear();
}

std::string formatChannelFds(const std::vector<ChannelFds>& fds) {
    std::string text;
    for (const ChannelFds& channel : fds) {
        if (!text.empty()) text += ';';
        const auto all = channel.all();
        for (std::size_t i = 0; i < all.size(); ++i)
            text += (i == 0 ? "" : ",") + std::to_string(all[i]);
    }
    return text;
}

Result<std::vector<ChannelFds>> parseChannelFds(std::string_view text) {
    std::vector<ChannelFds> result;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find(';'), text.size());
        std::string_view item = text.substr(0, end);
        std::array<int, 4> numbers{};
        for (int& number : numbers) {
            const std::size_t comma = std::min(item.find(','), item.size());
            auto [ptr, ec] = std::from_chars(item.data(), item.data() + comma, number);
            if (ec != std::errc{} || ptr != item.data() + comma || number < -1)
                return fail("bad --channel-fds '" + std::string(text) + "'");
            item.remove_prefix(std::min(comma + 1, item.size()));
        }
        result.push_back({numbers[0], numbers[1], numbers[2], numbers[3]});
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return result;
}

} // namespace racetrace
