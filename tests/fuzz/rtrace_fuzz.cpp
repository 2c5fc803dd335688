// libFuzzer target: the .rtrace loader (trace/rtrace_file.hpp), versions 1 and 2.
//
// Every input is decoded twice: as it comes, and with its checksums made right
// (the whole-file XXH64 of version 1; version 2's header checksum and every
// block's), so that a mutation gets past the checksums into the metadata, the
// block list, zstd and the event checks instead of being refused at once.
// A crash, a leak, a sanitizer report or a decode slower than -timeout fails.
#include "trace/rtrace_file.hpp"

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

std::uint64_t readU64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}
std::uint32_t readU32(const std::uint8_t* p) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}
void writeU64(std::uint8_t* p, std::uint64_t v) {
    std::memcpy(p, &v, sizeof(v));
}

/// Rewrites the checksums of `bytes` where its header makes their places
/// computable; false when it does not (the input is then decoded only as it came).
bool fixChecksums(std::vector<std::uint8_t>& bytes) {
    constexpr std::size_t kHeader = 64;
    if (bytes.size() < kHeader + 8) return false;
    const std::uint32_t version = readU32(bytes.data() + 8);
    const std::uint64_t metaBytes = readU64(bytes.data() + 16);
    const std::uint64_t eventCount = readU64(bytes.data() + 24);
    const std::uint32_t blockEvents = readU32(bytes.data() + 40);
    const std::size_t size = bytes.size();
    if (version == 1) {
        writeU64(bytes.data() + size - 8, XXH64(bytes.data(), size - 8, 0));
        return true;
    }
    if (version != 2 || blockEvents == 0 || metaBytes > size) return false;
    const std::uint64_t blocks = eventCount / blockEvents + (eventCount % blockEvents != 0 ? 1 : 0);
    if (blocks > size / 16) return false;
    const std::uint64_t listOffset = kHeader + metaBytes;
    const std::uint64_t eventsOffset = listOffset + blocks * 16 + 8;
    if (eventsOffset > size) return false;
    std::uint64_t at = eventsOffset;
    for (std::uint64_t b = 0; b < blocks; ++b) {
        std::uint8_t* entry = bytes.data() + listOffset + b * 16;
        const std::uint64_t blockBytes = readU64(entry);
        if (blockBytes > size - at) break;
        writeU64(entry + 8, XXH64(bytes.data() + at, blockBytes, 0));
        at += blockBytes;
    }
    writeU64(bytes.data() + eventsOffset - 8, XXH64(bytes.data(), eventsOffset - 8, 0));
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)racetrace::decodeRtrace(data, size);
    std::vector<std::uint8_t> fixed(data, data + size);
    if (fixChecksums(fixed) && std::memcmp(fixed.data(), data, size) != 0)
        (void)racetrace::decodeRtrace(fixed.data(), fixed.size());
    return 0;
}
