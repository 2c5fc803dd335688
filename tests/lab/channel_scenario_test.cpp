// [[channel]] tables, the channel instructions, who gets which end, and the
// --channel-fds text that hands a worker its ends.
#include "lab/channel_set.hpp"
#include "lab/scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace racetrace;
using Catch::Matchers::Contains;

namespace {

std::string scenarioWith(const std::string& channel, const std::string& writerOps, const std::string& readerOps) {
    return "name = \"c\"\n[[channel]]\n" + channel +
           "\n[[program]]\nrole = \"writer\"\nlines = [ { text = \"w\", ops = [" + writerOps +
           "] } ]\n[[program]]\nrole = \"reader\"\nlines = [ { text = \"r\", ops = [" + readerOps + "] } ]\n";
}

const std::string kPipe = "name = \"P\"\nkind = \"pipe\"\ncapacity = 8192\nmessage_bytes = 128";

} // namespace

TEST_CASE("a channel scenario parses: kinds, sizes, instructions and their operands", "[lab][channels]") {
    auto parsed = parseScenario(scenarioWith(kPipe, "\"try_send r2 P 7\", \"send P me\", \"close P\"",
                                             "\"try_recv r3 r4 P\", \"recv r0 P\", \"exit\""),
                                "c.toml");
    REQUIRE(parsed);
    REQUIRE(parsed->info.channels.size() == 1);
    CHECK(parsed->info.variables.empty()); // message passing needs no shared variable
    const ChannelInfo& channel = parsed->info.channels[0];
    CHECK(channel.kind == ChannelKind::Pipe);
    CHECK(channel.capacity == 8192);
    CHECK(channel.messageBytes == 128);
    const auto& writer = parsed->programs[0].code;
    CHECK(writer[0].op == OpCode::TrySend);
    CHECK(writer[0].reg == 2);
    CHECK(writer[0].channel == 0);
    CHECK(writer[0].a.value == 7);
    const auto& reader = parsed->programs[1].code;
    CHECK(reader[0].op == OpCode::TryReceive);
    CHECK(reader[0].reg == 3);
    CHECK(reader[0].reg2 == 4);
    CHECK(reader[2].op == OpCode::Exit);
}

TEST_CASE("channel mistakes in a scenario are refused with the line and the problem", "[lab][channels]") {
    CHECK_THAT(parseScenario(scenarioWith("name = \"P\"\nkind = \"socket\"", "\"send P 1\"", "\"recv r0 P\""), "c.toml")
                   .error(),
               Contains("c.toml:4:") && Contains("unknown channel kind 'socket' (pipe or queue)"));
    CHECK_THAT(parseScenario(scenarioWith(kPipe, "\"send Q 1\"", "\"recv r0 P\""), "c.toml").error(),
               Contains("unknown channel 'Q'"));
    CHECK_THAT(parseScenario(
                   scenarioWith("name = \"P\"\nkind = \"pipe\"\nmessage_bytes = 20", "\"send P 1\"", "\"recv r0 P\""),
                   "c.toml")
                   .error(),
               Contains("'message_bytes' must be a multiple of 8"));
    CHECK_THAT(
        parseScenario(scenarioWith(kPipe + "\nwrite_end_kept_by = [\"parent\"]", "\"send P 1\"", "\"recv r0 P\""),
                      "c.toml")
            .error(),
        Contains("role 'parent'"));
}

TEST_CASE("each worker gets the ends its role uses, and the kept write end", "[lab][channels]") {
    auto plain = parseScenario(scenarioWith(kPipe, "\"send P 1\"", "\"recv r0 P\""), "c.toml");
    REQUIRE(plain);
    CHECK(plain->channelUse(0, 0).writes);
    CHECK_FALSE(plain->channelUse(0, 0).reads);
    CHECK(plain->channelUse(1, 0).reads);
    CHECK_FALSE(plain->channelUse(1, 0).writes);
    CHECK(plain->channelUse(2, 0).writes); // roles repeat: C is a writer again
    auto forgot = parseScenario(
        scenarioWith(kPipe + "\nwrite_end_kept_by = [\"reader\"]", "\"send P 1\"", "\"recv r0 P\""), "c.toml");
    REQUIRE(forgot);
    CHECK(forgot->channelUse(1, 0).reads);
    CHECK(forgot->channelUse(1, 0).writes);
}

TEST_CASE("the channel-fds text round-trips and refuses what is not descriptors", "[lab][channels]") {
    const std::vector<ChannelFds> fds = {{12, 13, -1, -1}, {-1, -1, 14, 15}};
    const std::string text = formatChannelFds(fds);
    CHECK(text == "12,13,-1,-1;-1,-1,14,15");
    auto back = parseChannelFds(text);
    REQUIRE(back);
    REQUIRE(back->size() == 2);
    CHECK((*back)[1].writeNonBlocking == 15);
    CHECK(parseChannelFds("").value().empty());
    CHECK_FALSE(parseChannelFds("1,2,3"));
    CHECK_FALSE(parseChannelFds("1,2,x,4"));
    CHECK_FALSE(parseChannelFds("1,2,3,-7"));
}

TEST_CASE("channel sizes from the options are checked against each channel", "[lab][channels]") {
    ChannelInfo pipe;
    pipe.kind = ChannelKind::Pipe;
    pipe.capacity = 4096;
    pipe.messageBytes = 64;
    RunSettings settings;
    CHECK(resolveChannels({pipe}, settings));
    settings.messageBytes = 8192;
    auto refused = resolveChannels({pipe}, settings);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error(), Contains("--capacity") || Contains("pipe P"));
    settings.capacity = 16384;
    auto resolved = resolveChannels({pipe}, settings);
    REQUIRE(resolved);
    CHECK(resolved->front().capacity == 16384);
    CHECK(resolved->front().messageBytes == 8192);
}

TEST_CASE("put and get take a mailbox, and nothing else", "[lab][handoff]") {
    const std::string scenario = R"(
name = "m"
[[variable]]
name = "X"
kind = "%s"
words = 2
[[program]]
role = "w"
lines = [ { text = "put", ops = ["put X 1 window", "get r0 X"] } ]
)";
    char text[512];
    std::snprintf(text, sizeof text, scenario.c_str(), "mailbox");
    auto parsed = parseScenario(text, "m.toml");
    REQUIRE(parsed);
    CHECK(parsed->programs[0].code[0].op == OpCode::Put);
    CHECK(parsed->programs[0].code[1].op == OpCode::Get);
    std::snprintf(text, sizeof text, scenario.c_str(), "record");
    CHECK_THAT(parseScenario(text, "m.toml").error(), Contains("m.toml:9:") && Contains("'X' is not a mailbox"));
}
