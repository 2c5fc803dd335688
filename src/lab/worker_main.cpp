// The worker process: `racetrace worker --segment-fd N --id K --parent-pid P`.
// It checks the segment it inherited with the parent's own validateSegment(),
// parses the scenario text the parent put there (once), waits at the start barrier and runs its program. Anything wrong
// is reported on stderr and with a non-zero exit, which the parent collects.
#include "lab/worker_main.hpp"

#include "ipc/life_line.hpp"
#include "ipc/shared_segment.hpp"
#include "lab/channel_endpoint.hpp"
#include "lab/channel_set.hpp"
#include "lab/interpreter.hpp"
#include "lab/scenario.hpp"
#include "lab/segment_layout.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <string_view>
#include <thread>

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

namespace racetrace {

namespace {

enum WorkerExitCode : int {
    kOk = 0,
    kBadArguments = 2,
    kBadSegment = 3,
    kBadScenario = 4,
    kOrphaned = 5,
    kProgramFault = 6, ///< the program addressed a word its variable does not have
};

struct WorkerArgs {
    int segmentFd = -1;
    int lifeFd = -1;
    std::uint32_t id = 0;
    pid_t parentPid = 0;
    std::string channelFds; ///< "--channel-fds": this worker's ends (lab/channel_set.hpp)
};

template <class T> bool parseNumber(const char* text, T& out) {
    const auto* end = text + std::strlen(text);
    auto [ptr, ec] = std::from_chars(text, end, out);
    return ec == std::errc{} && ptr == end;
}

bool parseArgs(int argc, char** argv, WorkerArgs& args) {
    bool fd = false, life = false, id = false, parent = false;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string_view key = argv[i];
        if (key == "--segment-fd")
            fd = parseNumber(argv[i + 1], args.segmentFd);
        else if (key == "--life-fd")
            life = parseNumber(argv[i + 1], args.lifeFd);
        else if (key == "--id")
            id = parseNumber(argv[i + 1], args.id);
        else if (key == "--parent-pid")
            parent = parseNumber(argv[i + 1], args.parentPid);
        else if (key == "--channel-fds")
            args.channelFds = argv[i + 1];
        else
            return false;
    }
    return fd && life && id && parent;
}

/// Maps the ring's pages in now, before the barrier: otherwise the worker takes
/// a page fault every 128 events during the race, which slows what we observe.
void prefault(void* begin, std::uint64_t bytes) {
#ifdef MADV_POPULATE_WRITE
    if (madvise(begin, bytes, MADV_POPULATE_WRITE) == 0) return;
#endif
    // Older kernels: touch one byte per page. The slots are ours (the producer's)
    // and unpublished, so writing a zero over a zero changes nothing.
    auto* bytesPtr = static_cast<volatile unsigned char*>(begin);
    const long page = sysconf(_SC_PAGESIZE);
    for (std::uint64_t offset = sizeof(RingControl); offset < bytes; offset += static_cast<std::uint64_t>(page))
        bytesPtr[offset] = 0;
}

void pinTo(std::int32_t cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof(set), &set); // best effort: an unpinnable CPU still runs the race
}

/// Waits at the start barrier: everyone is mapped and parsed before anyone races.
/// False when the parent stopped the run before it began.
bool waitForGo(SegmentHeader& header, WorkerSlot& slot) {
    slot.state.store(static_cast<std::uint32_t>(WorkerState::Ready), std::memory_order_release);
    header.readyCount.fetch_add(1, std::memory_order_acq_rel);
    while (header.go.load(std::memory_order_acquire) == 0) {
        if (header.stop.load(std::memory_order_relaxed) != 0) return false;
        std::this_thread::yield();
    }
    return true;
}

/// This worker's ends of every channel, with the message size the parent resolved.
Result<std::vector<ChannelEndpoint>> channelEndpoints(const Scenario& scenario, const RunParameters& parameters,
                                                      std::string_view text) {
    auto fds = parseChannelFds(text);
    if (!fds) return fail(fds.error());
    const auto& channels = scenario.info.channels;
    if (fds->size() != channels.size())
        return fail("the parent handed over " + std::to_string(fds->size()) + " channels, the scenario has " +
                    std::to_string(channels.size()));
    std::vector<ChannelEndpoint> endpoints;
    for (std::size_t c = 0; c < channels.size(); ++c) {
        const std::uint32_t bytes = parameters.messageBytes != 0 ? parameters.messageBytes : channels[c].messageBytes;
        endpoints.emplace_back(channels[c].kind, bytes, (*fds)[c]);
    }
    return endpoints;
}

int workerMain(const WorkerArgs& args) {
    // A write into a pipe nobody reads must fail with EPIPE (recorded as a
    // broken pipe), not kill the worker.
    std::signal(SIGPIPE, SIG_IGN);
    // Die with the parent process (see ipc/life_line.hpp). A parent that died
    // before the watcher started is caught by the getppid() check as well.
    exitWhenLifeLineBreaks(args.lifeFd, kOrphaned);
    if (getppid() != args.parentPid) return kOrphaned;

    auto segment = SharedSegment::attach(args.segmentFd);
    if (!segment) {
        std::fprintf(stderr, "racetrace worker %u: %s\n", args.id, segment.error().c_str());
        return kBadSegment;
    }
    auto view = validateSegment(segment->data(), segment->size());
    if (!view || args.id >= view->workerCount()) {
        std::fprintf(stderr, "racetrace worker %u: %s\n", args.id,
                     view ? "there is no slot for this worker in the shared segment" : view.error().c_str());
        return kBadSegment;
    }
    WorkerSlot& slot = view->slot(args.id);
    slot.pid.store(getpid(), std::memory_order_relaxed);

    // The one parse of the scenario in this process.
    auto scenario = parseScenario(view->scenarioText(), "scenario");
    const bool fits = scenario && scenario->totalWords <= view->header().layout.wordCount &&
                      scenario->kernelLockPlans().size() == view->lockCount();
    if (!fits) {
        const std::string why =
            scenario ? "the scenario needs other shared words or locks than the segment has" : scenario.error();
        std::fprintf(stderr, "racetrace worker %u: %s\n", args.id, why.c_str());
        view->writeNote(args.id, why);
        slot.state.store(static_cast<std::uint32_t>(WorkerState::Failed), std::memory_order_release);
        return kBadScenario;
    }
    pinTo(slot.pinnedCpu);

    const RunParameters& parameters = view->parameters();
    auto channels = channelEndpoints(*scenario, parameters, args.channelFds);
    if (!channels) {
        std::fprintf(stderr, "racetrace worker %u: %s\n", args.id, channels.error().c_str());
        view->writeNote(args.id, channels.error());
        slot.state.store(static_cast<std::uint32_t>(WorkerState::Failed), std::memory_order_release);
        return kBadArguments;
    }
    RingProducer ring(view->ringControl(args.id), view->ringSlots(args.id), view->ringCapacity());
    if (parameters.traceEnabled != 0) prefault(view->ringControl(args.id), view->ringBytes());
    InterpreterContext context;
    context.program = &scenario->programOf(args.id);
    context.scenario = &scenario->info;
    context.words = view->words();
    context.slot = &slot;
    context.stop = &view->header().stop;
    context.ring = parameters.traceEnabled != 0 ? &ring : nullptr;
    context.clock = view->clock();
    context.worker = args.id;
    context.workers = parameters.workerCount;
    context.windowNs = parameters.windowNs;
    context.retryWhenFull = parameters.retryWhenFull != 0;
    context.seed = parameters.seed;
    context.channels = &*channels;
    context.locks = view->locks();
    context.killAtEntry = parameters.killWorker == args.id ? parameters.killAtEntry : 0;
    Interpreter interpreter(context);

    if (!waitForGo(view->header(), slot)) return kOk;
    slot.state.store(static_cast<std::uint32_t>(WorkerState::Running), std::memory_order_release);
    interpreter.run(parameters.iterations);
    if (!interpreter.fault().empty()) {
        view->writeNote(args.id, interpreter.fault());
        std::fprintf(stderr, "racetrace worker %s: %s\n", workerName(args.id).c_str(), interpreter.fault().c_str());
        slot.state.store(static_cast<std::uint32_t>(WorkerState::Failed), std::memory_order_release);
        return kProgramFault;
    }
    slot.state.store(static_cast<std::uint32_t>(WorkerState::Finished), std::memory_order_release);
    return kOk;
}

} // namespace

std::optional<int> runWorkerIfRequested(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) != "worker") return std::nullopt;
    WorkerArgs args;
    if (!parseArgs(argc, argv, args)) {
        std::fprintf(stderr, "racetrace worker: this subcommand is started by racetrace itself "
                             "(usage: worker --segment-fd N --life-fd L --id K --parent-pid P)\n");
        return kBadArguments;
    }
    return workerMain(args);
}

} // namespace racetrace
