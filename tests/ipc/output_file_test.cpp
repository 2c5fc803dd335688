// Saving safely (ipc/output_file.hpp): a refused target is left as it was, a
// symlink is written through, and a write that fails half-way (the file-size
// limit stands in for a full disk) leaves the old file intact, says why, and
// leaves no temporary file behind.
#include "ipc/output_file.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace racetrace {

namespace {

namespace fs = std::filesystem;

struct Folder {
    Folder() {
        char pattern[] = "/tmp/racetrace-out-XXXXXX";
        REQUIRE(mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~Folder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    fs::path path;
};

std::string contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::uint8_t> bytesOf(const std::string& text) {
    return {text.begin(), text.end()};
}

std::size_t entries(const fs::path& folder) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

} // namespace

TEST_CASE("output: a new file and a regular file are written, a symlink through to its target", "[output]") {
    Folder folder;
    const fs::path file = folder.path / "a.bin";
    REQUIRE(writeFileSafely(file, bytesOf("first")).has_value());
    REQUIRE(writeFileSafely(file, bytesOf("second")).has_value());
    CHECK(contents(file) == "second");

    const fs::path link = folder.path / "link.bin";
    fs::create_symlink("target.bin", link);
    REQUIRE(writeFileSafely(link, bytesOf("through")).has_value());
    CHECK(fs::is_symlink(fs::symlink_status(link)));
    CHECK(contents(folder.path / "target.bin") == "through");
    CHECK(entries(folder.path) == 3); // a.bin, link.bin, target.bin: no temporary left
}

TEST_CASE("output: a folder a FIFO an empty name or a missing folder are refused and left alone", "[output]") {
    Folder folder;
    const fs::path fifo = folder.path / "fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    auto refused = writeFileSafely(fifo, bytesOf("x"));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() ==
          "Cannot save " + fifo.string() + ": it is a FIFO, not a regular file, and racetrace does not replace it.");
    CHECK(fs::is_fifo(fifo));

    CHECK(checkOutputPath(folder.path).error() ==
          "Cannot save " + folder.path.string() + ": it is a folder; give a file name.");
    CHECK(checkOutputPath("").error() == "The output file name is empty; give a file to save to.");
    CHECK(checkOutputPath(folder.path / "no" / "x.bin").error() ==
          "Cannot save " + (folder.path / "no" / "x.bin").string() + ": the folder " + (folder.path / "no").string() +
              " does not exist.");
    if (geteuid() == 0) { // only root may make a device node: a private copy of /dev/full
        const fs::path full = folder.path / "full";
        REQUIRE(mknod(full.c_str(), S_IFCHR | 0644, makedev(1, 7)) == 0);
        CHECK_THAT(writeFileSafely(full, bytesOf("x")).error(), Catch::Contains("it is a device"));
        CHECK(fs::is_character_file(full));
    }
    CHECK(entries(folder.path) == (geteuid() == 0 ? 2u : 1u));
}

TEST_CASE("output: a write that fails half-way keeps the old file and leaves no temporary", "[output]") {
    Folder folder;
    const fs::path file = folder.path / "kept.bin";
    std::ofstream(file) << "the old trace";
    // The file-size limit makes write() fail with EFBIG after 4 KiB, as a full
    // disk would with ENOSPC; SIGXFSZ would otherwise end the test.
    const auto previousSignal = std::signal(SIGXFSZ, SIG_IGN);
    rlimit previous{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &previous) == 0);
    rlimit small = previous;
    small.rlim_cur = 4096;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    const auto saved = writeFileSafely(file, std::vector<std::uint8_t>(100'000, 7));
    REQUIRE(setrlimit(RLIMIT_FSIZE, &previous) == 0);
    std::signal(SIGXFSZ, previousSignal);

    REQUIRE_FALSE(saved.has_value());
    CHECK(saved.error() == "Cannot save " + file.string() + ": File too large.");
    CHECK(contents(file) == "the old trace");
    CHECK(entries(folder.path) == 1);
}

} // namespace racetrace
