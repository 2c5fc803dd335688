// Nothing lost, nothing destroyed, from the command line: a file to write
// that cannot be written is refused by name before any process starts (exit
// 2, the FIFO or folder left as it was); a symlink is saved through; a name
// that is not UTF-8 is escaped in --json instead of aborting.
#include "support/integration_support.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <thread>

namespace racetrace::testing {

TEST_CASE("save: an unusable --out is refused before the run starts", "[save]") {
    TempDir dir;
    const std::string fifo = dir.file("fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    const std::string trace = dir.file("t.rtrace");
    REQUIRE(runCli({"run", "-n", "20", "-o", trace}).exitCode == 0);
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases = {
        {{"run", "-n", "20", "-o", fifo}, "Cannot save " + fifo + ": it is a FIFO"},
        {{"run", "-n", "20", "-o", dir.path()}, "Cannot save " + dir.path() + ": it is a folder"},
        {{"run", "-n", "20", "-o", ""}, "--out: the file name is empty"},
        {{"run", "-n", "20", "-o", dir.file("none/t.rtrace")}, "the folder " + dir.file("none") + " does not exist"},
        {{"replay", trace, "--out", fifo}, "Cannot save " + fifo + ": it is a FIFO"},
        {{"stats", "--sweep", "window-ns=0", "--runs", "1", "--csv", dir.path()}, "it is a folder"},
    };
    for (const Case& c : cases) {
        INFO(c.args.front() << " " << c.args.back());
        const CliResult result = runCli(c.args);
        CHECK(result.exitCode == 2);
        CHECK_THAT(result.err, Catch::Contains(c.says));
        CHECK(nonEmptyLines(result.err).size() == 1);
        CHECK(result.out.empty()); // nothing ran
    }
    struct stat info {};
    REQUIRE(stat(fifo.c_str(), &info) == 0);
    CHECK(S_ISFIFO(info.st_mode));
}

TEST_CASE("save: a symlink is saved through to its target and stays a link", "[save]") {
    TempDir dir;
    const std::string link = dir.file("link.rtrace");
    REQUIRE(symlink("target.rtrace", link.c_str()) == 0);
    const CliResult run = runCli({"run", "-n", "20", "-o", link});
    CHECK(run.exitCode == 0);
    struct stat info {};
    REQUIRE(lstat(link.c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    CHECK(runCli({"info", dir.file("target.rtrace")}).exitCode == 0);
}

TEST_CASE("save: a file name that is not UTF-8 is escaped in --json", "[save]") {
    TempDir dir;
    const std::string name = dir.file("bad\xff.rtrace");
    const CliResult run = runCli({"run", "-n", "20", "-o", name, "--json"});
    REQUIRE(run.exitCode == 0);
    const nlohmann::json summary = parseJsonOutput(run);
    CHECK(summary.at("trace_file").get<std::string>().find("bad") != std::string::npos);
    CHECK(runCli({"info", name, "--json"}).exitCode == 0);
}

TEST_CASE("save: Ctrl-C or SIGTERM during run stops it like Stop and keeps what was recorded", "[save]") {
    for (const int signal : {SIGINT, SIGTERM}) {
        INFO("signal " << signal);
        TempDir dir;
        const std::string trace = dir.file("stopped.rtrace");
        const std::string out = dir.file("out.txt"), err = dir.file("err.txt");
        const int outFd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int errFd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        // 100 ms in every race window: 1,000 iterations would take minutes; it is stopped once it records.
        const pid_t pid = spawnProgram(RACETRACE_CLI_PATH,
                                       {"run", "-n", "1000", "--window-ns", "100000000", "-o", trace}, outFd, errFd);
        close(outFd);
        close(errFd);
        const auto start = Clock::now();
        while (childrenOf(pid).size() < 2 && secondsSince(start) < 30.0)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        REQUIRE(childrenOf(pid).size() >= 2); // both workers run
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        REQUIRE(kill(pid, signal) == 0);
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 128 + signal);
        std::ifstream errText(err), outText(out);
        const std::string said((std::istreambuf_iterator<char>(errText)), {});
        const std::string summary((std::istreambuf_iterator<char>(outText)), {});
        CHECK_THAT(said, Catch::Contains(signal == SIGINT ? "stopped by Ctrl-C (SIGINT)" : "stopped by SIGTERM"));
        CHECK_THAT(summary, Catch::Contains("The run was stopped before it finished."));
        CHECK_THAT(summary, Catch::Contains("Saved the trace to " + trace));
        CHECK(runCli({"info", trace}).exitCode == 0);
    }
}

} // namespace racetrace::testing
