// Numbers, durations and lists written the way a sentence for people needs them:
// "20,000", "1.2 µs", "A, B and C", "words 2-3". Every finding's sentence is
// built from these, so all findings read alike.
#pragma once

#include "trace/event_text.hpp" // groupedNumber: "19,874"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace racetrace {

/// 140 -> "140 ns", 1234 -> "1.2 µs", 56'000'000 -> "56 ms", 3'200'000'000 -> "3.2 s".
std::string humanDuration(std::uint64_t ns);
/// To the nanosecond, in the largest unit it reaches, with separators:
/// "812 ns", "129.204 µs", "12.345678 ms", "2.038483712 s" (a cursor stepping
/// through events must show time moving).
std::string preciseDuration(std::uint64_t ns);

/// "1 update", "126 updates" (the number grouped).
std::string countOf(std::uint64_t count, std::string_view singular, std::string_view plural);

/// A file's size to one decimal, in decimal units: "512 bytes", "43.2 KB", "35.2 MB", "1.9 GB".
std::string fileSize(std::uint64_t bytes);

/// Worker names joined for a sentence: "A", "A and B", "A, B and C".
std::string workerList(std::span<const std::uint32_t> workers);

/// Ascending word indices as ranges: "word 2", "words 2-3", "words 0, 2-3".
std::string wordRanges(std::span<const std::uint32_t> ascendingWords);

/// "both" for 2, "all 3" for more.
std::string allOf(std::size_t count);

} // namespace racetrace
