// Hand-built traces with known answers for the unit tests (analysis, trace and
// lab). The builder describes one of the built-in scenarios (its variables,
// program lines and counter invariant), simulates the shared memory as events
// are added, so loads and checks read what is really there, and fills the final
// memory on build().
//
// Add events in time order: the simulated memory follows the order of the calls.
#pragma once

#include "trace/event_order.hpp"
#include "trace/trace.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace racetrace::test {

inline constexpr std::uint32_t A = 0;
inline constexpr std::uint32_t B = 1;
inline constexpr std::uint32_t C = 2;

enum class Shape { NaiveFlag, TasMutex, NoSync };

class TraceBuilder {
  public:
    // Program lines as the lab's interpreter numbers them (Event::line).
    static constexpr std::uint16_t kEntryLine = 0, kClaimLine = 1, kEnterLine = 2, kCounterLine = 3,
                                   kRecordWriteLine = 4, kCheckLine = 5, kExitLine = 6, kReleaseLine = 7;

    explicit TraceBuilder(Shape scenario, std::uint32_t workers = 2, std::uint32_t recordWords = 4)
        : m_scenario(scenario), m_recordWords(recordWords) {
        auto& info = m_trace.scenario;
        if (scenario == Shape::NaiveFlag) info.variables.push_back(declareVariable("Y", VariableRole::Flag, 1, 1));
        if (scenario == Shape::TasMutex) info.variables.push_back(declareVariable("L", VariableRole::Lock, 1, 0));
        if (scenario != Shape::NoSync) m_guard = 0;
        m_counter = static_cast<std::uint16_t>(info.variables.size());
        info.variables.push_back(declareVariable("counter", VariableRole::Counter, 1, 0));
        m_record = static_cast<std::uint16_t>(info.variables.size());
        info.variables.push_back(declareVariable("X", VariableRole::Record, recordWords, 0));
        std::uint32_t word = 0;
        for (auto& variable : info.variables) {
            variable.firstWord = word;
            word += variable.words;
            m_memory.emplace_back(variable.words, variable.initial);
        }
        info.name = scenario == Shape::NaiveFlag ? "naive-flag" : scenario == Shape::TasMutex ? "tas-mutex" : "no-sync";
        ProgramInfo program{"worker", {}};
        for (const char* text : {"while (Y == 0) { }", "Y = 0", "enter critical section", "counter = counter + 1",
                                 "X = my signature", "check X", "leave critical section", "Y = 1"})
            program.lines.push_back({text});
        info.programs.push_back(program);
        m_trace.settings.scenario = info.name;
        m_trace.settings.workers = workers;
        for (std::uint32_t w = 0; w < workers; ++w)
            m_trace.workers.push_back({w, 1000 + static_cast<std::int32_t>(w), "worker", 0, 0, {}, {}});
    }

    std::uint16_t guard() const { return *m_guard; }
    std::uint16_t counter() const { return m_counter; }
    std::uint16_t record() const { return m_record; }
    std::int64_t memory(std::uint16_t variable, std::uint32_t word = 0) const { return m_memory[variable][word]; }
    std::size_t size() const { return m_trace.events.size(); }

    /// Declares the invariant "counter == expected".
    TraceBuilder& expectCounter(std::int64_t expected) {
        m_trace.scenario.invariants.push_back({"counter == workers * iterations", m_counter, expected});
        return *this;
    }

    // ---- single events; each returns the index the event will have in the built trace
    //      as long as events are added in time order with distinct times ----
    std::uint64_t load(std::uint32_t w, std::uint64_t ns, std::uint16_t variable) {
        return add(w, ns, EventKind::Load, lineFor(variable, true, 0), variable, m_memory[variable][0], 0);
    }
    /// A load that returned `value` whatever the simulated memory holds (a stale or skewed read).
    std::uint64_t loadValue(std::uint32_t w, std::uint64_t ns, std::uint16_t variable, std::int64_t value) {
        return add(w, ns, EventKind::Load, lineFor(variable, true, 0), variable, value, 0);
    }
    std::uint64_t store(std::uint32_t w, std::uint64_t ns, std::uint16_t variable, std::int64_t value) {
        m_memory[variable][0] = value;
        return add(w, ns, EventKind::Store, lineFor(variable, false, value), variable, value, 0);
    }
    /// The worker's previous access repeated `count` more times with the same result.
    std::uint64_t spin(std::uint32_t w, std::uint64_t ns, std::uint32_t count) {
        const Event previous = m_last[w];
        return add(w, ns, EventKind::Spin, previous.line, previous.variable, previous.value, count);
    }
    std::uint64_t exchange(std::uint32_t w, std::uint64_t ns, std::uint16_t variable, std::int32_t newValue) {
        const std::int64_t old = m_memory[variable][0];
        m_memory[variable][0] = newValue;
        return add(w, ns, EventKind::Exchange, lineFor(variable, true, 0), variable, old,
                   static_cast<std::uint32_t>(newValue));
    }
    std::uint64_t fetchAdd(std::uint32_t w, std::uint64_t ns, std::uint16_t variable, std::int32_t delta) {
        const std::int64_t old = m_memory[variable][0];
        m_memory[variable][0] = old + delta;
        return add(w, ns, EventKind::FetchAdd, kCounterLine, variable, old, static_cast<std::uint32_t>(delta));
    }
    std::uint64_t compareExchange(std::uint32_t w, std::uint64_t ns, std::uint16_t variable, std::int64_t expected,
                                  std::int64_t desired) {
        const bool success = m_memory[variable][0] == expected;
        if (success) m_memory[variable][0] = desired;
        return add(w, ns, EventKind::CompareExchange, kCounterLine, variable, success ? desired : m_memory[variable][0],
                   success ? 1 : 0);
    }
    /// A full fence: it drains the worker's store buffer.
    std::uint64_t fence(std::uint32_t w, std::uint64_t ns) {
        return add(w, ns, EventKind::Fence, 0, kNoVariable, 0, 0);
    }
    std::uint64_t csEnter(std::uint32_t w, std::uint64_t ns) {
        return add(w, ns, EventKind::CsEnter, kEnterLine, kNoVariable, 0, 0);
    }
    std::uint64_t csExit(std::uint32_t w, std::uint64_t ns) {
        return add(w, ns, EventKind::CsExit, kExitLine, kNoVariable, 0, 0);
    }
    std::uint64_t recordWrite(std::uint32_t w, std::uint64_t ns, std::uint32_t word) {
        m_memory[m_record][word] = w + 1;
        return add(w, ns, EventKind::RecordWordWrite, kRecordWriteLine, m_record, w + 1, word);
    }
    std::uint64_t recordCheck(std::uint32_t w, std::uint64_t ns, std::uint32_t word) {
        return add(w, ns, EventKind::RecordCheck, kCheckLine, m_record, m_memory[m_record][word], word);
    }
    std::uint64_t killed(std::uint32_t w, std::uint64_t ns) {
        m_trace.workers[w].exit = {WorkerExit::How::Killed, 0, 9};
        return add(w, ns, EventKind::WorkerKilled, 0, kNoVariable, 9, 0);
    }
    std::uint64_t exited(std::uint32_t w, std::uint64_t ns) {
        m_trace.workers[w].exit = {WorkerExit::How::Exited, 0, 0};
        return add(w, ns, EventKind::WorkerExit, 0, kNoVariable, 0, 0);
    }

    // ---- channels (trace/channel_info.hpp); `channel` is what addChannel returned ----

    /// Declares a pipe or a queue. Returns its index (Event::variable of its events).
    std::uint16_t addChannel(std::string name, ChannelKind kind, std::uint64_t capacity,
                             std::uint32_t messageBytes = 512) {
        auto& channels = m_trace.scenario.channels;
        channels.push_back({std::move(name), kind, capacity, messageBytes});
        return static_cast<std::uint16_t>(channels.size() - 1);
    }
    /// The tag of `w`'s next message on `channel` (numbered from 0 per sender and channel).
    std::int64_t nextTag(std::uint32_t w, std::uint16_t channel) const {
        const auto next = m_nextMessage.find({channel, w});
        return messageTag(w, next == m_nextMessage.end() ? 0 : next->second);
    }
    /// `w` sent its next message (a whole one) into `channel`.
    std::uint64_t send(std::uint32_t w, std::uint64_t ns, std::uint16_t channel, std::uint32_t payload = 0) {
        const std::int64_t tag = nextTag(w, channel);
        ++m_nextMessage[{channel, w}];
        return add(w, ns, EventKind::Send, 0, channel, tag, payload);
    }
    /// `w` read a message from `channel` that began with `tag`.
    std::uint64_t receive(std::uint32_t w, std::uint64_t ns, std::uint16_t channel, std::int64_t tag,
                          std::uint32_t payload = 0) {
        return add(w, ns, EventKind::Receive, 0, channel, tag, payload);
    }
    /// After `w`'s receive: `bytes` of what it read were not its first tag's, starting with `foreignTag`.
    std::uint64_t messageTorn(std::uint32_t w, std::uint64_t ns, std::uint16_t channel, std::int64_t foreignTag,
                              std::uint32_t bytes) {
        return add(w, ns, EventKind::MessageTorn, 0, channel, foreignTag, bytes);
    }
    /// A non-blocking call found `channel` full (Send: `w`'s next tag) or empty (Receive).
    std::uint64_t wouldBlock(std::uint32_t w, std::uint64_t ns, std::uint16_t channel, ChannelDirection direction) {
        const std::int64_t tag = direction == ChannelDirection::Send ? nextTag(w, channel) : 0;
        return add(w, ns, EventKind::WouldBlock, 0, channel, tag, static_cast<std::uint32_t>(direction));
    }
    /// The program gave up `w`'s next message (after a would-block).
    std::uint64_t messageDropped(std::uint32_t w, std::uint64_t ns, std::uint16_t channel) {
        const std::int64_t tag = nextTag(w, channel);
        ++m_nextMessage[{channel, w}];
        return add(w, ns, EventKind::MessageDropped, 0, channel, tag, 0);
    }
    /// `w`'s next message was refused with EPIPE: it never entered the pipe.
    std::uint64_t brokenPipe(std::uint32_t w, std::uint64_t ns, std::uint16_t channel) {
        const std::int64_t tag = nextTag(w, channel);
        ++m_nextMessage[{channel, w}];
        return add(w, ns, EventKind::BrokenPipe, 0, channel, tag, 0);
    }
    std::uint64_t blockedBegin(std::uint32_t w, std::uint64_t ns, std::uint16_t channel, ChannelDirection direction) {
        return add(w, ns, EventKind::BlockedBegin, 0, channel, 0, static_cast<std::uint32_t>(direction));
    }
    std::uint64_t blockedEnd(std::uint32_t w, std::uint64_t ns, std::uint16_t channel, ChannelDirection direction) {
        return add(w, ns, EventKind::BlockedEnd, 0, channel, 0, static_cast<std::uint32_t>(direction));
    }
    std::uint64_t endOfFile(std::uint32_t w, std::uint64_t ns, std::uint16_t channel) {
        return add(w, ns, EventKind::EndOfFile, 0, channel, 0, 0);
    }

    /// `count` events of worker `w` lost here, as when its ring was full: its
    /// sequence numbers jump and its record counts them as dropped.
    TraceBuilder& drop(std::uint32_t w, std::uint32_t count) {
        m_seq[w] += count;
        m_trace.workers.at(w).dropped += count;
        return *this;
    }

    // ---- whole steps ----

    /// counter = counter + 1 as a load then a store, `gap` ns apart. Returns the store's time.
    std::uint64_t increment(std::uint32_t w, std::uint64_t ns, std::uint64_t gap = 10) {
        const std::int64_t seen = m_memory[m_counter][0];
        load(w, ns, m_counter);
        store(w, ns + gap, m_counter, seen + 1);
        return ns + gap;
    }
    /// Every word of X written, then checked, `step` ns apart. Returns the time after.
    std::uint64_t writeAndCheckRecord(std::uint32_t w, std::uint64_t ns, std::uint64_t step = 10) {
        for (std::uint32_t k = 0; k < m_recordWords; ++k, ns += step)
            recordWrite(w, ns, k);
        for (std::uint32_t k = 0; k < m_recordWords; ++k, ns += step)
            recordCheck(w, ns, k);
        return ns;
    }
    /// One whole, undisturbed iteration of the scenario's program from `ns`.
    /// Returns the time of its last event.
    std::uint64_t serialIteration(std::uint32_t w, std::uint64_t ns, std::uint64_t step = 10) {
        if (m_scenario == Shape::NaiveFlag) {
            load(w, ns, guard());
            store(w, ns += step, guard(), 0);
        } else if (m_scenario == Shape::TasMutex) {
            exchange(w, ns, guard(), 1);
        }
        csEnter(w, ns += step);
        ns = increment(w, ns + step, step);
        ns = writeAndCheckRecord(w, ns + step, step);
        csExit(w, ns);
        if (m_scenario == Shape::NaiveFlag) store(w, ns += step, guard(), 1);
        if (m_scenario == Shape::TasMutex) store(w, ns += step, guard(), 0);
        return ns;
    }

    /// Replaces the final memory the parent would have read (default: the simulation's).
    TraceBuilder& finalWords(std::vector<std::int64_t> words) {
        m_finalWords = std::move(words);
        return *this;
    }
    TraceBuilder& durationNs(std::uint64_t ns) {
        m_durationNs = ns;
        return *this;
    }

    Trace build() const {
        Trace trace = m_trace;
        sortEventsByTimestamp(trace);
        if (m_finalWords) {
            trace.finalWords = *m_finalWords;
        } else {
            for (const auto& words : m_memory)
                trace.finalWords.insert(trace.finalWords.end(), words.begin(), words.end());
        }
        trace.durationNs =
            m_durationNs ? *m_durationNs : (trace.events.empty() ? 0 : trace.events.back().timestamp + 100);
        return trace;
    }

  private:
    std::uint16_t lineFor(std::uint16_t variable, bool isReading, std::int64_t stored) const {
        if (variable == m_counter) return kCounterLine;
        if (m_guard && variable == *m_guard) {
            if (isReading) return kEntryLine;
            const bool freeing = m_scenario == Shape::NaiveFlag ? stored != 0 : stored == 0;
            return freeing ? kReleaseLine : kClaimLine;
        }
        return kCheckLine;
    }

    std::uint64_t add(std::uint32_t w, std::uint64_t ns, EventKind kind, std::uint16_t line, std::uint16_t variable,
                      std::int64_t value, std::uint32_t aux) {
        Event event{};
        event.timestamp = ns;
        event.value = value;
        event.seq = m_seq[w]++;
        event.aux = aux;
        event.line = line;
        event.variable = variable;
        event.cpu = static_cast<std::uint16_t>(w);
        event.kind = kind;
        event.worker = static_cast<std::uint8_t>(w);
        m_trace.events.push_back(event);
        m_last[w] = event;
        return m_trace.events.size() - 1;
    }

    Shape m_scenario;
    std::uint32_t m_recordWords;
    Trace m_trace;
    std::optional<std::uint16_t> m_guard;
    std::uint16_t m_counter = 0;
    std::uint16_t m_record = 0;
    std::vector<std::vector<std::int64_t>> m_memory; ///< per variable, per word
    std::array<std::uint32_t, 256> m_seq{};
    std::array<Event, 256> m_last{};
    std::map<std::pair<std::uint16_t, std::uint32_t>, std::uint64_t> m_nextMessage; ///< (channel, sender) -> sequence
    std::optional<std::vector<std::int64_t>> m_finalWords;
    std::optional<std::uint64_t> m_durationNs;
};

} // namespace racetrace::test
