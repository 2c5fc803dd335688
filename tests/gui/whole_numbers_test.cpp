// Numbers that wrapped inside themselves ("10,↵000", "91↵ms") on a narrow
// lecture panel: wholeNumbers makes the breaks ImGui would take impossible.
#include "gui/whole_numbers.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;

TEST_CASE("wholeNumbers keeps a number's digits and its unit together, nothing else", "[gui][text]") {
    CHECK(wholeNumbers("counter = 10,000") == "counter = 10\u201A000");
    CHECK(wholeNumbers("inside 91 ms, waited 3 \u00B5s") == "inside 91\u00A0ms, waited 3\u00A0\u00B5s");
    CHECK(wholeNumbers("read 45 % of 192 MB") == "read 45\u00A0% of 192\u00A0MB");
    // A list's comma and the spaces between words stay breakable.
    CHECK(wholeNumbers("A, B and C: 1, 2") == "A, B and C: 1, 2");
}
