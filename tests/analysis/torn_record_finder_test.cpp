#include "analysis/finders.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

namespace {

std::vector<Finding> tornRecordsOf(const Trace& trace) {
    std::vector<Finding> found;
    const auto added = findOnly(FindingKind::TornRecord, trace, found);
    REQUIRE(added == found.size());
    return found;
}

} // namespace

TEST_CASE("analysis: a check that sees two signatures is a torn record", "[analysis][torn-record]") {
    TraceBuilder b(Shape::NoSync);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordWrite(A, 100 + 10 * k, k);
    b.recordWrite(B, 140, 2); // B writes while A is still at it
    b.recordWrite(B, 150, 3);
    std::vector<std::uint64_t> checks;
    for (std::uint32_t k = 0; k < 4; ++k)
        checks.push_back(b.recordCheck(A, 200 + 10 * k, k));
    const auto found = tornRecordsOf(b.build());
    REQUIRE(found.size() == 1);
    const Finding& torn = found[0];
    CHECK(torn.kind == FindingKind::TornRecord);
    CHECK(torn.workers == std::vector<std::uint32_t>{A, B});
    CHECK(torn.events == checks);
    CHECK(torn.variable == b.record());
    CHECK(torn.beginNs == 200);
    CHECK(torn.endNs == 230);
    CHECK(torn.sentence == "A checked X and found A A B B: words 2-3 were written by B while A was writing.");
}

TEST_CASE("analysis: a clean check and words never written are not torn", "[analysis][torn-record]") {
    TraceBuilder b(Shape::NoSync);
    b.writeAndCheckRecord(A, 100);
    b.writeAndCheckRecord(B, 1000);
    // C, not a writer, checks after both: B B B B.
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordCheck(C, 2000 + k, k);
    CHECK(tornRecordsOf(b.build()).empty());

    TraceBuilder half(Shape::NoSync);
    half.recordWrite(A, 100, 0);
    half.recordWrite(A, 110, 1);
    for (std::uint32_t k = 0; k < 4; ++k)
        half.recordCheck(B, 200 + k, k); // A A - -
    CHECK(tornRecordsOf(half.build()).empty());
}

TEST_CASE("analysis: the checker need not be a writer, and every writer is named", "[analysis][torn-record]") {
    TraceBuilder b(Shape::NoSync, 3);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordWrite(A, 100 + k, k);
    b.recordWrite(B, 110, 1);
    b.recordWrite(C, 120, 2);
    b.recordWrite(C, 121, 3);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordCheck(C, 200 + k, k);
    const auto found = tornRecordsOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].workers == std::vector<std::uint32_t>{A, B, C});
    CHECK(found[0].sentence ==
          "C checked X and found A B C C: word 1 was written by B and words 2-3 by C while A was writing.");
}

TEST_CASE("analysis: each pass is judged alone: word 0 starts a new one", "[analysis][torn-record]") {
    TraceBuilder b(Shape::NoSync);
    std::uint64_t ns = b.writeAndCheckRecord(A, 100); // clean pass
    b.recordWrite(B, ns += 10, 0);
    std::vector<std::uint64_t> second;
    for (std::uint32_t k = 0; k < 4; ++k) {
        second.push_back(b.recordCheck(A, ns += 10, k));
        b.recordWrite(B, ns += 1, 1); // B's steps between A's checks do not split A's pass
    }
    // A saw B's word 0, then B's word 1 (written just before A read it), then its own.
    const auto found = tornRecordsOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].events == second);
    CHECK(found[0].sentence == "A checked X and found B B A A: words 2-3 were written by A while B was writing.");
}

TEST_CASE("analysis: a long record's pattern is written as runs", "[analysis][torn-record]") {
    TraceBuilder b(Shape::NoSync, 2, 32);
    for (std::uint32_t k = 0; k < 32; ++k)
        b.recordWrite(k < 20 ? A : B, 100 + k, k);
    for (std::uint32_t k = 0; k < 32; ++k)
        b.recordCheck(A, 200 + k, k);
    const auto found = tornRecordsOf(b.build());
    REQUIRE(found.size() == 1);
    CHECK(found[0].sentence == "A checked X and found 20×A 12×B: words 20-31 were written by B while A was writing.");
}

TEST_CASE("analysis: record states: final words and last writer per word", "[analysis][records]") {
    TraceBuilder b(Shape::NoSync);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordWrite(A, 100 + k, k);
    b.recordWrite(B, 110, 2);
    b.recordWrite(B, 111, 3);
    SECTION("from the simulated memory") {
        const auto states = recordStates(b.build());
        REQUIRE(states.size() == 1);
        CHECK(states[0].variable == b.record());
        CHECK(states[0].words == std::vector<std::int64_t>{1, 1, 2, 2});
        CHECK(states[0].lastWriter == std::vector<std::int32_t>{A, A, B, B});
        CHECK(states[0].torn);
    }
    SECTION("the parent's final memory wins for values") {
        // counter is word 0, X is words 1-4
        b.finalWords({0, 7, 7, 7, 7});
        const auto states = recordStates(b.build());
        REQUIRE(states.size() == 1);
        CHECK(states[0].words == std::vector<std::int64_t>{7, 7, 7, 7});
        CHECK(states[0].lastWriter == std::vector<std::int32_t>{A, A, B, B});
    }
}

TEST_CASE("analysis: record states: untouched and single-writer records are not torn", "[analysis][records]") {
    TraceBuilder untouched(Shape::NoSync);
    untouched.increment(A, 100);
    auto states = recordStates(untouched.build());
    REQUIRE(states.size() == 1);
    CHECK(states[0].lastWriter == std::vector<std::int32_t>{-1, -1, -1, -1});
    CHECK(states[0].words == std::vector<std::int64_t>{0, 0, 0, 0});
    CHECK_FALSE(states[0].torn);

    TraceBuilder partial(Shape::NoSync);
    partial.recordWrite(B, 100, 0);
    partial.recordWrite(B, 110, 1);
    states = recordStates(partial.build());
    CHECK(states[0].lastWriter == std::vector<std::int32_t>{B, B, -1, -1});
    CHECK_FALSE(states[0].torn);
}

TEST_CASE("analysis: a check is never glued together across dropped events", "[analysis][torn-record][dropped]") {
    TraceBuilder b(Shape::NoSync);
    b.writeAndCheckRecord(A, 100, 10); // A's record, checked: clean
    b.recordCheck(A, 200, 0);          // A's next pass starts: A
    b.recordCheck(A, 210, 1);          // A
    b.drop(A, 2 + 8);                  // its words 2-3, then a whole iteration, go missing
    b.writeAndCheckRecord(B, 300, 1);  // B rewrites X
    b.recordCheck(A, 400, 2);          // B: a later pass, not the same one
    b.recordCheck(A, 401, 3);          // B
    CHECK(tornRecordsOf(b.build()).empty());
}

TEST_CASE("analysis: scribbled signatures are shown as ? and never crash the sentence", "[analysis][torn-record]") {
    TraceBuilder b(Shape::NoSync);
    for (std::uint32_t k = 0; k < 4; ++k)
        b.recordCheck(A, 100 + k, k);
    Trace trace = b.build();
    const std::int64_t scribbles[] = {-5, -7, 0, 999};
    for (std::size_t k = 0; k < 4; ++k)
        trace.events[k].value = scribbles[k];
    const auto found = tornRecordsOf(trace);
    REQUIRE(found.size() == 1);
    CHECK(found[0].workers == std::vector<std::uint32_t>{A}); // only the checker is a real worker
    CHECK(found[0].sentence ==
          "A checked X and found ? ? - ?: word 1 was written by ? and word 3 by ? while ? was writing.");
}
