// Torn records. Each writer stamps every word of a record with its signature
// (worker index + 1) one word at a time; a check reads all words back in one
// pass. A pass whose written words carry more than one signature saw a record
// that two writers were writing at once:
//
//   A checks X:  word 0  word 1  word 2  word 3
//                  A       A       B       B      <- torn: two writers
//
// The signatures are the ground truth; no timestamp is needed to call it torn.
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/trace_queries.hpp"
#include "trace/event_gaps.hpp"

#include <algorithm>
#include <array>

namespace racetrace {

namespace {

/// Above this many words a pattern is written as runs ("30×A 34×B").
constexpr std::size_t kSpelledOutWords = 16;

/// One worker's check pass being collected.
struct CheckPass {
    std::vector<std::uint64_t> events;
    std::uint16_t variable = kNoVariable;
    std::uint16_t line = 0;
    std::uint32_t lastWord = 0;
};

/// A signature (worker index + 1) is a real worker's when it is in this range;
/// 0 means never written, anything else is a scribble.
bool isWorkerSignature(std::int64_t signature) {
    return signature >= 1 && signature <= static_cast<std::int64_t>(kMaxWorkers);
}

std::string writerName(std::int64_t signature) {
    if (signature == 0) return "-";
    return isWorkerSignature(signature) ? workerName(static_cast<std::uint32_t>(signature - 1)) : "?";
}

/// The signatures as people read them: "A A B B", or runs for long records.
std::string pattern(const std::vector<std::int64_t>& writers) {
    std::string out;
    if (writers.size() <= kSpelledOutWords) {
        for (std::size_t k = 0; k < writers.size(); ++k)
            out += (k ? " " : "") + writerName(writers[k]);
        return out;
    }
    for (std::size_t k = 0; k < writers.size();) {
        std::size_t end = k;
        while (end < writers.size() && writers[end] == writers[k])
            ++end;
        out += (k ? " " : "") + std::to_string(end - k) + "×" + writerName(writers[k]);
        k = end;
    }
    return out;
}

std::string tornSentence(const Trace& trace, std::uint32_t checker, std::uint16_t variable,
                         const std::vector<std::int64_t>& writers, const std::vector<std::uint32_t>& wordOf,
                         const std::vector<std::int64_t>& distinct) {
    // distinct[0] (signatures, never 0) wrote the first written word: the record
    // "belongs" to it and every other signature is an intrusion, named with the
    // words it covers.
    std::string intrusions;
    for (std::size_t d = 1; d < distinct.size(); ++d) {
        std::vector<std::uint32_t> words;
        for (std::size_t k = 0; k < writers.size(); ++k)
            if (writers[k] == distinct[d]) words.push_back(wordOf[k]);
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        if (d > 1) intrusions += d + 1 == distinct.size() ? " and " : ", ";
        intrusions += wordRanges(words);
        if (d == 1) intrusions += words.size() == 1 ? " was written" : " were written";
        intrusions += " by " + writerName(distinct[d]);
    }
    return workerName(checker) + " checked " + variableName(trace, variable) + " and found " + pattern(writers) + ": " +
           intrusions + " while " + writerName(distinct[0]) + " was writing.";
}

/// True when the pass's written words carry more than one signature. Runs for
/// every pass, so it allocates nothing.
bool isTorn(const Trace& trace, const CheckPass& pass) {
    std::int64_t first = 0;
    for (auto index : pass.events) {
        const std::int64_t signature = trace.events[index].value;
        if (signature == 0) continue;
        if (first == 0)
            first = signature;
        else if (signature != first)
            return true;
    }
    return false;
}

Finding makeTornRecord(const Trace& trace, std::uint32_t checker, const CheckPass& pass) {
    std::vector<std::int64_t> writers; // the signature read at each word
    std::vector<std::uint32_t> wordOf;
    std::vector<std::int64_t> distinct; // nonzero signatures, in order of first appearance
    for (auto index : pass.events) {
        const Event& e = trace.events[index];
        writers.push_back(e.value);
        wordOf.push_back(e.aux);
        if (e.value != 0 && std::find(distinct.begin(), distinct.end(), e.value) == distinct.end())
            distinct.push_back(e.value);
    }
    Finding finding;
    finding.kind = FindingKind::TornRecord;
    finding.workers.push_back(checker);
    for (auto signature : distinct)
        if (isWorkerSignature(signature)) finding.workers.push_back(static_cast<std::uint32_t>(signature - 1));
    std::sort(finding.workers.begin(), finding.workers.end());
    finding.workers.erase(std::unique(finding.workers.begin(), finding.workers.end()), finding.workers.end());
    finding.events = pass.events;
    finding.variable = pass.variable;
    finding.beginNs = trace.events[pass.events.front()].timestamp;
    finding.endNs = trace.events[pass.events.back()].timestamp;
    finding.sentence = tornSentence(trace, checker, pass.variable, writers, wordOf, distinct);
    return finding;
}

void closePass(const Trace& trace, std::uint32_t checker, CheckPass& pass, std::vector<Finding>& out) {
    if (pass.events.empty()) return;
    if (isTorn(trace, pass)) out.push_back(makeTornRecord(trace, checker, pass));
    pass.events.clear(); // keeps its capacity for the next pass
}

} // namespace

void findTornRecords(const AnalysisInput& input, std::vector<Finding>& out) {
    const Trace& trace = input.trace;
    std::array<CheckPass, kMaxWorkers> passes{};
    SequenceWatch sequence;
    for (std::uint64_t i = 0; i < trace.events.size(); ++i) {
        const Event& e = trace.events[i];
        CheckPass& pass = passes[e.worker];
        // Missing events may hide the end of one pass and the start of the next:
        // never glue words from both sides of a gap into one pass.
        if (sequence.gapBefore(e)) closePass(trace, e.worker, pass, out);
        if (e.kind != EventKind::RecordCheck || !variableIs(trace, e.variable, VariableRole::Record)) {
            // Any other step of the worker ends its pass.
            closePass(trace, e.worker, pass, out);
            continue;
        }
        // Word 0, or a word not after the last one, starts a new pass.
        if (!pass.events.empty() &&
            (e.variable != pass.variable || e.line != pass.line || e.aux == 0 || e.aux <= pass.lastWord))
            closePass(trace, e.worker, pass, out);
        pass.events.push_back(i);
        pass.variable = e.variable;
        pass.line = e.line;
        pass.lastWord = e.aux;
    }
    for (std::uint32_t w = 0; w < kMaxWorkers; ++w)
        closePass(trace, w, passes[w], out);
}

} // namespace racetrace
