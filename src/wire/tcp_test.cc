// SPDX-License-Identifier: Apache-2.0
// TCP header (RFC 9293 §3.1): view, segment value, IPv4+TCP parse and emit.
#include "wire/tcp.hpp"

#include <gtest/gtest.h>

#include "base/rfc_tag.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::Buffer;

TEST(TcpFlags, PacketdrillSpelling) {
  EXPECT_EQ(TcpFlags{TcpFlags::kSyn}.to_string(), "S");
  EXPECT_EQ(TcpFlags{TcpFlags::kSyn | TcpFlags::kAck}.to_string(), "S.");
  EXPECT_EQ(TcpFlags{TcpFlags::kFin | TcpFlags::kAck}.to_string(), "F.");
  EXPECT_EQ(TcpFlags{TcpFlags::kPsh | TcpFlags::kAck}.to_string(), "P.");
  EXPECT_EQ(TcpFlags{TcpFlags::kRst}.to_string(), "R");
  EXPECT_EQ(TcpFlags{TcpFlags::kSyn | TcpFlags::kFin}.to_string(), "SF");
  EXPECT_EQ(TcpFlags{}.to_string(), "-");
  EXPECT_EQ(TcpFlags{0x1ff}.to_string(), "SFRP.EWUA");
}

TEST(TcpSegment, SegLenCountsSynAndFin) {
  TcpSegment s;
  const std::string data(10, 'd');
  s.payload = as_bytes(data);
  EXPECT_EQ(s.seg_len(), 10u);
  s.flags.bits = TcpFlags::kSyn | TcpFlags::kFin;
  EXPECT_EQ(s.seg_len(), 12u);
}

TEST(TcpSegment, EmitThenParseGivesTheSameValues) {
  const Buffer p = test::sample_syn(/*with_payload=*/true);
  const auto pkt = parse_ipv4_tcp(p);
  ASSERT_TRUE(pkt.has_value()) << to_string(pkt.error());
  const TcpSegment& s = pkt->tcp;
  EXPECT_EQ(s.src_port, 5000);
  EXPECT_EQ(s.dst_port, 80);
  EXPECT_EQ(s.seq, SeqNum(1000));
  EXPECT_TRUE(s.flags.syn());
  EXPECT_FALSE(s.flags.ack());
  EXPECT_EQ(s.window, 64240);
  EXPECT_EQ(s.payload.size(), 100u);
  EXPECT_EQ(s.header_size(), 40u);   // 20 + 17 option bytes padded to 20
  EXPECT_EQ(s.options.size(), 20u);  // parsed options include the EOL padding
  const auto sum = s.options.summarize();
  EXPECT_EQ(sum.mss, 1460);
  EXPECT_EQ(sum.window_scale, 7);
  EXPECT_TRUE(sum.sack_permitted);
  EXPECT_EQ(sum.timestamps, (TcpTimestamps{1, 0}));
  // Re-emitting the parsed values reproduces the packet byte for byte.
  EXPECT_EQ(test::build_packet(Ipv4Header::from(pkt->ip), s), p);
}

TEST(TcpSegment, ReservedBitsAndAeRoundTrip) {
  TcpSegment s;
  s.flags.bits = TcpFlags::kAe | TcpFlags::kAck;
  s.reserved = 5;
  s.urgent = 7;
  Ipv4Header ip;
  ip.src = test::kA;
  ip.dst = test::kB;
  const Buffer p = test::build_packet(ip, s);
  const auto pkt = parse_ipv4_tcp(p);
  ASSERT_TRUE(pkt.has_value());
  EXPECT_TRUE(pkt->tcp.flags.ae());
  EXPECT_EQ(pkt->tcp.reserved, 5);
  EXPECT_EQ(pkt->tcp.urgent, 7);
  EXPECT_EQ(std::to_integer<int>(p[20 + 12]), 0x5b);  // doff 5, reserved 101, AE
}

TEST(TcpView, RejectsShortSegments) {
  const Buffer p = test::sample_syn();
  const Bytes tcp = Bytes(p).subspan(20);
  for (std::size_t n = 0; n < 20; ++n) {
    EXPECT_EQ(TcpView::parse(tcp.first(n)).error(), WireError::kTruncated) << n;
  }
}

TEST(TcpView, RejectsDataOffsetBelow5OrBeyondTheSegment) {
  const Buffer packet = test::sample_syn();
  Buffer seg(packet.begin() + 20, packet.end());
  for (int doff = 0; doff < 5; ++doff) {
    seg[12] = static_cast<std::byte>(doff << 4);
    EXPECT_EQ(TcpView::parse(seg).error(), WireError::kTcpBadDataOffset) << doff;
  }
  seg.resize(40);
  seg[12] = std::byte{0xb0};  // 44 bytes > 40
  EXPECT_EQ(TcpView::parse(seg).error(), WireError::kTcpBadDataOffset);
  seg[12] = std::byte{0xa0};  // exactly 40: ok, no payload
  const auto v = TcpView::parse(seg);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->payload().empty());
  EXPECT_EQ(v->options().size(), 20u);
}

TEST(TcpView, ChecksumCoversPseudoHeader) {
  SYNACK_RFC("MUST-3");
  const Buffer p = test::sample_syn(true);
  const auto v = TcpView::parse(Bytes(p).subspan(20));
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->checksum_ok(test::kA, test::kB));
  EXPECT_FALSE(v->checksum_ok(test::kB, test::kB));  // another source address
}

TEST(ParseIpv4Tcp, RejectsOtherProtocols) {
  Ipv4Header ip;
  ip.protocol = kIpProtoUdp;
  Buffer p(28);
  ip.emit(p, 8);
  EXPECT_EQ(parse_ipv4_tcp(p).error(), WireError::kIpNotTcp);
}

TEST(ParseIpv4Tcp, EmitForcesProtocolTcp) {
  Ipv4Header ip;
  ip.protocol = kIpProtoUdp;
  const Buffer p = test::build_packet(ip, TcpSegment{});
  EXPECT_EQ(std::to_integer<int>(p[9]), kIpProtoTcp);
  EXPECT_TRUE(parse_ipv4_tcp(p).has_value());
}

TEST(ParseIpv4Tcp, RejectsTotalLengthWithoutRoomForTcp) {
  for (std::uint16_t payload = 0; payload < 20; ++payload) {
    Ipv4Header ip;
    Buffer p(20 + payload);
    ip.emit(p, payload);
    EXPECT_EQ(parse_ipv4_tcp(p).error(), WireError::kIpNoRoomForTcp) << payload;
  }
}

}  // namespace
}  // namespace synack
