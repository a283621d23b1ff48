// Reliable data transfer (issue 4) between whole stacks on the simulated
// network: byte-exact echo transfers (both directions, SHA-256 compared) under
// loss, reordering, duplication, corruption and a drop-tail bottleneck. The
// seed, sizes, virtual time and wall time are printed for every run.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "sim/apps.hpp"
#include "sim/host.hpp"

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

struct Result {
  ConnReport client;
  ConnReport server;
};

// The client sends `bytes` pattern bytes and half-closes; the server echoes.
Result echo(const char* name, std::uint64_t seed, std::uint64_t bytes, LinkConfig link) {
  const auto wall0 = std::chrono::steady_clock::now();  // reporting only
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
  net.loop().run_until_idle(Instant{} + seconds(3600));
  Result r{cli.report(), srv.reports().empty() ? ConnReport{} : srv.reports()[0]};
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double virt = r.client.finished_at == kNever
                          ? -1.0
                          : static_cast<double>(to_ms(r.client.finished_at - Instant{})) / 1000.0;
  std::printf("%s: seed=%llu bytes=%llu each way, virtual %.3f s, wall %.2f s\n", name,
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(bytes), virt,
              wall);
  return r;
}

void expect_byte_exact(const Result& r, std::uint64_t bytes) {
  EXPECT_FALSE(r.client.error.has_value());
  EXPECT_EQ(r.client.sent.bytes, bytes);
  EXPECT_EQ(r.server.received.bytes, bytes);
  EXPECT_EQ(r.client.received.bytes, bytes);
  EXPECT_EQ(r.server.received.hex(), r.client.sent.hex());
  EXPECT_EQ(r.client.received.hex(), r.client.sent.hex());
  EXPECT_TRUE(r.client.eof);
}

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST(Transfer, Clean) {
  const std::uint64_t n = 4 * kMiB;
  expect_byte_exact(echo("clean", 11, n, {.delay = milliseconds(5)}), n);
}

TEST(Transfer, OnePercentLoss) {
  LinkConfig link{.delay = milliseconds(5)};
  link.impairment.loss = 0.01;
  const std::uint64_t n = 2 * kMiB;
  expect_byte_exact(echo("1% loss", 12, n, link), n);
}

TEST(Transfer, LossReorderDuplication) {
  LinkConfig link{.delay = milliseconds(5)};
  link.impairment.loss = 0.05;
  link.impairment.reorder = 0.02;
  link.impairment.duplicate = 0.01;
  const std::uint64_t n = 1 * kMiB;
  expect_byte_exact(echo("5% loss 2% reorder 1% dup", 13, n, link), n);
}

TEST(Transfer, HeavyDropAndCorruption) {
  LinkConfig link{.delay = milliseconds(5)};
  link.impairment.loss = 0.15;
  link.impairment.corrupt = 0.15;
  link.impairment.corrupt_kind = CorruptionKind::kByteOverwrite;
  link.impairment.corrupt_skip = 20;  // damage reaches TCP: its checksum must catch it
  const std::uint64_t n = 256 * 1024;
  expect_byte_exact(echo("15% drop 15% corruption", 14, n, link), n);
}

TEST(Transfer, LongRttBottleneck) {
  // 50 ms RTT, 10 Mbit/s drop-tail bottleneck with a 1 MiB queue.
  LinkConfig link{.delay = milliseconds(25), .bandwidth_bps = 10'000'000, .queue_limit = kMiB};
  const std::uint64_t n = 4 * kMiB;
  expect_byte_exact(echo("50 ms RTT 1 MiB bottleneck", 15, n, link), n);
}

}  // namespace
}  // namespace synack::sim
