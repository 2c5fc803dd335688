// libFuzzer target: the JSON metadata of a .rtrace file on its own
// (trace/rtrace_metadata.hpp), which the whole-file target reaches only
// through a checksum. Seeds: the metadata of the golden traces.
#include "trace/rtrace_metadata.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    racetrace::Trace trace;
    (void)racetrace::decodeRtraceMetadata(std::string_view(reinterpret_cast<const char*>(data), size), trace);
    return 0;
}
