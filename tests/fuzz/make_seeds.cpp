// Writes the seeds that are not files already: each golden trace (version 1)
// again as version 2, and its metadata JSON alone. Run by hand when the
// format changes; its output is committed in tests/fuzz/corpus/.
//   make_seeds OUT_RTRACE_DIR OUT_METADATA_DIR GOLDEN.rtrace...
#include "trace/rtrace_file.hpp"
#include "trace/rtrace_metadata.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: make_seeds OUT_RTRACE_DIR OUT_METADATA_DIR GOLDEN.rtrace...\n");
        return 2;
    }
    const std::filesystem::path rtraceDir = argv[1], metadataDir = argv[2];
    for (int i = 3; i < argc; ++i) {
        auto trace = racetrace::loadRtrace(argv[i]);
        if (!trace) {
            std::fprintf(stderr, "%s\n", trace.error().c_str());
            return 1;
        }
        const std::string stem = std::filesystem::path(argv[i]).stem().string();
        const std::vector<std::uint8_t> v2 = racetrace::encodeRtrace(*trace, 2);
        std::ofstream(rtraceDir / (stem + "-v2.rtrace"), std::ios::binary)
            .write(reinterpret_cast<const char*>(v2.data()), static_cast<std::streamsize>(v2.size()));
        const std::string meta = racetrace::encodeRtraceMetadata(*trace);
        std::ofstream(metadataDir / (stem + ".json"), std::ios::binary)
            .write(meta.data(), static_cast<std::streamsize>(meta.size()));
    }
    return 0;
}
