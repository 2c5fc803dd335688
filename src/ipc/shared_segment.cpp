#include "ipc/shared_segment.hpp"

#include <utility>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace racetrace {

SharedSegment::SharedSegment(SharedSegment&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)) {}

SharedSegment& SharedSegment::operator=(SharedSegment&& other) noexcept {
    if (this != &other) {
        reset();
        m_fd = std::exchange(other.m_fd, -1);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SharedSegment::~SharedSegment() {
    reset();
}

void SharedSegment::reset() {
    if (m_data != nullptr) munmap(m_data, m_size);
    if (m_fd >= 0) close(m_fd);
    m_data = nullptr;
    m_fd = -1;
    m_size = 0;
}

Result<SharedSegment> SharedSegment::create(std::size_t bytes, const char* debugName) {
    const int fd = memfd_create(debugName, MFD_CLOEXEC);
    if (fd < 0) return fail(errnoSentence("cannot create shared memory (memfd_create)"));
    if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
        auto sentence = errnoSentence("cannot size shared memory to " + std::to_string(bytes) + " bytes");
        close(fd);
        return fail(sentence);
    }
    void* data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
        auto sentence = errnoSentence("cannot map shared memory");
        close(fd);
        return fail(sentence);
    }
    return SharedSegment(fd, static_cast<std::byte*>(data), bytes);
}

Result<SharedSegment> SharedSegment::attach(int fd) {
    struct stat info {};
    if (fstat(fd, &info) != 0)
        return fail(errnoSentence("the shared memory fd " + std::to_string(fd) + " is not open"));
    if (info.st_size <= 0) {
        close(fd);
        return fail("the shared memory fd " + std::to_string(fd) + " is empty.");
    }
    const auto bytes = static_cast<std::size_t>(info.st_size);
    void* data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
        auto sentence = errnoSentence("cannot map the inherited shared memory");
        close(fd);
        return fail(sentence);
    }
    return SharedSegment(fd, static_cast<std::byte*>(data), bytes);
}

} // namespace racetrace
