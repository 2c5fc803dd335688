#include "ipc/result.hpp"

#include <cerrno>
#include <cstring>

namespace racetrace {

std::string errnoSentence(const std::string& what) {
    return what + ": " + std::strerror(errno) + ".";
}

} // namespace racetrace
