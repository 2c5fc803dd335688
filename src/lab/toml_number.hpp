#pragma once
// One home for reading a whole number from a TOML node (scenarios, lessons).

#include <cmath>
#include <cstdint>
#include <optional>

#include <toml++/toml.h>

namespace racetrace {

/// The node's value as a whole number: an integer, or a float with no
/// fraction (`2.0`) that fits in 64 bits; nothing otherwise. toml++'s own
/// `value<int64_t>()` casts any float to an integer first, which is undefined
/// for a float beyond 64 bits (`4e122`): the fuzzer found that.
inline std::optional<std::int64_t> tomlWholeNumber(const toml::node& node) {
    if (const auto integer = node.value_exact<std::int64_t>()) return integer;
    const auto real = node.value_exact<double>();
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (!real || !std::isfinite(*real) || *real < -kTwoTo63 || *real >= kTwoTo63 || std::trunc(*real) != *real)
        return std::nullopt;
    return static_cast<std::int64_t>(*real);
}

} // namespace racetrace
