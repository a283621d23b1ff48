// SPDX-License-Identifier: Apache-2.0
// IPv4 (RFC 791): view validation, header building, addresses.
#include "wire/ipv4.hpp"

#include <gtest/gtest.h>

#include "base/checksum.hpp"
#include "base/rfc_tag.hpp"
#include "wire/tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::Buffer;

// Rewrites the header checksum after a test edited the header.
void fix_ip_checksum(Buffer& p) {
  const std::size_t ihl = (std::to_integer<std::size_t>(p[0]) & 0xf) * 4;
  store_be16(p, 10, 0);
  store_be16(p, 10, internet_checksum(Bytes(p).first(ihl)));
}

TEST(Ipv4Addr, ParsesAndPrintsDottedQuad) {
  EXPECT_EQ(Ipv4Addr::parse("10.0.0.1"), Ipv4Addr::from_octets(10, 0, 0, 1));
  EXPECT_EQ(Ipv4Addr::parse("255.255.255.255")->value, 0xffffffffu);
  EXPECT_EQ(Ipv4Addr::from_octets(192, 168, 1, 20).to_string(), "192.168.1.20");
  for (const char* bad :
       {"", "10.0.0", "10.0.0.1.", "10.0.0.256", "a.b.c.d", "10..0.1", "10.0.0.1 ", "0010.0.0.1"}) {
    EXPECT_FALSE(Ipv4Addr::parse(bad).has_value()) << bad;
  }
}

TEST(Ipv4View, ParsesAValidHeader) {
  const Buffer p = test::sample_syn();
  const auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->version(), 4);
  EXPECT_EQ(v->header_len(), 20u);
  EXPECT_EQ(v->total_length(), p.size());
  EXPECT_EQ(v->identification(), 0x1234);
  EXPECT_TRUE(v->dont_fragment());
  EXPECT_FALSE(v->is_fragment());
  EXPECT_EQ(v->ttl(), 64);
  EXPECT_EQ(v->protocol(), kIpProtoTcp);
  EXPECT_EQ(v->src(), test::kA);
  EXPECT_EQ(v->dst(), test::kB);
  EXPECT_TRUE(v->options().empty());
  EXPECT_EQ(v->payload().size(), p.size() - 20);
}

TEST(Ipv4View, TrailingLinkPaddingIsExcluded) {
  Buffer p = test::sample_syn();
  const std::size_t n = p.size();
  p.resize(n + 6);  // Ethernet minimum-frame padding, say
  const auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->bytes().size(), n);
  EXPECT_EQ(v->payload().size(), n - 20);
  EXPECT_TRUE(parse_ipv4_tcp(p).has_value());
}

TEST(Ipv4View, RejectsBadVersion) {
  Buffer p = test::sample_syn();
  p[0] = std::byte{0x65};
  EXPECT_EQ(Ipv4View::parse(p).error(), WireError::kIpBadVersion);
}

TEST(Ipv4View, RejectsIhlBelow5) {
  for (int ihl = 0; ihl < 5; ++ihl) {
    Buffer p = test::sample_syn();
    p[0] = static_cast<std::byte>(0x40 | ihl);
    EXPECT_EQ(Ipv4View::parse(p).error(), WireError::kIpBadIhl) << ihl;
  }
}

TEST(Ipv4View, RejectsTotalLengthBelowHeader) {
  Buffer p = test::sample_syn();
  store_be16(p, 2, 19);
  fix_ip_checksum(p);
  EXPECT_EQ(Ipv4View::parse(p).error(), WireError::kIpBadTotalLength);
  p[0] = std::byte{0x4f};  // IHL 60 bytes > total 40
  store_be16(p, 2, 40);
  EXPECT_EQ(Ipv4View::parse(p).error(), WireError::kIpBadTotalLength);
}

TEST(Ipv4View, RejectsTotalLengthPastBuffer) {
  Buffer p = test::sample_syn();
  store_be16(p, 2, static_cast<std::uint16_t>(p.size() + 1));
  fix_ip_checksum(p);
  EXPECT_EQ(Ipv4View::parse(p).error(), WireError::kIpTotalPastBuffer);
}

TEST(Ipv4View, RejectsBadChecksumUnlessAskedNotTo) {
  Buffer p = test::sample_syn();
  p[8] = std::byte{63};  // TTL changed, checksum not updated
  EXPECT_EQ(Ipv4View::parse(p).error(), WireError::kIpBadChecksum);
  EXPECT_TRUE(Ipv4View::parse(p, /*verify_checksum=*/false).has_value());
}

TEST(Ipv4View, RejectsShortBuffers) {
  const Buffer p = test::sample_syn();
  for (std::size_t n = 0; n < 20; ++n) {
    EXPECT_EQ(Ipv4View::parse(Bytes(p).first(n)).error(), WireError::kTruncated) << n;
  }
}

// A TCP packet with 8 bytes of IP options (two NOPs, a 4-byte unknown option
// and EOL padding): the options are exposed, skipped, and TCP still parses.
TEST(Ipv4View, IpOptionsAreSkippedSafely) {
  SYNACK_RFC("MUST-50");
  const Buffer plain = test::sample_syn();
  Buffer p(plain.begin(), plain.begin() + 20);
  for (const int b : {0x01, 0x01, 0x9e, 0x04, 0x00, 0x00, 0x00, 0x00}) {
    p.push_back(static_cast<std::byte>(b));
  }
  p.insert(p.end(), plain.begin() + 20, plain.end());
  p[0] = std::byte{0x47};
  store_be16(p, 2, static_cast<std::uint16_t>(p.size()));
  fix_ip_checksum(p);
  const auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->header_len(), 28u);
  EXPECT_EQ(v->options().size(), 8u);
  const auto pkt = parse_ipv4_tcp(p);
  ASSERT_TRUE(pkt.has_value()) << to_string(pkt.error());
  EXPECT_EQ(pkt->tcp.dst_port, 80);
  EXPECT_EQ(pkt->tcp.options.summarize().mss, 1460);
}

TEST(Ipv4View, RecognisesFragments) {
  Buffer p = test::sample_syn();
  store_be16(p, 6, 0x2000);  // MF
  fix_ip_checksum(p);
  auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->more_fragments());
  EXPECT_TRUE(v->is_fragment());
  EXPECT_EQ(parse_ipv4_tcp(p).error(), WireError::kIpFragment);
  store_be16(p, 6, 0x0003);  // offset 3 × 8 = 24 bytes, last fragment
  fix_ip_checksum(p);
  v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->more_fragments());
  EXPECT_EQ(v->fragment_offset(), 24u);
  EXPECT_TRUE(v->is_fragment());
  EXPECT_EQ(parse_ipv4_tcp(p).error(), WireError::kIpFragment);
}

TEST(Ipv4Header, EmitsChecksummedHeaderWithDfAndTtl) {
  Ipv4Header h;
  h.src = test::kA;
  h.dst = test::kB;
  h.ttl = 17;
  h.tos = 0x10;
  h.identification = 0xbeef;
  Buffer out(20);
  h.emit(out, 100);
  EXPECT_EQ(internet_checksum(out), 0);
  const auto v = Ipv4View::parse(out, false);  // only the header: total length 120 > 20
  EXPECT_EQ(v.error(), WireError::kIpTotalPastBuffer);
  out.resize(120);
  const auto w = Ipv4View::parse(out);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->ttl(), 17);
  EXPECT_EQ(w->tos(), 0x10);
  EXPECT_TRUE(w->dont_fragment());
  EXPECT_EQ(w->total_length(), 120);
  EXPECT_EQ(w->identification(), 0xbeef);
  EXPECT_EQ(test::to_hex(Bytes(out).first(4)), "45100078");
  const Ipv4Header back = Ipv4Header::from(*w);
  EXPECT_EQ(back.ttl, 17);
  EXPECT_EQ(back.src, test::kA);
  EXPECT_EQ(back.dst, test::kB);
  EXPECT_TRUE(back.dont_fragment);
}

TEST(Ipv4Header, FragmentFieldsRoundTrip) {
  Ipv4Header h;
  h.dont_fragment = false;
  h.more_fragments = true;
  h.fragment_offset = 1480;
  Buffer out(20);
  h.emit(out, 0);
  const auto v = Ipv4View::parse(out);
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->dont_fragment());
  EXPECT_TRUE(v->more_fragments());
  EXPECT_EQ(v->fragment_offset(), 1480u);
}

}  // namespace
}  // namespace synack
