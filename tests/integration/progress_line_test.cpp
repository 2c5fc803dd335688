// Long commands say what they are doing on a terminal: a line on stderr,
// rewritten in place while the work goes on, erased before the results. The
// terminal is a real pseudo-terminal (util-linux's `script`); without one,
// stderr stays silent.
#include "support/cli_runner.hpp"
#include "support/integration_support.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

/// Runs `racetrace ARGS` with stdout and stderr on a pseudo-terminal; returns all it wrote there.
std::string onTerminal(const std::string& args, const std::filesystem::path& log) {
    const pid_t pid =
        spawnProgram("/usr/bin/script", {"-q", "-e", "-c", std::string(RACETRACE_CLI_PATH) + " " + args, log.string()});
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    std::ifstream in(log, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("a long run shows what it is doing on a terminal, then erases the line", "[integration][cli][progress]") {
    REQUIRE(std::filesystem::exists("/usr/bin/script")); // bsdutils: essential on Debian
    const auto dir = std::filesystem::temp_directory_path() / ("racetrace-progress-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto trace = dir / "long.rtrace";
    // ~2.4 M events: a few seconds of recording and ordering, well past the second of quiet.
    const std::string out = onTerminal("run -s naive-flag -n 80000 -o " + trace.string(), dir / "run.log");
    INFO(out);
    CHECK(out.find("\rracetrace: recording the run... ") != std::string::npos);
    CHECK(out.find("\rracetrace: ordering the events") != std::string::npos);
    // Erased before the results, which stand on lines of their own.
    const auto saved = out.find("Saved the trace to ");
    REQUIRE(saved != std::string::npos);
    const auto lastProgress = out.rfind("\rracetrace: ");
    const auto erase = out.rfind("\r\033[K");
    CHECK(lastProgress < erase);
    CHECK(erase < saved);
    CHECK(out.find("\rracetrace: ", saved) == std::string::npos);

    // Without a terminal: nothing on stderr at all.
    const CliResult quiet = runCli({"info", trace.string()});
    CHECK(quiet.exitCode == 0);
    CHECK(quiet.err.empty());
    std::filesystem::remove_all(dir);
}
