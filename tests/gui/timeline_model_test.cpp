// What the timeline prepares once per document (gui/timeline/timeline_model.hpp):
// lanes with their events' positions and tick kinds, stays and findings as
// intervals on both axes, and the conversions between the axes. No window.
#include "gui/panels/legend.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "session/document.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

#include <random>

#include <algorithm>

using namespace racetrace;
using namespace racetrace::test;

namespace {

constexpr std::uint16_t bit(TickKind kind) {
    return static_cast<std::uint16_t>(1u << static_cast<unsigned>(kind));
}

/// The naive flag's race: A and B both read Y free, both set it, both enter.
/// Without `finished`, both are still inside when the trace ends (a live step-mode trace).
std::shared_ptr<const TraceDocument> raceDocument(bool finished) {
    TraceBuilder b(Shape::NaiveFlag);
    b.load(A, 100, b.guard());
    b.load(B, 110, b.guard());
    b.store(A, 120, b.guard(), 0);
    b.store(B, 130, b.guard(), 0);
    b.csEnter(A, 140);
    b.csEnter(B, 150);
    if (finished) {
        b.csExit(A, 300);
        b.csExit(B, 310);
        b.exited(A, 400);
        b.exited(B, 410);
    }
    return buildDocument(b.build(), "race", "");
}

} // namespace

TEST_CASE("timeline model: one lane per worker, each event at its stamp and classified", "[gui][timeline-model]") {
    const auto document = raceDocument(true);
    const TimelineModel model(document);
    REQUIRE(model.lanes().size() == 2);
    const LaneModel& a = model.lanes()[A];
    REQUIRE(a.size() == 5); // load, store, enter, exit, exit of the program
    for (std::size_t k = 0; k < a.size(); ++k) {
        CHECK(a.x(TimeAxis::RealTime, k) == static_cast<double>(document->trace.events[a.events[k]].timestamp));
        CHECK(a.x(TimeAxis::EventOrder, k) == static_cast<double>(a.events[k]));
    }
    // The tree's OR over a range: the flag read and the flag write; the write is the one drawn.
    CHECK(a.mask(0, 2) == (bit(TickKind::FlagRead) | bit(TickKind::FlagWrite)));
    CHECK(dominantTick(a.mask(0, 2)) == TickKind::FlagWrite);
    CHECK(a.mask(0, 1) == bit(TickKind::FlagRead));
    CHECK(a.lifecycle.size() == 1); // the program's exit
    CHECK_FALSE(a.openStay);
    CHECK(a.lowerBound(TimeAxis::RealTime, 125.0) == 2);
}

TEST_CASE("timeline model: tick kinds follow the event kind and what the variable is for", "[gui][timeline-model]") {
    TraceBuilder b(Shape::TasMutex);
    b.exchange(A, 100, b.guard(), 1); // found it free: taken
    b.exchange(B, 110, b.guard(), 1); // found it held: a try
    b.load(B, 120, b.counter());
    b.store(A, 130, b.guard(), 0);
    const Trace trace = b.build();
    CHECK(tickKindOf(trace, trace.events[0]) == TickKind::LockAcquire);
    CHECK(tickKindOf(trace, trace.events[1]) == TickKind::LockTry);
    CHECK(tickKindOf(trace, trace.events[2]) == TickKind::DataRead);
    CHECK(tickKindOf(trace, trace.events[3]) == TickKind::LockRelease);
}

TEST_CASE("timeline model: an overlap spans both lanes on both axes", "[gui][timeline-model]") {
    const auto document = raceDocument(true);
    const TimelineModel model(document);
    REQUIRE(document->analysis.findings.size() >= 1);
    REQUIRE(document->analysis.findings[0].kind == FindingKind::Overlap);
    double begin = 0, end = 0;
    REQUIRE(model.findingExtent(0, TimeAxis::RealTime, begin, end));
    CHECK(begin == 150.0); // B entered while A was inside
    CHECK(end == 300.0);   // until A left
    REQUIRE(model.findingExtent(0, TimeAxis::EventOrder, begin, end));
    CHECK(begin == 5.0); // B's enter is the sixth event
    CHECK(end == 6.0);   // A's exit the seventh
    CHECK_FALSE(model.findingExtent(99, TimeAxis::RealTime, begin, end));
    bool found = false;
    for (const FindingGroup& group : model.groups())
        found = found || (group.kind == FindingKind::Overlap && group.lanes == std::vector<std::uint32_t>{A, B});
    CHECK(found);
    CHECK_FALSE(model.isOpenFinding(0));
}

// Each finding is placed in event order by searching on from where the
// previous one began (findings come in time order): it must land where a
// search of every event puts it, also where stamps tie.
TEST_CASE("timeline model: overlaps are placed in event order where a search of every event puts them",
          "[gui][timeline-model]") {
    TraceBuilder b(Shape::NaiveFlag);
    std::uint64_t t = 100;
    for (std::uint64_t round = 0; round < 300; ++round, t += 40) {
        b.load(A, t, b.guard()); // both see Y free, at the same stamp
        b.load(B, t, b.guard());
        b.store(A, t + 5, b.guard(), 0);
        b.store(B, t + 5, b.guard(), 0);
        b.csEnter(A, t + 10);
        b.csEnter(B, t + 10 + round % 3);
        b.csExit(A, t + 20 + round % 7);
        b.csExit(B, t + 20);
        b.store(A, t + 30, b.guard(), 1);
        b.store(B, t + 31, b.guard(), 1);
    }
    const auto document = buildDocument(b.build(), "overlaps", "");
    const TimelineModel model(document);
    const auto& events = document->trace.events;
    const auto& findings = document->analysis.findings;
    std::size_t overlaps = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (findings[i].kind != FindingKind::Overlap) continue;
        ++overlaps;
        const std::uint64_t beginNs = findings[i].beginNs, endNs = std::max(beginNs, findings[i].endNs);
        const auto first =
            std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.timestamp >= beginNs; });
        const auto after =
            std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.timestamp > endNs; });
        const auto firstIndex =
            static_cast<double>(std::min(first - events.begin(), std::ptrdiff_t(events.size() - 1)));
        const auto lastIndex = static_cast<double>(after == events.begin() ? 0 : after - events.begin() - 1);
        double begin = 0, end = 0;
        INFO("finding " << i);
        REQUIRE(model.findingExtent(static_cast<int>(i), TimeAxis::EventOrder, begin, end));
        CHECK(begin == firstIndex);
        CHECK(end == std::max(firstIndex, lastIndex));
    }
    CHECK(overlaps >= 300);
}

TEST_CASE("timeline model: positions convert between the axes and find the nearest event", "[gui][timeline-model]") {
    const auto document = raceDocument(true);
    const TimelineModel model(document);
    const auto& events = document->trace.events;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const double ns = static_cast<double>(events[i].timestamp);
        CHECK(model.convert(ns, TimeAxis::RealTime, TimeAxis::EventOrder) == Approx(static_cast<double>(i)));
        CHECK(model.convert(static_cast<double>(i), TimeAxis::EventOrder, TimeAxis::RealTime) == Approx(ns));
    }
    CHECK(model.nearestEvent(TimeAxis::RealTime, 148.0) == 5);
    CHECK(model.nearestEvent(TimeAxis::EventOrder, 2.4) == 2);
    CHECK(model.fullEnd(TimeAxis::EventOrder) == static_cast<double>(events.size() - 1));
}

TEST_CASE("timeline model: stays still going on reach the slot of the access to come", "[gui][timeline-model]") {
    const auto document = raceDocument(false); // both inside, neither has left
    const TimelineModel model(document);
    const std::size_t count = document->trace.events.size();
    CHECK(model.lanes()[A].openStay);
    CHECK(model.lanes()[B].openStay);
    CHECK(model.fullEnd(TimeAxis::EventOrder) == static_cast<double>(count));
    REQUIRE_FALSE(document->analysis.findings.empty());
    CHECK(model.isOpenFinding(0));
    double begin = 0, end = 0;
    REQUIRE(model.findingExtent(0, TimeAxis::EventOrder, begin, end));
    CHECK(end == static_cast<double>(count));
}

TEST_CASE("timeline model: intervals closer than the merge gap are drawn as one run", "[gui][timeline-model]") {
    IntervalRuns runs;
    runs.add(10.0, 11.0, 2);
    runs.add(0.0, 1.0, 0);
    runs.add(1.5, 2.0, 1);
    runs.finish();
    std::vector<std::tuple<std::size_t, std::size_t, double, double>> seen;
    const auto collect = [&](std::size_t first, std::size_t last, double b, double e) {
        seen.emplace_back(first, last, b, e);
    };
    runs.forEachRun(0.0, 20.0, 1.0, collect); // 1.0 merges the first two
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == std::tuple{std::size_t{0}, std::size_t{2}, 0.0, 2.0});
    CHECK(runs.item(0) == 0);
    CHECK(seen[1] == std::tuple{std::size_t{2}, std::size_t{3}, 10.0, 11.0});
    seen.clear();
    runs.forEachRun(0.0, 20.0, 0.1, collect);
    CHECK(seen.size() == 3);
    seen.clear();
    runs.forEachRun(5.0, 9.0, 0.1, collect); // nothing touches it
    CHECK(seen.empty());
}

TEST_CASE("timeline model: merged runs match merging the entries one by one, and end at the view's edge",
          "[gui][timeline-model]") {
    // The reference walks every entry: a run takes the next entry while it
    // begins within the merge gap of the run's end and inside the view.
    std::mt19937_64 random(7);
    for (int trial = 0; trial < 300; ++trial) {
        IntervalRuns runs;
        std::vector<std::pair<double, double>> entries;
        const int n = 1 + static_cast<int>(random() % 200);
        for (int k = 0; k < n; ++k) {
            const double begin = static_cast<double>(random() % 1000);
            // Mostly short stays; now and then one that reaches far (a long wait).
            const double length = random() % 20 == 0 ? static_cast<double>(random() % 2000) : random() % 5;
            entries.emplace_back(begin, begin + length);
            runs.add(begin, begin + length, static_cast<std::uint32_t>(k));
        }
        runs.finish();
        // In the order finish() keeps them: by begin, ties as added.
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        const double from = static_cast<double>(random() % 1000), to = from + static_cast<double>(random() % 400);
        const double gap = static_cast<double>(random() % 8);

        std::vector<std::tuple<std::size_t, std::size_t, double, double>> expected, seen;
        std::size_t i = 0;
        double maxEnd = -1;
        while (i < entries.size() && std::max(maxEnd, entries[i].second) < from)
            maxEnd = std::max(maxEnd, entries[i++].second);
        while (i < entries.size() && entries[i].first <= to) {
            std::size_t j = i + 1;
            double end = std::max(maxEnd, entries[i].second);
            while (j < entries.size() && entries[j].first <= end + gap && entries[j].first <= to)
                end = std::max(end, entries[j++].second);
            expected.emplace_back(i, j, entries[i].first, end);
            maxEnd = end;
            i = j;
        }
        runs.forEachRun(from, to, gap, [&](std::size_t first, std::size_t last, double b, double e) {
            seen.emplace_back(first, last, b, e);
        });
        const auto text = [](const auto& list) {
            std::string out;
            for (const auto& [first, last, b, e] : list)
                out += "[" + std::to_string(first) + ", " + std::to_string(last) + ") " + std::to_string(b) + "-" +
                       std::to_string(e) + "; ";
            return out;
        };
        INFO("trial " << trial << ": " << n << " entries, view [" << from << ", " << to << "], gap " << gap
                      << "\nseen:     " << text(seen) << "\nexpected: " << text(expected));
        REQUIRE(seen == expected);
    }
}

namespace {

/// A writes three messages into a pipe of capacity 2; B blocks for the first,
/// reads two, then A blocks on a full pipe until B reads again.
std::shared_ptr<const TraceDocument> pipeDocument() {
    TraceBuilder b(Shape::NoSync);
    const std::uint16_t pipe = b.addChannel("P", ChannelKind::Pipe, 2 * 512, 512);
    b.blockedBegin(B, 100, pipe, ChannelDirection::Receive);
    const std::int64_t first = b.nextTag(A, pipe);
    b.send(A, 150, pipe);
    b.blockedEnd(B, 160, pipe, ChannelDirection::Receive);
    b.receive(B, 170, pipe, first);
    const std::int64_t second = b.nextTag(A, pipe);
    b.send(A, 200, pipe);
    const std::int64_t third = b.nextTag(A, pipe);
    b.send(A, 210, pipe);
    b.wouldBlock(A, 220, pipe, ChannelDirection::Send);
    b.receive(B, 300, pipe, second);
    b.receive(B, 310, pipe, third);
    b.endOfFile(B, 320, pipe);
    return buildDocument(b.build(), "pipe", "");
}

} // namespace

TEST_CASE("timeline model: sends and receives are message ticks, other channel events marks", "[gui][timeline-model]") {
    const auto document = pipeDocument();
    const Trace& trace = document->trace;
    const TimelineModel model(document);
    CHECK(tickKindOf(trace, trace.events[1]) == TickKind::MessageSend);
    CHECK(tickKindOf(trace, trace.events[3]) == TickKind::MessageReceive);
    CHECK(tickKindName(TickKind::MessageSend) == "message sent");
    CHECK(isTallTick(TickKind::MessageSend));
    CHECK_FALSE(isTallTick(TickKind::MessageReceive));
    const LaneModel& a = model.lanes()[A];
    const LaneModel& b = model.lanes()[B];
    CHECK(a.marks[static_cast<std::size_t>(ChannelMark::WouldBlock)] == std::vector<std::uint64_t>{6});
    CHECK(b.marks[static_cast<std::size_t>(ChannelMark::EndOfFile)] == std::vector<std::uint64_t>{9});
    CHECK(b.marks[static_cast<std::size_t>(ChannelMark::WouldBlock)].empty());
    CHECK(channelMarkOf(EventKind::Send) == ChannelMark::Count);
}

TEST_CASE("timeline model: a blocked wait is an interval in its worker's lane on both axes", "[gui][timeline-model]") {
    const auto document = pipeDocument();
    const TimelineModel model(document);
    REQUIRE(document->analysis.messages.waits.size() == 1);
    const LaneModel& b = model.lanes()[B];
    REQUIRE(b.blocked[0].size() == 1);
    CHECK(model.lanes()[A].blocked[0].size() == 0);
    std::vector<double> seen;
    b.blocked[0].forEachRun(0.0, 1000.0, 0.0, [&](std::size_t first, std::size_t, double begin, double end) {
        CHECK(b.blocked[0].item(first) == 0);
        seen = {begin, end};
    });
    CHECK(seen == std::vector<double>{100.0, 160.0});
    b.blocked[1].forEachRun(0.0, 100.0, 0.0, [&](std::size_t, std::size_t, double begin, double end) {
        seen = {begin, end};
    });
    CHECK(seen == std::vector<double>{0.0, 2.0}); // from the BlockedBegin to the BlockedEnd, by index
}

TEST_CASE("timeline model: a channel's fill level answers the most held in any range", "[gui][timeline-model]") {
    const auto document = pipeDocument();
    const TimelineModel model(document);
    REQUIRE(model.channels().size() == 1);
    const ChannelModel& pipe = model.channels()[0];
    CHECK(pipe.capacity == 2);
    CHECK(pipe.maxHeld == 2);
    REQUIRE(pipe.size() == 6); // three sends, three receives
    const std::vector<std::uint32_t> held = {1, 0, 1, 2, 1, 0};
    for (std::size_t k = 0; k < held.size(); ++k)
        CHECK(pipe.held(k) == held[k]);
    CHECK(pipe.maxHeldIn(0, 6) == 2);
    CHECK(pipe.maxHeldIn(0, 3) == 1);
    CHECK(pipe.maxHeldIn(4, 6) == 1);
    CHECK(pipe.maxHeldIn(3, 3) == 0);
    CHECK(pipe.lowerBound(TimeAxis::RealTime, 205.0) == 3);
    CHECK(pipe.lowerBound(TimeAxis::EventOrder, 5.0) == 3);
    CHECK(pipe.x[0][3] == 210.0);
    CHECK(pipe.x[1][3] == 5.0);
}

TEST_CASE("timeline model: each receive with a known send is an arrow", "[gui][timeline-model]") {
    const auto document = pipeDocument();
    const TimelineModel model(document);
    const auto& arrows = model.arrows();
    REQUIRE(arrows.size() == 3);
    CHECK(arrows[0].send == 1);
    CHECK(arrows[0].receive == 3);
    CHECK(arrows[1].send == 4);
    CHECK(arrows[1].receive == 7);
    CHECK(arrows[2].send == 5);
    CHECK(arrows[2].receive == 8);
}

TEST_CASE("timeline model: the legend of a channel trace lists what it contains", "[gui][timeline-model]") {
    const LegendContent content = legendContentOf(*pipeDocument());
    auto has = [&](TickKind kind) { return (content.ticks & bit(kind)) != 0; };
    CHECK(has(TickKind::MessageSend));
    CHECK(has(TickKind::MessageReceive));
    CHECK_FALSE(has(TickKind::DataWrite));
    CHECK_FALSE(has(TickKind::DataRead));
    const auto markBit = [](ChannelMark mark) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(mark)); };
    CHECK(content.channelMarks == (markBit(ChannelMark::WouldBlock) | markBit(ChannelMark::EndOfFile)));
    CHECK(content.blocked);
    CHECK(content.channelFill);
    CHECK(content.messageArrows);
    const LegendContent race = legendContentOf(*raceDocument(true));
    CHECK(race.channelMarks == 0);
    CHECK_FALSE(race.blocked);
    CHECK_FALSE(race.channelFill);
    CHECK_FALSE(race.messageArrows);
}

TEST_CASE("timeline model: store buffering is drawn between both lanes, from the first store to the last read",
          "[gui][timeline-model]") {
    TraceBuilder b(Shape::NaiveFlag);
    b.store(A, 100, b.guard(), 0);
    b.store(B, 110, b.counter(), 1);
    b.loadValue(A, 120, b.counter(), 0);
    b.loadValue(B, 130, b.guard(), 1);
    const auto document = buildDocument(b.build(), "store buffering", "");
    const TimelineModel model(document);
    const auto& findings = document->analysis.findings;
    const auto it = std::find_if(findings.begin(), findings.end(),
                                 [](const Finding& f) { return f.kind == FindingKind::StoreBuffering; });
    REQUIRE(it != findings.end());
    const int index = static_cast<int>(it - findings.begin());
    double begin = 0, end = 0;
    REQUIRE(model.findingExtent(index, TimeAxis::RealTime, begin, end));
    CHECK(begin == 100.0);
    CHECK(end == 130.0);
    bool found = false;
    for (const FindingGroup& group : model.groups())
        found = found || (group.kind == FindingKind::StoreBuffering && group.lanes == std::vector<std::uint32_t>{A, B});
    CHECK(found);
    CHECK(legendContentOf(*document).storeBuffering);
}
