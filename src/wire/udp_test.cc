// SPDX-License-Identifier: Apache-2.0
// UDP (RFC 768): golden bytes from Linux, round trips, checksum rules,
// every malformed length rejected.
#include "wire/udp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::from_hex;
using test::to_hex;

// A datagram Linux sent on lo (python3 sendto("synack udp golden"),
// 127.0.0.1:40000 → 127.0.0.1:53), captured with an AF_PACKET socket. lo
// offloads the checksum (the captured field held the partial pseudo-header
// sum); the field below is the full RFC 768 sum, computed by a separate
// Python implementation.
const char* const kLinuxDatagram =
    "4500002d913640004011ab877f0000017f000001"
    "9c400035001938df73796e61636b2075647020676f6c64656e";

TEST(Udp, ParsesLinuxGolden) {
  const auto packet = from_hex(kLinuxDatagram);
  const auto ip = Ipv4View::parse(packet);
  ASSERT_TRUE(ip.has_value());
  ASSERT_EQ(ip->protocol(), kIpProtoUdp);
  const auto udp = UdpView::parse(ip->payload());
  ASSERT_TRUE(udp.has_value());
  EXPECT_EQ(udp->src_port(), 40000);
  EXPECT_EQ(udp->dst_port(), 53);
  EXPECT_EQ(udp->length(), 25);
  EXPECT_EQ(udp->checksum(), 0x38df);
  EXPECT_TRUE(udp->checksum_ok(ip->src(), ip->dst()));
  EXPECT_EQ(
      std::string(reinterpret_cast<const char*>(udp->payload().data()), udp->payload().size()),
      "synack udp golden");
}

TEST(Udp, EmitsLinuxGoldenByteForByte) {
  const auto packet = from_hex(kLinuxDatagram);
  const auto ip = Ipv4View::parse(packet);
  const auto udp = UdpView::parse(ip->payload());
  const UdpDatagram d{.src_port = 40000, .dst_port = 53, .payload = udp->payload()};
  std::vector<std::byte> out(Ipv4Header::kSize + d.wire_size());
  Ipv4Header h{.identification = 0x9136, .ttl = 64, .src = ip->src(), .dst = ip->dst()};
  ASSERT_EQ(emit_ipv4_udp(out, h, d), packet.size());
  EXPECT_EQ(to_hex(out), kLinuxDatagram);
}

TEST(Udp, CorruptedChecksumFailsAndZeroMeansNone) {
  auto packet = from_hex(kLinuxDatagram);
  const Ipv4Addr lo = Ipv4Addr::from_octets(127, 0, 0, 1);
  packet[30] ^= std::byte{1};  // a payload bit
  EXPECT_FALSE(UdpView::parse(Bytes(packet).subspan(20))->checksum_ok(lo, lo));
  packet[26] = packet[27] = std::byte{0};  // RFC 768: zero = no checksum sent
  EXPECT_TRUE(UdpView::parse(Bytes(packet).subspan(20))->checksum_ok(lo, lo));
}

TEST(Udp, ComputedZeroIsSentAsAllOnes) {
  // Search a 2-byte payload whose checksum computes to 0: it must go out as 0xffff.
  const Ipv4Addr a = Ipv4Addr::from_octets(10, 0, 0, 1), b = Ipv4Addr::from_octets(10, 0, 0, 2);
  std::vector<std::byte> out(10);
  bool found = false;
  for (unsigned v = 0; v < 0x10000 && !found; ++v) {
    const std::array<std::byte, 2> p{std::byte(v >> 8), std::byte(v & 0xff)};
    UdpDatagram{.src_port = 1, .dst_port = 2, .payload = p}.emit(out, a, b);
    if (load_be16(out, 6) == 0xffff) {
      found = true;
      EXPECT_TRUE(UdpView::parse(out)->checksum_ok(a, b));
    }
    EXPECT_NE(load_be16(out, 6), 0);
  }
  EXPECT_TRUE(found);
}

TEST(Udp, RoundTripOfEverySmallSize) {
  const Ipv4Addr a = Ipv4Addr::from_octets(192, 0, 2, 1), b = Ipv4Addr::from_octets(8, 8, 8, 8);
  for (std::size_t n = 0; n < 64; ++n) {
    std::vector<std::byte> payload(n);
    for (std::size_t i = 0; i < n; ++i) payload[i] = std::byte(i * 37 + n);
    const UdpDatagram d{.src_port = 5353, .dst_port = 53, .payload = payload};
    std::vector<std::byte> out(d.wire_size());
    d.emit(out, a, b);
    const auto v = UdpView::parse(out);
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(v->checksum_ok(a, b));
    EXPECT_FALSE(v->checksum_ok(b, Ipv4Addr::from_octets(8, 8, 4, 4)));
    EXPECT_TRUE(std::ranges::equal(v->payload(), payload));
  }
}

TEST(Udp, MalformedLengthsAreRejected) {
  auto packet = from_hex(kLinuxDatagram);
  Bytes udp = Bytes(packet).subspan(20);
  EXPECT_EQ(UdpView::parse(udp.first(7)).error(), WireError::kTruncated);
  EXPECT_EQ(UdpView::parse(udp.first(24)).error(), WireError::kUdpBadLength);  // length 25 > 24
  store_be16(MutableBytes(packet).subspan(20), 4, 7);  // length below the header
  EXPECT_EQ(UdpView::parse(udp).error(), WireError::kUdpBadLength);
  store_be16(MutableBytes(packet).subspan(20), 4, 8);  // header only: empty payload
  EXPECT_TRUE(UdpView::parse(udp)->payload().empty());
  // Link padding after the length field is not payload.
  store_be16(MutableBytes(packet).subspan(20), 4, 10);
  EXPECT_EQ(UdpView::parse(udp)->payload().size(), 2u);
  EXPECT_EQ(to_string(WireError::kUdpBadLength), "udp-bad-length");
  EXPECT_EQ(to_string(WireError::kUdpBadChecksum), "udp-bad-checksum");
}

}  // namespace
}  // namespace synack
