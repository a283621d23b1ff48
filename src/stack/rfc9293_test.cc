// SPDX-License-Identifier: Apache-2.0
// RFC 9293 requirements (Appendix B) proved at the stack: IP-level rules
// (checksum, TTL, Diffserv, addresses, ICMP) and the socket API's answers.
// Each test names its labels with SYNACK_RFC (docs/rfc9293-requirements.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/rfc_tag.hpp"
#include "stack/stack.hpp"
#include "stack/stack_pair.hpp"
#include "wire/icmp.hpp"

namespace synack {
namespace {

const Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

// An IPv4 packet carrying `seg` from `src` to `dst`, checksums filled in.
std::vector<std::byte> packet(Ipv4Addr src, Ipv4Addr dst, const TcpSegment& seg) {
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  emit_ipv4_tcp(out, Ipv4Header{.src = src, .dst = dst}, seg);
  return out;
}

TcpSegment syn_to(std::uint16_t port) {
  TcpSegment s;
  s.src_port = 40000;
  s.dst_port = port;
  s.seq = SeqNum(1000);
  s.flags.bits = TcpFlags::kSyn;
  s.window = 65535;
  return s;
}

std::vector<std::vector<std::byte>> drain(Stack& s, Instant now) {
  std::vector<std::vector<std::byte>> out;
  s.transmit(now, [&](Bytes p) { out.emplace_back(p.begin(), p.end()); });
  return out;
}

struct Rfc9293Stack : ::testing::Test {
  StackPair net{test_stack_config(kA, 1), test_stack_config(kB, 2)};
  Stack& a = net.a();
  Stack& b = net.b();

  Fd listen_on_b(std::uint16_t port) {
    const Fd l = *b.socket();
    EXPECT_TRUE(b.bind(l, {kB, port}).has_value());
    EXPECT_TRUE(b.listen(l, 16, net.now()).has_value());
    return l;
  }
  // An established pair: a's socket and b's accepted socket.
  std::pair<Fd, Fd> connected(std::uint16_t port) {
    const Fd l = listen_on_b(port);
    const Fd c = *a.socket();
    EXPECT_EQ(a.connect(c, {kB, port}, net.now()).error(), std::errc::operation_in_progress);
    EXPECT_TRUE(net.run_until([&] { return (b.poll(l) & kPollIn) != 0; }, seconds(1)));
    return {c, *b.accept(l)};
  }
};

TEST(Rfc9293Wire, SenderComputesTheChecksumAndPadsWithZeros) {
  SYNACK_RFC("MUST-2", "MUST-69");
  TcpSegment s = syn_to(80);
  s.options.window_scale(7);  // 3 option bytes: one byte of header padding
  const auto p = packet(kA, kB, s);
  const auto ip = Ipv4View::parse(p);
  ASSERT_TRUE(ip.has_value());
  const auto tcp = TcpView::parse(ip->payload());
  ASSERT_TRUE(tcp.has_value());
  EXPECT_TRUE(tcp->checksum_ok(kA, kB));
  EXPECT_NE(tcp->checksum(), 0);
  ASSERT_EQ(ip->payload().size(), 24u);
  EXPECT_EQ(ip->payload()[23], std::byte{0});  // the padding after the last option
}

TEST_F(Rfc9293Stack, BadChecksumIsDroppedAndCounted) {
  SYNACK_RFC("MUST-3");
  listen_on_b(80);
  auto p = packet(kA, kB, syn_to(80));
  p.back() ^= std::byte{0x01};  // the TCP checksum no longer matches
  b.receive(p, net.now());
  EXPECT_TRUE(drain(b, net.now()).empty());  // no SYN-ACK
  EXPECT_EQ(b.counters().wire_errors[static_cast<std::size_t>(WireError::kTcpBadChecksum)], 1u);
  b.receive(packet(kA, kB, syn_to(80)), net.now());
  EXPECT_EQ(drain(b, net.now()).size(), 1u);  // the intact SYN is answered
}

TEST(Rfc9293StackAlone, TtlIsConfigurable) {
  SYNACK_RFC("MUST-49");
  StackConfig cfg = test_stack_config(kA, 1);
  cfg.ttl = 17;
  Stack s(cfg);
  const Fd c = *s.socket();
  ASSERT_EQ(s.connect(c, {kB, 80}, Instant{}).error(), std::errc::operation_in_progress);
  const auto out = drain(s, Instant{});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Ipv4View::parse(out[0])->ttl(), 17);
}

TEST(Rfc9293StackAlone, MssAdvertisedFromTheLinkMtu) {
  SYNACK_RFC("MUST-67", "SHLD-6", "MUST-14");
  StackConfig cfg = test_stack_config(kA, 1);
  cfg.mtu = 1000;  // MMS_R − 20 = MTU − 40
  Stack s(cfg);
  const Fd c = *s.socket();
  ASSERT_EQ(s.connect(c, {kB, 80}, Instant{}).error(), std::errc::operation_in_progress);
  const auto out = drain(s, Instant{});
  ASSERT_EQ(out.size(), 1u);
  const auto p = parse_ipv4_tcp(out[0]);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->tcp.options.summarize().mss, 960);
}

TEST_F(Rfc9293Stack, ReportsCanBeTurnedOff) {
  SYNACK_RFC("SHLD-20", "MUST-47");
  int reports = 0;
  a.set_callback([&](Fd, std::uint32_t) { ++reports; });
  const Fd c = *a.socket();
  ASSERT_EQ(a.connect(c, {kB, 81}, net.now()).error(), std::errc::operation_in_progress);
  net.run_for(milliseconds(50));  // nobody listens: RST, ECONNREFUSED
  EXPECT_GT(reports, 0);
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), static_cast<int>(std::errc::connection_refused));
  a.set_callback(nullptr);  // the application wants no more reports
  const int before = reports;
  const Fd d = *a.socket();
  ASSERT_EQ(a.connect(d, {kB, 81}, net.now()).error(), std::errc::operation_in_progress);
  net.run_for(milliseconds(50));
  EXPECT_EQ(reports, before);
  EXPECT_NE(a.poll(d) & kPollErr, 0u);  // the error is still there when asked for
}

TEST_F(Rfc9293Stack, DiffservFieldSetByTheApplication) {
  SYNACK_RFC("MUST-48", "SHLD-21", "SHLD-22");
  std::vector<std::uint8_t> tos_a;
  net.filter = [&](bool from_a, Bytes p) {
    if (from_a) tos_a.push_back(Ipv4View::parse(p)->tos());
    return true;
  };
  const Fd l = listen_on_b(80);
  const Fd c = *a.socket();
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kTos, 0x28).has_value());  // DSCP AF11
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kTos), 0x28);
  ASSERT_EQ(a.connect(c, {kB, 80}, net.now()).error(), std::errc::operation_in_progress);
  ASSERT_TRUE(net.run_until([&] { return (b.poll(l) & kPollIn) != 0; }, seconds(1)));
  ASSERT_FALSE(tos_a.empty());
  for (std::uint8_t t : tos_a) EXPECT_EQ(t, 0x28);  // SYN and ACK, unchanged
  // Changed during the connection: the next segment carries the new value.
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kTos, 0xb8).has_value());  // DSCP EF
  tos_a.clear();
  ASSERT_EQ(*a.send(c, as_bytes("x"), net.now()), 1u);
  net.run_for(milliseconds(20));
  ASSERT_FALSE(tos_a.empty());
  EXPECT_EQ(tos_a.front(), 0xb8);
  EXPECT_EQ(a.setsockopt(c, SockOpt::kTos, 256).error(), std::errc::invalid_argument);
}

TEST(Rfc9293StackAlone, OpenToBroadcastOrMulticastIsAnError) {
  SYNACK_RFC("MUST-46");
  Stack s(test_stack_config(kA, 1));
  for (Ipv4Addr bad : {Ipv4Addr::from_octets(255, 255, 255, 255),
                       Ipv4Addr::from_octets(224, 0, 0, 1), Ipv4Addr{}}) {
    const Fd c = *s.socket();
    EXPECT_EQ(s.connect(c, {bad, 80}, Instant{}).error(), std::errc::network_unreachable);
  }
  EXPECT_TRUE(drain(s, Instant{}).empty());
  EXPECT_EQ(s.tcb_count(), 0u);
}

TEST_F(Rfc9293Stack, SegmentsToBroadcastOrMulticastAreDiscarded) {
  SYNACK_RFC("MUST-57");
  listen_on_b(80);
  for (Ipv4Addr dst :
       {Ipv4Addr::from_octets(255, 255, 255, 255), Ipv4Addr::from_octets(224, 0, 0, 1)}) {
    b.receive(packet(kA, dst, syn_to(80)), net.now());
  }
  EXPECT_TRUE(drain(b, net.now()).empty());
  EXPECT_EQ(b.counters().dropped(StackDrop::kNotForUs), 2u);
  EXPECT_EQ(b.tcb_count(), 0u);
}

TEST_F(Rfc9293Stack, SynFromAnInvalidSourceIsIgnored) {
  SYNACK_RFC("MUST-63");
  listen_on_b(80);
  for (Ipv4Addr src : {Ipv4Addr{}, Ipv4Addr::from_octets(255, 255, 255, 255),
                       Ipv4Addr::from_octets(239, 1, 2, 3)}) {
    b.receive(packet(src, kB, syn_to(80)), net.now());
  }
  EXPECT_TRUE(drain(b, net.now()).empty());
  EXPECT_EQ(b.counters().dropped(StackDrop::kBadSource), 3u);
}

// An ICMP error from a router to `to`, quoting `quoted` (IP header + 8 bytes).
std::vector<std::byte> icmp_error(std::uint8_t type, std::uint8_t code, Bytes quoted) {
  const Bytes body = quoted.first(std::min<std::size_t>(quoted.size(), Ipv4Header::kSize + 8));
  const IcmpMessage m{.type = type, .code = code, .body = body};
  std::vector<std::byte> out(Ipv4Header::kSize + m.wire_size());
  Ipv4Header ip{.protocol = kIpProtoIcmp, .src = Ipv4Addr::from_octets(10, 0, 0, 254), .dst = kA};
  ip.emit(out, static_cast<std::uint16_t>(m.wire_size()));
  m.emit(std::span(out).subspan(Ipv4Header::kSize));
  return out;
}

TEST(Rfc9293StackAlone, IcmpErrorsReachTheConnectionTheyQuote) {
  SYNACK_RFC("MUST-54", "MUST-55", "MUST-56", "SHLD-25");
  Stack s(test_stack_config(kA, 1));
  const Fd c = *s.socket();
  ASSERT_EQ(s.connect(c, {kB, 80}, Instant{}).error(), std::errc::operation_in_progress);
  const auto syn = drain(s, Instant{});
  ASSERT_EQ(syn.size(), 1u);
  // Source quench (type 4): silently discarded.
  s.receive(icmp_error(4, 0, syn[0]), Instant{});
  EXPECT_EQ(s.counters().dropped(StackDrop::kIcmpIgnored), 1u);
  EXPECT_EQ(s.tcp_info(c)->soft_error, 0);
  // Host unreachable (code 1): a soft error for this connection, no abort.
  s.receive(icmp_error(3, 1, syn[0]), Instant{});
  EXPECT_EQ(s.tcp_info(c)->state, tcp::State::kSynSent);
  EXPECT_EQ(s.tcp_info(c)->soft_error, static_cast<int>(std::errc::host_unreachable));
  // Time exceeded and parameter problem: soft as well.
  s.receive(icmp_error(11, 0, syn[0]), Instant{});
  s.receive(icmp_error(12, 0, syn[0]), Instant{});
  EXPECT_EQ(s.tcp_info(c)->state, tcp::State::kSynSent);
  EXPECT_EQ(*s.getsockopt(c, SockOpt::kError), 0);
  // Port unreachable during the handshake: the open fails (RFC 1122 §4.2.3.9).
  s.receive(icmp_error(3, 3, syn[0]), Instant{});
  EXPECT_EQ(s.connect(c, {kB, 80}, Instant{}).error(), std::errc::connection_refused);
}

TEST_F(Rfc9293Stack, ListenOnAPortWhileItConnects) {
  SYNACK_RFC("MUST-41", "MUST-42", "MUST-43");
  listen_on_b(80);
  const Fd c = *a.socket();
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kReuseAddr, 1).has_value());
  ASSERT_TRUE(a.bind(c, {kA, 5000}).has_value());
  ASSERT_EQ(a.connect(c, {kB, 80}, net.now()).error(), std::errc::operation_in_progress);
  // While that connection is in SYN-SENT, a passive OPEN on the same port works
  // and leaves it alone.
  const Fd l = *a.socket();
  ASSERT_TRUE(a.setsockopt(l, SockOpt::kReuseAddr, 1).has_value());
  ASSERT_TRUE(a.bind(l, {kA, 5000}).has_value());
  ASSERT_TRUE(a.listen(l, 4, net.now()).has_value());
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kSynSent);
  ASSERT_TRUE(net.run_until([&] { return (a.poll(c) & kPollOut) != 0; }, seconds(1)));
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kEstablished);
  // A second passive OPEN on a listening port fails without touching the first.
  const Fd l2 = *a.socket();
  ASSERT_TRUE(a.bind(l2, {kA, 5001}).has_value());
  ASSERT_TRUE(a.listen(l2, 4, net.now()).has_value());
  const Fd l3 = *a.socket();
  EXPECT_EQ(a.bind(l3, {kA, 5001}).error(), std::errc::address_in_use);
  EXPECT_EQ(a.tcp_info(l2)->state, tcp::State::kListen);
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kEstablished);
}

TEST_F(Rfc9293Stack, CloseWithUnreadDataResetsThePeer) {
  SYNACK_RFC("SHLD-3", "MAY-1", "MUST-12");
  const auto [c, s] = connected(80);
  ASSERT_EQ(*a.send(c, as_bytes("never read"), net.now()), 10u);
  net.run_for(milliseconds(20));
  ASSERT_TRUE(b.close(s, net.now()).has_value());  // unread data: abortive close
  net.run_for(milliseconds(20));
  EXPECT_NE(a.poll(c) & kPollErr, 0u);
  std::vector<std::byte> buf(16);
  EXPECT_EQ(a.recv(c, buf, 0, net.now()).error(), std::errc::connection_reset);
}

TEST_F(Rfc9293Stack, UrgentDataSignalledThroughPoll) {
  SYNACK_RFC("MUST-30", "MUST-32", "MUST-33");
  const auto [c, s] = connected(80);
  std::vector<std::uint32_t> masks;
  b.set_callback([&](Fd fd, std::uint32_t mask) {
    if (fd == s) masks.push_back(mask);
  });
  ASSERT_EQ(*a.send(c, as_bytes("ab"), net.now()), 2u);
  ASSERT_EQ(*a.send(c, as_bytes("!"), kMsgOob, net.now()), 1u);
  net.run_for(milliseconds(20));
  ASSERT_FALSE(masks.empty());
  EXPECT_NE(masks.back() & kPollPri, 0u);  // pushed to the application, unasked
  EXPECT_EQ(*b.urgent_pending(s), 3u);     // "ab!" up to the urgent pointer
  std::vector<std::byte> buf(8);
  ASSERT_EQ(*b.recv(s, buf, 0, net.now()), 3u);  // urgent data is read inline
  EXPECT_EQ(*b.urgent_pending(s), 0u);
  EXPECT_EQ(b.poll(s) & kPollPri, 0u);
  EXPECT_EQ(a.urgent_pending(42).error(), std::errc::bad_file_descriptor);
}

}  // namespace
}  // namespace synack
