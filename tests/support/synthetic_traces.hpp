// Synthetic traces for tests and benchmarks that need many events of every
// kind (tests/analysis/memory_timeline_test.cpp, tests/bench/trace_index_bench.cpp),
// and the rules of shared memory written out once more, as plainly as possible,
// for the memory timeline to be checked against.
#pragma once

#include "analysis/trace_index.hpp"
#include "trace/event.hpp"
#include "trace/trace.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace racetrace::test {

/// One event with the fields the memory rules look at; seq, line and cpu 0.
inline Event rawEvent(std::uint64_t ns, std::uint32_t worker, EventKind kind, std::uint16_t variable,
                      std::int64_t value, std::uint32_t aux) {
    Event e{};
    e.timestamp = ns;
    e.worker = static_cast<std::uint8_t>(worker);
    e.kind = kind;
    e.variable = variable;
    e.value = value;
    e.aux = aux;
    return e;
}

/// The rules written out once more, as plainly as possible: the memory before
/// any event, and one event applied to it. What the checkpoints must agree with.
inline MemorySnapshot initialMemory(const Trace& trace) {
    const auto& variables = trace.scenario.variables;
    std::uint64_t area = trace.finalWords.size();
    for (const auto& v : variables)
        area = std::max<std::uint64_t>(area, std::uint64_t{v.firstWord} + v.words);
    MemorySnapshot memory{std::vector<std::int64_t>(area, 0), std::vector<std::int32_t>(area, -1)};
    for (const auto& v : variables)
        for (std::uint64_t k = 0; k < v.words; ++k)
            memory.words[v.firstWord + k] = v.initial;
    return memory;
}

inline void replayOne(const Trace& trace, const Event& e, MemorySnapshot& memory) {
    const auto& variables = trace.scenario.variables;
    bool writes = false;
    bool plain = false;
    std::uint64_t word = 0;
    std::int64_t value = 0;
    switch (e.kind) {
    case EventKind::Store:
    case EventKind::RecordWordWrite:
        writes = plain = true;
        word = e.aux;
        value = e.value;
        break;
    case EventKind::Exchange:
        writes = true;
        value = static_cast<std::int32_t>(e.aux);
        break;
    case EventKind::FetchAdd:
        writes = true;
        value = static_cast<std::int64_t>(static_cast<std::uint64_t>(e.value) +
                                          static_cast<std::uint64_t>(std::int64_t{static_cast<std::int32_t>(e.aux)}));
        break;
    case EventKind::CompareExchange:
        writes = e.aux == 1;
        value = e.value;
        break;
    default: break;
    }
    if (!writes || e.variable >= variables.size() || word >= variables[e.variable].words) return;
    const std::uint64_t at = variables[e.variable].firstWord + word;
    if (plain || memory.words[at] != value) memory.lastWriter[at] = e.worker;
    memory.words[at] = value;
}

/// A deterministic jumble of every kind of event on five variables (a flag, a
/// lock, a counter, a 4-word record, a 3-word array), with writes of equal
/// values, word indices and variables out of range, and events that write nothing.
inline Trace jumble(std::uint64_t count) {
    Trace trace;
    trace.workers.resize(3);
    auto& v = trace.scenario.variables;
    v.push_back(declareVariable("Y", VariableRole::Flag, 1, 1, 0));
    v.push_back(declareVariable("L", VariableRole::Lock, 1, 0, 1));
    v.push_back(declareVariable("counter", VariableRole::Counter, 1, 0, 2));
    v.push_back(declareVariable("X", VariableRole::Record, 4, 0, 3));
    v.push_back(declareVariable("arr", VariableRole::Word, 3, 7, 7));
    trace.finalWords.assign(12, 0); // two words past the last variable
    MemorySnapshot memory = initialMemory(trace);
    std::uint64_t state = 12345;
    const auto next = [&state](std::uint64_t bound) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % bound;
    };
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto worker = static_cast<std::uint32_t>(next(3));
        const auto variable = static_cast<std::uint16_t>(next(6)); // 5 is out of range
        const auto small = static_cast<std::int64_t>(next(3));
        Event e{};
        switch (next(9)) {
        case 0: e = rawEvent(0, worker, EventKind::Load, variable, small, static_cast<std::uint32_t>(next(4))); break;
        case 1: e = rawEvent(0, worker, EventKind::Store, variable, small, static_cast<std::uint32_t>(next(5))); break;
        case 2:
            e = rawEvent(0, worker, EventKind::Exchange, variable, small, static_cast<std::uint32_t>(next(2)));
            break;
        case 3:
            // Like the real thing, a fetch-add records the value it found, so
            // replaying one twice (a checkpoint one event off) shows.
            e = rawEvent(0, worker, EventKind::FetchAdd, variable,
                         variable < v.size() ? memory.words[v[variable].firstWord] : small,
                         static_cast<std::uint32_t>(static_cast<std::int32_t>(next(3)) - 1));
            break;
        case 4:
            e = rawEvent(0, worker, EventKind::CompareExchange, variable, small, static_cast<std::uint32_t>(next(2)));
            break;
        case 5:
            e = rawEvent(0, worker, EventKind::RecordWordWrite, variable, worker + 1,
                         static_cast<std::uint32_t>(next(6)));
            break;
        case 6: e = rawEvent(0, worker, EventKind::RecordCheck, 3, small, static_cast<std::uint32_t>(next(4))); break;
        case 7: e = rawEvent(0, worker, EventKind::Spin, variable, small, 17); break;
        default: e = rawEvent(0, worker, EventKind::CsEnter, kNoVariable, 0, 0); break;
        }
        e.timestamp = 100 + 3 * i;
        trace.events.push_back(e);
        replayOne(trace, e, memory);
    }
    return trace;
}

/// `count` loads and stores of one counter by four workers, in a scattered
/// order (worker i * 7919 mod 4), 10 ns apart: what a trace index sorts into lanes.
inline Trace interleavedAccesses(std::uint64_t count) {
    Trace trace;
    trace.workers.resize(4);
    trace.scenario.variables.push_back(declareVariable("counter", VariableRole::Counter, 1, 0));
    trace.finalWords.assign(1, 0);
    trace.events.resize(count);
    std::array<std::uint32_t, 4> seq{};
    for (std::uint64_t i = 0; i < count; ++i) {
        Event& e = trace.events[i];
        e = Event{};
        e.timestamp = i * 10;
        e.worker = static_cast<std::uint8_t>((i * 7919) % 4);
        e.seq = seq[e.worker]++;
        e.kind = i % 2 == 0 ? EventKind::Load : EventKind::Store;
        e.value = static_cast<std::int64_t>(i);
    }
    return trace;
}

} // namespace racetrace::test
