#include "ipc/shared_segment.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace racetrace;

TEST_CASE("a shared segment starts zeroed and a second mapping of its fd sees the same memory", "[ipc]") {
    auto segment = SharedSegment::create(1 << 16, "racetrace-test");
    REQUIRE(segment.has_value());
    CHECK(segment->size() == 1 << 16);
    bool zero = true;
    for (std::size_t i = 0; i < segment->size(); ++i)
        zero = zero && segment->data()[i] == std::byte{0};
    CHECK(zero);
    CHECK((fcntl(segment->fd(), F_GETFD) & FD_CLOEXEC) != 0); // children get it only by explicit dup2

    auto* word = segment->at<std::atomic<std::int64_t>>(4096);
    word->store(42);
    auto other = SharedSegment::attach(dup(segment->fd()));
    REQUIRE(other.has_value());
    REQUIRE(other->size() == segment->size());
    CHECK(other->at<std::atomic<std::int64_t>>(4096)->load() == 42);
    other->at<std::atomic<std::int64_t>>(4096)->store(7);
    CHECK(word->load() == 7);
}

TEST_CASE("shared segments leave nothing in /dev/shm", "[ipc]") {
    auto countShm = [] {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/dev/shm"))
            ++n;
        return n;
    };
    const auto before = countShm();
    {
        auto segment = SharedSegment::create(1 << 20, "racetrace-test");
        REQUIRE(segment.has_value());
        CHECK(countShm() == before); // memfd memory has no name at all
    }
    CHECK(countShm() == before);
}

TEST_CASE("attaching something that is not a segment fd fails with a sentence", "[ipc]") {
    auto closed = SharedSegment::attach(12345);
    REQUIRE_FALSE(closed.has_value());
    CHECK_THAT(closed.error(), Catch::Matchers::Contains("12345"));
    const int empty = memfd_create("racetrace-empty", MFD_CLOEXEC);
    auto none = SharedSegment::attach(empty);
    REQUIRE_FALSE(none.has_value());
    CHECK_THAT(none.error(), Catch::Matchers::Contains("empty"));
}

TEST_CASE("moving a segment moves ownership", "[ipc]") {
    auto segment = SharedSegment::create(4096, "racetrace-test");
    REQUIRE(segment.has_value());
    const int fd = segment->fd();
    SharedSegment moved = std::move(*segment);
    CHECK(moved.fd() == fd);
    CHECK(segment->fd() == -1);
    CHECK(segment->data() == nullptr);
}
