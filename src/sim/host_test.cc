// SPDX-License-Identifier: Apache-2.0
// Whole stacks on the simulated network: byte-exact transfers under
// impairments, with the seed printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "sim/apps.hpp"
#include "sim/host.hpp"
#include "sim/recorder.hpp"

namespace synack::sim {
namespace {

const Ipv4Addr kClient = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kServer = Ipv4Addr::from_octets(10, 0, 0, 2);

StackConfig host_config(Ipv4Addr addr, std::uint8_t key) {
  StackConfig c;
  c.address = addr;
  c.secret = SipKey{key};
  c.tcp.isn_secret = SipKey{static_cast<std::uint8_t>(key + 7)};
  return c;
}

struct Transfer {
  ConnReport client;
  ConnReport server;
  std::size_t server_tcbs = 0;
  std::size_t client_time_wait = 0;
};

Transfer run_transfer(std::uint64_t seed, std::uint64_t bytes, LinkConfig link) {
  std::printf("seed=%llu bytes=%llu\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(bytes));
  Network net(seed);
  auto& client = net.emplace_node<Host>("client", host_config(kClient, 1));
  auto& server = net.emplace_node<Host>("server", host_config(kServer, 2));
  net.connect(client.id(), server.id(), link);
  Server srv(server, {.port = 80, .mode = ServerMode::kEcho});
  srv.start();
  Client cli(client, {.remote = {kServer, 80},
                      .script = {{ClientAction::Kind::kConnect, Instant{} + milliseconds(1)},
                                 {ClientAction::Kind::kSend, Instant{} + milliseconds(2), bytes},
                                 {ClientAction::Kind::kShutdown, Instant{} + milliseconds(3)}},
                      .close_on_eof = true});
  cli.start();
  net.loop().run_until_idle(Instant{} + seconds(600));
  Transfer t{cli.report(), srv.reports().empty() ? ConnReport{} : srv.reports()[0],
             server.stack().tcb_count(), client.stack().time_wait_count()};
  return t;
}

TEST(Pattern, FillMatchesPatternByteAtAnyOffsetAndChunksAgree) {
  // fill_pattern writes whole words at once; it must agree byte for byte with
  // pattern_byte at every alignment, and PatternChunk with both.
  for (std::uint64_t offset : {0ull, 1ull, 7ull, 8ull, 13ull, (1ull << 32) + 5}) {
    std::vector<std::byte> buf(37);
    fill_pattern(9, offset, buf);
    for (std::size_t i = 0; i < buf.size(); ++i) {
      ASSERT_EQ(buf[i], pattern_byte(9, offset + i)) << "offset " << offset << " + " << i;
    }
  }
  PatternChunk chunk;
  for (std::uint64_t offset : {0ull, 100ull, 16383ull, 16384ull, 5ull}) {
    const Bytes b = chunk.at(3, offset, 64);
    ASSERT_FALSE(b.empty());
    EXPECT_LE(b.size(), 64u);
    for (std::size_t i = 0; i < b.size(); ++i) ASSERT_EQ(b[i], pattern_byte(3, offset + i));
  }
  std::vector<std::byte> a(16), b(16);  // offsets 2^32 apart (one sequence wrap) differ
  fill_pattern(1, 0, a);
  fill_pattern(1, std::uint64_t{1} << 32, b);
  EXPECT_NE(a, b);
}

TEST(SimHosts, EchoIsByteExactOnACleanLink) {
  const auto t = run_transfer(1, 200'000, {.delay = milliseconds(10)});
  EXPECT_FALSE(t.client.error.has_value());
  EXPECT_EQ(t.client.sent.bytes, 200'000u);
  EXPECT_EQ(t.server.received.bytes, 200'000u);
  EXPECT_EQ(t.client.received.bytes, 200'000u);
  EXPECT_EQ(t.client.received.hex(), t.client.sent.hex());
  EXPECT_TRUE(t.client.eof);
  EXPECT_EQ(t.server_tcbs, 0u);
}

TEST(SimHosts, EchoIsByteExactUnderLossReorderAndDuplication) {
  LinkConfig link{.delay = milliseconds(10)};
  link.impairment.loss = 0.03;
  link.impairment.reorder = 0.02;
  link.impairment.duplicate = 0.01;
  const auto t = run_transfer(7, 100'000, link);
  EXPECT_EQ(t.client.received.bytes, 100'000u);
  EXPECT_EQ(t.client.received.hex(), t.client.sent.hex());
  EXPECT_EQ(t.server.received.hex(), t.client.sent.hex());
}

}  // namespace
}  // namespace synack::sim
