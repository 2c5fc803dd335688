#include "analysis/narration.hpp"

#include "analysis/plain_words.hpp"
#include "trace/event_text.hpp"

namespace racetrace {

namespace {

/// "while (Y == 0) { }" for the event's line, without its comment; empty if unknown.
std::string codeOf(const Trace& trace, const Event& event) {
    const ProgramInfo* program = trace.programOf(event.worker);
    if (program == nullptr || event.line >= program->lines.size()) return {};
    std::string code = program->lines[event.line].text;
    code = code.substr(0, code.find("//"));
    while (!code.empty() && code.back() == ' ')
        code.pop_back();
    return code;
}

} // namespace

std::string narrateEvent(const Trace& trace, std::uint64_t index) {
    const auto& events = trace.events;
    const std::string total = groupedNumber(static_cast<std::int64_t>(events.size()));
    if (index >= events.size()) return "Before the first of " + total + " events: Right steps to the first.";
    const Event& event = events[index];
    std::string sentence = "Event " + groupedNumber(static_cast<std::int64_t>(index + 1)) + " of " + total + ": " +
                           workerName(event.worker) + " " + describeEvent(trace.scenario, event);
    if (const std::string code = codeOf(trace, event); !code.empty())
        sentence += ", on line " + std::to_string(event.line + 1) + ": " + code;
    return sentence + ".";
}

} // namespace racetrace
