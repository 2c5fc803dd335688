// POSIX message queues as the channels will use them (ipc/message_queue.hpp):
// nameless once open, close-on-exec, full and empty, FIFO, limits in words.
#include "ipc/message_queue.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <string>

#include <fcntl.h>

using namespace racetrace;
using Catch::Matchers::Contains;

TEST_CASE("message queue: open, then nameless: nobody can open it again, nothing is left behind", "[ipc][mqueue]") {
    auto queue = MessageQueue::create(4, 64);
    REQUIRE(queue);
    CHECK((fcntl(queue->descriptor(), F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(queue->formerName().rfind("/racetrace-", 0) == 0);
    errno = 0;
    CHECK(mq_open(queue->formerName().c_str(), O_RDWR) == static_cast<mqd_t>(-1));
    CHECK(errno == ENOENT);
}

TEST_CASE("message queue: first in, first out, a full queue refuses a non-blocking send", "[ipc][mqueue]") {
    auto queue = MessageQueue::create(4, 64);
    REQUIRE(queue);
    mq_attr attributes{};
    attributes.mq_flags = O_NONBLOCK;
    REQUIRE(mq_setattr(queue->descriptor(), &attributes, nullptr) == 0);
    for (char c = 'a'; c < 'a' + 4; ++c)
        REQUIRE(mq_send(queue->descriptor(), &c, 1, 0) == 0);
    CHECK(queue->depth().value() == 4);
    const char extra = 'z';
    errno = 0;
    CHECK(mq_send(queue->descriptor(), &extra, 1, 0) == -1);
    CHECK(errno == EAGAIN);
    char buffer[64];
    for (char c = 'a'; c < 'a' + 4; ++c) {
        REQUIRE(mq_receive(queue->descriptor(), buffer, sizeof buffer, nullptr) == 1);
        CHECK(buffer[0] == c);
    }
    errno = 0;
    CHECK(mq_receive(queue->descriptor(), buffer, sizeof buffer, nullptr) == -1);
    CHECK(errno == EAGAIN);
    CHECK(queue->depth().value() == 0);
}

TEST_CASE("message queue: a size beyond the system's limits is refused in one sentence naming them", "[ipc][mqueue]") {
    // Above the kernel's hard ceiling (65,536 messages), privileged or not.
    auto tooMany = MessageQueue::create(100'000, 64);
    REQUIRE_FALSE(tooMany);
    CHECK_THAT(tooMany.error(),
               Contains("cannot create a message queue of 100000 messages of 64 bytes") && Contains("msg_max"));
    auto empty = MessageQueue::create(0, 64);
    REQUIRE_FALSE(empty);
    CHECK_THAT(empty.error(), Contains("at least one message"));
    const auto limits = MessageQueue::systemLimits();
    CHECK(limits.maxMessages >= 1);
    CHECK(limits.messageBytes >= 1);
}

TEST_CASE("message queue: a moved queue owns its descriptor alone", "[ipc][mqueue]") {
    auto created = MessageQueue::create(2, 8);
    REQUIRE(created);
    const mqd_t descriptor = created->descriptor();
    MessageQueue moved = std::move(*created);
    CHECK(moved.descriptor() == descriptor);
    CHECK(created->descriptor() == static_cast<mqd_t>(-1));
    CHECK(moved.depth().value() == 0);
}
