// Overlaps: every maximal period in which two or more workers were inside the
// critical section at once becomes one finding. The spans come from the CsEnter
// and CsExit markers; the sentence explains, from the values the workers read,
// why the guard (if any) let them all in.
#include "analysis/critical_sections.hpp"
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"

#include <algorithm>
#include <span>

namespace racetrace {

namespace {

/// One end of a span in the sweep, at its position in the trace's order (the
/// order memory saw; stamps of neighbouring events can tie). At one position an
/// end goes before a begin (a damaged trace's second CsEnter ends the worker's
/// first stay where the second begins), and a zero-length span (a worker that
/// entered and was killed) ends after its begin, so it still counts when inside
/// another span.
struct Boundary {
    std::uint64_t position;
    std::uint8_t order; ///< 0 = end of a span, 1 = begin, 2 = end of a zero-length span
    std::uint32_t span;
    std::uint64_t ns;
};

std::string guardStory(const Trace& trace, const std::vector<const CriticalSectionSpan*>& byRead) {
    // The story needs every worker's deciding read, all of one guard variable.
    const auto& events = trace.events;
    for (const auto* span : byRead)
        if (span->decidingRead == kNoEvent ||
            events[span->decidingRead].variable != events[byRead.front()->decidingRead].variable)
            return {};
    const CriticalSectionSpan& first = *byRead.front();
    const Event& firstRead = events[first.decidingRead];
    // "before A set it": A's write must be a separate step after its read (the
    // naive flag), and every other worker must have read before that write.
    if (first.guardWrite == kNoEvent || first.guardWrite == first.decidingRead) return {};
    const Event& firstWrite = events[first.guardWrite];
    std::vector<std::uint32_t> others;
    std::uint64_t latestNs = firstRead.timestamp;
    for (std::size_t k = 1; k < byRead.size(); ++k) {
        const Event& read = events[byRead[k]->decidingRead];
        if (byRead[k]->decidingRead > first.guardWrite || read.value != firstRead.value) return {};
        others.push_back(byRead[k]->worker);
        latestNs = std::max(latestNs, read.timestamp);
    }
    const VariableInfo* guard = variableOf(trace, firstRead.variable);
    const std::string_view meaning = guard != nullptr ? guard->meanings.of(firstRead.value) : std::string_view();
    const std::string a = workerName(first.worker);
    const std::uint64_t gap = latestNs - firstRead.timestamp;
    std::string when;
    if (gap == 0)
        when = "in the same nanosecond as " + a;
    else
        when = (others.size() == 1 ? "" : "within ") + humanDuration(gap) + " after " + a + " did";
    return workerList(others) + " read " + variableName(trace, firstRead.variable) + " = " +
           groupedNumber(firstRead.value) + (meaning.empty() ? "" : " (" + std::string(meaning) + ")") + " " + when +
           ", before " + a + " set it to " + groupedNumber(writtenValue(firstWrite)) + ": " + allOf(byRead.size()) +
           " entered the critical section.";
}

std::string overlapSentence(const Trace& trace, const std::vector<const CriticalSectionSpan*>& spans,
                            std::span<const std::uint32_t> workers, std::uint64_t lengthNs) {
    auto byRead = spans;
    const auto readOrder = [&](const CriticalSectionSpan* s) {
        return s->decidingRead == kNoEvent ? ~std::uint64_t{0} : s->decidingRead;
    };
    std::stable_sort(byRead.begin(), byRead.end(), [&](auto* x, auto* y) { return readOrder(x) < readOrder(y); });
    // One worker entering twice during the period would make the story ambiguous.
    if (byRead.size() == workers.size())
        if (auto story = guardStory(trace, byRead); !story.empty()) return story;

    std::string sentence = workerList(workers) + " were inside the critical section at the same time for " +
                           (lengthNs == 0 ? std::string("less than a nanosecond") : humanDuration(lengthNs));
    const bool anyGuard = std::any_of(spans.begin(), spans.end(), [](auto* s) { return s->decidingRead != kNoEvent; });
    if (!anyGuard) return sentence + ": nothing kept them apart.";
    const auto guard = trace.events[byRead.front()->decidingRead].variable;
    return sentence + ", although " + variableName(trace, guard) + " guarded it.";
}

/// False when values prove the spans cannot have shared the critical section:
/// both held the same lock, taken atomically, for their whole stay.
bool couldOverlap(const Trace& trace, const CriticalSectionSpan& x, const CriticalSectionSpan& y) {
    return !(x.heldLock && y.heldLock &&
             trace.events[x.decidingRead].variable == trace.events[y.decidingRead].variable);
}

Finding makeOverlap(const Trace& trace, const std::vector<CriticalSectionSpan>& all,
                    const std::vector<std::uint32_t>& involved, std::uint64_t beginNs, std::uint64_t endNs) {
    Finding finding;
    finding.kind = FindingKind::Overlap;
    finding.beginNs = beginNs;
    finding.endNs = endNs;
    std::vector<const CriticalSectionSpan*> spans;
    for (auto index : involved)
        spans.push_back(&all[index]);
    for (const auto* span : spans) {
        finding.workers.push_back(span->worker);
        finding.events.push_back(span->enterEvent);
    }
    for (const auto* span : spans)
        if (span->decidingRead != kNoEvent &&
            std::find(finding.events.begin(), finding.events.end(), span->decidingRead) == finding.events.end())
            finding.events.push_back(span->decidingRead);
    std::sort(finding.workers.begin(), finding.workers.end());
    finding.workers.erase(std::unique(finding.workers.begin(), finding.workers.end()), finding.workers.end());
    if (spans.front()->decidingRead != kNoEvent) finding.variable = trace.events[spans.front()->decidingRead].variable;
    finding.sentence = overlapSentence(trace, spans, finding.workers, endNs - beginNs);
    return finding;
}

} // namespace

void findOverlaps(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    const std::vector<CriticalSectionSpan>& spans = input.spans;
    std::vector<Boundary> boundaries;
    boundaries.reserve(spans.size() * 2);
    for (std::uint32_t s = 0; s < spans.size(); ++s) {
        boundaries.push_back({spans[s].enterEvent, 1, s, spans[s].beginNs});
        const bool empty = spans[s].endPosition == spans[s].enterEvent;
        boundaries.push_back({spans[s].endPosition, static_cast<std::uint8_t>(empty ? 2 : 0), s, spans[s].endNs});
    }
    std::sort(boundaries.begin(), boundaries.end(), [](const Boundary& x, const Boundary& y) {
        if (x.position != y.position) return x.position < y.position;
        if (x.order != y.order) return x.order < y.order;
        return x.span < y.span;
    });

    std::vector<std::uint32_t> inside;   // spans open now, in order of entry
    std::vector<std::uint32_t> involved; // spans seen during the current overlap period
    std::uint64_t periodBegin = 0;
    for (const Boundary& b : boundaries) {
        if (b.order == 1) {
            inside.push_back(b.span);
            if (inside.size() == 2) {
                periodBegin = b.ns;
                involved = inside;
            } else if (inside.size() > 2) {
                involved.push_back(b.span);
            }
            continue;
        }
        const auto it = std::find(inside.begin(), inside.end(), b.span);
        if (it == inside.end()) continue; // cannot happen: every end follows its begin
        inside.erase(it);
        if (inside.size() == 1 && !involved.empty()) {
            // Drop a period that only clock skew between CPUs created (see couldOverlap).
            bool real = false;
            for (std::size_t x = 0; x < involved.size() && !real; ++x)
                for (std::size_t y = x + 1; y < involved.size() && !real; ++y)
                    real = couldOverlap(trace, spans[involved[x]], spans[involved[y]]);
            if (real) out.push_back(makeOverlap(trace, spans, involved, periodBegin, std::max(b.ns, periodBegin)));
            involved.clear();
        }
    }
}

} // namespace racetrace
