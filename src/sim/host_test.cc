// Whole stacks on the simulated network: byte-exact transfers under
// impairments, with the seed printed.
#include <gtest/gtest.h>

#include <cstdio>

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
