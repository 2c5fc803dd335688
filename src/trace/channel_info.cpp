#include "trace/channel_info.hpp"

#include "trace/event.hpp"

namespace racetrace {

std::string_view channelKindName(ChannelKind kind) {
    return kind == ChannelKind::Queue ? "queue" : "pipe";
}

std::optional<ChannelKind> channelKindFromName(std::string_view name) {
    if (name == "pipe") return ChannelKind::Pipe;
    if (name == "queue") return ChannelKind::Queue;
    return std::nullopt;
}

std::string messageName(std::int64_t tag) {
    const auto sender = tagSender(tag);
    if (!sender) return "an unknown message";
    return workerName(*sender) + "'s message " + std::to_string(tagSequence(tag) + 1);
}

} // namespace racetrace
