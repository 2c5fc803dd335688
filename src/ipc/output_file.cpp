#include "ipc/output_file.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace racetrace {

namespace {

/// A symlink's final target, relative targets resolved against the link's folder.
std::filesystem::path followLinks(const std::filesystem::path& path) {
    std::filesystem::path target = path;
    for (int hops = 0; hops < 40; ++hops) { // as the kernel's ELOOP limit
        std::error_code error;
        if (!std::filesystem::is_symlink(std::filesystem::symlink_status(target, error))) break;
        const std::filesystem::path next = std::filesystem::read_symlink(target, error);
        if (error) break;
        target = next.is_absolute() ? next : target.parent_path() / next;
    }
    return target;
}

std::string kindOf(mode_t mode) {
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

/// Blocks the signals that end a command while a save is under way; they are delivered when it goes.
class SignalsHeld {
  public:
    SignalsHeld() {
        sigset_t held;
        sigemptyset(&held);
        for (int signal : {SIGINT, SIGTERM, SIGHUP})
            sigaddset(&held, signal);
        pthread_sigmask(SIG_BLOCK, &held, &m_previous);
    }
    ~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }
    SignalsHeld(const SignalsHeld&) = delete;
    SignalsHeld& operator=(const SignalsHeld&) = delete;

  private:
    sigset_t m_previous{};
};

bool writeAll(int fd, std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = ENOSPC;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

Result<std::string> checkOutputPath(const std::string& path) {
    if (path.empty()) return fail("The output file name is empty; give a file to save to.");
    const std::filesystem::path target = followLinks(path);
    struct stat info {};
    if (::stat(target.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) return fail("Cannot save " + path + ": it is a folder; give a file name.");
        if (!S_ISREG(info.st_mode))
            return fail("Cannot save " + path + ": it is " + kindOf(info.st_mode) +
                        ", not a regular file, and racetrace does not replace it.");
    } else if (errno != ENOENT) {
        return fail(errnoSentence("Cannot save " + path));
    }
    const std::filesystem::path folder = target.parent_path().empty() ? "." : target.parent_path();
    struct stat folderInfo {};
    if (::stat(folder.c_str(), &folderInfo) != 0 || !S_ISDIR(folderInfo.st_mode))
        return fail("Cannot save " + path + ": the folder " + folder.string() + " does not exist.");
    if (::access(folder.c_str(), W_OK) != 0) return fail(errnoSentence("Cannot save " + path));
    return target.string();
}

Result<void> writeFileSafely(const std::string& path, std::span<const std::uint8_t> bytes) {
    auto target = checkOutputPath(path);
    if (!target) return fail(target.error());
    const SignalsHeld held; // a signal now would leave the temporary file behind
    // Same folder as the target, so rename() stays on one file system and is atomic.
    const std::string temporary = *target + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail(errnoSentence("Cannot save " + path));
    // fsync before rename: otherwise a power cut can leave the new name on empty data.
    bool written = writeAll(fd, bytes) && ::fsync(fd) == 0;
    const int firstError = errno;
    const bool closed = ::close(fd) == 0; // a full disk may only show up here
    if (!written) errno = firstError;
    written = written && closed;
    if (written) written = ::rename(temporary.c_str(), target->c_str()) == 0;
    if (!written) {
        auto error = fail(errnoSentence("Cannot save " + path));
        ::unlink(temporary.c_str());
        return error;
    }
    return {};
}

} // namespace racetrace
