// The benchmark programs' main. A Run spawns /proc/self/exe as its workers, so
// this binary must answer to the hidden `worker` subcommand before Google
// Benchmark sees (and rejects) its arguments. Like racetrace, it restarts once
// with malloc on huge pages (cli/huge_pages.hpp), so its figures are racetrace's.
#include "cli/huge_pages.hpp"
#include "lab/worker_main.hpp"

#include <benchmark/benchmark.h>

int main(int argc, char** argv) {
    if (const auto status = racetrace::runWorkerIfRequested(argc, argv)) return *status;
    racetrace::restartWithHugePages(argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
