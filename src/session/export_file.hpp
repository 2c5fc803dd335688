// A file an export writes, buffered, that reports every failure: a full
// disk, a device that refuses data, a directory that cannot be written. A
// failed export removes what it wrote, so no half file is mistaken for a
// whole one (a path that is not a regular file, such as a device or a FIFO,
// is written to and never removed).
#pragma once

#include "ipc/result.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace racetrace {

class ExportFile {
  public:
    static Result<ExportFile> create(const std::string& path);

    void write(std::string_view text);
    /// Flushes and closes; the sentence says what failed (and the file is gone).
    Result<void> finish();
    /// Closes and removes the file (another part of the export failed).
    void abandon();

    std::uint64_t bytes() const { return m_bytes; }
    const std::string& path() const { return m_path; }

  private:
    struct Closer {
        void operator()(std::FILE* file) const;
    };
    ExportFile(std::string path, std::FILE* file, bool regular);
    void removeIfOurs();

    std::string m_path;
    std::unique_ptr<std::FILE, Closer> m_file;
    bool m_regular = false;
    int m_error = 0; ///< the first errno a write met
    std::uint64_t m_bytes = 0;
};

} // namespace racetrace
