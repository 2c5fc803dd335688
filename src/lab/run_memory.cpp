#include "lab/run_memory.hpp"

#include "lab/instruction_set.hpp"
#include "trace/event_text.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <optional>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace racetrace {

namespace {

/// Events one pass of `program` records when nothing repeats: one per recording
/// instruction, a word-by-word record instruction one per word. Spins are one
/// event however long they last, so this is close for the built-in scenarios.
std::uint64_t eventsPerPass(const Program& program, const ScenarioInfo& info) {
    std::uint64_t events = 0;
    for (const Instruction& instruction : program.code) {
        const OpSpec& spec = opSpec(instruction.op);
        if (spec.records == EventKind::Invalid) continue;
        const bool wordByWord = spec.needsSignedWords && instruction.variable < info.variables.size();
        events += wordByWord ? info.variables[instruction.variable].words : 1;
    }
    return events;
}

/// Events one worker records in the whole run (what its ring should hold).
std::uint64_t eventsPerWorker(const Scenario& scenario, const RunSettings& settings) {
    std::uint64_t perPass = 0;
    for (const Program& program : scenario.programs)
        perPass = std::max(perPass, eventsPerPass(program, scenario.info));
    return (perPass + 1) * settings.iterations + settings.iterations / 4 + 4096;
}

/// "21 GB", "1.6 GB", "420 MB".
std::string roundedBytes(std::uint64_t bytes) {
    if (bytes >= 10'000'000'000) return groupedNumber(static_cast<std::int64_t>(bytes / 1'000'000'000)) + " GB";
    if (bytes >= 1'000'000'000)
        return std::to_string(bytes / 1'000'000'000) + "." + std::to_string(bytes / 100'000'000 % 10) + " GB";
    return groupedNumber(static_cast<std::int64_t>(bytes / 1'000'000)) + " MB";
}

} // namespace

std::uint64_t availableMemoryBytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kilobytes = 0;
    std::string unit;
    while (meminfo >> key >> kilobytes >> unit)
        if (key == "MemAvailable:") return kilobytes * 1024;
    // No /proc: what is free, without the page cache the kernel would give back.
    const long pages = sysconf(_SC_AVPHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(pageSize) : 0;
}

namespace {

/// What an address-space limit (RLIMIT_AS) leaves this process, or nothing when there is none.
std::optional<std::uint64_t> addressSpaceLeft() {
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
    std::ifstream status("/proc/self/status");
    std::uint64_t used = 0;
    for (std::string key; status >> key;)
        if (key == "VmSize:") {
            status >> used;
            used *= 1024;
            break;
        }
    return limit.rlim_cur > used ? limit.rlim_cur - used : 0;
}

} // namespace

std::uint64_t defaultMaxEvents(std::uint64_t bytesPerEvent) {
    constexpr std::uint64_t kAtLeast = 100'000;
    const std::uint64_t perEvent = std::max<std::uint64_t>(bytesPerEvent, sizeof(Event));
    const std::uint64_t memory = availableMemoryBytes();
    std::uint64_t events = memory != 0 ? memory / perEvent : std::numeric_limits<std::uint64_t>::max();
    if (const auto left = addressSpaceLeft()) {
        // Address space is not memory: the threads' stacks and malloc's
        // per-thread arenas reserve far more than they touch, a vector that
        // doubles holds its old and new blocks at once, and the rings still
        // hold events when the limit is reached. Measured under ulimit -v
        // 1 GiB: 2.4 M events of a loop fit, 3 M did not; this allows ~1.6 M.
        constexpr std::uint64_t kReserved = std::uint64_t{256} << 20;
        events = std::min(events, *left > kReserved ? (*left - kReserved) / (3 * perEvent) : 0);
    }
    return std::max(kAtLeast, events);
}

std::uint64_t expectedEvents(const Scenario& scenario, const RunSettings& settings) {
    return eventsPerWorker(scenario, settings) * settings.workers;
}

Result<void> fitsInMemory(const Scenario& scenario, const RunSettings& settings, const RunOptions& options) {
    if (!settings.traceEnabled || options.stepping || options.bytesPerEvent == 0) return {};
    // A run capped by --max-events records no more than that.
    const std::uint64_t expected = expectedEvents(scenario, settings);
    const std::uint64_t events = options.maxEvents != 0 ? std::min(expected, options.maxEvents) : expected;
    const std::uint64_t needed = events * options.bytesPerEvent;
    const std::uint64_t available = availableMemoryBytes();
    if (available == 0 || needed <= available) return {};
    return fail(std::to_string(settings.workers) + " workers x " +
                groupedNumber(static_cast<std::int64_t>(settings.iterations)) + " iterations of " + scenario.info.name +
                " would record about " + groupedNumber(static_cast<std::int64_t>(events / 1'000'000)) +
                " million events and need about " + roundedBytes(needed) +
                " to order and analyse them, but this machine has " + roundedBytes(available) +
                " available: lower the iterations (or run it untraced: racetrace run --no-trace).");
}

std::uint64_t chooseRingCapacity(const Scenario& scenario, const RunSettings& settings, const RunOptions& options) {
    // A stepped worker makes one access per step and the parent drains at every
    // step, so a small ring does; and every ring is prefaulted before the start
    // and freed at the end, which for 64 MiB made Undo (a fresh run) take ~100 ms.
    constexpr std::uint64_t kSmallest = std::uint64_t{1} << 16;
    if (options.stepping) return kSmallest;
    // Sized to hold the whole run: on two cores the workers fill their rings
    // faster than the parent, sharing a core with them, can drain (-w 2 -n
    // 400000 --window-ns 0 dropped 8 M of 12 M events with 1 Mi-event rings),
    // so what the parent cannot take while they race waits in the ring.
    const std::uint64_t wanted = eventsPerWorker(scenario, settings);
    const std::uint64_t workers = std::max<std::uint32_t>(settings.workers, 1);
    // Rings take at most a quarter of the available memory (8 GiB at most), and
    // hold no more events than the parent can process afterwards: a scenario
    // whose waiting loops record far more than one pass promises (Peterson's)
    // then drops events, labelled as such, instead of exhausting memory.
    const std::uint64_t available = availableMemoryBytes();
    const std::uint64_t perEvent = std::max<std::uint64_t>(options.bytesPerEvent, sizeof(Event));
    const std::uint64_t affordable =
        std::min(std::min<std::uint64_t>(available / 4, std::uint64_t{8} << 30) / sizeof(Event), available / perEvent) /
        workers;
    // At least ~64 MiB in all, as before rings followed the run: a waiting loop
    // over two variables (Peterson's) is not one spin but an event per access,
    // far more than one pass of the program promises.
    std::uint64_t capacity = kSmallest;
    while (capacity * 2 <= (std::uint64_t{1} << 21) / workers)
        capacity *= 2;
    while (capacity < wanted && capacity * 2 <= affordable)
        capacity *= 2;
    return capacity;
}

} // namespace racetrace
