// SPDX-License-Identifier: Apache-2.0
// Any-destination mode (StackConfig::any_destination, Stack::listen_any):
// connections to any address and port are terminated, accept() tells where
// they were going, a deferred handshake answers only after admit()/refuse(),
// and a SYN flood spread over thousands of destinations meets SYN cookies.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "stack/stack.hpp"
#include "stack/stack_pair.hpp"
#include "wire/tcp.hpp"

namespace synack {
namespace {

const Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

StackConfig any_config() {
  StackConfig c = test_stack_config(kB, 2);
  c.any_destination = true;
  return c;
}

std::uint64_t stat(const Stack& s, const std::string& name) {
  for (const auto& [n, v] : s.stats()) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

struct AnyDestination : ::testing::Test {
  StackPair net{test_stack_config(kA, 1), any_config()};
  Stack& a = net.a();
  Stack& b = net.b();

  Fd listen_any(bool defer, std::size_t max_pending = 0) {
    const Fd l = *b.socket();
    EXPECT_TRUE(
        b.listen_any(l, 64, {.defer_handshake = defer, .max_pending = max_pending}, net.now())
            .has_value());
    return l;
  }
  Fd connect_from_a(tcp::Endpoint to) {
    const Fd c = *a.socket();
    EXPECT_EQ(a.connect(c, to, net.now()).error(), std::errc::operation_in_progress);
    return c;
  }
  bool established(Fd c) { return a.tcp_info(c)->state == tcp::State::kEstablished; }
};

TEST_F(AnyDestination, AcceptAtOnceReturnsEachOriginalDestination) {
  const Fd l = listen_any(false);
  const std::vector<tcp::Endpoint> dsts{{Ipv4Addr::from_octets(192, 0, 2, 7), 443},
                                        {Ipv4Addr::from_octets(198, 51, 100, 1), 80},
                                        {kB, 22}};
  std::vector<Fd> clients;
  for (const auto& d : dsts) clients.push_back(connect_from_a(d));
  net.run_for(milliseconds(100));
  std::set<std::pair<std::uint32_t, std::uint16_t>> seen;
  while (auto s = b.accept(l)) {
    const auto t = b.endpoints(*s);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->remote.addr, IpAddr{kA});
    seen.insert({std::get<Ipv4Addr>(t->local.addr).value, t->local.port});
  }
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& d : dsts) EXPECT_TRUE(seen.contains({std::get<Ipv4Addr>(d.addr).value, d.port}));
  for (const Fd c : clients) EXPECT_TRUE(established(c));
}

TEST_F(AnyDestination, DataFlowsFromTheOriginalDestinationAddress) {
  const Fd l = listen_any(false);
  const Fd c = connect_from_a({Ipv4Addr::from_octets(203, 0, 113, 9), 8080});
  net.run_for(milliseconds(100));
  const auto s = b.accept(l);
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(*b.send(*s, as_bytes("hi"), net.now()), 2u);
  net.run_for(milliseconds(50));
  std::array<std::byte, 8> buf{};
  ASSERT_EQ(*a.recv(c, buf, 0, net.now()), 2u);  // a accepted it as 203.0.113.9:8080's
}

TEST_F(AnyDestination, SpecificListenerWinsOverListenAny) {
  const Fd any = listen_any(false);
  const Fd l80 = *b.socket();
  ASSERT_TRUE(b.bind(l80, {Ipv4Addr{}, 80}).has_value());
  ASSERT_TRUE(b.listen(l80, 8, net.now()).has_value());
  connect_from_a({kB, 80});
  connect_from_a({kB, 81});
  net.run_for(milliseconds(100));
  EXPECT_TRUE(b.accept(l80).has_value());
  EXPECT_FALSE(b.accept(l80).has_value());
  const auto s = b.accept(any);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(b.endpoints(*s)->local.port, 81);
}

TEST_F(AnyDestination, ListenAnyNeedsTheModeAndOneSocket) {
  Stack plain(test_stack_config(kB, 3));
  const Fd p = *plain.socket();
  EXPECT_EQ(plain.listen_any(p, 8, {}, {}).error(), std::errc::invalid_argument);
  listen_any(true);
  const Fd second = *b.socket();
  EXPECT_EQ(b.listen_any(second, 8, {}, net.now()).error(), std::errc::address_in_use);
  const Fd bound = *b.socket();
  ASSERT_TRUE(b.bind(bound, {kB, 99}).has_value());
  EXPECT_EQ(b.listen_any(bound, 8, {}, net.now()).error(), std::errc::invalid_argument);
}

TEST_F(AnyDestination, DeferredHandshakeWaitsForAdmit) {
  const Fd l = listen_any(true);
  const tcp::Endpoint dst{Ipv4Addr::from_octets(192, 0, 2, 7), 443};
  const Fd c = connect_from_a(dst);
  net.run_for(milliseconds(100));
  EXPECT_NE(b.poll(l) & kPollIn, 0u);
  const auto t = b.pending_syn(l);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->local, dst);
  EXPECT_FALSE(b.pending_syn(l).has_value());  // handed out once
  EXPECT_EQ(b.poll(l) & kPollIn, 0u);
  net.run_for(milliseconds(500));
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kSynSent);  // no SYN-ACK while held
  EXPECT_FALSE(b.accept(l).has_value());
  ASSERT_TRUE(b.admit(l, *t, net.now()).has_value());
  net.run_for(milliseconds(100));
  EXPECT_TRUE(established(c));
  const auto s = b.accept(l);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(b.endpoints(*s)->local, dst);
  EXPECT_EQ(b.admit(l, *t, net.now()).error(), std::errc::no_such_device_or_address);
  EXPECT_EQ(b.any_destination_counts().first, 1u);
}

TEST_F(AnyDestination, RetransmittedSynIsHeldOnce) {
  const Fd l = listen_any(true);
  connect_from_a({Ipv4Addr::from_octets(192, 0, 2, 7), 443});
  net.run_for(seconds(4));  // the SYN is retransmitted (initial RTO 1 s)
  ASSERT_TRUE(b.pending_syn(l).has_value());
  EXPECT_FALSE(b.pending_syn(l).has_value());
  EXPECT_EQ(b.any_destination_counts().first, 1u);
}

TEST_F(AnyDestination, RefusedWithResetIsConnectionRefused) {
  const Fd l = listen_any(true);
  const Fd c = connect_from_a({Ipv4Addr::from_octets(192, 0, 2, 7), 25});
  net.run_for(milliseconds(100));
  const auto t = b.pending_syn(l);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE(b.refuse(l, *t, Refusal::kReset, net.now()).has_value());
  net.run_for(milliseconds(100));
  EXPECT_EQ(a.connect(c, t->local, net.now()).error(), std::errc::connection_refused);
  EXPECT_EQ(b.tcb_count(), 0u);
}

TEST_F(AnyDestination, RefusedAsUnreachableSendsIcmpFromTheDestination) {
  const Fd l = listen_any(true);
  connect_from_a({Ipv4Addr::from_octets(192, 0, 2, 7), 25});
  net.run_for(milliseconds(100));
  const auto t = b.pending_syn(l);
  ASSERT_TRUE(t.has_value());
  std::optional<Ipv4Addr> icmp_src;
  net.filter = [&](bool from_a, Bytes p) {
    auto ip = Ipv4View::parse(p);
    if (!from_a && ip && ip->protocol() == kIpProtoIcmp) icmp_src = ip->src();
    return true;
  };
  ASSERT_TRUE(b.refuse(l, *t, Refusal::kUnreachable, net.now()).has_value());
  net.run_for(milliseconds(100));
  ASSERT_TRUE(icmp_src.has_value());
  EXPECT_EQ(IpAddr{*icmp_src}, t->local.addr);
  EXPECT_EQ(a.counters().icmp_in, 1u);
  EXPECT_EQ(stat(a, "drop_icmp-ignored"), 0u);  // a matched it to its connection
}

// A SYN to `dst` from `src` as an IPv4 packet.
std::vector<std::byte> syn_packet(tcp::Endpoint src, tcp::Endpoint dst) {
  TcpSegment s;
  s.src_port = src.port;
  s.dst_port = dst.port;
  s.seq = SeqNum(src.port * 7919u);
  s.flags = TcpFlags{TcpFlags::kSyn};
  s.window = 65535;
  s.options.mss(1460);
  std::vector<std::byte> p(Ipv4Header::kSize + s.wire_size());
  emit_ipv4_tcp(
      p, Ipv4Header{.src = std::get<Ipv4Addr>(src.addr), .dst = std::get<Ipv4Addr>(dst.addr)}, s);
  return p;
}

// Thousands of destinations, one SYN each, never completed: the held table
// and the listener's SYN queue stay at their bounds, cookies answer the rest.
TEST(AnyDestinationFlood, SynCookiesProtectTheWildcardListener) {
  for (const bool defer : {true, false}) {
    SCOPED_TRACE(defer ? "deferred" : "accept at once");
    Stack b(any_config());
    const Fd l = *b.socket();
    ASSERT_TRUE(b.listen_any(l, 64, {.defer_handshake = defer}, {}).has_value());
    Instant t{};
    std::size_t out = 0;
    for (std::uint32_t i = 0; i < 5000; ++i) {
      const tcp::Endpoint src{Ipv4Addr{0x0a010000u + i},
                              static_cast<std::uint16_t>(1024 + i % 60000)};
      const tcp::Endpoint dst{Ipv4Addr{0xc6120000u + i}, static_cast<std::uint16_t>(1 + i % 1000)};
      b.receive(syn_packet(src, dst), t);
      b.transmit(t, [&](Bytes) { ++out; });
      t += microseconds(100);
    }
    EXPECT_LE(b.count_in_state(tcp::State::kSynReceived), 64u);
    EXPECT_EQ(b.tcb_count(), 0u);
    EXPECT_GT(stat(b, "syn_cookies_sent"), 4000u);
    EXPECT_GE(out, 4000u);  // cookie SYN-ACKs, not silence
    if (defer) {
      EXPECT_EQ(b.any_destination_counts().first, 64u);
      EXPECT_EQ(b.any_destination_counts().second, 5000u - 64u);
    }
  }
}

}  // namespace
}  // namespace synack
