#include "session/export_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace racetrace {

namespace {
// Large enough that a write of millions of short lines costs no system call each.
constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

std::string cannotWrite(const std::string& path, int error) {
    return "Cannot write " + path + ": " + std::strerror(error) + ".";
}
} // namespace

void ExportFile::Closer::operator()(std::FILE* file) const {
    if (file) std::fclose(file);
}

ExportFile::ExportFile(std::string path, std::FILE* file, bool regular)
    : m_path(std::move(path)), m_file(file), m_regular(regular) {}

Result<ExportFile> ExportFile::create(const std::string& path) {
    if (path.empty()) return fail("No file name was given to export to.");
    // O_NONBLOCK only for the open: a FIFO nobody reads fails at once (ENXIO) instead of hanging.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) return fail(cannotWrite(path, errno));
    struct stat info {};
    const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    std::FILE* file = ::fdopen(fd, "wb");
    if (!file) {
        const int error = errno;
        ::close(fd);
        return fail(cannotWrite(path, error));
    }
    std::setvbuf(file, nullptr, _IOFBF, kBufferBytes);
    return ExportFile(path, file, regular);
}

void ExportFile::write(std::string_view text) {
    if (m_error != 0 || !m_file) return;
    if (std::fwrite(text.data(), 1, text.size(), m_file.get()) != text.size()) m_error = errno != 0 ? errno : EIO;
    m_bytes += text.size();
}

Result<void> ExportFile::finish() {
    if (m_error == 0 && std::fflush(m_file.get()) != 0) m_error = errno;
    if (m_error == 0 && m_regular && ::fsync(::fileno(m_file.get())) != 0) m_error = errno;
    if (std::fclose(m_file.release()) != 0 && m_error == 0) m_error = errno;
    if (m_error == 0) return {};
    const int error = m_error;
    removeIfOurs();
    return fail(cannotWrite(m_path, error));
}

void ExportFile::abandon() {
    m_file.reset();
    removeIfOurs();
}

void ExportFile::removeIfOurs() {
    if (m_regular) ::unlink(m_path.c_str());
}

} // namespace racetrace
