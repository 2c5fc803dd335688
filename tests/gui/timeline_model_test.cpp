// What the timeline prepares once per document (gui/timeline/timeline_model.hpp):
// lanes with their events' positions and tick kinds, stays and findings as
// intervals on both axes, and the conversions between the axes. No window.
#include "gui/timeline/timeline_model.hpp"
#include "session/document.hpp"

#include "support/trace_builder.hpp"

#include <catch2/catch.hpp>

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
