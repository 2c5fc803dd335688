// Faults as tests (issue 15): the kill trials a user would try, bounded and
// seeded. A random worker of a run of 2 to 8 workers (naive-flag or
// tas-mutex) dies at a random moment, killed by racetrace itself (--kill W@N,
// at a random entry) or from outside (SIGKILL after a random delay); or
// racetrace dies (SIGKILL) or is stopped (SIGTERM, SIGINT) at a random moment.
// Every trial must end, name the dead worker, leave no live process (zombies
// are not counted: a reparented one may be reaped late) and add nothing to
// /dev/shm or the mqueue file system.
//
// Each test case draws its trials from one seed, printed with any failure;
// RACETRACE_FAULT_SEED=N repeats them (racetrace's own --seed is drawn too).
#include "support/integration_support.hpp"

#include <random>

using namespace racetrace;
using namespace racetrace::testing;
using namespace std::chrono_literals;

namespace {

/// A trial's run takes about a second; one still going after this has hung.
constexpr auto kRunMustEnd = 20s;
/// Workers outlive racetrace by at most this (they watch its life line).
constexpr auto kWorkersMustDie = 2000ms;
/// Worker-iterations per run (split among the workers) and its race window:
/// 0.3 to 1 s on a busy 2-CPU machine, so a random delay lands inside it.
constexpr std::uint32_t kIterationsInAll = 16'000;
constexpr std::uint64_t kWindowNs = 2000;

std::uint64_t seedOfTheTrials() {
    if (const char* fixed = std::getenv("RACETRACE_FAULT_SEED")) return std::strtoull(fixed, nullptr, 10);
    return std::random_device{}();
}

/// One trial's draw: which run, and who dies.
struct Trial {
    std::string scenario;
    std::uint32_t workers = 2;
    std::uint32_t victim = 0;
    std::uint64_t runSeed = 1; ///< racetrace's --seed
    std::string victimName() const { return std::string(1, static_cast<char>('A' + victim)); }
    std::uint64_t iterations() const { return kIterationsInAll / workers; }
    /// The run, with `iterations` per worker and `windowNs` (by default about a second in all).
    std::vector<std::string> runArgs(std::uint64_t iterationsEach = 0, std::uint64_t windowNs = kWindowNs) const {
        return {"run",
                "-s",
                scenario,
                "-w",
                std::to_string(workers),
                "-n",
                std::to_string(iterationsEach != 0 ? iterationsEach : iterations()),
                "--window-ns",
                std::to_string(windowNs),
                "--seed",
                std::to_string(runSeed),
                "--watchdog",
                "0.3"};
    }
};

Trial drawTrial(std::mt19937_64& random) {
    Trial trial;
    trial.scenario = std::uniform_int_distribution<int>(0, 1)(random) == 0 ? "naive-flag" : "tas-mutex";
    trial.workers = std::uniform_int_distribution<std::uint32_t>(2, 8)(random);
    trial.victim = std::uniform_int_distribution<std::uint32_t>(0, trial.workers - 1)(random);
    trial.runSeed = std::uniform_int_distribution<std::uint64_t>(1, 1'000'000'000)(random);
    return trial;
}

/// The summary's stop reason, or "" where it is null (nothing stopped the run early).
std::string stopReasonOf(const nlohmann::json& summary) {
    const auto reason = summary.find("stop_reason");
    return reason != summary.end() && reason->is_string() ? reason->get<std::string>() : std::string();
}

std::string joined(const std::vector<std::string>& args) {
    std::string text = "racetrace";
    for (const std::string& arg : args)
        text += " " + arg;
    return text;
}

bool mqueueMounted() {
    std::ifstream mounts("/proc/mounts");
    for (std::string line; std::getline(mounts, line);)
        if (line.find(" mqueue ") != std::string::npos) return true;
    return false;
}

/// What must be as it was after every trial: /dev/shm, and the mqueue file
/// system where it is mounted (devShmEntries reads both; one not mounted adds nothing).
std::set<std::string> leftoversBefore() {
    if (!mqueueMounted()) WARN("the mqueue file system is not mounted: message queues are not checked");
    return devShmEntries();
}

/// Polls `pid` (our child) until it ends or `timeout` passes (then kills it): its wait status, or nothing.
std::optional<int> waitWithin(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) return status;
        if (Clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return std::nullopt;
        }
        std::this_thread::sleep_for(5ms);
    }
}

/// The live worker processes of racetrace `cli`, by worker index, once all
/// `count` run (empty if they do not within 10 s).
std::vector<pid_t> waitForWorkers(pid_t cli, std::uint32_t count) {
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
        std::vector<pid_t> byIndex(count, 0);
        std::uint32_t found = 0;
        for (pid_t pid : liveChildrenOf(cli)) {
            const std::string args = commandLine(pid);
            const auto id = args.find(" --id ");
            if (args.find(" worker ") == std::string::npos || id == std::string::npos) continue;
            const auto index = std::strtoul(args.c_str() + id + 6, nullptr, 10);
            if (index < count && byIndex[index] == 0) ++found, byIndex[index] = pid;
        }
        if (found == count) return byIndex;
        std::this_thread::sleep_for(2ms);
    }
    return {};
}

std::string readFile(const std::string& path) {
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

/// No process of the trial lives on: the workers (zombies aside) and our children.
void requireNobodySurvives(const std::vector<pid_t>& workers) {
    const auto survivors = waitUntilGone(workers, kWorkersMustDie);
    for (pid_t pid : survivors)
        kill(pid, SIGKILL); // never leave them running, even on failure
    reap(workers);          // orphans come to us (SubreaperScope)
    INFO("workers alive " << kWorkersMustDie.count() << " ms after the run ended: " << survivors.size());
    CHECK(survivors.empty());
    CHECK(liveChildrenOf(getpid()).empty());
}

void requireNothingNewInShm(const std::set<std::string>& before) {
    const auto after = devShmEntries();
    std::vector<std::string> added;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
    INFO("new in /dev/shm or /dev/mqueue: " << (added.empty() ? "" : added.front()));
    CHECK(added.empty());
}

/// The pids of the workers a --json summary lists.
std::vector<pid_t> summaryPids(const nlohmann::json& summary) {
    std::vector<pid_t> pids;
    for (const auto& worker : summary.at("worker_details"))
        pids.push_back(worker.at("pid").get<pid_t>());
    return pids;
}

} // namespace

TEST_CASE("faults: racetrace kills a random worker at a random entry (--kill), 2-8 workers, 8 trials",
          "[integration][faults]") {
    const std::uint64_t seed = seedOfTheTrials();
    std::mt19937_64 random(seed);
    SubreaperScope subreaper;
    const auto shmBefore = leftoversBefore();
    for (int k = 1; k <= 8; ++k) {
        const Trial trial = drawTrial(random);
        const auto entry = std::uniform_int_distribution<int>(1, 20)(random);
        auto args = trial.runArgs();
        args.insert(args.end(), {"--kill", trial.victimName() + "@" + std::to_string(entry), "--json"});
        INFO("RACETRACE_FAULT_SEED=" << seed << ", trial " << k << ": " << joined(args));
        const CliResult result = runCli(args, std::chrono::duration_cast<std::chrono::seconds>(kRunMustEnd));
        INFO("stderr: " << result.err);
        REQUIRE_FALSE(result.timedOut);
        const nlohmann::json summary = parseJsonOutput(result);
        const std::string stopReason = stopReasonOf(summary);
        INFO("stop reason: " << stopReason);
        CHECK_THAT(stopReason, Catch::Contains("Worker " + trial.victimName() + " was killed (--kill)"));
        CHECK(summary.at("faults").at("killed") == nlohmann::json::array({trial.victimName()}));
        CHECK(summary.at("worker_details").at(trial.victim).at("exit") == "killed");
        requireNobodySurvives(summaryPids(summary));
        requireNothingNewInShm(shmBefore);
    }
}

TEST_CASE("faults: a random worker is killed from outside (SIGKILL) at a random moment, 2-8 workers, 8 trials",
          "[integration][faults]") {
    const std::uint64_t seed = seedOfTheTrials();
    std::mt19937_64 random(seed);
    SubreaperScope subreaper;
    const auto shmBefore = leftoversBefore();
    int landed = 0;
    for (int k = 1; k <= 8; ++k) {
        const Trial trial = drawTrial(random);
        const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 150)(random));
        auto args = trial.runArgs();
        args.push_back("--json");
        INFO("RACETRACE_FAULT_SEED=" << seed << ", trial " << k << ": " << joined(args) << ", then SIGKILL to "
                                     << trial.victimName() << " after " << delay.count() << " ms");
        TempDir dir;
        const std::string outPath = dir.file("out.json"), errPath = dir.file("err.txt");
        const int outFd = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int errFd = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const pid_t cli = spawnProgram(RACETRACE_CLI_PATH, args, outFd, errFd);
        close(outFd);
        close(errFd);
        const std::vector<pid_t> workers = waitForWorkers(cli, trial.workers);
        if (!workers.empty()) {
            std::this_thread::sleep_for(delay);
            kill(workers[trial.victim], SIGKILL);
        }
        const auto status = waitWithin(cli, kRunMustEnd);
        const std::string err = readFile(errPath);
        INFO("stderr: " << err);
        REQUIRE_FALSE(workers.empty());
        REQUIRE(status.has_value()); // the run ended
        REQUIRE(WIFEXITED(*status));
        if (err.find("ended before the start") != std::string::npos) {
            // Killed while the workers were still gathering at the start
            // barrier (a busy machine): the run cannot start, and says who died.
            CHECK(WEXITSTATUS(*status) == 1);
            CHECK_THAT(err, Catch::Contains("worker " + trial.victimName() + " ended before the start"));
            CHECK_THAT(err, Catch::Contains("SIGKILL"));
            requireNobodySurvives(workers);
            requireNothingNewInShm(shmBefore);
            continue;
        }
        CHECK(WEXITSTATUS(*status) == 0);
        const nlohmann::json summary = nlohmann::json::parse(readFile(outPath));
        const auto& victim = summary.at("worker_details").at(trial.victim);
        const std::string stopReason = stopReasonOf(summary);
        INFO("stop reason: " << stopReason << "; victim: " << victim.dump());
        // The run may have been over for the victim before the signal came: then it finished its iterations.
        const bool finishedFirst = victim.at("exit") == "exited" && victim.at("iterations") == trial.iterations();
        if (!finishedFirst) {
            ++landed;
            CHECK(victim.at("signal") == SIGKILL);
            CHECK_THAT(stopReason, Catch::Contains("Worker " + trial.victimName() + " ended early"));
            CHECK_THAT(stopReason, Catch::Contains("SIGKILL"));
        }
        requireNobodySurvives(workers);
        requireNothingNewInShm(shmBefore);
    }
    INFO("RACETRACE_FAULT_SEED=" << seed);
    CHECK(landed >= 4); // most kills land mid-run, or the trials test little
}

TEST_CASE("faults: racetrace itself is killed (SIGKILL) or stopped (SIGTERM, SIGINT) at a random moment",
          "[integration][faults]") {
    const std::uint64_t seed = seedOfTheTrials();
    std::mt19937_64 random(seed);
    SubreaperScope subreaper;
    const auto shmBefore = leftoversBefore();
    int k = 0;
    for (const int signal : {SIGKILL, SIGTERM, SIGINT, SIGKILL, SIGTERM, SIGINT}) {
        const Trial trial = drawTrial(random);
        const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 300)(random));
        // 100 us race windows: a run of minutes, stopped long before, that records few events to sum up.
        const auto args = trial.runArgs(100'000, 100'000);
        INFO("RACETRACE_FAULT_SEED=" << seed << ", trial " << ++k << ": " << joined(args) << ", then "
                                     << strsignal(signal) << " to racetrace after " << delay.count() << " ms");
        TempDir dir;
        const std::string outPath = dir.file("out.txt"), errPath = dir.file("err.txt");
        const int outFd = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int errFd = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const pid_t cli = spawnProgram(RACETRACE_CLI_PATH, args, outFd, errFd);
        close(outFd);
        close(errFd);
        const std::vector<pid_t> workers = waitForWorkers(cli, trial.workers);
        std::this_thread::sleep_for(delay);
        kill(cli, signal);
        const auto status = waitWithin(cli, kRunMustEnd);
        const std::string said = readFile(errPath), summary = readFile(outPath);
        INFO("stdout: " << summary << "\nstderr: " << said);
        REQUIRE_FALSE(workers.empty());
        REQUIRE(status.has_value()); // racetrace ended
        if (signal == SIGKILL) {
            CHECK((WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL));
        } else {
            // Stopped like Stop: the workers killed, what they recorded summed up, 130 / 143.
            REQUIRE(WIFEXITED(*status));
            CHECK(WEXITSTATUS(*status) == 128 + signal);
            CHECK_THAT(summary, Catch::Contains("The run was stopped before it finished."));
            CHECK_THAT(said, Catch::Contains(signal == SIGINT ? "stopped by Ctrl-C (SIGINT)" : "stopped by SIGTERM"));
        }
        requireNobodySurvives(workers);
        requireNothingNewInShm(shmBefore);
    }
}
