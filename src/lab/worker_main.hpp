// The hidden `worker` entry point. Every binary that can start a Run (racetrace,
// the test and benchmark programs) calls this first thing in main(), because a
// Run spawns /proc/self/exe as its workers.
#pragma once

#include <optional>

namespace racetrace {

/// If argv is `<exe> worker --segment-fd N --life-fd L --id K --parent-pid P`, runs the
/// worker and returns its exit status; otherwise returns nothing.
std::optional<int> runWorkerIfRequested(int argc, char** argv);

} // namespace racetrace
