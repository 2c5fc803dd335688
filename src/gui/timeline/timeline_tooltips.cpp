#include "gui/timeline/timeline_tooltips.hpp"

#include "trace/event_text.hpp"

#include "gui/theme.hpp"
#include "gui/timeline/timeline_ruler.hpp"
#include "session/document.hpp"

#include <imgui.h>

namespace racetrace {

namespace {

void beginTooltip() {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
}

void endTooltip() {
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

/// "■ A": the colour as a swatch, the name in the tooltip's text colour (worker
/// colours as text are too faint on the light lecture theme).
void workerTitle(const Theme& theme, std::uint32_t worker) {
    theme.workerSwatchItem(worker);
    ImGui::TextUnformatted(workerName(worker).c_str());
    ImGui::SameLine();
}

} // namespace

void eventTooltip(const TimelineModel& model, const Theme& theme, std::uint64_t index, std::uint64_t sameColumn) {
    const Trace& trace = model.trace();
    if (index >= trace.events.size()) return;
    const Event& e = trace.events[index];
    beginTooltip();
    workerTitle(theme, e.worker);
    const std::string kind(eventKindName(e.kind));
    const std::string meaning(tickKindName(tickKindOf(trace, e)));
    ImGui::Text("%s  (%s)", kind.c_str(), meaning.c_str());

    if (const ProgramInfo* program = trace.programOf(e.worker); program && e.line < program->lines.size()) {
        ImGui::TextDisabled("line %u", e.line + 1u);
        ImGui::SameLine();
        if (theme.monoFont()) ImGui::PushFont(theme.monoFont());
        ImGui::TextUnformatted(program->lines[e.line].text.c_str());
        if (theme.monoFont()) ImGui::PopFont();
    }
    ImGui::TextUnformatted(describeEvent(trace.scenario, e).c_str());
    if (e.kind == EventKind::Spin) {
        const std::uint64_t previous = index > 0 ? model.document().index.lastEventOf(e.worker, index - 1) : kNoEvent;
        std::string text = "repeated " + formatCount(e.aux) + " times";
        if (previous < trace.events.size())
            text += " over " + formatDuration(static_cast<double>(e.timestamp - trace.events[previous].timestamp));
        ImGui::TextUnformatted(text.c_str());
    }
    const std::string when = formatTime(static_cast<double>(e.timestamp));
    const std::string number = formatCount(index);
    ImGui::TextDisabled("%s   event #%s   CPU %u", when.c_str(), number.c_str(), static_cast<unsigned>(e.cpu));
    if (sameColumn > 1) {
        const std::string more = formatCount(sameColumn - 1);
        ImGui::TextDisabled("+%s more events of %s here: zoom in to see each", more.c_str(),
                            workerName(e.worker).c_str());
    }
    endTooltip();
}

namespace {

/// A wait to get in: from the first access of the entry code to the entry.
void lockWaitText(const CriticalSectionSpan& span, std::uint32_t merged) {
    if (merged > 1) {
        ImGui::Text("%u waits to get in here: zoom in to see each", merged);
        return;
    }
    ImGui::TextUnformatted("waiting to get in: another worker was inside");
    const std::string from = formatTime(static_cast<double>(span.waitBeginNs));
    const std::string length = formatDuration(static_cast<double>(span.beginNs - span.waitBeginNs));
    ImGui::TextDisabled("from %s, %s until it got in", from.c_str(), length.c_str());
}

} // namespace

void stayTooltip(const TimelineModel& model, const Theme& theme, const LaneHover& hover) {
    const auto& lanes = model.document().index.lanes();
    if (hover.stays == 0 || hover.stayWorker >= lanes.size()) return;
    const auto& spans = lanes[hover.stayWorker].spans;
    if (hover.stay >= spans.size()) return;
    const CriticalSectionSpan& span = spans[hover.stay];
    beginTooltip();
    workerTitle(theme, span.worker);
    if (hover.lockWait) {
        lockWaitText(span, hover.stays);
    } else if (hover.stays > 1) {
        ImGui::Text("%u stays in the critical section here: zoom in to see each", hover.stays);
    } else {
        ImGui::TextUnformatted(span.exitEvent == kNoEvent ? "inside the critical section (never left)"
                                                          : "inside the critical section");
        const std::string from = formatTime(static_cast<double>(span.beginNs));
        const std::string to = formatTime(static_cast<double>(span.endNs));
        const std::string length = formatDuration(static_cast<double>(span.endNs - span.beginNs));
        ImGui::TextDisabled("%s to %s (%s)", from.c_str(), to.c_str(), length.c_str());
        if (span.contended) ImGui::TextUnformatted("contended: another worker waited to get in meanwhile");
    }
    endTooltip();
}

void findingTooltip(const TimelineModel& model, const FindingHover& hover) {
    const auto& findings = model.document().analysis.findings;
    if (hover.finding < 0 || static_cast<std::size_t>(hover.finding) >= findings.size()) return;
    const Finding& finding = findings[static_cast<std::size_t>(hover.finding)];
    const std::string kind(findingKindName(finding.kind));
    beginTooltip();
    if (hover.count > 1) {
        ImGui::Text("%u %s findings here: zoom in to see each. The first:", hover.count, kind.c_str());
        ImGui::Separator();
    }
    ImGui::TextUnformatted(finding.sentence.c_str());
    ImGui::TextDisabled("%s #%d   click to select", kind.c_str(), hover.finding + 1);
    endTooltip();
}

} // namespace racetrace

namespace racetrace {

namespace {

/// "B's send of B's message 3", "end of file", "the worker was killed": what ended a wait.
std::string waitEnding(const Trace& trace, const BlockedWait& wait) {
    if (wait.endedBy < trace.events.size()) {
        const Event& e = trace.events[wait.endedBy];
        const char* what = e.kind == EventKind::Send ? "sent " : "received ";
        return "ended by " + workerName(e.worker) + ", who " + what + messageName(e.value);
    }
    if (wait.killed < trace.events.size()) return "ended when the worker was killed";
    if (wait.outcome < trace.events.size() && trace.events[wait.outcome].kind == EventKind::EndOfFile)
        return "ended by end-of-file: every writer had closed the pipe";
    if (wait.end >= trace.events.size()) return "still waiting when the run ended";
    return "nobody known made data or space";
}

} // namespace

void waitTooltip(const TimelineModel& model, const Theme& theme, const LaneHover& hover) {
    const Trace& trace = model.trace();
    const auto& waits = model.document().analysis.messages.waits;
    if (hover.waits == 0 || hover.wait >= waits.size()) return;
    const BlockedWait& wait = waits[hover.wait];
    const std::string channel =
        wait.channel < trace.scenario.channels.size() ? trace.scenario.channels[wait.channel].displayName() : "?";
    const bool send = wait.direction == ChannelDirection::Send;
    beginTooltip();
    workerTitle(theme, wait.worker);
    if (hover.waits > 1) {
        ImGui::Text("%u blocked channel calls here: zoom in to see each. The first:", hover.waits);
        ImGui::Separator();
    }
    ImGui::Text("%s blocked: %s %s", send ? "write" : "read", channel.c_str(), send ? "full" : "empty");
    ImGui::TextUnformatted(waitEnding(trace, wait).c_str());
    const std::string from = formatTime(static_cast<double>(wait.beginNs));
    const std::string length = formatDuration(static_cast<double>(wait.endNs - std::min(wait.endNs, wait.beginNs)));
    ImGui::TextDisabled("from %s, for %s", from.c_str(), length.c_str());
    endTooltip();
}

} // namespace racetrace
