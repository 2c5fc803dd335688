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
