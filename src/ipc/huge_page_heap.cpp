// Large allocations on transparent huge pages. On these machines (a PVM guest)
// a page fault costs ~10 us, so touching fresh memory 4 KiB at a time costs
// ~2.5 ns per byte: 80 ns for every 32-byte event each time the events are
// copied into a new array, more than everything else the trace's processing
// did. One fault per 2 MiB instead: a saved 6 M-event run's processing went
// from 11.7 s to 6 s.
//
// Smaller blocks, and the heap malloc keeps for them, go on huge pages too
// where glibc's tunable asks for them (cli/huge_pages.cpp starts racetrace
// with it): each alone left a third of the gain on the table.
//
// Replaces the global operator new of the executables that link this file
// (racetrace and the benchmarks; a replacement must be in the program itself,
// not in a library, or the linker never pulls it in). Every other form of new
// and delete (arrays, nothrow, sized) calls these two.
//
// Not in a sanitizer build: AddressSanitizer and ThreadSanitizer bring their
// own operator new, which checks each block against the way it is freed, and
// a replacement of only some forms of new mixes the two allocators.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kLarge = 2 * kHugePage; ///< smaller blocks come from malloc's arenas as usual

void* allocate(std::size_t size) {
    if (size < kLarge) return std::malloc(size == 0 ? 1 : size);
    const std::size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    void* block = std::aligned_alloc(kHugePage, rounded);
    // Only a hint: where THP is off, or no huge page is free, 4 KiB pages serve.
    if (block != nullptr) madvise(block, rounded, MADV_HUGEPAGE);
    return block;
}

} // namespace

void* operator new(std::size_t size) {
    for (;;) {
        if (void* block = allocate(size)) return block;
        std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) throw std::bad_alloc();
        handler();
    }
}

void operator delete(void* block) noexcept {
    std::free(block); // aligned_alloc's blocks are freed by free() too
}

void operator delete(void* block, std::size_t) noexcept {
    std::free(block);
}

#endif // sanitizers
