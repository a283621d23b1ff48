// SPDX-License-Identifier: Apache-2.0
#include "stack/stack.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/checksum.hpp"
#include "base/rfc_tag.hpp"
#include "stack/stack_pair.hpp"
#include "wire/icmp.hpp"

namespace synack {
namespace {

const Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

struct Fixture : ::testing::Test {
  StackPair net{test_stack_config(kA, 1), test_stack_config(kB, 2)};
  Stack& a = net.a();
  Stack& b = net.b();

  Fd listen_on_b(std::uint16_t port, int backlog = 16) {
    const Fd l = *b.socket();
    EXPECT_TRUE(b.bind(l, {kB, port}).has_value());
    EXPECT_TRUE(b.listen(l, backlog, net.now()).has_value());
    return l;
  }
  Fd connect_from_a(std::uint16_t port) {
    const Fd c = *a.socket();
    auto r = a.connect(c, {kB, port}, net.now());
    EXPECT_EQ(r.error(), std::errc::operation_in_progress);
    return c;
  }
  std::string read_all(Stack& s, Fd fd) {
    std::string out;
    std::vector<std::byte> buf(4096);
    for (;;) {
      auto r = s.recv(fd, buf, 0, net.now());
      if (!r || *r == 0) break;
      out.append(reinterpret_cast<const char*>(buf.data()), *r);
    }
    return out;
  }
};

// The engine's tuples take IPv6 (tcp/types.hpp); the stack's one interface is
// IPv4 until it has IPv6 input and output: an IPv6 endpoint is refused as a
// kernel without IPv6 refuses AF_INET6, never taken for an IPv4 address.
TEST_F(Fixture, IpV6EndpointsAreRefusedNotConverted) {
  const Ipv6Addr v6 = Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 2);
  const Fd c = *a.socket();
  EXPECT_EQ(a.connect(c, {v6, 80}, net.now()).error(), std::errc::address_family_not_supported);
  EXPECT_EQ(a.bind(c, {Ipv6Addr{}, 80}).error(), std::errc::address_family_not_supported);
  EXPECT_TRUE(a.bind(c, {kA, 80}).has_value());  // the socket is still usable
}

TEST_F(Fixture, ConnectAcceptExchangeAndClose) {
  SYNACK_RFC("MUST-44", "MUST-45");
  const Fd l = listen_on_b(80);
  const Fd c = connect_from_a(80);
  ASSERT_TRUE(net.run_until([&] { return (b.poll(l) & kPollIn) != 0; }, seconds(1)));
  tcp::Endpoint peer;
  const auto s = b.accept(l, &peer);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(peer.addr, IpAddr{kA});
  EXPECT_NE(a.poll(c) & kPollOut, 0u);
  EXPECT_EQ(a.connect(c, {kB, 80}, net.now()).error(), std::errc::already_connected);

  ASSERT_EQ(*a.send(c, as_bytes("GET / HTTP/1.0\r\n\r\n"), net.now()), 18u);
  net.run_for(milliseconds(50));
  EXPECT_EQ(read_all(b, *s), "GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(*b.send(*s, as_bytes("hello"), net.now()), 5u);
  ASSERT_TRUE(b.shutdown(*s, ShutdownHow::kWrite, net.now()).has_value());
  net.run_for(milliseconds(50));
  EXPECT_EQ(read_all(a, c), "hello");
  EXPECT_EQ(*a.recv(c, std::span<std::byte>(), 0, net.now()), 0u);  // EOF
  ASSERT_TRUE(a.close(c, net.now()).has_value());
  ASSERT_TRUE(b.close(*s, net.now()).has_value());
  net.run_for(milliseconds(100));
  // The server closed first: it holds TIME-WAIT, as a compact entry.
  EXPECT_EQ(b.time_wait_count(), 1u);
  EXPECT_EQ(b.tcb_count(), 0u);
  EXPECT_EQ(a.tcb_count(), 0u);
  EXPECT_EQ(a.time_wait_count(), 0u);
  EXPECT_EQ(b.count_in_state(tcp::State::kTimeWait, 80), 1u);
  net.run_for(seconds(61));
  EXPECT_EQ(b.time_wait_count(), 0u);
}

// A socket still held when its connection reaches TIME-WAIT: the TCB becomes a
// compact entry all the same (Linux tcp_time_wait); the socket reads end of
// stream and its writes fail with EPIPE.
TEST_F(Fixture, TimeWaitIsCompactWhileTheSocketIsHeld) {
  const Fd l = listen_on_b(80);
  const Fd c = connect_from_a(80);
  ASSERT_TRUE(net.run_until([&] { return (b.poll(l) & kPollIn) != 0; }, seconds(1)));
  const auto s = b.accept(l);
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(*a.send(c, as_bytes("bye"), net.now()), 3u);
  ASSERT_TRUE(a.shutdown(c, ShutdownHow::kWrite, net.now()).has_value());
  net.run_for(milliseconds(50));
  EXPECT_EQ(read_all(b, *s), "bye");
  ASSERT_TRUE(b.close(*s, net.now()).has_value());
  net.run_for(milliseconds(50));
  EXPECT_EQ(a.tcb_count(), 0u);
  EXPECT_EQ(a.time_wait_count(), 1u);
  EXPECT_EQ(a.count_in_state(tcp::State::kTimeWait), 1u);
  EXPECT_EQ(*a.recv(c, std::span<std::byte>(), 0, net.now()), 0u);  // end of stream
  EXPECT_EQ(a.send(c, as_bytes("x"), net.now()).error(), std::errc::broken_pipe);
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kClosed);
  ASSERT_TRUE(a.close(c, net.now()).has_value());
  EXPECT_EQ(a.time_wait_count(), 1u);
  net.run_for(seconds(61));
  EXPECT_EQ(a.time_wait_count(), 0u);
}

TEST_F(Fixture, ConnectToClosedPortIsRefused) {
  SYNACK_RFC("MUST-47");
  const Fd c = connect_from_a(81);
  net.run_for(milliseconds(50));
  EXPECT_NE(a.poll(c) & kPollErr, 0u);
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), static_cast<int>(std::errc::connection_refused));
  EXPECT_EQ(b.counters().rst_out, 1u);
  EXPECT_EQ(b.counters().dropped(StackDrop::kNoConnection), 1u);
}

TEST_F(Fixture, HundredConcurrentConnectionsLeaveNothingBehind) {
  const Fd l = listen_on_b(80, 128);
  std::vector<Fd> clients;
  for (int i = 0; i < 100; ++i) clients.push_back(connect_from_a(80));
  net.run_for(milliseconds(100));
  std::vector<Fd> servers;
  while (auto s = b.accept(l)) servers.push_back(*s);
  ASSERT_EQ(servers.size(), 100u);
  for (Fd c : clients) ASSERT_TRUE(a.close(c, net.now()).has_value());
  net.run_for(milliseconds(50));
  for (Fd s : servers) ASSERT_TRUE(b.close(s, net.now()).has_value());
  net.run_for(seconds(2));
  EXPECT_EQ(a.time_wait_count(), 100u);  // the client closed first
  EXPECT_EQ(a.tcb_count() + b.tcb_count(), 0u);
  net.run_for(seconds(61));
  EXPECT_EQ(a.time_wait_count(), 0u);
}

TEST_F(Fixture, FullQueuesFallBackToSynCookies) {
  const Fd l = listen_on_b(80, 4);
  std::vector<Fd> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(connect_from_a(80));
  net.run_for(milliseconds(100));
  int accepted = 0;
  while (b.accept(l)) ++accepted;
  // The backlog bounds both queues: four connections were queued, the other
  // two SYNs got cookie SYN-ACKs (RFC 4987) and their ACKs found no room.
  EXPECT_EQ(accepted, 4);
  // The clients believe they are connected; their first data segment carries
  // the cookie again and now completes the handshake (as with Linux).
  for (Fd c : clients) ASSERT_TRUE(a.send(c, as_bytes("x"), net.now()).has_value());
  net.run_for(milliseconds(100));
  while (b.accept(l)) ++accepted;
  EXPECT_EQ(accepted, 6);
}

TEST_F(Fixture, LowestFreeDescriptorIsReusedFirst) {
  const Fd s0 = *a.socket();
  const Fd s1 = *a.socket();
  const Fd s2 = *a.socket();
  ASSERT_TRUE(a.close(s1, net.now()).has_value());
  ASSERT_TRUE(a.close(s0, net.now()).has_value());
  EXPECT_EQ(*a.socket(), s0);
  EXPECT_EQ(*a.socket(), s1);
  EXPECT_EQ(*a.socket(), s2 + 1);
}

TEST_F(Fixture, EphemeralPortsAvoidBoundPortsOnly) {
  // Bind every ephemeral port but one: connect must take the free one, and a
  // second connect to another destination may share it (different 4-tuple).
  StackConfig c = test_stack_config(kA, 9);
  c.ports = {40000, 40003};
  Stack s(c);
  for (std::uint16_t p = 40000; p <= 40002; ++p) {
    const Fd fd = *s.socket();
    ASSERT_TRUE(s.bind(fd, {kA, p}).has_value());
  }
  const Fd c1 = *s.socket();
  EXPECT_EQ(s.connect(c1, {kB, 80}, Instant{}).error(), std::errc::operation_in_progress);
  EXPECT_EQ(s.endpoints(c1)->local.port, 40003);
  const Fd c2 = *s.socket();
  EXPECT_EQ(s.connect(c2, {kB, 81}, Instant{}).error(), std::errc::operation_in_progress);
  EXPECT_EQ(s.endpoints(c2)->local.port, 40003);
  const Fd c3 = *s.socket();
  EXPECT_EQ(s.connect(c3, {kB, 80}, Instant{}).error(), std::errc::address_not_available);
}

TEST_F(Fixture, AnswersPing) {
  const std::vector<std::byte> data(8, std::byte{0x5a});
  IcmpMessage echo{.type = 8, .code = 0, .rest = (7u << 16) | 1, .body = data};
  std::vector<std::byte> packet(Ipv4Header::kSize + echo.wire_size());
  Ipv4Header ip{.protocol = kIpProtoIcmp, .src = kA, .dst = kB};
  ip.emit(packet, static_cast<std::uint16_t>(echo.wire_size()));
  echo.emit(std::span(packet).subspan(Ipv4Header::kSize));
  b.receive(packet, Instant{});
  int replies = 0;
  b.transmit(Instant{}, [&](Bytes out) {
    const auto v = Ipv4View::parse(out);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->dst(), kA);
    const auto r = IcmpView::parse(v->payload());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->type(), 0);
    EXPECT_EQ(r->echo_id(), 7);
    ++replies;
  });
  EXPECT_EQ(replies, 1);
}

TEST_F(Fixture, MalformedPacketsAreCountedNotFatal) {
  std::vector<std::byte> junk(30, std::byte{0x45});
  b.receive(junk, Instant{});
  b.receive(std::span(junk).first(3), Instant{});
  EXPECT_EQ(b.counters().dropped(StackDrop::kMalformed), 2u);
  EXPECT_EQ(b.counters().wire_errors[static_cast<std::size_t>(WireError::kTruncated)], 1u);
  int out = 0;
  b.transmit(Instant{}, [&](Bytes) { ++out; });
  EXPECT_EQ(out, 0);
}

TEST_F(Fixture, SocketErrorsUsersKnow) {
  SYNACK_RFC("MUST-47");
  EXPECT_EQ(a.send(42, as_bytes("x"), net.now()).error(), std::errc::bad_file_descriptor);
  const Fd s = *a.socket();
  EXPECT_EQ(a.send(s, as_bytes("x"), net.now()).error(), std::errc::not_connected);
  std::vector<std::byte> buf(4);
  EXPECT_EQ(a.recv(s, buf, 0, net.now()).error(), std::errc::not_connected);
  const Fd l = listen_on_b(80);
  EXPECT_EQ(b.accept(l).error(), std::errc::operation_would_block);
  const Fd l2 = *b.socket();
  EXPECT_EQ(b.bind(l2, {kB, 80}).error(), std::errc::address_in_use);
}

}  // namespace
}  // namespace synack
