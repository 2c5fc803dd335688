#include "session/comparison.hpp"
#include "lab/builtin_scenarios.hpp"
#include "lab/run.hpp"

#include "session/run_summary.hpp"

#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "analysis/waiting_accesses.hpp"
#include "lab/schedule_policy.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

namespace racetrace {

namespace {

/// The first moment a worker entered the critical section while others were
/// inside: who entered, and who was inside.
struct Intrusion {
    std::uint32_t entered = 0;
    std::vector<std::uint32_t> inside;
};

/// From the first overlap the analysis found: its spans are listed in the order
/// they were entered, so the second entered while the first was inside.
std::optional<Intrusion> firstIntrusion(const Trace& trace, const Analysis& analysis) {
    for (const Finding& finding : analysis.findings) {
        if (finding.kind != FindingKind::Overlap || finding.events.size() < 2) continue;
        const auto first = finding.events[0], second = finding.events[1];
        if (first >= trace.events.size() || second >= trace.events.size()) continue;
        return Intrusion{trace.events[second].worker, {trace.events[first].worker}};
    }
    return std::nullopt;
}

/// "counter = 3, not 6" or "counter = 6 as expected"; empty without an invariant.
std::string counterWords(const Trace& trace, const Analysis& analysis) {
    const InvariantResult* counter = counterInvariant(trace, analysis);
    if (counter == nullptr) return {};
    const InvariantResult& result = *counter;
    const auto variable = result.invariant.variable;
    const std::string name = variable < trace.scenario.variables.size() ? trace.scenario.variables[variable].name : "?";
    return name + " = " + groupedNumber(result.actual) +
           (result.holds ? " as expected" : ", not " + groupedNumber(result.invariant.expected));
}

/// True when the workers waited by sleeping in a blocking lock (a semaphore, a
/// mutex), where a wait is one call rather than accesses.
bool sleptToWait(const Trace& trace) {
    return std::any_of(trace.events.begin(), trace.events.end(),
                       [](const Event& event) { return event.kind == EventKind::LockWait; });
}

/// "A waited 9 accesses and B 14" (or "2 times and B 3" for a blocking lock),
/// listing the workers that waited at all.
std::string waitWords(const Trace& trace) {
    const auto waits = waitingAccesses(trace);
    const bool slept = sleptToWait(trace);
    std::string words;
    std::size_t listed = 0, total = 0;
    for (const auto wait : waits)
        total += wait > 0;
    for (std::uint32_t k = 0; k < waits.size(); ++k) {
        if (waits[k] == 0) continue;
        if (listed > 0) words += listed + 1 == total ? " and " : ", ";
        words += workerName(k) + " " +
                 (listed == 0 ? "waited " + (slept ? countOf(waits[k], "time", "times")
                                                   : countOf(waits[k], "access", "accesses"))
                              : groupedNumber(static_cast<std::int64_t>(waits[k])));
        ++listed;
    }
    return words;
}

/// Waits for room in a channel per worker.
std::vector<std::uint64_t> waitsForRoom(const Trace& trace, const MessageStats& messages) {
    std::vector<std::uint64_t> waits(trace.workers.size(), 0);
    for (const BlockedWait& wait : messages.waits)
        if (wait.direction == ChannelDirection::Send && wait.worker < waits.size()) ++waits[wait.worker];
    return waits;
}

/// "A waited for room 3 times; 12 sent, 12 received" or "sends failed with
/// EAGAIN 5 times, 5 dropped; 8 sent, 8 received".
std::string messageSentence(const Trace& trace, const Analysis& analysis) {
    const MessageStats& messages = analysis.messages;
    std::vector<std::string> parts;
    const auto waits = waitsForRoom(trace, messages);
    for (std::uint32_t k = 0; k < waits.size(); ++k)
        if (waits[k] > 0) parts.push_back(workerName(k) + " waited for room " + countOf(waits[k], "time", "times"));
    if (messages.wouldBlock > 0)
        parts.push_back("calls failed with EAGAIN " + countOf(messages.wouldBlock, "time", "times"));
    if (messages.dropped > 0) parts.push_back(countOf(messages.dropped, "item", "items") + " dropped");
    if (parts.empty()) parts.push_back("nobody had to wait");
    std::string sentence;
    for (const auto& part : parts)
        sentence += (sentence.empty() ? "" : ", ") + part;
    return sentence + " (" + groupedNumber(static_cast<std::int64_t>(messages.sent)) + " sent, " +
           groupedNumber(static_cast<std::int64_t>(messages.received)) + " received).";
}

} // namespace

const std::vector<ComparisonPair>& comparisonPairs() {
    static const std::vector<ComparisonPair> pairs = {
        {"naive-flag",
         "tas-mutex",
         {},
         "A and B take turns at every shared access",
         "Where the flag lets B in, the lock makes B wait.",
         "Running the naive flag and the test-and-set lock with A and B taking turns at every access...",
         "Compare: naive flag vs mutex",
         {"Compare: naive flag vs mutex (C)", "Compare flag vs mutex", "Compare"}},
        {"mq-blocking",
         "mq-nonblocking",
         {3, 1},
         "A makes three calls for each of B's",
         "Where the blocking producer waits for room, the non-blocking one drops the item.",
         "Running the blocking and the non-blocking queue with A making three calls for each of B's...",
         "Compare: blocking vs non-blocking queue",
         {"Compare: blocking vs non-blocking (C)", "Compare blocking queues", "Compare"},
         0,
         2,
         12}, // twelve items: enough to fill the queue of four at three sends per receive
        {"peterson",
         "peterson-fence",
         {},
         "each on its own, as the scheduler and the CPUs make it",
         "The fence is the only difference: without it a store can wait in the CPU's store buffer while the next "
         "load goes ahead, and now and then both get in.",
         "Running Peterson's algorithm without and with a fence, 50,000 rounds each...",
         "Compare: Peterson without vs with a fence",
         {"Compare: no fence vs fence (C)", "Compare fences", "Compare"},
         kDefaultFreeComparisonIterations},
    };
    return pairs;
}

namespace {

/// True when `scenario` guards a critical section (any of its programs enters one).
bool guardsCriticalSection(const std::string& scenario) {
    auto loaded = loadScenario(scenario);
    if (!loaded || !loaded->info.channels.empty()) return false;
    return std::any_of(loaded->programs.begin(), loaded->programs.end(), [](const Program& program) {
        return std::any_of(program.code.begin(), program.code.end(),
                           [](const Instruction& in) { return in.op == OpCode::CsEnter; });
    });
}

} // namespace

const ComparisonPair& comparisonFor(std::string_view scenario) {
    for (const ComparisonPair& pair : comparisonPairs())
        if (pair.first == scenario || pair.second == scenario) return pair;
    // Any other lock: the naive flag above it, under the same schedule. Made
    // once per scenario (the Run panel asks every frame, and loading parses it).
    static std::mutex mutex;
    static std::map<std::string, ComparisonPair, std::less<>> made;
    std::lock_guard lock(mutex);
    if (const auto it = made.find(scenario); it != made.end()) return it->second;
    const std::string name(scenario);
    const ComparisonPair pair =
        guardsCriticalSection(name) ? comparisonOf("naive-flag", name) : comparisonPairs().front();
    return made.emplace(name, pair).first->second;
}

std::string scenarioShortName(std::string_view nameOrPath) {
    const auto slash = nameOrPath.find_last_of('/');
    return std::string(slash == std::string_view::npos ? nameOrPath : nameOrPath.substr(slash + 1));
}

ComparisonPair comparisonOf(std::string_view first, std::string_view second) {
    for (const ComparisonPair& known : comparisonPairs()) {
        if (known.first == first && known.second == second) return known;
        if (known.first == second && known.second == first) {
            ComparisonPair swapped = known;
            std::swap(swapped.first, swapped.second);
            return swapped;
        }
    }
    // Any other two: the schedule that shows most, each access in turn, with
    // each scenario's own number of workers (a pipe with four writers needs them).
    const std::string left = scenarioShortName(first), right = scenarioShortName(second);
    ComparisonPair pair;
    pair.first = first;
    pair.second = second;
    pair.policy = "the workers take turns at every shared access";
    pair.lesson = "Every difference between the two pictures comes from " + left + " and " + right + ".";
    pair.running = "Running " + left + " and " + right + " with the workers taking turns at every access...";
    pair.menuItem = "Compare: " + left + " vs " + right;
    pair.button = {"Compare: " + left + " vs " + right + " (C)", "Compare " + left + " vs " + right, "Compare"};
    pair.workers = 0;
    return pair;
}

std::string comparisonSentence(const Trace& trace, const Analysis& analysis) {
    if (!trace.scenario.channels.empty()) return messageSentence(trace, analysis);
    std::vector<std::string> counts;
    for (const FindingKindInfo& kind : kFindingKinds) // the overlaps are the sentence itself
        if (kind.kind != FindingKind::Overlap && analysis.count(kind.kind) > 0)
            counts.push_back(countOf(analysis.count(kind.kind), kind.singular, kind.plural));
    if (auto counter = counterWords(trace, analysis); !counter.empty()) counts.push_back(counter);
    std::string details;
    for (const auto& part : counts)
        details += (details.empty() ? "" : ", ") + part;

    std::string sentence;
    if (const auto intrusion = firstIntrusion(trace, analysis)) {
        sentence = workerName(intrusion->entered) + " entered while " + workerList(intrusion->inside) +
                   (intrusion->inside.size() == 1 ? " was" : " were") + " inside, " +
                   (analysis.count(FindingKind::Overlap) == 1
                        ? std::string("once")
                        : groupedNumber(static_cast<std::int64_t>(analysis.count(FindingKind::Overlap))) + " times");
    } else {
        const std::string waited = waitWords(trace);
        sentence = (waited.empty() ? std::string("nobody had to wait") : waited) + "; never two inside";
    }
    if (!details.empty()) sentence += " (" + details + ")";
    return sentence + ".";
}

namespace {

/// "2 workers", or "2 and 5 workers" when each side ran its own number.
std::string workersWords(const std::vector<PolicyRun>& runs) {
    const auto first = runs.front().trace.settings.workers, last = runs.back().trace.settings.workers;
    return (first == last ? "" : std::to_string(first) + " and ") + std::to_string(last) + " workers";
}

/// Each side on its own, under the scheduler and the CPUs (ComparisonPair::freeIterations).
Result<std::vector<PolicyRun>> runFreely(const std::vector<RunOptions>& runs) {
    std::vector<PolicyRun> results;
    for (const RunOptions& options : runs) {
        auto trace = runToCompletion(options);
        if (!trace) return fail(trace.error());
        results.push_back(PolicyRun{std::move(*trace), {}});
    }
    return results;
}

} // namespace

Result<std::shared_ptr<const Comparison>> buildComparison(const ComparisonPair& pair) {
    const std::vector<RunOptions> runs = {comparisonOptions(pair.first, pair.workers, pair.iterations()),
                                          comparisonOptions(pair.second, pair.workers, pair.iterations())};
    auto results = pair.freeIterations > 0 ? runFreely(runs) : runAlternating(runs, pair.stepsPerTurn);
    if (!results) return fail("The comparison could not run: " + results.error());

    auto comparison = std::make_shared<Comparison>();
    comparison->lesson = pair.lesson;
    comparison->freeRuns = pair.freeIterations > 0;
    comparison->policy = pair.policy + " (" + workersWords(*results) + " x " +
                         groupedNumber(static_cast<std::int64_t>(pair.iterations())) + " iterations, real processes)";
    for (PolicyRun& run : *results) {
        ComparisonSide side;
        side.title = run.trace.scenario.title;
        const std::string label = run.trace.scenario.name + (pair.freeIterations > 0 ? ", free run" : ", one schedule");
        side.document = buildDocument(std::move(run.trace), label, "");
        side.sentence = comparisonSentence(side.document->trace, side.document->analysis);
        side.raced = !side.document->analysis.findings.empty();
        comparison->sides.push_back(std::move(side));
    }
    comparison->headline =
        pair.freeIterations > 0 ? std::string("Each on its own: ") : "Same schedule (" + pair.policy + "): ";
    for (std::size_t i = 0; i < comparison->sides.size(); ++i) {
        const ComparisonSide& side = comparison->sides[i];
        // The status line has room for the gist; the numbers are over each timeline.
        std::string sentence = side.sentence.substr(0, side.sentence.find(" ("));
        if (!sentence.empty() && sentence.back() == '.') sentence.pop_back();
        comparison->headline += (i == 0 ? "" : "; ") + side.title + ": " + sentence;
    }
    comparison->headline += ".";
    return std::shared_ptr<const Comparison>(std::move(comparison));
}

} // namespace racetrace
