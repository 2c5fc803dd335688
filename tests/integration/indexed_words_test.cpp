// Indexed operands with real workers: VAR[me] and VAR[other] give each worker
// its own word (Peterson's flags), a run with more workers than words is
// refused before anything starts, and a register index past the end ends the
// worker with a sentence instead of a write outside its variable.
#include "support/integration_support.hpp"

using namespace racetrace;
using namespace racetrace::testing;

namespace {

constexpr const char* kPerWorkerFlags = R"(
name = "own-words"
[defaults]
iterations = 50
window_ns = 0
[[variable]]
name = "flag"
kind = "flag"
words = 2
meaning = { 1 = "wants in", 0 = "not interested" }
[[variable]]
name = "seen"
kind = "word"
words = 2
[[program]]
role = "worker"
lines = [
  { text = "flag[me] = 1",                 ops = ["store flag[me] 1"] },
  { text = "seen[me] = flag[other] + 1",   ops = ["load r0 flag[other]", "add r0 1", "store seen[me] r0"] },
]
)";

} // namespace

TEST_CASE("VAR[me] and VAR[other] give each worker of a pair its own word", "[integration][indexed]") {
    TempDir dir;
    RunOptions o = options(dir.write("own.toml", kPerWorkerFlags), 2, 50, 0);
    const Trace trace = runOrFail(o);
    REQUIRE(trace.stopReason.empty());
    const auto flag = *trace.scenario.findVariable("flag");
    const auto seen = *trace.scenario.findVariable("seen");
    const auto wordOfVariable = [&](std::uint16_t v, std::uint32_t w) {
        return trace.finalWords[trace.scenario.variables[v].firstWord + w];
    };
    CHECK(wordOfVariable(flag, 0) == 1);
    CHECK(wordOfVariable(flag, 1) == 1);
    // Every store of a worker went to its own word, every load to the other's.
    for (const Event& e : trace.events) {
        if (e.variable != flag && e.variable != seen) continue;
        CAPTURE(e.worker, eventKindName(e.kind), e.aux);
        if (e.kind == EventKind::Store) CHECK(e.aux == e.worker);
        if (e.kind == EventKind::Load) CHECK(e.aux == (e.worker ^ 1u));
    }
    // Each saw the other's flag down (it had not started yet) or up: seen is 1 or 2.
    for (std::uint32_t w = 0; w < 2; ++w) {
        CHECK(wordOfVariable(seen, w) >= 1);
        CHECK(wordOfVariable(seen, w) <= 2);
    }
}

TEST_CASE("a run whose workers outnumber a VAR[me] variable's words is refused before it starts",
          "[integration][indexed]") {
    TempDir dir;
    auto run = Run::start(options(dir.write("own.toml", kPerWorkerFlags), 3, 5, 0));
    REQUIRE_FALSE(run);
    CHECK_THAT(run.error(), Catch::Matchers::Contains("flag[me]") && Catch::Matchers::Contains("worker C") &&
                                Catch::Matchers::Contains("fewer workers"));
}

TEST_CASE("a register index past a variable's end ends the worker with a sentence", "[integration][indexed]") {
    TempDir dir;
    std::string text = kPerWorkerFlags;
    text.replace(text.find("store flag[me] 1"), 16, "mov r3 9\", \"store flag[r3] 1");
    RunOptions o = options(dir.write("bad.toml", text), 2, 5, 0);
    const Trace trace = runOrFail(o);
    INFO(trace.stopReason);
    CHECK_THAT(trace.stopReason, Catch::Matchers::Contains("Worker A ended early: line 18 of the scenario: "
                                                           "flag[r3] is word 9, but flag has 2 words."));
    for (const WorkerRecord& worker : trace.workers) {
        CHECK(worker.exit.how == WorkerExit::How::Exited);
        CHECK(worker.exit.code == 6);
        CHECK(worker.iterationsDone == 0);
    }
}
