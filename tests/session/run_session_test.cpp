// RunSession's load job on a real file: its progress sentence, and Stop (Esc)
// ending it with a notice and no document, the trace shown before staying.
#include "session/run_session.hpp"

#include "support/trace_builder.hpp"
#include "trace/rtrace_file.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include <unistd.h>

using namespace racetrace;
using namespace racetrace::test;
using namespace std::chrono_literals;

namespace {

/// A file in the temporary directory, removed afterwards.
struct TempFile {
    std::string path =
        (std::filesystem::temp_directory_path() / ("racetrace-session-" + std::to_string(::getpid()) + ".rtrace"))
            .string();
    ~TempFile() { std::filesystem::remove(path); }
};

/// A naive-flag trace of about a million events, saved: its analysis takes
/// far longer than the few microseconds between starting a load and stopping it.
void saveLargeTrace(const std::string& path) {
    TraceBuilder b(Shape::NaiveFlag);
    std::uint64_t ns = 100;
    for (int k = 0; k < 40'000; ++k)
        for (std::uint32_t w = 0; w < 2; ++w)
            ns = b.serialIteration(w, ns) + 10;
    REQUIRE(saveRtrace(b.build(), path).has_value());
}

bool waitIdle(const RunSession& session) {
    for (int k = 0; k < 1200 && session.busy(); ++k)
        std::this_thread::sleep_for(50ms);
    return !session.busy();
}

} // namespace

TEST_CASE("a load says how far it has got, and Stop ends it with a notice and no document", "[session][load]") {
    const TempFile file;
    const std::string& path = file.path;
    saveLargeTrace(path);
    const std::string name = std::filesystem::path(path).filename().string();

    RunSession session;
    REQUIRE(session.startLoad(path));
    CHECK(session.stoppable());
    CHECK_THAT(session.activity(), Catch::Matchers::Contains(name));
    session.stop();
    REQUIRE(waitIdle(session));
    CHECK(session.takeNotice() == std::optional<std::string>("Stopped loading " + name + "."));
    CHECK(session.takeResult() == nullptr);
    CHECK_FALSE(session.takeError().has_value());

    // Not stopped, the same file loads, with every event.
    REQUIRE(session.startLoad(path));
    REQUIRE(waitIdle(session));
    const auto document = session.takeResult();
    REQUIRE(document != nullptr);
    CHECK(document->trace.events.size() > 1'000'000);
    CHECK_FALSE(session.takeNotice().has_value());
}

TEST_CASE("Stop during a load's analysis ends it at the next phase, with the stage shown", "[session][load][cancel]") {
    const TempFile file;
    saveLargeTrace(file.path);
    const std::string name = std::filesystem::path(file.path).filename().string();

    RunSession session;
    REQUIRE(session.startLoad(file.path));
    while (session.busy() && !session.analysing())
        std::this_thread::sleep_for(1ms);
    REQUIRE(session.analysing());
    CHECK(session.stoppable());
    CHECK(session.fraction() >= 0.25f); // the reading (the first of four stages) is done
    CHECK(session.fraction() < 1.0f);
    CHECK_THAT(session.activity(), Catch::Matchers::Contains("step 2 of 4"));
    session.stop();
    REQUIRE(waitIdle(session));
    CHECK(session.takeNotice() == std::optional<std::string>("Stopped loading " + name + "."));
    CHECK(session.takeResult() == nullptr);
    CHECK_FALSE(session.takeError().has_value());
}

TEST_CASE("Stop once a run's workers have finished drops the run at the next phase of its analysis",
          "[session][run][cancel]") {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 60'000; // about 1.8 M events: seconds of merging and analysing
    RunSession session;
    REQUIRE(session.startRun(options));
    while (session.busy() && !session.analysing())
        std::this_thread::sleep_for(1ms);
    REQUIRE(session.analysing());
    CHECK(session.stoppable());
    CHECK_THAT(session.activity(), Catch::Matchers::Contains("step 1 of 4, merging them (Esc stops)"));
    session.stop();
    REQUIRE(waitIdle(session));
    const auto notice = session.takeNotice();
    REQUIRE(notice.has_value());
    CHECK_THAT(*notice, Catch::Matchers::StartsWith("Stopped analysing the run"));
    CHECK(session.takeResult() == nullptr);
    CHECK_FALSE(session.takeError().has_value());

    // The session takes the next run as usual, analysed to the end.
    options.iterations = 200;
    REQUIRE(session.startRun(options));
    REQUIRE(waitIdle(session));
    CHECK(session.takeResult() != nullptr);
}

TEST_CASE("Stop pressed while the workers are still starting stops the run once it has started",
          "[session][run][cancel]") {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 500'000; // ~20 s if nothing stopped it
    RunSession session;
    REQUIRE(session.startRun(options));
    session.stop(); // Run::start has not returned yet: there is no run to stop
    REQUIRE(waitIdle(session));
    const auto document = session.takeResult();
    REQUIRE(document != nullptr);
    INFO("stop reason: " << document->trace.stopReason);
    CHECK_THAT(document->trace.stopReason, Catch::Matchers::Contains("stopped"));
    for (const WorkerRecord& worker : document->trace.workers)
        CHECK(worker.iterationsDone < options.iterations);
}

TEST_CASE("Kill A pressed while the workers are still starting kills A once the run has started",
          "[session][run][kill]") {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 200'000;
    options.watchdogSeconds = 1.0; // A killed holding the flag leaves B waiting: the watchdog ends the run
    RunSession session;
    REQUIRE(session.startRun(options));
    CHECK(session.killNow(0)); // Run::start has not returned yet
    REQUIRE(waitIdle(session));
    const auto document = session.takeResult();
    REQUIRE(document != nullptr);
    REQUIRE_FALSE(document->trace.workers.empty());
    CHECK(document->trace.workers[0].exit.how == WorkerExit::How::Killed);
    CHECK(document->trace.workers[0].iterationsDone < options.iterations);
}

TEST_CASE("A window run that reaches its event limit keeps what it recorded and says why it stopped",
          "[session][run][limits]") {
    RunOptions options;
    options.scenario = "naive-flag";
    options.workers = 2;
    options.iterations = 500'000; // ~20 s and ~15 M events if nothing stopped it
    options.maxEvents = 100'000;
    RunSession session;
    REQUIRE(session.startRun(options));
    REQUIRE(waitIdle(session));
    const auto document = session.takeResult();
    REQUIRE(document != nullptr);
    INFO("stop reason: " << document->trace.stopReason);
    CHECK_THAT(document->trace.stopReason,
               Catch::Matchers::StartsWith("Stopped after 100,000 events, the limit for one run (--max-events): the "
                                           "workers had not finished their iterations (A at line "));
    CHECK(document->trace.events.size() >= 100'000);
    for (const WorkerRecord& worker : document->trace.workers)
        CHECK(worker.iterationsDone < options.iterations);
}
