#include "trace/event.hpp"

#include <array>

namespace racetrace {

std::string_view eventKindName(EventKind kind) {
    static constexpr std::array<std::string_view, kEventKindCount> names = {
        "invalid",       "load",         "store",        "exchange",     "compare-exchange", "fetch-add",
        "fence",         "spin",         "cs-enter",     "cs-exit",      "record-write",     "record-check",
        "lock-wait",     "lock-acquire", "lock-release", "send",         "receive",          "would-block",
        "blocked-begin", "blocked-end",  "gate-wait",    "worker-start", "worker-exit",      "worker-killed",
    };
    const auto index = static_cast<std::size_t>(kind);
    return index < names.size() ? names[index] : "invalid";
}

bool changesMemory(const Event& event) {
    switch (event.kind) {
    case EventKind::Store:
    case EventKind::Exchange:
    case EventKind::FetchAdd:
    case EventKind::RecordWordWrite: return true;
    case EventKind::CompareExchange: return event.aux == 1;
    default: return false;
    }
}

std::int64_t writtenValue(const Event& event) {
    switch (event.kind) {
    case EventKind::Exchange: return static_cast<std::int32_t>(event.aux);
    case EventKind::FetchAdd:
        // Wrap like the hardware would rather than overflow (UB) on a scribbled value.
        return wrappingDifference(event.value, -static_cast<std::int64_t>(static_cast<std::int32_t>(event.aux)));
    default: return event.value;
    }
}

std::int64_t wrappingDifference(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

std::string workerName(std::uint32_t worker) {
    if (worker < 26) return std::string(1, static_cast<char>('A' + worker));
    return "W" + std::to_string(worker);
}

} // namespace racetrace
