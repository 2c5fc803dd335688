#include "analysis/plain_words.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <vector>

using namespace racetrace;

TEST_CASE("analysis: numbers get thousands separators", "[analysis][words]") {
    CHECK(groupedNumber(0) == "0");
    CHECK(groupedNumber(999) == "999");
    CHECK(groupedNumber(1000) == "1,000");
    CHECK(groupedNumber(19874) == "19,874");
    CHECK(groupedNumber(-1234567) == "-1,234,567");
    CHECK(groupedNumber(std::numeric_limits<std::int64_t>::min()) == "-9,223,372,036,854,775,808");
}

TEST_CASE("analysis: durations are human sized", "[analysis][words]") {
    CHECK(humanDuration(0) == "0 ns");
    CHECK(humanDuration(140) == "140 ns");
    CHECK(humanDuration(999) == "999 ns");
    CHECK(humanDuration(1000) == "1 µs");
    CHECK(humanDuration(1234) == "1.2 µs");
    CHECK(humanDuration(140'000) == "140 µs");
    CHECK(humanDuration(999'999) == "1 ms"); // rounds up into the next unit
    CHECK(humanDuration(9'960) == "10 µs");
    CHECK(humanDuration(3'400'000) == "3.4 ms");
    CHECK(humanDuration(56'000'000) == "56 ms");
    CHECK(humanDuration(3'200'000'000) == "3.2 s");
    CHECK(humanDuration(125'000'000'000) == "125 s");
}

TEST_CASE("analysis: precise durations keep every nanosecond, with separators", "[analysis][words]") {
    CHECK(preciseDuration(812) == "812 ns");
    CHECK(preciseDuration(129'204) == "129.204 µs");
    CHECK(preciseDuration(1'000) == "1.000 µs");
    CHECK(preciseDuration(12'345'678) == "12.345678 ms");
    CHECK(preciseDuration(2'038'483'712) == "2.038483712 s");
    CHECK(preciseDuration(1'234'000'000'005) == "1,234.000000005 s");
}

TEST_CASE("analysis: lists and ranges read as English", "[analysis][words]") {
    CHECK(workerList(std::vector<std::uint32_t>{0}) == "A");
    CHECK(workerList(std::vector<std::uint32_t>{0, 1}) == "A and B");
    CHECK(workerList(std::vector<std::uint32_t>{0, 2, 27}) == "A, C and W27");
    CHECK(wordRanges(std::vector<std::uint32_t>{2}) == "word 2");
    CHECK(wordRanges(std::vector<std::uint32_t>{2, 3}) == "words 2-3");
    CHECK(wordRanges(std::vector<std::uint32_t>{0, 2, 3, 4, 7}) == "words 0, 2-4, 7");
    CHECK(countOf(1, "update", "updates") == "1 update");
    CHECK(countOf(1200, "update", "updates") == "1,200 updates");
    CHECK(allOf(2) == "both");
    CHECK(allOf(4) == "all 4");
}
