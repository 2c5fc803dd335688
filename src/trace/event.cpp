#include "trace/event.hpp"

#include "trace/event_kinds.hpp"

namespace racetrace {

std::int64_t writtenValue(const Event& event) {
    switch (eventKindInfo(event.kind).aux) {
    case AuxMeaning::NewValue: return static_cast<std::int32_t>(event.aux);
    case AuxMeaning::Delta:
        // Wrap like the hardware would rather than overflow (UB) on a scribbled value.
        return wrappingDifference(event.value, -static_cast<std::int64_t>(static_cast<std::int32_t>(event.aux)));
    default: return event.value;
    }
}

std::string workerName(std::uint32_t worker) {
    if (worker < 26) return std::string(1, static_cast<char>('A' + worker));
    return "W" + std::to_string(worker);
}

} // namespace racetrace
