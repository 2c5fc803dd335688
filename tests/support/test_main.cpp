// Catch2 runner shared by the test executables. A test that starts a Run spawns
// /proc/self/exe as a worker, so this binary must also be able to be one.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "lab/worker_main.hpp"

int main(int argc, char** argv) {
    if (auto workerStatus = racetrace::runWorkerIfRequested(argc, argv)) return *workerStatus;
    return Catch::Session().run(argc, argv);
}
