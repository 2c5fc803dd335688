// Process-shared futex wait and wake on a 32-bit atomic in shared memory: how a
// worker sleeps at its step gate without spinning a CPU away from the others.
#pragma once

#include <atomic>
#include <cstdint>

namespace racetrace {

/// Sleeps while `*word == expected`, at most `timeoutNs` (spurious wake-ups possible: re-check).
void futexWait(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::int64_t timeoutNs);
/// Wakes every process sleeping on `word`.
void futexWakeAll(std::atomic<std::uint32_t>& word);

static_assert(sizeof(std::atomic<std::uint32_t>) == 4, "a futex word is exactly 32 bits");

} // namespace racetrace
