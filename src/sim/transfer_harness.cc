// SPDX-License-Identifier: Apache-2.0
#include "sim/transfer_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "wire/error.hpp"

namespace synack::sim {
namespace {

const Ipv4Addr kClientAddr = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kServerAddr = Ipv4Addr::from_octets(10, 0, 0, 2);

StackConfig host_config(const TransferSpec& spec, Ipv4Addr addr, std::uint8_t key) {
  StackConfig c;
  c.address = addr;
  c.mtu = spec.mtu;
  c.secret = SipKey{key};
  c.tcp.isn_secret = SipKey{static_cast<std::uint8_t>(key + 7)};
  c.tcp.fixed_iss = spec.fixed_iss;
  if (spec.snd_buf != 0) c.tcp.snd_buf = spec.snd_buf;
  if (spec.rcv_buf != 0) c.tcp.rcv_buf = spec.rcv_buf;
  if (spec.max_retransmissions != 0) c.tcp.max_retransmissions = spec.max_retransmissions;
  return c;
}

std::uint64_t bad_tcp_checksums(Host& h) {
  return h.stack().counters().wire_errors[static_cast<std::size_t>(WireError::kTcpBadChecksum)];
}

std::string state_list(const std::vector<tcp::State>& states) {
  std::string out;
  for (tcp::State s : states) {
    if (!out.empty()) out += ' ';
    out += tcp::to_string(s);
  }
  return out;
}

bool ends_with(const std::vector<tcp::State>& states, std::initializer_list<tcp::State> tail) {
  return states.size() >= tail.size() &&
         std::equal(tail.begin(), tail.end(),
                    states.end() - static_cast<std::ptrdiff_t>(tail.size()));
}

void print(const TransferSpec& spec, const TransferResult& r) {
  const double bytes = static_cast<double>(spec.client_bytes + spec.server_bytes);
  std::printf(
      "%s: seed=%llu client->server %llu B, server->client %llu B, MTU %u: virtual %.3f s "
      "(%.1f Mbit/s), wall %.2f s (%.1f MB/s), retransmissions %llu/%llu, link drops %llu/%llu, "
      "queue max %zu/%zu B\n",
      spec.name.c_str(), static_cast<unsigned long long>(spec.seed),
      static_cast<unsigned long long>(spec.client_bytes),
      static_cast<unsigned long long>(spec.server_bytes), spec.mtu, r.virtual_s,
      r.virtual_s > 0 ? bytes * 8 / r.virtual_s / 1e6 : 0.0, r.wall_s,
      r.wall_s > 0 ? bytes / r.wall_s / 1e6 : 0.0,
      static_cast<unsigned long long>(r.client_trace.retransmits),
      static_cast<unsigned long long>(r.server_trace.retransmits),
      static_cast<unsigned long long>(r.c2s.dropped()),
      static_cast<unsigned long long>(r.s2c.dropped()), r.c2s.max_queue_bytes,
      r.s2c.max_queue_bytes);
  std::fflush(stdout);
}

}  // namespace

void HostTrace::on_event(const tcp::TraceEvent& e) {
  switch (e.kind) {
    case tcp::TraceKind::kStateChange:
      if (e.from != e.to) states.push_back(e.to);
      break;
    case tcp::TraceKind::kDrop:
      drops.add(e.drop);
      break;
    case tcp::TraceKind::kRetransmit:
      ++retransmits;
      break;
    default:
      break;
  }
}

TransferResult run_transfer(const TransferSpec& spec) {
  const auto wall0 = std::chrono::steady_clock::now();  // reporting only
  TransferResult r;
  Network net(spec.seed);
  auto& client =
      net.emplace_node<Host>("client", host_config(spec, kClientAddr, 1), &r.client_trace);
  auto& server =
      net.emplace_node<Host>("server", host_config(spec, kServerAddr, 2), &r.server_trace);
  LinkConfig link = spec.link;
  link.mtu = spec.mtu;
  const auto [c2s, s2c] = net.connect(client.id(), server.id(), link);
  if (spec.setup) spec.setup(net, client, server);

  Server srv(server, {.port = 80,
                      .mode = ServerMode::kSend,
                      .send_bytes = spec.server_bytes,
                      .close_on_eof = true,
                      .pause_for = spec.pause_for,
                      .pause_after = spec.pause_after});
  srv.start();
  using K = ClientAction::Kind;
  Client cli(client, {.remote = {kServerAddr, 80},
                      .script = {{K::kConnect, Instant{} + milliseconds(1)},
                                 {K::kSend, Instant{} + milliseconds(2), spec.client_bytes},
                                 {K::kShutdown, Instant{} + milliseconds(3)}},
                      .close_on_eof = true});
  cli.start();
  // Generous limits: the 15 % drop profile spends hours of virtual time in RTO backoff.
  r.run = net.loop().run_until_idle(Instant{} + seconds(365 * 24 * 3600), 4'000'000'000);

  r.client = cli.report();
  r.server = srv.reports().empty() ? ConnReport{} : srv.reports()[0];
  r.c2s = net.link(c2s).counters();
  r.s2c = net.link(s2c).counters();
  r.client_bad_checksums = bad_tcp_checksums(client);
  r.server_bad_checksums = bad_tcp_checksums(server);
  r.client_malformed = client.stack().counters().dropped(StackDrop::kMalformed);
  r.server_malformed = server.stack().counters().dropped(StackDrop::kMalformed);
  r.client_tcbs_left = client.stack().tcb_count() + client.stack().time_wait_count();
  r.server_tcbs_left = server.stack().tcb_count() + server.stack().time_wait_count();
  r.virtual_s = r.client.finished_at == kNever
                    ? -1.0
                    : static_cast<double>(to_us(r.client.finished_at)) / 1e6;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  print(spec, r);
  return r;
}

void expect_byte_exact(const TransferResult& r, const TransferSpec& spec) {
  EXPECT_EQ(r.run, RunResult::kIdle);
  EXPECT_FALSE(r.client.error.has_value()) << static_cast<int>(*r.client.error);
  EXPECT_FALSE(r.server.error.has_value()) << static_cast<int>(*r.server.error);
  EXPECT_EQ(r.client.sent.bytes, spec.client_bytes);
  EXPECT_EQ(r.server.sent.bytes, spec.server_bytes);
  EXPECT_EQ(r.server.received.bytes, spec.client_bytes);
  EXPECT_EQ(r.client.received.bytes, spec.server_bytes);
  EXPECT_EQ(r.server.received.hex(), r.client.sent.hex()) << "client → server stream differs";
  EXPECT_EQ(r.client.received.hex(), r.server.sent.hex()) << "server → client stream differs";
  EXPECT_TRUE(r.client.eof);
  EXPECT_TRUE(r.server.eof);
}

void expect_closed_as_scripted(const TransferResult& r) {
  using S = tcp::State;
  const auto& c = r.client_trace.states;
  const auto& s = r.server_trace.states;
  ASSERT_GE(c.size(), 2u) << state_list(c);
  EXPECT_EQ(c[0], S::kSynSent) << state_list(c);
  EXPECT_EQ(c[1], S::kEstablished) << state_list(c);
  EXPECT_NE(std::find(c.begin(), c.end(), S::kFinWait1), c.end()) << state_list(c);
  EXPECT_TRUE(ends_with(c, {S::kTimeWait, S::kClosed})) << "client: " << state_list(c);
  EXPECT_NE(std::find(s.begin(), s.end(), S::kEstablished), s.end()) << state_list(s);
  EXPECT_TRUE(ends_with(s, {S::kCloseWait, S::kLastAck, S::kClosed}))
      << "server: " << state_list(s);
  EXPECT_TRUE(r.client.closed);
  EXPECT_TRUE(r.server.closed);
  EXPECT_EQ(r.client_tcbs_left, 0u);
  EXPECT_EQ(r.server_tcbs_left, 0u);
}

}  // namespace synack::sim
