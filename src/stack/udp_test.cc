// SPDX-License-Identifier: Apache-2.0
// UDP through two stacks (RFC 768, RFC 1122 §4.1): sendto/recvfrom, bind and
// connect, ICMP port unreachable for closed ports and its report to a
// connected socket, bounded queues, the any-destination socket.
#include "stack/udp_sockets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "stack/stack.hpp"
#include "stack/stack_pair.hpp"

namespace synack {
namespace {

const Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

std::string text(const std::vector<std::byte>& b, std::size_t n) {
  return {reinterpret_cast<const char*>(b.data()), n};
}

struct Udp : ::testing::Test {
  StackPair net{test_stack_config(kA, 1), test_stack_config(kB, 2)};
  UdpSockets& a = net.a().udp();
  UdpSockets& b = net.b().udp();
  std::vector<std::byte> buf = std::vector<std::byte>(2048);
};

TEST_F(Udp, SendtoRecvfromBothWays) {
  const UdpFd server = *b.socket();
  ASSERT_TRUE(b.bind(server, {Ipv4Addr{}, 53}).has_value());
  const UdpFd client = *a.socket();
  ASSERT_EQ(*a.sendto(client, as_bytes("query"), tcp::Endpoint{kB, 53}), 5u);
  net.run_for(milliseconds(20));
  EXPECT_NE(b.poll(server) & kPollIn, 0u);
  tcp::Endpoint from, to;
  ASSERT_EQ(*b.recvfrom(server, buf, &from, &to), 5u);
  EXPECT_EQ(text(buf, 5), "query");
  EXPECT_EQ(from.addr, IpAddr{kA});
  EXPECT_GE(from.port, 32768);  // ephemeral, bound by the first sendto
  EXPECT_EQ(to, (tcp::Endpoint{kB, 53}));
  EXPECT_EQ(b.recvfrom(server, buf).error(), std::errc::operation_would_block);
  ASSERT_EQ(*b.sendto(server, as_bytes("answer!"), from), 7u);
  net.run_for(milliseconds(20));
  ASSERT_EQ(*a.recvfrom(client, buf, &from), 7u);
  EXPECT_EQ(text(buf, 7), "answer!");
  EXPECT_EQ(from, (tcp::Endpoint{kB, 53}));
  EXPECT_EQ(net.b().udp().counters().in, 1u);
}

TEST_F(Udp, ClosedPortAnswersIcmpAndAConnectedSocketSeesRefused) {
  const UdpFd c = *a.socket();
  ASSERT_TRUE(a.connect(c, {kB, 9999}).has_value());
  ASSERT_EQ(*a.sendto(c, as_bytes("x")), 1u);
  net.run_for(milliseconds(20));
  EXPECT_EQ(net.b().udp().counters().no_port, 1u);
  EXPECT_EQ(net.b().counters().icmp_out, 1u);
  EXPECT_NE(a.poll(c) & kPollErr, 0u);
  EXPECT_EQ(a.recvfrom(c, buf).error(), std::errc::connection_refused);  // once (Linux)
  EXPECT_EQ(a.recvfrom(c, buf).error(), std::errc::operation_would_block);
  // An unconnected socket is not told (Linux without IP_RECVERR).
  const UdpFd u = *a.socket();
  ASSERT_EQ(*a.sendto(u, as_bytes("x"), tcp::Endpoint{kB, 9998}), 1u);
  net.run_for(milliseconds(20));
  EXPECT_EQ(a.poll(u) & kPollErr, 0u);
}

TEST_F(Udp, ConnectedSocketTakesOnlyItsPeer) {
  const UdpFd s = *b.socket();
  ASSERT_TRUE(b.bind(s, {kB, 7000}).has_value());
  ASSERT_TRUE(b.connect(s, {kA, 1111}).has_value());
  const UdpFd from_1111 = *a.socket();
  ASSERT_TRUE(a.bind(from_1111, {kA, 1111}).has_value());
  const UdpFd other = *a.socket();
  ASSERT_EQ(*a.sendto(other, as_bytes("no"), tcp::Endpoint{kB, 7000}), 2u);
  ASSERT_EQ(*a.sendto(from_1111, as_bytes("yes"), tcp::Endpoint{kB, 7000}), 3u);
  net.run_for(milliseconds(20));
  ASSERT_EQ(*b.recvfrom(s, buf), 3u);
  EXPECT_EQ(text(buf, 3), "yes");
  EXPECT_EQ(b.recvfrom(s, buf).error(), std::errc::operation_would_block);
  EXPECT_EQ(net.b().udp().counters().no_port, 1u);
}

TEST_F(Udp, BindRules) {
  const UdpFd s = *b.socket();
  ASSERT_TRUE(b.bind(s, {Ipv4Addr{}, 53}).has_value());
  const UdpFd t = *b.socket();
  EXPECT_EQ(b.bind(t, {kB, 53}).error(), std::errc::address_in_use);
  EXPECT_EQ(b.bind(t, {Ipv4Addr::from_octets(1, 2, 3, 4), 54}).error(),
            std::errc::address_not_available);
  EXPECT_EQ(b.bind_any(t).error(), std::errc::invalid_argument);  // not in any-destination mode
  EXPECT_EQ(b.sendto(t, as_bytes("x")).error(), std::errc::destination_address_required);
  const std::vector<std::byte> big(1500 - 28 + 1);
  EXPECT_EQ(b.sendto(t, big, tcp::Endpoint{kA, 1}).error(), std::errc::message_size);
  ASSERT_TRUE(b.close(s).has_value());
  EXPECT_EQ(b.close(s).error(), std::errc::bad_file_descriptor);
  EXPECT_TRUE(b.bind(*b.socket(), {kB, 53}).has_value());  // the port is free again
}

TEST_F(Udp, ReceiveQueueIsBoundedAndCounted) {
  StackConfig cb = test_stack_config(kB, 2);
  cb.udp.recv_queue_datagrams = 4;
  StackPair small{test_stack_config(kA, 1), cb};
  const UdpFd s = *small.b().udp().socket();
  ASSERT_TRUE(small.b().udp().bind(s, {Ipv4Addr{}, 53}).has_value());
  const UdpFd c = *small.a().udp().socket();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(small.a().udp().sendto(c, as_bytes("x"), tcp::Endpoint{kB, 53}).has_value());
  }
  small.run_for(milliseconds(20));
  EXPECT_EQ(small.b().udp().counters().queue_full, 6u);
  int got = 0;
  while (small.b().udp().recvfrom(s, buf)) ++got;
  EXPECT_EQ(got, 4);
}

// The send queue holds send_queue_datagrams until the stack transmits;
// beyond it sendto() fails with ENOBUFS and POLLOUT clears, as Linux's
// sendto on a full qdisc.
TEST_F(Udp, SendQueueIsBoundedWithEnobufs) {
  StackConfig ca = test_stack_config(kA, 1);
  ca.udp.send_queue_datagrams = 4;
  StackPair small{ca, test_stack_config(kB, 2)};
  UdpSockets& u = small.a().udp();
  const UdpFd c = *u.socket();
  const tcp::Endpoint to{kB, 53};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(u.sendto(c, as_bytes("x"), to).has_value());
  EXPECT_EQ(u.poll(c) & kPollOut, 0u);
  EXPECT_EQ(u.sendto(c, as_bytes("x"), to).error(), std::errc::no_buffer_space);
  small.run_for(milliseconds(20));  // transmitted: room again
  EXPECT_NE(u.poll(c) & kPollOut, 0u);
  EXPECT_TRUE(u.sendto(c, as_bytes("x"), to).has_value());
}

TEST_F(Udp, BadChecksumIsDroppedAndCounted) {
  const UdpFd s = *b.socket();
  ASSERT_TRUE(b.bind(s, {Ipv4Addr{}, 53}).has_value());
  net.filter = [](bool, Bytes p) {
    const_cast<std::byte&>(p[p.size() - 1]) ^= std::byte{1};  // corrupt the payload
    return true;
  };
  ASSERT_TRUE(a.sendto(*a.socket(), as_bytes("abc"), tcp::Endpoint{kB, 53}).has_value());
  net.run_for(milliseconds(20));
  EXPECT_EQ(b.recvfrom(s, buf).error(), std::errc::operation_would_block);
  EXPECT_EQ(net.b().counters().wire_errors[static_cast<std::size_t>(WireError::kUdpBadChecksum)],
            1u);
}

TEST(UdpAnyDestination, AnySocketSeesOriginalDestinationAndRepliesFromIt) {
  StackConfig cb = test_stack_config(kB, 2);
  cb.any_destination = true;
  StackPair net{test_stack_config(kA, 1), cb};
  UdpSockets& a = net.a().udp();
  UdpSockets& b = net.b().udp();
  const UdpFd any = *b.socket();
  ASSERT_TRUE(b.bind_any(any).has_value());
  EXPECT_EQ(b.bind_any(*b.socket()).error(), std::errc::address_in_use);
  const UdpFd c = *a.socket();
  const tcp::Endpoint dns{Ipv4Addr::from_octets(9, 9, 9, 9), 53};
  ASSERT_TRUE(a.connect(c, dns).has_value());
  ASSERT_TRUE(a.sendto(c, as_bytes("q")).has_value());
  net.run_for(milliseconds(20));
  std::vector<std::byte> buf(64);
  tcp::Endpoint from, to;
  ASSERT_EQ(*b.recvfrom(any, buf, &from, &to), 1u);
  EXPECT_EQ(to, dns);
  EXPECT_EQ(from.addr, IpAddr{kA});
  EXPECT_EQ(b.sendto(any, as_bytes("r"), from).error(), std::errc::invalid_argument);
  ASSERT_EQ(*b.send_from(any, as_bytes("r"), to, from), 1u);
  net.run_for(milliseconds(20));
  tcp::Endpoint reply_from;
  ASSERT_EQ(*a.recvfrom(c, buf, &reply_from), 1u);  // accepted by the connected socket
  EXPECT_EQ(reply_from, dns);
}

}  // namespace
}  // namespace synack
