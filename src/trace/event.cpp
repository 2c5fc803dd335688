#include "trace/event.hpp"

#include <array>

namespace racetrace {

std::string_view eventKindName(EventKind kind) {
    static constexpr std::array<std::string_view, kEventKindCount> names = {
        "invalid",      "load",         "store",         "exchange",    "compare-exchange", "fetch-add",
        "fence",        "spin",         "cs-enter",      "cs-exit",     "record-write",     "record-check",
        "lock-wait",    "lock-acquire", "lock-release",  "send",        "receive",          "would-block",
        "blocked-begin", "blocked-end", "gate-wait",     "worker-start", "worker-exit",     "worker-killed",
    };
    const auto index = static_cast<std::size_t>(kind);
    return index < names.size() ? names[index] : "invalid";
}

std::string workerName(std::uint32_t worker) {
    if (worker < 26) return std::string(1, static_cast<char>('A' + worker));
    return "W" + std::to_string(worker);
}

} // namespace racetrace
