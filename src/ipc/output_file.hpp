// Writing a file the user named (a trace, a picture) without ever losing or
// destroying data: the name is checked before any work is done, the bytes go
// to a temporary file beside the target with every write, the fsync and the
// close checked, and only then is it renamed over the target. A failure (a
// full disk, a signal) leaves the old file as it was and no temporary behind.
#pragma once

#include "ipc/result.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace racetrace {

/// Where `path` really leads (a symlink is followed to its target), or one
/// sentence refusing it: an empty name, a directory, a device, a FIFO or a
/// socket, or a folder that does not exist or cannot be written. Called
/// before a run starts, so a bad --out wastes nothing.
Result<std::string> checkOutputPath(const std::string& path);

/// Writes `bytes` to `path` as described above; SIGINT, SIGTERM and SIGHUP
/// wait until it is done (they take effect at once after). The sentence is
/// "Cannot save PATH: REASON."
Result<void> writeFileSafely(const std::string& path, std::span<const std::uint8_t> bytes);

} // namespace racetrace
