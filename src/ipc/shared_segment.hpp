// Anonymous shared memory: a memfd mapped MAP_SHARED. Children inherit the fd
// (passed by number on their command line), so the memory has no name in
// /dev/shm to leak or to be squatted, and it vanishes with the last process.
#pragma once

#include "ipc/result.hpp"

#include <cstddef>
#include <cstdint>

namespace racetrace {

/// Move-only owner of one mapping (and, in the creating process, of the fd).
class SharedSegment {
  public:
    SharedSegment() = default;
    SharedSegment(SharedSegment&& other) noexcept;
    SharedSegment& operator=(SharedSegment&& other) noexcept;
    SharedSegment(const SharedSegment&) = delete;
    SharedSegment& operator=(const SharedSegment&) = delete;
    ~SharedSegment();

    /// Creates a zero-filled segment of `bytes`. The fd is close-on-exec; a child
    /// gets it only through an explicit dup2 in its spawn actions.
    static Result<SharedSegment> create(std::size_t bytes, const char* debugName);
    /// Maps an inherited segment fd (in a worker). Takes ownership of `fd`.
    static Result<SharedSegment> attach(int fd);

    std::byte* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    int fd() const { return m_fd; }

    template <class T> T* at(std::uint64_t offset) const { return reinterpret_cast<T*>(m_data + offset); }

  private:
    SharedSegment(int fd, std::byte* data, std::size_t size) : m_fd(fd), m_data(data), m_size(size) {}
    void reset();

    int m_fd = -1;
    std::byte* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace racetrace
