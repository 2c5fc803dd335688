// The event-kind table and the sentences built from it (trace/event_kinds.hpp,
// trace/event_text.hpp).
#include "trace/event_text.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace racetrace;

namespace {

ScenarioInfo scenario() {
    ScenarioInfo info;
    info.variables = {declareVariable("Y", VariableRole::Flag, 1, 1), declareVariable("L", VariableRole::Lock),
                      declareVariable("counter", VariableRole::Counter), declareVariable("X", VariableRole::Record, 4)};
    return info;
}

Event event(EventKind kind, std::uint16_t variable, std::int64_t value, std::uint32_t aux = 0) {
    Event e{};
    e.kind = kind;
    e.variable = variable;
    e.value = value;
    e.aux = aux;
    return e;
}

constexpr std::uint16_t Y = 0, L = 1, C = 2, X = 3;

} // namespace

TEST_CASE("event kinds: one row per kind, each with its own stable name", "[trace][event-kinds]") {
    std::set<std::string_view> names;
    for (const EventKindInfo& row : kEventKinds) {
        CHECK_FALSE(row.name.empty());
        names.insert(row.name);
    }
    CHECK(names.size() == kEventKinds.size());
    CHECK(eventKindName(EventKind::RecordCheck) == "record-check");
    CHECK(eventKindName(static_cast<EventKind>(200)) == "invalid"); // a byte from a damaged file
}

TEST_CASE("event kinds: what an event reads and what it leaves in memory", "[trace][event-kinds]") {
    CHECK(valueWasRead(event(EventKind::Load, Y, 1)));
    CHECK_FALSE(changesMemory(event(EventKind::Load, Y, 1)));
    CHECK(changesMemory(event(EventKind::Store, Y, 0)));
    CHECK(writtenValue(event(EventKind::Store, Y, 0)) == 0);

    const Event exchange = event(EventKind::Exchange, L, 0, 1); // found 0, wrote 1
    CHECK(valueWasRead(exchange));
    CHECK(changesMemory(exchange));
    CHECK(writtenValue(exchange) == 1);

    const Event casWon = event(EventKind::CompareExchange, L, 3, 1),
                casLost = event(EventKind::CompareExchange, L, 2, 0);
    CHECK(changesMemory(casWon));
    CHECK(writtenValue(casWon) == 3);
    CHECK_FALSE(valueWasRead(casWon));
    CHECK_FALSE(changesMemory(casLost));
    CHECK(valueWasRead(casLost));

    const Event add = event(EventKind::FetchAdd, C, 41, static_cast<std::uint32_t>(-2));
    CHECK(writtenValue(add) == 39);
    CHECK(wordOf(event(EventKind::RecordWordWrite, X, 1, 2)) == 2);
    CHECK(wordOf(add) == 0); // aux is the delta, not a word
    CHECK(valueWasRead(event(EventKind::Spin, Y, 0, 500)));
}

TEST_CASE("event kinds: step mode gates every shared access and the critical-section marks", "[trace][event-kinds]") {
    for (const EventKindInfo& row : kEventKinds) {
        CAPTURE(row.name);
        if (row.kind == EventKind::Spin)
            CHECK_FALSE(row.gated); // repeats of a gated access, counted after
        else if (row.reads || row.writes)
            CHECK(row.gated);
    }
    CHECK(eventKindInfo(EventKind::CsEnter).gated);
    CHECK_FALSE(eventKindInfo(EventKind::WorkerStart).gated);
}

TEST_CASE("event text: what an access is about to do", "[trace][event-kinds]") {
    const ScenarioInfo s = scenario();
    CHECK(describeNextAccess(s, EventKind::Load, Y, 0, 0) == "read Y");
    CHECK(describeNextAccess(s, EventKind::Store, Y, 0, 0) == "write Y = 0");
    CHECK(describeNextAccess(s, EventKind::Exchange, L, 0, 1) == "test-and-set L (exchange with 1)");
    CHECK(describeNextAccess(s, EventKind::RecordWordWrite, X, 2, 1) == "write X[2] = 1");
    CHECK(describeNextAccess(s, EventKind::CsEnter, kNoVariable, 0, 0) == "enter the critical section");
    CHECK(describeNextAccess(s, EventKind::WorkerStart, kNoVariable, 0, 0) == "worker-start");
}

TEST_CASE("event text: what a recorded access did, with what its values mean", "[trace][event-kinds]") {
    const ScenarioInfo s = scenario();
    CHECK(describeEvent(s, event(EventKind::Load, Y, 1)) == "read Y = 1 (free)");
    CHECK(describeEvent(s, event(EventKind::Store, Y, 0)) == "wrote Y = 0 (in use)");
    CHECK(describeEvent(s, event(EventKind::Spin, Y, 0, 12)) == "kept reading Y = 0 (in use)");
    CHECK(describeEvent(s, event(EventKind::Exchange, L, 0, 1)) == "exchange on L: read 0 (free), wrote 1");
    CHECK(describeEvent(s, event(EventKind::CompareExchange, L, 2, 0)) == "compare-exchange on L failed: saw 2 (held)");
    CHECK(describeEvent(s, event(EventKind::CompareExchange, L, 1, 1)) ==
          "compare-exchange on L succeeded: stored 1 (held)");
    CHECK(describeEvent(s, event(EventKind::FetchAdd, C, 6, 1)) == "fetch-add on counter: read 6, added 1");
    CHECK(describeEvent(s, event(EventKind::RecordWordWrite, X, 2, 3)) == "wrote X[3] = 2");
    CHECK(describeEvent(s, event(EventKind::RecordCheck, X, 1, 0)) == "read back X[0] = 1");
    CHECK(describeEvent(s, event(EventKind::Load, 99, 5)) == "read variable #99 = 5"); // a damaged file
}

TEST_CASE("event text: a pattern's unknown placeholder is kept as written", "[trace][event-kinds]") {
    const ScenarioInfo s = scenario();
    CHECK(fillPattern("{var} {what} {number", s, Y, 0, 1, 0) == "Y {what} {number");
    CHECK(fillPattern("{success:yes|no}/{success:only}", s, Y, 0, 1, 0) == "no/");
    CHECK(fillPattern("{success:yes|no}", s, Y, 0, 1, 1) == "yes");
}
