// SPDX-License-Identifier: Apache-2.0
// IPv6 (RFC 8200 §3): the fixed header's view and value, the pseudo-header
// checksum (§8.1), TCP over IPv6, and no out-of-bounds read on any prefix.
#include "wire/ipv6.hpp"

#include <gtest/gtest.h>

#include "wire/ipv6_tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::Buffer;

TEST(Ipv6View, ParsesTheFixedHeaderOfALinuxPacket) {
  const Buffer& p = test::linux_golden_ipv6().at("echo_request");
  const auto v = Ipv6View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->version(), 6);
  EXPECT_EQ(v->traffic_class(), 0);
  EXPECT_EQ(v->flow_label(), 0x59b84u);  // RFC 6437: Linux sets one per flow
  EXPECT_EQ(v->payload_length(), 64);
  EXPECT_EQ(v->next_header(), kIpProtoIcmpv6);
  EXPECT_EQ(v->hop_limit(), 64);
  EXPECT_EQ(v->src().to_string(), "fd77::1");
  EXPECT_EQ(v->dst().to_string(), "fd77::2");
  EXPECT_EQ(v->payload().size(), 64u);
  EXPECT_EQ(v->bytes().size(), p.size());
}

TEST(Ipv6Header, TrafficClassAndFlowLabelRoundTrip) {
  Ipv6Header h;
  h.traffic_class = (46 << 2) | 1;  // DSCP EF, ECT(1)
  h.flow_label = 0xabcde;
  h.next_header = kIpProtoUdp;
  h.hop_limit = 255;
  h.src = test::kA6;
  h.dst = test::kB6;
  Buffer out(40 + 8);
  h.emit(out, 8);
  EXPECT_EQ(test::to_hex(Bytes(out).first(8)), "6b9abcde000811ff");
  const auto v = Ipv6View::parse(out);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->traffic_class(), 0xb9);
  EXPECT_EQ(v->dscp(), 46);
  EXPECT_EQ(v->ecn(), 1);
  EXPECT_EQ(v->flow_label(), 0xabcdeu);
  const Ipv6Header back = Ipv6Header::from(*v);
  EXPECT_EQ(back.traffic_class, h.traffic_class);
  EXPECT_EQ(back.flow_label, h.flow_label);
  EXPECT_EQ(back.next_header, h.next_header);
  EXPECT_EQ(back.hop_limit, 255);
  EXPECT_EQ(back.src, h.src);
  EXPECT_EQ(back.dst, h.dst);
  // Bits above the 20-bit flow label are not emitted.
  h.flow_label = 0xfff12345;
  h.emit(out, 8);
  EXPECT_EQ(Ipv6View::parse(out)->flow_label(), 0x12345u);
  EXPECT_EQ(Ipv6View::parse(out)->traffic_class(), 0xb9);
}

TEST(Ipv6View, RejectsEachMalformedClass) {
  const Buffer good = test::sample_syn6();
  EXPECT_EQ(Ipv6View::parse(Bytes(good).first(39)).error(), WireError::kTruncated);
  Buffer v4 = good;
  v4[0] = std::byte{0x45};
  EXPECT_EQ(Ipv6View::parse(v4).error(), WireError::kIp6BadVersion);
  Buffer longer = good;
  store_be16(longer, 4, static_cast<std::uint16_t>(good.size() - 40 + 1));
  EXPECT_EQ(Ipv6View::parse(longer).error(), WireError::kIp6PayloadPastBuffer);
  EXPECT_EQ(parse_ipv6_tcp(longer).error(), WireError::kIp6PayloadPastBuffer);
}

TEST(Ipv6View, TrailingLinkPaddingIsExcluded) {
  Buffer p = test::sample_syn6();
  const std::size_t n = p.size();
  p.resize(n + 6);
  const auto v = Ipv6View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->bytes().size(), n);
  EXPECT_EQ(v->payload().size(), n - 40);
  EXPECT_TRUE(parse_ipv6_tcp(p).has_value());
}

TEST(Ipv6Tcp, ParsesAndRebuildsASegment) {
  const Buffer p = test::sample_syn6(true);
  const auto pkt = parse_ipv6_tcp(p);
  ASSERT_TRUE(pkt.has_value()) << to_string(pkt.error());
  EXPECT_EQ(pkt->tcp.src_port, 5000);
  EXPECT_EQ(pkt->tcp.payload.size(), 100u);
  EXPECT_EQ(pkt->chain.headers, 0);
  Buffer again(40 + pkt->tcp.wire_size());
  EXPECT_EQ(emit_ipv6_tcp(again, Ipv6Header::from(pkt->ip), pkt->tcp), again.size());
  EXPECT_EQ(test::to_hex(again), test::to_hex(p));
}

TEST(Ipv6Tcp, ChecksumCoversThePseudoHeader) {
  const Buffer p = test::sample_syn6();
  const auto view = TcpView::parse(Bytes(p).subspan(40));
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->checksum_ok(test::kA6, test::kB6));
  EXPECT_FALSE(view->checksum_ok(test::kA6, *Ipv6Addr::parse("fd00::3")));
  // Any change of a pseudo-header field breaks it: an address, the length, or
  // the protocol (the same bytes checksummed as UDP would not verify as TCP).
  Buffer other_dst = p;
  other_dst[39] ^= std::byte{0x10};
  EXPECT_EQ(parse_ipv6_tcp(other_dst).error(), WireError::kTcpBadChecksum);
  auto c = pseudo_header_ipv6(test::kA6, test::kB6, kIpProtoUdp,
                              static_cast<std::uint32_t>(p.size() - 40));
  EXPECT_NE(c.add(Bytes(p).subspan(40)).finish(), 0);
  // The IPv4 pseudo-header gives another sum for the same segment.
  EXPECT_FALSE(view->checksum_ok(test::kA, test::kB));
}

TEST(Ipv6Tcp, RefusesWhatIsNotAWholeTcpSegment) {
  EXPECT_EQ(parse_ipv6_tcp(test::linux_golden_ipv6().at("echo_request")).error(),
            WireError::kIpNotTcp);
  Buffer short_tcp = test::ipv6_packet(kIpProtoTcp, Buffer(19));
  EXPECT_EQ(parse_ipv6_tcp(short_tcp).error(), WireError::kIpNoRoomForTcp);
  Buffer bad_offset = test::sample_syn6();
  bad_offset[40 + 12] = std::byte{0x40};  // data offset 4 words
  EXPECT_EQ(parse_ipv6_tcp(bad_offset).error(), WireError::kTcpBadDataOffset);
  Buffer bad_sum = test::sample_syn6();
  bad_sum.back() ^= std::byte{1};
  EXPECT_EQ(parse_ipv6_tcp(bad_sum).error(), WireError::kTcpBadChecksum);
  // The first fragment of a TCP segment (whole header chain, RFC 7112).
  Buffer frag = test::from_hex("0600000100000001");  // next TCP, offset 0, M, id 1
  const Buffer tcp = test::tcp6_bytes(TcpSegment{});
  frag.insert(frag.end(), tcp.begin(), tcp.end());
  frag.resize(8 + 24);
  EXPECT_EQ(parse_ipv6_tcp(test::ipv6_packet(kIpv6Fragment, frag)).error(), WireError::kIpFragment);
}

// Every strict prefix of a valid packet is refused, and parsing it never reads
// past the prefix: each one is copied into its own exactly-sized heap buffer
// so ASan would see an overread.
TEST(Ipv6Malformed, EveryTruncatedPrefixIsRejected) {
  std::vector<std::pair<std::string, Buffer>> frames(test::linux_golden_ipv6().begin(),
                                                     test::linux_golden_ipv6().end());
  frames.emplace_back("sample", test::sample_syn6(true));
  for (const auto& [name, frame] : frames) {
    ASSERT_TRUE(Ipv6View::parse(frame).has_value()) << name;
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const Buffer prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      const auto r = parse_ipv6_tcp(prefix);
      ASSERT_FALSE(r.has_value()) << name << " prefix " << n;
      EXPECT_EQ(r.error(), n < 40 ? WireError::kTruncated : WireError::kIp6PayloadPastBuffer)
          << name << " prefix " << n;
    }
  }
}

// With the payload length shrunk to each prefix too (consistent but short),
// the walk and TCP's own checks refuse it or parse it — never out of bounds.
TEST(Ipv6Malformed, EveryConsistentlyShortenedPacketStaysInBounds) {
  for (const auto& [name, frame] : test::linux_golden_ipv6()) {
    const bool tcp = parse_ipv6_tcp(frame).has_value();
    for (std::size_t n = 40; n < frame.size(); ++n) {
      Buffer p(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      store_be16(p, 4, static_cast<std::uint16_t>(n - 40));
      const auto r = parse_ipv6_tcp(p);
      // A shortened TCP segment fails its checksum or its header checks.
      if (tcp) {
        EXPECT_FALSE(r.has_value()) << name << " length " << n;
      }
      const auto v = Ipv6View::parse(p);
      ASSERT_TRUE(v.has_value());
      if (const auto chain = walk_ipv6_chain(*v)) {
        EXPECT_LE(chain->upper_offset + chain->upper.size(), n) << name;
      }
    }
  }
}

}  // namespace
}  // namespace synack
