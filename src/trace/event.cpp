#include "trace/event.hpp"

namespace racetrace {

std::string workerName(std::uint32_t worker) {
    if (worker < 26) return std::string(1, static_cast<char>('A' + worker));
    return "W" + std::to_string(worker);
}

} // namespace racetrace
