#include "lab/run_options.hpp"

#include "lab/scenario.hpp"

#include <bit>
#include <random>

namespace racetrace {

Result<void> validateRunOptions(const RunOptions& options) {
    if (options.workers != 0 && (options.workers < kMinRunWorkers || options.workers > kMaxRunWorkers))
        return fail("--workers must be between 2 and 64 (got " + std::to_string(options.workers) + ").");
    if (options.iterations > kMaxIterations)
        return fail("--iterations must be at most 100000000 (got " + std::to_string(options.iterations) + ").");
    if (options.windowNs && *options.windowNs > kMaxWindowNs)
        return fail("--window-ns must be at most 100000000 (100 ms; got " + std::to_string(*options.windowNs) + ").");
    if (!(options.watchdogSeconds > 0.0) || options.watchdogSeconds > kMaxWatchdogSeconds)
        return fail("--watchdog must be more than 0 and at most 3600 seconds.");
    if (options.ringCapacity != 0 && (!std::has_single_bit(options.ringCapacity) || options.ringCapacity < 4))
        return fail("a ring must hold a power of two events, at least 4 (got " + std::to_string(options.ringCapacity) +
                    ").");
    if (options.messageBytes != 0 && (options.messageBytes < kMinMessageBytes ||
                                      options.messageBytes > kMaxMessageBytes || options.messageBytes % 8 != 0))
        return fail("--message-bytes must be a multiple of 8 from 16 to 1048576 (got " +
                    std::to_string(options.messageBytes) + ").");
    if (options.capacity > (std::uint64_t{1} << 20))
        return fail("--capacity must be at most 1048576 (got " + std::to_string(options.capacity) + ").");
    if (options.kill && options.workers != 0 && options.kill->worker >= options.workers)
        return fail("--kill names worker " + workerName(options.kill->worker) + ", but the run has only " +
                    std::to_string(options.workers) + " workers.");
    if (options.maxEvents > kMaxEvents)
        return fail("--max-events must be at most 10000000000 (got " + std::to_string(options.maxEvents) + ").");
    if (options.kill && options.stepping) return fail("--kill cannot be used while stepping: kill from the window.");
    return {};
}

Result<KillPlan> parseKillPlan(std::string_view text) {
    const auto at = text.find('@');
    const std::string_view who = text.substr(0, at);
    const bool letter = who.size() == 1 && who[0] >= 'A' && who[0] <= 'Z';
    std::uint64_t entry = 0;
    bool number = at != std::string_view::npos && at + 1 < text.size() && text.size() - at - 1 <= 12;
    for (std::size_t k = at + 1; number && k < text.size(); ++k) {
        number = text[k] >= '0' && text[k] <= '9';
        entry = entry * 10 + static_cast<std::uint64_t>(text[k] - '0');
    }
    if (!letter || !number || entry == 0)
        return fail("--kill takes a worker and an entry into the critical section, like A@3 (kill A the 3rd time "
                    "it is inside); got '" +
                    std::string(text) + "'.");
    return KillPlan{static_cast<std::uint32_t>(who[0] - 'A'), entry};
}

RunSettings resolveSettings(const RunOptions& options, const Scenario& scenario) {
    RunSettings settings;
    settings.scenario = scenario.info.name;
    settings.workers = options.workers != 0 ? options.workers : scenario.defaults.workers;
    settings.iterations = options.iterations != 0 ? options.iterations : scenario.defaults.iterations;
    settings.windowNs = options.windowNs.value_or(scenario.defaults.windowNs);
    settings.pin = options.pin;
    settings.seed = options.seed != 0 ? options.seed : std::random_device{}() | 1u;
    settings.traceEnabled = options.traceEnabled;
    settings.watchdogSeconds = options.watchdogSeconds;
    if (options.kill) {
        settings.killWorker = options.kill->worker;
        settings.killAtEntry = options.kill->entry;
    }
    settings.messageBytes = options.messageBytes;
    settings.capacity = options.capacity;
    settings.retryWhenFull = options.retryWhenFull;
    return settings;
}

RunOptions optionsToRepeat(const RunSettings& settings, std::string scenarioSource) {
    RunOptions options;
    options.scenario = settings.scenario;
    options.scenarioSource = std::move(scenarioSource);
    options.workers = settings.workers;
    options.iterations = settings.iterations;
    options.windowNs = settings.windowNs;
    options.pin = settings.pin;
    options.seed = settings.seed;
    options.traceEnabled = settings.traceEnabled;
    options.watchdogSeconds = settings.watchdogSeconds;
    options.messageBytes = settings.messageBytes;
    options.capacity = settings.capacity;
    options.retryWhenFull = settings.retryWhenFull;
    return options;
}

} // namespace racetrace
