// SPDX-License-Identifier: Apache-2.0
// The extension-header walk (RFC 8200 §4): each header kind, each refusal with
// its reason and the Parameter Problem RFC 8200 asks for, the limits, and the
// RFC 4443 §2.4 (e) rules that keep errors from multicast packets.
#include "wire/ipv6_ext.hpp"

#include <gtest/gtest.h>

#include "wire/ipv6_tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::Buffer;
using test::from_hex;

// A packet whose payload is `chain_hex` (extension headers, spelled out byte
// by byte) followed by `upper`.
Buffer chain_packet(std::uint8_t first, std::string_view chain_hex, const Buffer& upper = {},
                    const Ipv6Addr& src = test::kA6, const Ipv6Addr& dst = test::kB6) {
  Buffer payload = from_hex(chain_hex);
  payload.insert(payload.end(), upper.begin(), upper.end());
  return test::ipv6_packet(first, payload, src, dst);
}

std::expected<Ipv6Chain, Ipv6WalkError> walk(const Buffer& p, const Ipv6WalkLimits& limits = {}) {
  const auto v = Ipv6View::parse(p);
  if (!v) throw std::runtime_error("test packet does not parse");
  return walk_ipv6_chain(*v, limits);
}

Buffer syn() {
  TcpSegment s;
  s.src_port = 5000;
  s.dst_port = 80;
  s.flags.bits = TcpFlags::kSyn;
  return test::tcp6_bytes(s);
}

constexpr Icmpv6ParamProblem problem(Icmpv6ParamCode code, std::uint32_t pointer) {
  return {code, pointer};
}

TEST(Ipv6Chain, NoExtensionHeaders) {
  const auto c = walk(test::sample_syn6());
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->headers, 0);
  EXPECT_EQ(c->protocol, kIpProtoTcp);
  EXPECT_EQ(c->protocol_field, 6u);
  EXPECT_EQ(c->upper_offset, 40u);
  EXPECT_FALSE(c->fragment.has_value());
}

TEST(Ipv6Chain, HopByHopThenDestinationOptionsThenTcp) {
  // HBH: next 60, len 0, PadN(4). DestOpts: next 6, len 0, option 0x1e (action
  // 00: skipped) with 2 bytes, Pad1, Pad1.
  const Buffer p = chain_packet(kIpv6HopByHop, "3c00 0104 00000000  0600 1e02 abcd 0000", syn());
  const auto c = walk(p);
  ASSERT_TRUE(c.has_value()) << to_string(c.error().reason);
  EXPECT_EQ(c->headers, 2);
  EXPECT_EQ(c->kinds[0], kIpv6HopByHop);
  EXPECT_EQ(c->kinds[1], kIpv6DestOptions);
  EXPECT_EQ(c->protocol, kIpProtoTcp);
  EXPECT_EQ(c->protocol_field, 48u);
  EXPECT_EQ(c->upper_offset, 56u);
  const auto pkt = parse_ipv6_tcp(p);
  ASSERT_TRUE(pkt.has_value()) << to_string(pkt.error());
  EXPECT_EQ(pkt->tcp.dst_port, 80);
  EXPECT_EQ(pkt->chain.headers, 2);
}

TEST(Ipv6Chain, HopByHopAnywhereElseIsAnUnrecognizedNextHeader) {
  const auto c = walk(chain_packet(kIpv6DestOptions, "0000 0104 00000000  0600 0104 00000000"));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().reason, WireError::kIp6HopByHopNotFirst);
  EXPECT_EQ(c.error().icmp, problem(Icmpv6ParamCode::kUnrecognizedNextHeader, 40));
}

TEST(Ipv6Chain, UnknownOptionsFollowTheirActionBits) {
  // RFC 8200 §4.2: 00 skip, 01 discard, 10 discard + ICMP, 11 discard + ICMP unless multicast.
  EXPECT_TRUE(walk(chain_packet(kIpv6DestOptions, "0600 3e02 0000 0100", syn())).has_value());
  const auto silent = walk(chain_packet(kIpv6DestOptions, "0600 7e02 0000 0100"));
  ASSERT_FALSE(silent.has_value());
  EXPECT_EQ(silent.error().reason, WireError::kIp6UnknownOption);
  EXPECT_FALSE(silent.error().icmp.has_value());
  const auto ten = walk(chain_packet(kIpv6DestOptions, "0600 0100 be02 0000"));
  ASSERT_FALSE(ten.has_value());
  EXPECT_EQ(ten.error().reason, WireError::kIp6UnknownOption);
  EXPECT_EQ(ten.error().icmp, problem(Icmpv6ParamCode::kUnrecognizedOption, 44));
  // A Jumbo Payload (0xc2, action 11): jumbograms are not supported.
  const auto eleven = walk(chain_packet(kIpv6HopByHop, "0600 c204 00000000"));
  ASSERT_FALSE(eleven.has_value());
  EXPECT_EQ(eleven.error().icmp, problem(Icmpv6ParamCode::kUnrecognizedOption, 42));

  const Ipv6Addr all_nodes = *Ipv6Addr::parse("ff02::1");
  const auto eleven_mc =
      walk(chain_packet(kIpv6HopByHop, "0600 c204 00000000", {}, test::kA6, all_nodes));
  ASSERT_FALSE(eleven_mc.has_value());
  EXPECT_FALSE(eleven_mc.error().icmp.has_value());  // RFC 4443 §2.4 (e.3)
  const auto ten_mc =
      walk(chain_packet(kIpv6HopByHop, "0600 8204 00000000", {}, test::kA6, all_nodes));
  ASSERT_FALSE(ten_mc.has_value());
  EXPECT_EQ(ten_mc.error().icmp, problem(Icmpv6ParamCode::kUnrecognizedOption, 42));  // (e.3.2)
}

TEST(Ipv6Chain, OptionLengthsAreCheckedBeforeUse) {
  // An option whose length runs past the header; a type byte with no length byte.
  const auto past = walk(chain_packet(kIpv6DestOptions, "0600 1e05 00000000"));
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error().reason, WireError::kIp6OptionPastEnd);
  const auto no_len = walk(chain_packet(kIpv6DestOptions, "0600 0103 000000 1e"));
  ASSERT_FALSE(no_len.has_value());
  EXPECT_EQ(no_len.error().reason, WireError::kIp6OptionPastEnd);
  EXPECT_FALSE(no_len.error().icmp.has_value());
}

TEST(Ipv6Chain, PaddingAndOptionCountAreBounded) {
  // 14 bytes of PadN in a row: more than 7 (RFC 8504 §5.3, as Linux).
  const auto pad = walk(chain_packet(kIpv6DestOptions, "0601 010c 000000000000000000000000"));
  ASSERT_FALSE(pad.has_value());
  EXPECT_EQ(pad.error().reason, WireError::kIp6OptionLimit);
  // Six Pad1 bytes are fine.
  EXPECT_TRUE(walk(chain_packet(kIpv6DestOptions, "0600 000000000000", syn())).has_value());
  // Nine skippable options: one more than the default limit of 8.
  const std::string nine = "0602" + std::string("1e00") + "1e00" + "1e00" + "1e00" + "1e00" +
                           "1e00" + "1e00" + "1e00" + "1e00" + "0102 0000";
  const auto many = walk(chain_packet(kIpv6DestOptions, nine, syn()));
  ASSERT_FALSE(many.has_value());
  EXPECT_EQ(many.error().reason, WireError::kIp6OptionLimit);
  EXPECT_TRUE(walk(chain_packet(kIpv6DestOptions, nine, syn()), {.max_options = 9}).has_value());
}

TEST(Ipv6Chain, RoutingHeadersWithSegmentsLeftAreRefused) {
  // RFC 5095 §3: type 0 with segments left > 0 is answered as an unrecognized
  // routing type, pointing at the type byte.
  const auto rh0 = walk(chain_packet(kIpv6Routing, "0602 0001 00000000" + std::string(32, '0')));
  ASSERT_FALSE(rh0.has_value());
  EXPECT_EQ(rh0.error().reason, WireError::kIp6RoutingType0);
  EXPECT_EQ(rh0.error().icmp, problem(Icmpv6ParamCode::kErroneousHeaderField, 42));
  // Segment Routing (type 4) with segments left: a host forwards nothing.
  const auto srh = walk(chain_packet(kIpv6Routing, "0602 0402 00000000" + std::string(32, '0')));
  ASSERT_FALSE(srh.has_value());
  EXPECT_EQ(srh.error().reason, WireError::kIp6RoutingUnsupported);
  EXPECT_EQ(srh.error().icmp, problem(Icmpv6ParamCode::kErroneousHeaderField, 42));
  // With segments left 0 any routing header, type 0 too, is skipped (RFC 8200 §4.4).
  const auto done =
      walk(chain_packet(kIpv6Routing, "0602 0000 00000000" + std::string(32, '0'), syn()));
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->kinds[0], kIpv6Routing);
  EXPECT_EQ(done->upper_offset, 40u + 24u);
}

TEST(Ipv6Chain, AFragmentStopsTheWalk) {
  // Offset 1448 (181 × 8), M clear, id 0x01020304, 16 bytes of data.
  const auto c = walk(chain_packet(kIpv6Fragment, "0600 05a8 01020304", Buffer(16)));
  ASSERT_TRUE(c.has_value()) << to_string(c.error().reason);
  ASSERT_TRUE(c->fragment.has_value());
  EXPECT_EQ(c->fragment->identification, 0x01020304u);
  EXPECT_EQ(c->fragment->offset, 1448u);
  EXPECT_FALSE(c->fragment->more);
  EXPECT_EQ(c->fragment->header_offset, 40u);
  EXPECT_EQ(c->protocol, kIpProtoTcp);
  EXPECT_EQ(c->protocol_field, 40u);
  EXPECT_EQ(c->upper_offset, 48u);
  EXPECT_EQ(c->upper.size(), 16u);
}

TEST(Ipv6Chain, AnAtomicFragmentIsWalkedPast) {
  // RFC 6946: offset 0 and M clear — processed in isolation, no reassembly.
  const Buffer p = chain_packet(kIpv6Fragment, "0600 0000 01020304", syn());
  const auto c = walk(p);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->atomic_fragment);
  EXPECT_FALSE(c->fragment.has_value());
  EXPECT_EQ(c->protocol, kIpProtoTcp);
  EXPECT_TRUE(parse_ipv6_tcp(p).has_value());
}

TEST(Ipv6Chain, FragmentLengthsAreChecked) {
  // RFC 8200 §4.5: M set and data not a multiple of 8 → code 0 at the payload length.
  const auto odd = walk(chain_packet(kIpv6Fragment, "0600 05a9 01020304", Buffer(12)));
  ASSERT_FALSE(odd.has_value());
  EXPECT_EQ(odd.error().reason, WireError::kIp6FragmentBadLength);
  EXPECT_EQ(odd.error().icmp, problem(Icmpv6ParamCode::kErroneousHeaderField, 4));
  // Offset 65528 + 16 bytes past 65535 → code 0 at the fragment offset field.
  const auto far = walk(chain_packet(kIpv6Fragment, "0600 fff8 01020304", Buffer(16)));
  ASSERT_FALSE(far.has_value());
  EXPECT_EQ(far.error().reason, WireError::kIp6FragmentBadLength);
  EXPECT_EQ(far.error().icmp, problem(Icmpv6ParamCode::kErroneousHeaderField, 42));
  // Not to a multicast destination (RFC 4443 §2.4 (e.3)).
  const auto mc = walk(chain_packet(kIpv6Fragment, "0600 05a9 01020304", Buffer(12), test::kA6,
                                    *Ipv6Addr::parse("ff02::1")));
  ASSERT_FALSE(mc.has_value());
  EXPECT_FALSE(mc.error().icmp.has_value());
}

TEST(Ipv6Chain, TheFirstFragmentHoldsTheWholeChain) {
  // RFC 7112 §5: 8 bytes cannot hold a TCP header → code 3, pointer 0.
  const auto cut = walk(chain_packet(kIpv6Fragment, "0600 0001 00000007", Buffer(8)));
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().reason, WireError::kIp6FirstFragmentIncomplete);
  EXPECT_EQ(cut.error().icmp, problem(Icmpv6ParamCode::kIncompleteHeaderChain, 0));
  // A Destination Options header cut by the end of the first fragment.
  const auto dst = walk(chain_packet(kIpv6Fragment, "3c00 0001 00000007 0602 0104 00000000"));
  ASSERT_FALSE(dst.has_value());
  EXPECT_EQ(dst.error().reason, WireError::kIp6FirstFragmentIncomplete);
  const auto whole = walk(chain_packet(kIpv6Fragment, "0600 0001 00000007", Buffer(24)));
  ASSERT_TRUE(whole.has_value());
  EXPECT_TRUE(whole->fragment->more);
  EXPECT_EQ(whole->fragment->offset, 0u);
}

TEST(Ipv6Chain, TheChainLengthIsCapped) {
  std::string eight;
  for (int k = 0; k < 7; ++k) eight += "3c00 0104 00000000 ";
  const std::string nine = "3c00 0104 00000000 " + eight;
  eight += "0600 0104 00000000";
  const std::string nine_full = nine + "0600 0104 00000000";
  const auto ok = walk(chain_packet(kIpv6DestOptions, eight, syn()));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->headers, 8);
  const auto refused = walk(chain_packet(kIpv6DestOptions, nine_full, syn()));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, WireError::kIp6ChainTooLong);
  EXPECT_FALSE(refused.error().icmp.has_value());
  const auto two = walk(chain_packet(kIpv6DestOptions, eight, syn()), {.max_headers = 2});
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().reason, WireError::kIp6ChainTooLong);
  // The limit is clamped to kIpv6MaxChainHeaders.
  std::string many;
  for (std::size_t k = 0; k < kIpv6MaxChainHeaders; ++k) many += "3c00 0104 00000000 ";
  many += "0600 0104 00000000";
  const auto clamped = walk(chain_packet(kIpv6DestOptions, many, syn()), {.max_headers = 1000});
  ASSERT_FALSE(clamped.has_value());
  EXPECT_EQ(clamped.error().reason, WireError::kIp6ChainTooLong);
}

TEST(Ipv6Chain, HeadersPastThePayloadAreTruncated) {
  const auto longer = walk(chain_packet(kIpv6HopByHop, "0601 0104 00000000"));  // says 16 bytes
  ASSERT_FALSE(longer.has_value());
  EXPECT_EQ(longer.error().reason, WireError::kIp6ExtTruncated);
  EXPECT_FALSE(longer.error().icmp.has_value());
  const auto tiny = walk(chain_packet(kIpv6HopByHop, "0600 0102"));  // 4 bytes
  ASSERT_FALSE(tiny.has_value());
  EXPECT_EQ(tiny.error().reason, WireError::kIp6ExtTruncated);
  const auto frag = walk(chain_packet(kIpv6Fragment, "0600 0001"));
  ASSERT_FALSE(frag.has_value());
  EXPECT_EQ(frag.error().reason, WireError::kIp6ExtTruncated);
}

TEST(Ipv6Chain, UnrecognizedNextHeaderPointsAtItsByte) {
  const auto bare = walk(chain_packet(253, "", Buffer(8)));
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->protocol, 253);
  EXPECT_EQ(bare->unrecognized_next_header(), problem(Icmpv6ParamCode::kUnrecognizedNextHeader, 6));
  const auto after = walk(chain_packet(kIpv6DestOptions, "fd00 0104 00000000", Buffer(8)));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->unrecognized_next_header(),
            problem(Icmpv6ParamCode::kUnrecognizedNextHeader, 40));
  // No Next Header is ignored (RFC 8200 §4.7); nothing goes to the unspecified
  // or a multicast source (RFC 4443 §2.4 (e.6)).
  EXPECT_FALSE(walk(chain_packet(kIpv6NoNextHeader, ""))->unrecognized_next_header());
  EXPECT_FALSE(walk(chain_packet(253, "", {}, Ipv6Addr{}, test::kB6))->unrecognized_next_header());
  const auto mc_src = walk(chain_packet(kIpv6Routing, "0602 0001 00000000" + std::string(32, '0'),
                                        {}, *Ipv6Addr::parse("ff02::1"), test::kB6));
  ASSERT_FALSE(mc_src.has_value());
  EXPECT_FALSE(mc_src.error().icmp.has_value());
}

TEST(Ipv6Chain, LinuxPacketsWalkAsLinuxWalkedThem) {
  const auto& g = test::linux_golden_ipv6();
  // Linux accepted this datagram (it answered port unreachable).
  const auto udp = walk(g.at("udp_hbh_dstopts"));
  ASSERT_TRUE(udp.has_value());
  EXPECT_EQ(udp->headers, 2);
  EXPECT_EQ(udp->kinds[0], kIpv6HopByHop);
  EXPECT_EQ(udp->kinds[1], kIpv6DestOptions);
  EXPECT_EQ(udp->protocol, kIpProtoUdp);
  EXPECT_EQ(udp->upper_offset, 56u);
  EXPECT_EQ(load_be16(udp->upper, 2), 9);  // the discard port
  const auto first = walk(g.at("frag_first"));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->fragment.has_value());
  EXPECT_EQ(first->fragment->offset, 0u);
  EXPECT_TRUE(first->fragment->more);
  EXPECT_EQ(first->fragment->identification, 0xf7e4af9au);
  EXPECT_EQ(first->protocol, kIpProtoIcmpv6);
  EXPECT_EQ(first->upper.size(), 1448u);
  const auto last = walk(g.at("frag_last"));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->fragment->offset, 2896u);
  EXPECT_FALSE(last->fragment->more);
  EXPECT_EQ(last->fragment->identification, 0xf7e4af9au);
}

}  // namespace
}  // namespace synack
