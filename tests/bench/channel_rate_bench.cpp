// The observer effect for channels: the message rate of a pipe and of a
// message queue with recording on and off (`--no-trace`), in one benchmark run
// each, and what recording adds to every channel call beyond the system call.
//
//   one benchmark iteration = one traced run + one untraced run of the same
//   scenario with real worker processes (order alternates), window 0: the
//   writer and the reader go as fast as the channel lets them
//
//   rate     = messages / Trace::durationNs
//   per call = (traced - untraced) duration / (sends + receives)
//
// BM_PipeRoundTrip is the system calls alone, in one process: a 512-byte
// write() and the read() that takes it back, for scale.
#include "ipc/pipe.hpp"
#include "lab/run.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>

#include <unistd.h>

namespace racetrace {
namespace {

constexpr std::uint64_t kMessages = 20'000;
constexpr int kRunsPerSide = 5;

/// ns of one run of `scenario` (its race alone), or -1 with `error` set.
double raceNs(const std::string& scenario, bool traced, std::uint64_t seed, std::string& error) {
    RunOptions options;
    options.scenario = scenario;
    options.workers = 0; // the scenario's roles
    options.iterations = kMessages;
    options.windowNs = 0;
    options.traceEnabled = traced;
    options.seed = seed;
    auto trace = runToCompletion(options);
    if (!trace)
        error = trace.error();
    else if (!trace->stopReason.empty())
        error = "the run was stopped: " + trace->stopReason;
    return error.empty() ? static_cast<double>(trace->durationNs) : -1.0;
}

void BM_ChannelMessageRate(benchmark::State& state, const std::string& scenario) {
    double tracedNs = 0, untracedNs = 0;
    std::uint64_t seed = 1;
    for (auto _ : state) {
        std::string error;
        const bool tracedFirst = seed % 2 == 0;
        const double first = raceNs(scenario, tracedFirst, seed, error);
        const double second = error.empty() ? raceNs(scenario, !tracedFirst, seed, error) : -1.0;
        ++seed;
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            return;
        }
        const double traced = tracedFirst ? first : second;
        const double untraced = tracedFirst ? second : first;
        state.SetIterationTime((traced + untraced) * 1e-9);
        tracedNs += traced;
        untracedNs += untraced;
    }
    const auto runs = static_cast<double>(state.iterations());
    const double messages = static_cast<double>(kMessages);
    state.counters["msgs_per_s_traced"] = messages / (tracedNs / runs * 1e-9);
    state.counters["msgs_per_s_untraced"] = messages / (untracedNs / runs * 1e-9);
    state.counters["rate_ratio_traced_over_untraced"] = untracedNs / tracedNs;
    state.counters["recording_ns_per_call"] = (tracedNs - untracedNs) / runs / (2.0 * messages);
}
BENCHMARK_CAPTURE(BM_ChannelMessageRate, pipe, std::string("pipe"))
    ->UseManualTime()
    ->Iterations(kRunsPerSide)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ChannelMessageRate, queue, std::string("mq-blocking"))
    ->UseManualTime()
    ->Iterations(kRunsPerSide)
    ->Unit(benchmark::kMillisecond);

void BM_PipeRoundTrip(benchmark::State& state) {
    auto pipe = Pipe::create(4096);
    if (!pipe) {
        state.SkipWithError(pipe.error().c_str());
        return;
    }
    std::array<char, 512> message{};
    for (auto _ : state) {
        if (write(pipe->writeEnd(), message.data(), message.size()) != static_cast<ssize_t>(message.size()) ||
            read(pipe->readEnd(), message.data(), message.size()) != static_cast<ssize_t>(message.size())) {
            state.SkipWithError("write() or read() came up short");
            return;
        }
    }
}
BENCHMARK(BM_PipeRoundTrip);

} // namespace
} // namespace racetrace
