// SPDX-License-Identifier: Apache-2.0
#include "wire/icmp.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "wire/tcp.hpp"

namespace synack {
namespace {

TEST(Icmp, EchoRoundTrip) {
  const std::vector<std::byte> data(16, std::byte{0xab});
  IcmpMessage m{.type = 8, .code = 0, .rest = (0x1234u << 16) | 7, .body = data};
  std::vector<std::byte> out(m.wire_size());
  m.emit(out);
  const auto v = IcmpView::parse(out);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->type(), 8);
  EXPECT_EQ(v->echo_id(), 0x1234);
  EXPECT_EQ(v->echo_seq(), 7);
  EXPECT_EQ(v->body().size(), 16u);
  out[9] ^= std::byte{1};
  EXPECT_EQ(IcmpView::parse(out).error(), WireError::kIpBadChecksum);
  EXPECT_EQ(IcmpView::parse(std::span(out).first(7)).error(), WireError::kTruncated);
}

TEST(Icmp, FragNeededQuotesTheTcpSegment) {
  // A TCP segment as we would have sent it, quoted by a router.
  TcpSegment seg;
  seg.src_port = 40000;
  seg.dst_port = 80;
  seg.seq = SeqNum(0xdeadbeef);
  seg.flags.bits = TcpFlags::kAck;
  Ipv4Header ip{.src = Ipv4Addr::from_octets(10, 0, 0, 1),
                .dst = Ipv4Addr::from_octets(10, 0, 0, 2)};
  std::vector<std::byte> packet(Ipv4Header::kSize + seg.wire_size());
  emit_ipv4_tcp(packet, ip, seg);
  const std::span<const std::byte> quoted(packet.data(), Ipv4Header::kSize + 8);
  IcmpMessage m{.type = 3, .code = 4, .rest = 1280, .body = quoted};
  std::vector<std::byte> out(m.wire_size());
  m.emit(out);
  const auto v = IcmpView::parse(out);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->is_error());
  EXPECT_EQ(v->next_hop_mtu(), 1280);
  const auto q = parse_icmp_quote(v->body());
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->protocol, kIpProtoTcp);
  EXPECT_EQ(q->src, ip.src);
  EXPECT_EQ(q->dst_port, 80);
  EXPECT_EQ(q->tcp_seq, 0xdeadbeefu);
  EXPECT_EQ(parse_icmp_quote(v->body().first(27)).error(), WireError::kTruncated);
}

}  // namespace
}  // namespace synack
