// countMessages on hand-made traces: every count exact, the accounting
// sent = received whole + torn + lost, and blocked time closed by a kill.
#include "analysis/message_counts.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;

namespace {

Event channelEvent(EventKind kind, std::uint8_t worker, std::uint64_t ns, std::int64_t value = 0,
                   std::uint32_t aux = 0) {
    Event e{};
    e.kind = kind;
    e.worker = worker;
    e.timestamp = ns;
    e.value = value;
    e.aux = aux;
    e.variable = 0;
    return e;
}

Trace twoWorkersOnePipe() {
    Trace trace;
    trace.scenario.channels.push_back(ChannelInfo{});
    trace.workers.resize(2);
    trace.durationNs = 1000;
    return trace;
}

} // namespace

TEST_CASE("message counts: delivered, duplicated, out of order, torn, lost, dropped", "[analysis][channels]") {
    Trace trace = twoWorkersOnePipe();
    auto& ev = trace.events;
    for (std::uint64_t s = 0; s < 5; ++s)
        ev.push_back(channelEvent(EventKind::Send, 0, 10 + s, messageTag(0, s)));
    ev.push_back(channelEvent(EventKind::Receive, 1, 20, messageTag(0, 0)));
    ev.push_back(channelEvent(EventKind::Receive, 1, 21, messageTag(0, 2)));
    ev.push_back(channelEvent(EventKind::Receive, 1, 22, messageTag(0, 1))); // after message 3: out of order
    ev.push_back(channelEvent(EventKind::Receive, 1, 23, messageTag(0, 1))); // again: duplicated
    ev.push_back(channelEvent(EventKind::Receive, 1, 24, messageTag(0, 3)));
    ev.push_back(channelEvent(EventKind::MessageTorn, 1, 24, messageTag(0, 4), 8)); // message 4 is torn
    ev.push_back(channelEvent(EventKind::WouldBlock, 0, 30, messageTag(0, 5), 1));
    ev.push_back(channelEvent(EventKind::MessageDropped, 0, 31, messageTag(0, 5)));
    ev.push_back(channelEvent(EventKind::BrokenPipe, 0, 32, messageTag(0, 6)));
    const MessageCounts counts = countMessages(trace);
    CHECK(counts.sent == 5);
    CHECK(counts.received == 5);
    CHECK(counts.torn == 1);
    CHECK(counts.duplicated == 1);
    CHECK(counts.outOfOrder == 1);
    CHECK(counts.wouldBlock == 1);
    CHECK(counts.dropped == 1);
    // Whole: 0, 1, 2 (3 is torn); 5 sent = 3 whole + 1 torn + 1 lost, and the broken pipe's message.
    CHECK(counts.lost == 2);
}

TEST_CASE("message counts: blocked time, closed by the end or by a kill", "[analysis][channels]") {
    Trace trace = twoWorkersOnePipe();
    auto& ev = trace.events;
    ev.push_back(channelEvent(EventKind::BlockedBegin, 0, 100, 0, 1));
    ev.push_back(channelEvent(EventKind::BlockedEnd, 0, 250, 0, 1));
    ev.push_back(channelEvent(EventKind::BlockedBegin, 1, 300));
    ev.push_back(channelEvent(EventKind::WorkerKilled, 1, 700));
    ev.push_back(channelEvent(EventKind::BlockedBegin, 0, 900));
    const MessageCounts counts = countMessages(trace);
    REQUIRE(counts.blockedNs.size() == 2);
    CHECK(counts.blockedNs[0] == 150 + 100); // the last wait runs to the end of the run (1000 ns)
    CHECK(counts.blockedNs[1] == 400);
}

TEST_CASE("message counts are zeros for a trace without channels", "[analysis][channels]") {
    Trace trace;
    trace.workers.resize(3);
    const MessageCounts counts = countMessages(trace);
    CHECK(counts.sent + counts.received + counts.lost + counts.torn + counts.duplicated + counts.outOfOrder +
              counts.wouldBlock + counts.dropped ==
          0);
    CHECK(counts.blockedNs == std::vector<std::uint64_t>(3, 0));
}
