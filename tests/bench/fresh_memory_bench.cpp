// What memory the process has not touched before costs here (issue 12: the
// physical limit of each step). Every pass that builds something per event
// (the events themselves, a history per read, a finding per race) writes
// memory new to the process, and the kernel must give it a zeroed page first:
// on these machines, a guest whose host may have taken idle memory back, that
// page fault, not the pass's own work, is most of the time (perf: ~40 % of
// `racetrace info` in clear_page_erms).
//
//   BM_FreshMemory/huge:0   4 KiB pages, one fault each
//   BM_FreshMemory/huge:1   transparent huge pages (MADV_HUGEPAGE), as
//                           racetrace's large blocks get (ipc/huge_page_heap.cpp)
//
// Each iteration maps 256 MiB it never had, writes one byte per 4 KiB, and
// unmaps it. The first iteration is the cold price; later ones may get pages
// the guest kernel just freed, which the host still backs (the spread between
// iterations is that difference). ns_per_event: per 32 bytes, the event's size.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>

#include <sys/mman.h>

namespace racetrace {
namespace {

void BM_FreshMemory(benchmark::State& state) {
    constexpr std::size_t kBytes = std::size_t{256} << 20;
    const bool huge = state.range(0) != 0;
    double coldest = 0.0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        void* block = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (block == MAP_FAILED) {
            state.SkipWithError("mmap failed");
            return;
        }
        if (huge) madvise(block, kBytes, MADV_HUGEPAGE);
        auto* bytes = static_cast<volatile char*>(block);
        for (std::size_t offset = 0; offset < kBytes; offset += 4096)
            bytes[offset] = 1;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        munmap(block, kBytes);
        state.SetIterationTime(seconds);
        coldest = std::max(coldest, seconds);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
    state.counters["ns_per_event"] = benchmark::Counter(static_cast<double>(state.iterations() * kBytes / 32),
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["coldest_ns_per_event"] = coldest * 1e9 / (kBytes / 32);
}
BENCHMARK(BM_FreshMemory)
    ->ArgName("huge")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
