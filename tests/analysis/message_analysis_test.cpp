// analyseMessages and the message finders on hand-made traces with known
// answers: every count exact, the send of each receive, each channel's fill
// level, blocked time (also of a worker killed while blocked), the sentence of
// each kind of finding, and that waiting alone is no race.
#include "analysis/finders.hpp"
#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using namespace racetrace::test;

namespace {

constexpr auto kSend = ChannelDirection::Send;
constexpr auto kReceive = ChannelDirection::Receive;

/// The findings of one kind, in time order.
std::vector<Finding> findingsOf(FindingKind kind, const Trace& trace) {
    std::vector<Finding> found;
    findOnly(kind, trace, found);
    return found;
}

std::vector<std::string> sentencesOf(FindingKind kind, const Trace& trace) {
    std::vector<std::string> sentences;
    for (const Finding& finding : findingsOf(kind, trace))
        sentences.push_back(finding.sentence);
    return sentences;
}

} // namespace

TEST_CASE("messages: the counts of a shared-memory trace are zeros", "[analysis][messages]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.serialIteration(A, 100);
    b.serialIteration(B, 1000);
    const Trace trace = b.build();
    const MessageStats stats = analyseMessages(trace);
    CHECK(stats.sent + stats.received + stats.lost + stats.torn + stats.duplicated + stats.outOfOrder +
              stats.wouldBlock + stats.dropped ==
          0);
    CHECK(stats.blockedNs == std::vector<std::uint64_t>{0, 0}); // one per worker, for "blocked_ns"
    CHECK(stats.fill.empty());
    CHECK(stats.matches.empty());
    CHECK(stats.waits.empty());
    const Analysis analysis = analyse(trace);
    CHECK(analysis.findings.empty());
    CHECK(analysis.headline == "No race: the critical section was never shared.");
}

TEST_CASE("messages: sent, received, lost, torn, duplicated, out of order, would-block and dropped, exactly",
          "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 4096);
    std::vector<std::uint64_t> sends;
    for (std::uint64_t k = 0; k < 6; ++k)
        sends.push_back(b.send(A, 100 + 10 * k, P));
    b.receive(B, 200, P, messageTag(A, 0));
    b.receive(B, 210, P, messageTag(A, 2));
    const auto late = b.receive(B, 220, P, messageTag(A, 1));  // after message 3: out of order
    const auto again = b.receive(B, 230, P, messageTag(A, 1)); // a second time: duplicated (not out of order too)
    b.receive(B, 240, P, messageTag(A, 3));
    b.messageTorn(B, 241, P, messageTag(A, 4), 256); // message 5's bytes were seen: torn, not lost
    const auto broken = b.brokenPipe(A, 300, P);     // message 7 never entered the pipe: lost
    b.wouldBlock(A, 310, P, kSend);
    b.messageDropped(A, 320, P);
    b.wouldBlock(B, 330, P, kReceive);
    const MessageStats stats = analyseMessages(b.build());
    CHECK(stats.sent == 6);
    CHECK(stats.received == 5);
    CHECK(stats.torn == 1);
    CHECK(stats.duplicated == 1);
    CHECK(stats.outOfOrder == 1);
    CHECK(stats.wouldBlock == 2);
    CHECK(stats.dropped == 1);
    CHECK(stats.lost == 2); // message 6, never seen by B, and the broken pipe's message 7
    CHECK(stats.lostMessages == std::vector<std::uint64_t>{sends[5], broken});
    REQUIRE(stats.duplicates.size() == 1);
    CHECK(stats.duplicates[0].receive == again);
    CHECK(stats.duplicates[0].earlier == late);
    REQUIRE(stats.outOfOrderReceives.size() == 1);
    CHECK(stats.outOfOrderReceives[0].receive == late);
}

TEST_CASE("messages: a torn read counts as torn, not as a duplicate or out of order", "[analysis][messages]") {
    // Bytes of one large message can begin two torn reads (its tag repeats
    // every 8 bytes): the second is part of the tearing, not a second delivery.
    TraceBuilder b(Shape::NoSync, 3);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 65536, 10000);
    b.send(A, 100, P);
    b.send(C, 110, P);
    const auto first = b.receive(B, 200, P, messageTag(A, 0));
    b.messageTorn(B, 201, P, messageTag(C, 0), 5904);
    const auto second = b.receive(B, 300, P, messageTag(A, 0));
    b.messageTorn(B, 301, P, messageTag(C, 0), 4096);
    const MessageStats stats = analyseMessages(b.build());
    CHECK(stats.torn == 2);
    CHECK(stats.duplicated == 0);
    CHECK(stats.outOfOrder == 0);
    CHECK(stats.lost == 0);
    REQUIRE(stats.tornReceives.size() == 2);
    CHECK(stats.tornReceives[0].receive == first);
    CHECK(stats.tornReceives[1].receive == second);
}

TEST_CASE("messages: a message read in pieces inside torn reads is not lost", "[analysis][messages]") {
    // A torn read names only the first foreign message in it, so A's second
    // message is never named; but three sends and three reads leave nothing
    // unread. Without the third read, one message was never read: the last
    // written of those nobody saw.
    TraceBuilder b(Shape::NoSync, 3);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 65536, 10000);
    b.send(A, 100, P);
    const auto second = b.send(A, 110, P);
    b.send(C, 120, P);
    b.receive(B, 200, P, messageTag(A, 0));
    b.messageTorn(B, 201, P, messageTag(C, 0), 5000);
    b.receive(B, 300, P, messageTag(C, 0));
    b.messageTorn(B, 301, P, messageTag(A, 0), 5000);
    const MessageStats twoReads = analyseMessages(b.build());
    CHECK(twoReads.lost == 1);
    CHECK(twoReads.lostMessages == std::vector<std::uint64_t>{second});
    b.receive(B, 400, P, messageTag(C, 0));
    b.messageTorn(B, 401, P, messageTag(A, 0), 5000);
    const MessageStats threeReads = analyseMessages(b.build());
    CHECK(threeReads.lost == 0);
    CHECK(threeReads.lostMessages.empty());
}

TEST_CASE("messages: each receive is matched to the send of its tag on its channel", "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 4096);
    const std::uint16_t Q = b.addChannel("Q", ChannelKind::Queue, 4);
    const auto onQ = b.send(A, 50, Q); // the same tag as A's first on P: channels keep them apart
    const auto early = b.receive(B, 100, P, messageTag(A, 0)); // stamped before its send
    const auto first = b.send(A, 110, P);
    const auto second = b.send(A, 120, P);
    const auto taken = b.receive(B, 130, P, messageTag(A, 1));
    const auto stray = b.receive(B, 140, P, messageTag(B, 9)); // never sent
    const auto fromQ = b.receive(B, 150, Q, messageTag(A, 0));
    const MessageStats stats = analyseMessages(b.build());
    REQUIRE(stats.matches.size() == 4);
    CHECK(stats.matches[0].receive == early);
    CHECK(stats.matches[0].send == first);
    CHECK(stats.matches[1].receive == taken);
    CHECK(stats.matches[1].send == second);
    CHECK(stats.matches[2].receive == stray);
    CHECK(stats.matches[2].send == kNoEvent);
    CHECK(stats.matches[3].send == onQ);
    CHECK(stats.sendOf(taken) == second);
    CHECK(stats.sendOf(fromQ) == onQ);
    CHECK(stats.sendOf(first) == kNoEvent); // not a receive
}

TEST_CASE("messages: a channel's fill level steps with sends and receives, never below 0", "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 4096);
    const std::uint16_t Q = b.addChannel("Q", ChannelKind::Queue, 4);
    b.send(A, 10, P);
    b.send(A, 20, P);
    b.receive(B, 30, P, messageTag(A, 0));
    b.send(A, 40, P);
    b.send(A, 45, Q); // another channel: its own level
    b.receive(B, 50, P, messageTag(A, 1));
    b.receive(B, 60, P, messageTag(A, 2));
    const auto extra = b.receive(B, 70, P, messageTag(A, 7));
    const MessageStats stats = analyseMessages(b.build());
    REQUIRE(stats.fill.size() == 2);
    std::vector<std::uint64_t> levels, times;
    for (const FillPoint& point : stats.fill[P].points) {
        levels.push_back(point.held);
        times.push_back(point.ns);
    }
    CHECK(levels == std::vector<std::uint64_t>{1, 2, 1, 2, 1, 0, 0});
    CHECK(times == std::vector<std::uint64_t>{10, 20, 30, 40, 50, 60, 70});
    CHECK(stats.fill[P].points.back().event == extra);
    CHECK(stats.fill[P].maxHeld == 2);
    REQUIRE(stats.fill[Q].points.size() == 1);
    CHECK(stats.fill[Q].maxHeld == 1);
}

TEST_CASE("messages: blocked time per worker, closed by the call, a kill or the end of the run",
          "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync, 3);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 4096);
    b.blockedBegin(A, 100, P, kSend);
    b.blockedEnd(A, 250, P, kSend);                         // 150 ns
    const auto waitB = b.blockedBegin(B, 300, P, kReceive); // killed while blocked: 400 ns
    b.blockedBegin(C, 350, P, kReceive);
    b.drop(C, 2);
    b.blockedEnd(C, 500, P, kReceive); // events missing inside: the end is unknown, not counted
    const auto killed = b.killed(B, 700);
    b.blockedBegin(A, 900, P, kSend); // never returned: until the end of the run, 100 ns
    b.durationNs(1000);
    const MessageStats stats = analyseMessages(b.build());
    CHECK(stats.blockedNs == std::vector<std::uint64_t>{150 + 100, 400, 0});
    REQUIRE(stats.waits.size() == 3);
    CHECK(stats.waits[1].begin == waitB);
    CHECK(stats.waits[1].end == kNoEvent);
    CHECK(stats.waits[1].killed == killed);
    CHECK(stats.waits[1].endNs == 700);
    CHECK(stats.waits[2].endNs == 1000);
    CHECK(stats.waits[2].direction == kSend);
}

TEST_CASE("messages: a blocked wait names who ended it, in one sentence", "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 4096);
    const std::uint16_t Q = b.addChannel("Q", ChannelKind::Queue, 4);
    const auto begin = b.blockedBegin(A, 1000, P, kSend);
    const auto maker = b.receive(B, 1500, P, messageTag(A, 0));
    const auto end = b.blockedEnd(A, 2300, P, kSend);
    b.send(A, 2310, P);
    b.blockedBegin(B, 3000, P, kReceive);
    b.blockedEnd(B, 3200, P, kReceive);
    b.receive(B, 3210, P, messageTag(A, 1));
    b.send(A, 3220, P); // the writer records its send after its write() returned: after B woke
    b.blockedBegin(A, 4000, Q, kSend);
    b.receive(B, 4100, Q, messageTag(A, 0));
    b.blockedEnd(A, 4500, Q, kSend);
    b.blockedBegin(B, 5000, P, kReceive);
    b.blockedEnd(B, 5200, P, kReceive);
    b.endOfFile(B, 5210, P);
    b.blockedBegin(B, 6000, P, kReceive);
    b.killed(B, 6400);
    const Trace trace = b.build();
    CHECK(sentencesOf(FindingKind::BlockedWait, trace) ==
          std::vector<std::string>{
              "A's write found pipe P full (4,096 bytes) and A waited 1.3 µs until B read.",
              "B's read found pipe P empty and B waited 200 ns until A wrote.",
              "A's send found queue Q full (4 messages) and A waited 500 ns until B received.",
              "B's read found pipe P empty and B waited 200 ns until end of file.",
              "B's read found pipe P empty and B was still waiting when the run ended, 400 ns later.",
          });
    const Finding first = findingsOf(FindingKind::BlockedWait, trace).front();
    CHECK(first.workers == std::vector<std::uint32_t>{A, B});
    CHECK(first.events == std::vector<std::uint64_t>{begin, end, maker});
    CHECK(first.channel == P);
    CHECK(first.variable == kNoVariable);
    CHECK(first.beginNs == 1000);
    CHECK(first.endNs == 2300);
}

TEST_CASE("messages: who ended a wait, though stamps lag the calls they record", "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync, 3);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 4096);
    b.blockedBegin(B, 100, P, kReceive);
    const auto fromC = b.send(C, 110, P); // stamped during B's first wait, but its message came second
    b.blockedEnd(B, 120, P, kReceive);
    b.receive(B, 130, P, messageTag(A, 0)); // what B woke to: A's message
    b.blockedBegin(B, 140, P, kReceive);
    const auto fromA = b.send(A, 150, P); // A stamped its send once its write() returned: late
    b.blockedEnd(B, 160, P, kReceive);
    b.receive(B, 170, P, messageTag(C, 0));
    b.send(A, 200, P);
    const auto freed = b.receive(B, 210, P, messageTag(A, 1)); // after A's try, stamped before A's BlockedBegin
    b.blockedBegin(A, 220, P, kSend);
    b.blockedEnd(A, 230, P, kSend);
    b.send(A, 240, P);
    const MessageStats stats = analyseMessages(b.build());
    REQUIRE(stats.waits.size() == 3);
    CHECK(stats.waits[0].endedBy == fromA);
    CHECK(stats.waits[1].endedBy == fromC);
    CHECK(stats.waits[2].endedBy == freed);
}

TEST_CASE("messages: lost, torn, duplicated and out-of-order messages, one sentence each", "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync, 3);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 65536, 8192);
    for (std::uint64_t k = 0; k < 4; ++k)
        b.send(A, 100 + k, P);
    for (std::uint64_t k = 0; k < 5; ++k)
        b.send(C, 110 + k, P);
    b.receive(B, 200, P, messageTag(A, 0));
    b.receive(B, 210, P, messageTag(A, 0));
    b.receive(C, 220, P, messageTag(A, 0));
    b.receive(B, 230, P, messageTag(A, 0));
    b.receive(B, 240, P, messageTag(A, 2));
    b.receive(B, 250, P, messageTag(A, 1));
    const auto tornRead = b.receive(B, 260, P, messageTag(A, 3));
    const auto torn = b.messageTorn(B, 261, P, messageTag(C, 2), 4096);
    b.brokenPipe(A, 300, P);
    const Trace trace = b.build();
    CHECK(sentencesOf(FindingKind::DuplicatedMessage, trace) ==
          std::vector<std::string>{
              "B received A's message 1 from pipe P twice.",
              "C received A's message 1 from pipe P, which B had already received.",
              "B received A's message 1 from pipe P 4 times.",
          });
    CHECK(sentencesOf(FindingKind::OutOfOrderMessage, trace) ==
          std::vector<std::string>{"B received A's message 2 from pipe P after A's message 3."});
    CHECK(sentencesOf(FindingKind::TornMessage, trace) ==
          std::vector<std::string>{"B read a torn message from pipe P: it began as A's message 4, but 4,096 of its "
                                   "8,192 bytes were C's message 3."});
    CHECK(sentencesOf(FindingKind::LostMessage, trace) ==
          std::vector<std::string>{
              // 9 sent, 7 reads: two were never read, the last two written that nobody saw.
              "C's message 4 was never received from pipe P.",
              "C's message 5 was never received from pipe P.",
              "A's message 5 never reached a reader: nobody read pipe P any more (broken pipe).",
          });
    const Finding tornFinding = findingsOf(FindingKind::TornMessage, trace).front();
    CHECK(tornFinding.workers == std::vector<std::uint32_t>{A, B, C});
    REQUIRE(tornFinding.events.size() == 3);
    CHECK(tornFinding.events[0] == tornRead);
    CHECK(tornFinding.events[1] == torn);
}

TEST_CASE("messages: a torn message whose read was not recorded, and lost messages hidden by a gap",
          "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync, 3);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 65536, 8192);
    b.send(A, 100, P);
    b.send(C, 110, P);
    b.drop(B, 1); // B's receive went missing: the send looks lost, but nothing may be concluded
    b.messageTorn(B, 200, P, messageTag(C, 0), 4096);
    b.brokenPipe(A, 300, P); // certain, gap or not
    const Trace trace = b.build();
    CHECK(sentencesOf(FindingKind::TornMessage, trace) ==
          std::vector<std::string>{"B read a torn message from pipe P: 4,096 of its 8,192 bytes were C's message 1."});
    CHECK(analyseMessages(trace).lost == 2); // the count says what was recorded
    CHECK(sentencesOf(FindingKind::LostMessage, trace) ==
          std::vector<std::string>{"A's message 2 never reached a reader: nobody read pipe P any more (broken pipe)."});
}

TEST_CASE("messages: a run that only waited is no race, a lost message is", "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t P = b.addChannel("P", ChannelKind::Pipe, 1024);
    b.send(A, 100, P);
    b.send(A, 110, P);
    b.blockedBegin(A, 120, P, kSend);
    b.receive(B, 200, P, messageTag(A, 0));
    b.blockedEnd(A, 210, P, kSend);
    b.send(A, 220, P);
    b.receive(B, 300, P, messageTag(A, 1));
    b.receive(B, 310, P, messageTag(A, 2));
    const Analysis waited = analyse(b.build());
    REQUIRE(waited.findings.size() == 1);
    CHECK(waited.findings[0].kind == FindingKind::BlockedWait);
    CHECK(waited.count(FindingKind::BlockedWait) == 1);
    CHECK_FALSE(waited.raced());
    CHECK(waited.firstRace() == nullptr);
    CHECK(waited.headline == "No race: every message sent arrived once, whole and in order.");

    b.send(A, 400, P); // never received
    const Analysis lost = analyse(b.build());
    CHECK(lost.raced());
    CHECK(lost.count(FindingKind::LostMessage) == 1);
    CHECK(lost.findings[0].kind == FindingKind::BlockedWait); // earlier, but no race: not the headline
    CHECK(lost.headline == "A's message 4 was never received from pipe P.");
}

TEST_CASE("messages: a message given up after EAGAIN is one dropped-message finding, and no race",
          "[analysis][messages]") {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t Q = b.addChannel("Q", ChannelKind::Queue, 2);
    b.send(A, 100, Q);
    b.send(A, 110, Q);
    b.wouldBlock(A, 120, Q, kSend);
    const std::uint64_t dropped = b.messageDropped(A, 130, Q); // A's third message
    b.receive(B, 200, Q, messageTag(A, 0));
    b.receive(B, 210, Q, messageTag(A, 1));
    const Trace trace = b.build();
    const auto found = findingsOf(FindingKind::DroppedMessage, trace);
    REQUIRE(found.size() == 1);
    CHECK(found[0].events == std::vector<std::uint64_t>{dropped});
    CHECK(found[0].sentence ==
          "A dropped A's message 3: queue Q was full (2 messages) and its send failed with EAGAIN instead of waiting.");
    const Analysis analysis = analyse(trace);
    CHECK_FALSE(analysis.raced());
    CHECK(analysis.headline == "No race: every message sent arrived once, whole and in order, but 1 item was dropped "
                               "when a send found no room and could not wait.");
}

TEST_CASE("messages: the finder rows name each kind, blocked waits and dropped messages are no race",
          "[analysis][messages]") {
    CHECK(findingKindName(FindingKind::LostMessage) == "lost-message");
    CHECK(findingKindInfo(FindingKind::LostMessage).jsonKey == "lost_messages");
    CHECK(findingKindInfo(FindingKind::TornMessage).jsonKey == "torn_messages");
    CHECK(findingKindInfo(FindingKind::DuplicatedMessage).jsonKey == "duplicated_messages");
    CHECK(findingKindInfo(FindingKind::OutOfOrderMessage).jsonKey == "out_of_order_messages");
    CHECK(findingKindInfo(FindingKind::BlockedWait).jsonKey == "blocked_waits");
    for (const FindingKindInfo& kind : kFindingKinds) {
        INFO(kind.name);
        CHECK(kind.isRace == (kind.kind != FindingKind::BlockedWait && kind.kind != FindingKind::DroppedMessage));
        const auto index = static_cast<std::size_t>(kind.kind);
        const bool mailbox = kind.kind >= FindingKind::BlankRead && kind.kind <= FindingKind::RepeatedRead;
        const bool memoryOrder = kind.kind == FindingKind::StoreBuffering; // added after the messages
        CHECK(kind.domain == (index < 3     ? FindingDomain::Memory
                              : memoryOrder ? FindingDomain::MemoryOrder
                              : mailbox     ? FindingDomain::Mailbox
                                            : FindingDomain::Channels));
    }
}
