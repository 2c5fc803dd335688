#include "lab/segment_layout.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

namespace racetrace {

namespace {

constexpr std::uint64_t kPage = 4096;

constexpr std::uint64_t alignUp(std::uint64_t value, std::uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

/// True when [offset, offset + bytes) lies inside [0, size), without overflow.
bool inside(std::uint64_t offset, std::uint64_t bytes, std::uint64_t size) {
    return offset <= size && bytes <= size - offset;
}

/// sem_init / pthread_mutex_init of each kernel lock, shared between processes.
Result<void> initialiseLocks(KernelLock* locks, std::span<const KernelLockPlan> plans) {
    for (std::size_t k = 0; k < plans.size(); ++k) {
        KernelLock* lock = new (&locks[k]) KernelLock{};
        if (!plans[k].mutex) {
            if (sem_init(&lock->object.semaphore, 1, plans[k].permits) != 0)
                return fail(errnoSentence("Cannot set up a process-shared semaphore"));
            continue;
        }
        pthread_mutexattr_t attributes;
        pthread_mutexattr_init(&attributes);
        // Robust: when the owner dies, the next locker is told (EOWNERDEAD) instead of waiting forever.
        const int error = pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED) != 0 ? 1
                          : pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST) != 0
                              ? 2
                              : pthread_mutex_init(&lock->object.mutex, &attributes);
        pthread_mutexattr_destroy(&attributes);
        if (error != 0) return fail("Cannot set up a process-shared robust mutex.");
    }
    return {};
}

} // namespace

SegmentLayout layoutFor(const SegmentPlan& plan) {
    SegmentLayout layout{};
    const std::uint64_t workers = plan.parameters.workerCount;
    layout.scenarioOffset = kPage;
    layout.scenarioBytes = plan.scenarioText.size();
    layout.variablesOffset = alignUp(layout.scenarioOffset + layout.scenarioBytes, kPage);
    layout.wordCount = plan.wordCount;
    layout.locksOffset = alignUp(layout.variablesOffset + plan.wordCount * sizeof(SharedWord), kCacheLine);
    layout.lockCount = plan.locks.size();
    layout.slotsOffset = alignUp(layout.locksOffset + layout.lockCount * sizeof(KernelLock), kPage);
    layout.notesOffset = alignUp(layout.slotsOffset + workers * sizeof(WorkerSlot), kPage);
    layout.ringsOffset = alignUp(layout.notesOffset + workers * kNoteBytes, kPage);
    layout.ringCapacity = plan.ringCapacity;
    layout.ringStride = alignUp(sizeof(RingControl) + plan.ringCapacity * sizeof(Event), kPage);
    layout.totalBytes = layout.ringsOffset + workers * layout.ringStride;
    return layout;
}

Result<SegmentView> validateSegment(std::byte* base, std::uint64_t size) {
    if (base == nullptr || size < sizeof(SegmentHeader)) return fail("the shared segment is smaller than its header");
    auto* header = reinterpret_cast<SegmentHeader*>(base);
    if (header->magic != kSegmentMagic || header->abiVersion != kSegmentAbiVersion ||
        header->headerBytes != sizeof(SegmentHeader))
        return fail("the shared segment was made by another version of racetrace");
    const SegmentLayout& l = header->layout;
    const std::uint64_t workers = header->parameters.workerCount;
    // Each product below is bounded by a size already checked against `size`.
    const bool fits =
        l.totalBytes == size && workers > 0 && workers <= kMaxWorkers &&
        inside(l.scenarioOffset, l.scenarioBytes, size) && l.wordCount <= size / sizeof(SharedWord) &&
        inside(l.variablesOffset, l.wordCount * sizeof(SharedWord), size) && l.lockCount <= size / sizeof(KernelLock) &&
        inside(l.locksOffset, l.lockCount * sizeof(KernelLock), size) && l.locksOffset % alignof(KernelLock) == 0 &&
        inside(l.slotsOffset, workers * sizeof(WorkerSlot), size) &&
        inside(l.notesOffset, workers * kNoteBytes, size) && l.ringCapacity > 0 &&
        std::has_single_bit(l.ringCapacity) && l.ringCapacity <= size / sizeof(Event) &&
        sizeof(RingControl) + l.ringCapacity * sizeof(Event) <= l.ringStride && l.ringStride <= size &&
        inside(l.ringsOffset, workers * l.ringStride, size) && l.variablesOffset % alignof(SharedWord) == 0 &&
        l.slotsOffset % alignof(WorkerSlot) == 0 && l.ringsOffset % alignof(RingControl) == 0 &&
        l.ringStride % alignof(RingControl) == 0;
    if (!fits) return fail("the shared segment's layout does not fit the segment");
    SegmentView view;
    view.m_base = base;
    view.m_header = header;
    return view;
}

Result<SegmentView> initialiseSegment(std::byte* base, std::uint64_t size, const SegmentPlan& plan) {
    const SegmentLayout layout = layoutFor(plan);
    if (size != layout.totalBytes) return fail("the shared segment has the wrong size for its layout");
    auto* header = new (base) SegmentHeader{};
    header->magic = kSegmentMagic;
    header->abiVersion = kSegmentAbiVersion;
    header->headerBytes = sizeof(SegmentHeader);
    header->layout = layout;
    header->parameters = plan.parameters;
    if (!plan.scenarioText.empty()) // memcpy from an empty string's null data() is undefined (UBSan)
        std::memcpy(base + layout.scenarioOffset, plan.scenarioText.data(), plan.scenarioText.size());
    auto* words = reinterpret_cast<SharedWord*>(base + layout.variablesOffset);
    for (std::uint64_t w = 0; w < layout.wordCount; ++w)
        new (&words[w]) SharedWord(0);
    if (auto made = initialiseLocks(reinterpret_cast<KernelLock*>(base + layout.locksOffset), plan.locks); !made)
        return std::unexpected(made.error());
    for (std::uint32_t k = 0; k < plan.parameters.workerCount; ++k) {
        auto* slot = new (base + layout.slotsOffset + k * sizeof(WorkerSlot)) WorkerSlot{};
        slot->variable.store(kNoVariable, std::memory_order_relaxed);
        slot->pinnedCpu = -1;
        new (base + layout.ringsOffset + k * layout.ringStride) RingControl{};
    }
    return validateSegment(base, size);
}

std::string_view SegmentView::scenarioText() const {
    return {reinterpret_cast<const char*>(m_base + m_header->layout.scenarioOffset), m_header->layout.scenarioBytes};
}

SharedWord* SegmentView::words() const {
    return reinterpret_cast<SharedWord*>(m_base + m_header->layout.variablesOffset);
}

KernelLock* SegmentView::locks() const {
    return reinterpret_cast<KernelLock*>(m_base + m_header->layout.locksOffset);
}

WorkerSlot& SegmentView::slot(std::uint32_t worker) const {
    return reinterpret_cast<WorkerSlot*>(m_base + m_header->layout.slotsOffset)[worker];
}

RingControl* SegmentView::ringControl(std::uint32_t worker) const {
    return reinterpret_cast<RingControl*>(m_base + m_header->layout.ringsOffset + worker * m_header->layout.ringStride);
}

Event* SegmentView::ringSlots(std::uint32_t worker) const {
    return reinterpret_cast<Event*>(reinterpret_cast<std::byte*>(ringControl(worker)) + sizeof(RingControl));
}

void SegmentView::writeNote(std::uint32_t worker, std::string_view sentence) const {
    char* note = reinterpret_cast<char*>(m_base + m_header->layout.notesOffset + worker * kNoteBytes);
    const std::size_t length = std::min<std::size_t>(sentence.size(), kNoteBytes - 1);
    std::memcpy(note, sentence.data(), length);
    note[length] = '\0';
}

std::string SegmentView::note(std::uint32_t worker) const {
    const char* note = reinterpret_cast<const char*>(m_base + m_header->layout.notesOffset + worker * kNoteBytes);
    std::string text(note, strnlen(note, kNoteBytes));
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return text;
}

ClockCalibration SegmentView::clock() const {
    const RunParameters& p = parameters();
    return {static_cast<ClockKind>(p.clockKind), p.ticksPerNs, p.clockBaseTicks,
            p.tscRead == static_cast<std::uint32_t>(TscRead::RdtscRdpid) ? TscRead::RdtscRdpid : TscRead::Rdtscp};
}

} // namespace racetrace
