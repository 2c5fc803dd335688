// Field-by-field comparison of two traces' metadata (everything but the
// events), for the file and metadata round-trip tests.
#pragma once

#include "trace/trace.hpp"

#include <catch2/catch.hpp>

namespace racetrace::test {

/// Checks every metadata field of `a` against `b`, naming the one that differs.
inline void requireSameMetadata(const Trace& a, const Trace& b) {
    CHECK(a.scenario.name == b.scenario.name);
    CHECK(a.scenario.title == b.scenario.title);
    CHECK(a.scenario.description == b.scenario.description);
    CHECK(a.scenario.source == b.scenario.source);
    REQUIRE(a.scenario.variables.size() == b.scenario.variables.size());
    for (std::size_t i = 0; i < a.scenario.variables.size(); ++i) {
        INFO("variable " << i);
        const auto &x = a.scenario.variables[i], &y = b.scenario.variables[i];
        CHECK(x.name == y.name);
        CHECK(x.role == y.role);
        CHECK(x.words == y.words);
        CHECK(x.initial == y.initial);
        CHECK(x.firstWord == y.firstWord);
        CHECK(x.meanings.free == y.meanings.free);
        REQUIRE(x.meanings.words.size() == y.meanings.words.size());
        for (std::size_t k = 0; k < x.meanings.words.size(); ++k) {
            CHECK(x.meanings.words[k].value == y.meanings.words[k].value);
            CHECK(x.meanings.words[k].words == y.meanings.words[k].words);
        }
        CHECK(x.meanings.otherWords == y.meanings.otherWords);
    }
    REQUIRE(a.scenario.programs.size() == b.scenario.programs.size());
    for (std::size_t i = 0; i < a.scenario.programs.size(); ++i) {
        CHECK(a.scenario.programs[i].role == b.scenario.programs[i].role);
        REQUIRE(a.scenario.programs[i].lines.size() == b.scenario.programs[i].lines.size());
        for (std::size_t l = 0; l < a.scenario.programs[i].lines.size(); ++l)
            CHECK(a.scenario.programs[i].lines[l].text == b.scenario.programs[i].lines[l].text);
    }
    REQUIRE(a.scenario.invariants.size() == b.scenario.invariants.size());
    for (std::size_t i = 0; i < a.scenario.invariants.size(); ++i) {
        CHECK(a.scenario.invariants[i].text == b.scenario.invariants[i].text);
        CHECK(a.scenario.invariants[i].variable == b.scenario.invariants[i].variable);
        CHECK(a.scenario.invariants[i].expected == b.scenario.invariants[i].expected);
    }
    CHECK(a.settings.scenario == b.settings.scenario);
    CHECK(a.settings.workers == b.settings.workers);
    CHECK(a.settings.iterations == b.settings.iterations);
    CHECK(a.settings.windowNs == b.settings.windowNs);
    CHECK(a.settings.pin == b.settings.pin);
    CHECK(a.settings.seed == b.settings.seed);
    CHECK(a.settings.traceEnabled == b.settings.traceEnabled);
    CHECK(a.settings.watchdogSeconds == b.settings.watchdogSeconds);
    CHECK(a.machine.cpuModel == b.machine.cpuModel);
    CHECK(a.machine.cores == b.machine.cores);
    CHECK(a.machine.kernel == b.machine.kernel);
    CHECK(a.clock.kind == b.clock.kind);
    CHECK(a.clock.ticksPerNs == b.clock.ticksPerNs);
    REQUIRE(a.workers.size() == b.workers.size());
    for (std::size_t i = 0; i < a.workers.size(); ++i) {
        INFO("worker " << i);
        const auto &x = a.workers[i], &y = b.workers[i];
        CHECK(x.index == y.index);
        CHECK(x.pid == y.pid);
        CHECK(x.role == y.role);
        CHECK(x.dropped == y.dropped);
        CHECK(x.iterationsDone == y.iterationsDone);
        CHECK(x.exit.how == y.exit.how);
        CHECK(x.exit.code == y.exit.code);
        CHECK(x.exit.signal == y.exit.signal);
        CHECK(x.cpus == y.cpus);
    }
    CHECK(a.finalWords == b.finalWords);
    CHECK(a.stopReason == b.stopReason);
    CHECK(a.durationNs == b.durationNs);
    REQUIRE(a.orderRepair.has_value() == b.orderRepair.has_value());
    if (a.orderRepair) {
        CHECK(a.orderRepair->moved == b.orderRepair->moved);
        CHECK(a.orderRepair->restamped == b.orderRepair->restamped);
        CHECK(a.orderRepair->maxShiftNs == b.orderRepair->maxShiftNs);
        CHECK(a.orderRepair->conflicts == b.orderRepair->conflicts);
        CHECK(a.orderRepair->conflictEvents == b.orderRepair->conflictEvents);
    }
    REQUIRE(a.keptOrders.has_value() == b.keptOrders.has_value());
    if (a.keptOrders) {
        const KeptMemoryOrders &x = *a.keptOrders, &y = *b.keptOrders;
        CHECK(x.readsUnlikeTraceOrder == y.readsUnlikeTraceOrder);
        CHECK(x.searched == y.searched);
        REQUIRE(x.locations.size() == y.locations.size());
        for (std::size_t i = 0; i < x.locations.size(); ++i) {
            CHECK(x.locations[i].variable == y.locations[i].variable);
            CHECK(x.locations[i].word == y.locations[i].word);
            CHECK(x.locations[i].conflicts == y.locations[i].conflicts);
            CHECK(x.locations[i].writesUnlikeTraceOrder == y.locations[i].writesUnlikeTraceOrder);
        }
    }
}

} // namespace racetrace::test
