// The mailbox finders on hand-made traces: each get judged by the values it
// read (blank, torn, twice) and each put overwritten unread (lost), exactly.
#include "analysis/finders.hpp"

#include <catch2/catch.hpp>

using namespace racetrace;
using Catch::Matchers::Contains;

namespace {

constexpr std::uint32_t kWriter = 0, kReader = 1;

class MailboxTrace {
  public:
    MailboxTrace() {
        m_trace.scenario.variables.push_back(declareVariable("X", VariableRole::Mailbox, 2));
        m_trace.workers.resize(2);
        m_trace.finalWords.assign(8, 0);
    }
    void put(std::int64_t message) {
        for (std::uint32_t w = 0; w < 2; ++w)
            add(kWriter, EventKind::RecordWordWrite, message, w);
    }
    /// A get that reads `first` from word 0 and `second` from word 1.
    void get(std::int64_t first, std::int64_t second) {
        add(kReader, EventKind::RecordCheck, first, 0);
        add(kReader, EventKind::RecordCheck, second, 1);
    }
    std::vector<Finding> find(FindingKind kind) const {
        std::vector<Finding> out;
        findOnly(kind, m_trace, out);
        return out;
    }
    const Trace& trace() const { return m_trace; }

  private:
    void add(std::uint32_t worker, EventKind kind, std::int64_t value, std::uint32_t word) {
        Event e{};
        e.kind = kind;
        e.worker = static_cast<std::uint8_t>(worker);
        e.timestamp = m_trace.events.size() * 10;
        e.value = value;
        e.aux = word;
        e.variable = 0;
        m_trace.events.push_back(e);
    }
    Trace m_trace;
};

} // namespace

TEST_CASE("handoff finders: blank, torn, lost and twice, each exactly once", "[analysis][handoff]") {
    MailboxTrace mailbox;
    mailbox.get(0, 0); // blank: nothing put yet
    mailbox.put(1);
    mailbox.get(1, 1); // fine
    mailbox.get(1, 1); // twice
    mailbox.put(2);    // message 2 is never read whole...
    mailbox.get(3, 2); // ...this get is torn: the put of 3 was half-way
    mailbox.put(3);
    mailbox.put(4); // message 3 overwritten, message 2 was already lost
    mailbox.get(4, 4);

    const auto blank = mailbox.find(FindingKind::BlankRead);
    REQUIRE(blank.size() == 1);
    CHECK(blank[0].sentence == "B read X before anything was put into it: it was blank.");
    const auto torn = mailbox.find(FindingKind::TornHandoff);
    REQUIRE(torn.size() == 1);
    CHECK(torn[0].sentence == "B read a half-written message from X: word 0 held message 3, word 1 message 2.");
    const auto twice = mailbox.find(FindingKind::RepeatedRead);
    REQUIRE(twice.size() == 1);
    CHECK_THAT(twice[0].sentence, Contains("B read message 1 from X twice"));
    const auto lost = mailbox.find(FindingKind::LostHandoff);
    REQUIRE(lost.size() == 2);
    CHECK(lost[0].sentence == "A overwrote message 2 in X before anyone read it: message 2 was lost.");
    CHECK_THAT(lost[1].sentence, Contains("message 3 was lost"));
    CHECK(lost[1].workers == std::vector<std::uint32_t>{kWriter});
}

TEST_CASE("handoff finders: taking turns breaks nothing, and the last message is not lost", "[analysis][handoff]") {
    MailboxTrace mailbox;
    for (std::int64_t message = 1; message <= 5; ++message) {
        mailbox.put(message);
        mailbox.get(message, message);
    }
    mailbox.put(6); // the run ends before anyone reads it: not overwritten, so not lost
    for (FindingKind kind :
         {FindingKind::BlankRead, FindingKind::TornHandoff, FindingKind::LostHandoff, FindingKind::RepeatedRead})
        CHECK(mailbox.find(kind).empty());
}

TEST_CASE("handoff finders ignore records that are not mailboxes", "[analysis][handoff]") {
    Trace trace;
    trace.scenario.variables.push_back(declareVariable("X", VariableRole::Record, 2));
    trace.workers.resize(2);
    Event e{};
    e.kind = EventKind::RecordCheck;
    e.worker = 1;
    e.variable = 0;
    trace.events = {e};
    std::vector<Finding> out;
    CHECK(findOnly(FindingKind::BlankRead, trace, out) == 0);
}
