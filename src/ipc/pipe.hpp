// A Unix pipe between workers: two close-on-exec ends (a worker gets the ones
// its role uses by an explicit dup2, and none other, as the lecture says:
// "close the read end"), its capacity set and read back, and how much it holds.
#pragma once

#include "ipc/result.hpp"
#include "ipc/unique_fd.hpp"

#include <cstddef>

namespace racetrace {

class Pipe {
  public:
    /// A pipe of at least `capacityBytes` (the kernel rounds up to whole pages;
    /// 0 keeps its default, 64 KiB). Both ends close-on-exec.
    static Result<Pipe> create(std::size_t capacityBytes = 0);

    int readEnd() const { return m_read.get(); }
    int writeEnd() const { return m_write.get(); }
    /// What the kernel holds at most, in bytes (F_GETPIPE_SZ).
    std::size_t capacity() const { return m_capacity; }
    /// Bytes written and not read yet (FIONREAD on the read end).
    Result<std::size_t> fill() const;

    /// A second, non-blocking open file description of an end (reopened
    /// through /proc/self/fd): a try-call on it returns EAGAIN at once, while
    /// calls on the original end still wait. O_NONBLOCK belongs to the
    /// description, which every worker holding the end shares, so it is never
    /// switched on the original. Close-on-exec.
    Result<UniqueFd> nonBlockingReadEnd() const { return reopenNonBlocking(m_read.get(), "read"); }
    Result<UniqueFd> nonBlockingWriteEnd() const { return reopenNonBlocking(m_write.get(), "write"); }

    /// Gives up an end (a reader closes its copy of the write end, and then
    /// sees end-of-file once every writer has closed theirs).
    void closeReadEnd() { m_read.reset(); }
    void closeWriteEnd() { m_write.reset(); }

  private:
    static Result<UniqueFd> reopenNonBlocking(int end, const char* which);

    UniqueFd m_read;
    UniqueFd m_write;
    std::size_t m_capacity = 0;
};

} // namespace racetrace
