// The run summaries (text and JSON) on hand-made traces: the message counts
// and blocked time are there for channels (and zeros in the JSON without
// them), and a run that only waited is not called a race.
#include "session/run_summary.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace racetrace;
using namespace racetrace::test;
using nlohmann::json;

namespace {

/// A writes three messages into a pipe of one and waits 90 ns for B to read the first.
TraceBuilder pipeThatWaited() {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 512);
    b.send(A, 100, P);
    b.blockedBegin(A, 110, P, ChannelDirection::Send);
    b.receive(B, 150, P, messageTag(A, 0));
    b.blockedEnd(A, 200, P, ChannelDirection::Send);
    b.send(A, 210, P);
    b.receive(B, 250, P, messageTag(A, 1));
    b.send(A, 260, P);
    b.receive(B, 270, P, messageTag(A, 2));
    return b;
}

} // namespace

TEST_CASE("summary: without channels the JSON has zero messages and no blocked time, the text no line",
          "[session][messages]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.serialIteration(A, 100);
    const Trace trace = b.build();
    const Analysis analysis = analyse(trace);
    const json summary = json::parse(summaryJson(trace, analysis));
    CHECK(summary.at("messages") == json{{"sent", 0},
                                         {"received", 0},
                                         {"lost", 0},
                                         {"torn", 0},
                                         {"duplicated", 0},
                                         {"out_of_order", 0},
                                         {"would_block", 0},
                                         {"dropped", 0}});
    CHECK(summary.at("blocked_ns") == json{{"A", 0}, {"B", 0}});
    CHECK(summary.at("findings").contains("lost_messages"));
    CHECK(summary.at("findings").at("blocked_waits") == 0);
    CHECK(summaryText(trace, analysis).find("Messages:") == std::string::npos);
}

TEST_CASE("summary: a pipe run that only waited has its counts and blocked time, and no race", "[session][messages]") {
    const Trace trace = pipeThatWaited().build();
    const Analysis analysis = analyse(trace);
    const json summary = json::parse(summaryJson(trace, analysis));
    CHECK(summary.at("messages").at("sent") == 3);
    CHECK(summary.at("messages").at("received") == 3);
    CHECK(summary.at("messages").at("lost") == 0);
    CHECK(summary.at("blocked_ns") == json{{"A", 90}, {"B", 0}});
    CHECK(summary.at("findings").at("blocked_waits") == 1);
    CHECK(summary.at("race") == false);
    const std::string text = summaryText(trace, analysis);
    CHECK_THAT(text, Catch::Matchers::Contains("Messages: 3 sent, 3 received, 0 lost, 0 torn, 0 duplicated, 0 out "
                                               "of order, 0 dropped (would-block 0); A blocked 90 ns, B blocked 0 "
                                               "ns.\n"));
    CHECK_THAT(text, !Catch::Matchers::Contains("RACE"));
    CHECK_THAT(text, Catch::Matchers::EndsWith("No race: every message sent arrived once, whole and in order.\n"));
}

TEST_CASE("summary: a lost message is a race, named in the RACE line", "[session][messages]") {
    TraceBuilder b = pipeThatWaited();
    b.send(A, 300, 0); // never received
    const Trace trace = b.build();
    const Analysis analysis = analyse(trace);
    CHECK(json::parse(summaryJson(trace, analysis)).at("race") == true);
    const std::string text = summaryText(trace, analysis);
    // The builder's scenario has variables too, so the memory kinds are named as well.
    CHECK_THAT(text, Catch::Matchers::Contains("RACE: 0 overlaps in the critical section, 0 lost updates, 0 torn "
                                               "records, 1 lost message, 0 torn messages, 0 duplicated messages, 0 "
                                               "messages out of order.\n"));
    CHECK_THAT(text, Catch::Matchers::Contains("First: A's message 4 was never received from pipe P.\n"));
}
