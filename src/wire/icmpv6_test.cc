// SPDX-License-Identifier: Apache-2.0
// ICMPv6 (RFC 4443): parse and build each message the stack needs, checked
// byte for byte against the messages real Linux sent
// (tests/data/linux_golden_ipv6.txt, tests/data/capture_golden_ipv6.sh).
#include "wire/icmpv6.hpp"

#include <gtest/gtest.h>

#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::Buffer;

struct Golden {
  Ipv6View ip;
  Icmpv6View icmp;
};

Golden golden(const std::string& name) {
  const Buffer& p = test::linux_golden_ipv6().at(name);
  const auto ip = Ipv6View::parse(p);
  if (!ip) throw std::runtime_error(name + ": " + std::string(to_string(ip.error())));
  const auto m = Icmpv6View::parse(ip->payload(), ip->src(), ip->dst());
  if (!m) throw std::runtime_error(name + ": " + std::string(to_string(m.error())));
  return {*ip, *m};
}

// `m` emitted from src to dst, as bytes.
Buffer emitted(const Icmpv6Message& m, const Ipv6Addr& src, const Ipv6Addr& dst) {
  Buffer out(m.wire_size());
  m.emit(out, src, dst);
  return out;
}

const Ipv6Addr kClient = *Ipv6Addr::parse("fd77::1");
const Ipv6Addr kRouter = *Ipv6Addr::parse("fd77::2");

TEST(Icmpv6, EchoRequestAndTheReplyLinuxSent) {
  const auto req = golden("echo_request");
  EXPECT_EQ(req.icmp.type(), 128);
  EXPECT_EQ(req.icmp.code(), 0);
  EXPECT_FALSE(req.icmp.is_error());
  EXPECT_EQ(req.icmp.echo_id(), 0x2987);
  EXPECT_EQ(req.icmp.echo_seq(), 1);
  EXPECT_EQ(req.icmp.body().size(), 56u);
  // RFC 4443 §4.2: the reply carries the request's identifier, sequence and
  // data; ours is byte-identical to Linux's, checksum included.
  const Buffer reply = emitted(Icmpv6Message::echo_reply(req.icmp), kRouter, kClient);
  EXPECT_EQ(test::to_hex(reply), test::to_hex(golden("echo_reply").icmp.bytes()));
  const Buffer again =
      emitted(Icmpv6Message::echo_request(req.icmp.echo_id(), req.icmp.echo_seq(), req.icmp.body()),
              kClient, kRouter);
  EXPECT_EQ(test::to_hex(again), test::to_hex(req.icmp.bytes()));
}

TEST(Icmpv6, EveryLinuxMessageReserialisesByteIdentically) {
  for (const char* name : {"echo_request", "echo_reply", "time_exceeded", "packet_too_big",
                           "dest_unreach_port", "param_problem"}) {
    const auto g = golden(name);
    const Icmpv6Message m{g.icmp.type(), g.icmp.code(), g.icmp.rest(), g.icmp.body()};
    Buffer out(40 + m.wire_size());
    EXPECT_EQ(emit_ipv6_icmpv6(out, Ipv6Header::from(g.ip), m), out.size());
    EXPECT_EQ(test::to_hex(out), test::to_hex(test::linux_golden_ipv6().at(name))) << name;
  }
}

TEST(Icmpv6, PacketTooBigFromALinuxRouter) {
  const auto g = golden("packet_too_big");
  EXPECT_EQ(g.icmp.type(), 2);
  EXPECT_TRUE(g.icmp.is_error());
  EXPECT_EQ(g.icmp.mtu(), 1280u);
  // RFC 4443 §2.4 (c): the whole error fits the minimum MTU.
  EXPECT_EQ(g.ip.bytes().size(), kIpv6MinMtu);
  EXPECT_EQ(g.icmp.body().size(), kIcmpv6MaxQuote);
  const auto q = parse_icmpv6_quote(g.icmp.body());
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->src, kClient);
  EXPECT_EQ(q->dst.to_string(), "fd78::2");
  EXPECT_EQ(q->protocol, kIpProtoIcmpv6);
  // Our builder quotes the same bytes the same way.
  const Buffer ours = emitted(Icmpv6Message::packet_too_big(1280, g.icmp.body()), kRouter, kClient);
  EXPECT_EQ(test::to_hex(ours), test::to_hex(g.icmp.bytes()));
}

TEST(Icmpv6, TimeExceededAndUnreachableQuoteThePacket) {
  const auto te = golden("time_exceeded");
  EXPECT_EQ(te.icmp.type(), 3);
  EXPECT_EQ(te.icmp.code(), static_cast<std::uint8_t>(Icmpv6TimeCode::kHopLimit));
  EXPECT_EQ(
      test::to_hex(emitted(Icmpv6Message::time_exceeded(Icmpv6TimeCode::kHopLimit, te.icmp.body()),
                           kRouter, kClient)),
      test::to_hex(te.icmp.bytes()));
  // The port unreachable quotes a datagram with Hop-by-Hop and Destination
  // Options headers: the quote walk skips them to reach UDP's ports.
  const auto du = golden("dest_unreach_port");
  EXPECT_EQ(du.icmp.type(), 1);
  EXPECT_EQ(du.icmp.code(), static_cast<std::uint8_t>(Icmpv6UnreachCode::kPort));
  const auto q = parse_icmpv6_quote(du.icmp.body());
  ASSERT_TRUE(q.has_value()) << to_string(q.error());
  EXPECT_EQ(q->protocol, kIpProtoUdp);
  EXPECT_EQ(q->dst_port, 9);
  EXPECT_EQ(q->src, kClient);
  EXPECT_EQ(test::to_hex(du.icmp.body()),
            test::to_hex(test::linux_golden_ipv6().at("udp_hbh_dstopts")));
  EXPECT_EQ(test::to_hex(
                emitted(Icmpv6Message::dest_unreachable(Icmpv6UnreachCode::kPort, du.icmp.body()),
                        kRouter, kClient)),
            test::to_hex(du.icmp.bytes()));
}

TEST(Icmpv6, OurWalkAsksForTheParameterProblemLinuxSent) {
  const auto g = golden("param_problem");
  EXPECT_EQ(g.icmp.type(), 4);
  EXPECT_EQ(g.icmp.code(), 1);
  EXPECT_EQ(g.icmp.pointer(), 6u);
  // The quote is the whole offending packet (next header 253): our walk, given
  // it, asks for the same answer, and our builder makes the same bytes.
  const auto offending = Ipv6View::parse(g.icmp.body());
  ASSERT_TRUE(offending.has_value());
  const auto chain = walk_ipv6_chain(*offending);
  ASSERT_TRUE(chain.has_value());
  EXPECT_EQ(chain->protocol, 253);
  const auto problem = chain->unrecognized_next_header();
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(test::to_hex(emitted(Icmpv6Message::parameter_problem(*problem, offending->bytes()),
                                 kRouter, kClient)),
            test::to_hex(g.icmp.bytes()));
}

TEST(Icmpv6, ChecksumAndLengthAreChecked) {
  const Buffer& p = test::linux_golden_ipv6().at("echo_request");
  Buffer icmp(p.begin() + 40, p.end());
  EXPECT_TRUE(Icmpv6View::parse(icmp, kClient, kRouter).has_value());
  // The pseudo-header is covered: another destination fails.
  EXPECT_EQ(Icmpv6View::parse(icmp, kClient, *Ipv6Addr::parse("fd77::3")).error(),
            WireError::kIcmp6BadChecksum);
  icmp[20] ^= std::byte{0x01};
  EXPECT_EQ(Icmpv6View::parse(icmp, kClient, kRouter).error(), WireError::kIcmp6BadChecksum);
  EXPECT_EQ(Icmpv6View::parse(Bytes(icmp).first(7), kClient, kRouter).error(),
            WireError::kTruncated);
}

TEST(Icmpv6, QuotesAreBoundsChecked) {
  const Buffer syn = test::sample_syn6();
  EXPECT_EQ(parse_icmpv6_quote(Bytes(syn).first(39)).error(), WireError::kTruncated);
  EXPECT_EQ(parse_icmpv6_quote(Bytes(syn).first(47)).error(), WireError::kTruncated);
  const auto q = parse_icmpv6_quote(Bytes(syn).first(48));  // RFC 5927 §4.1: 8 bytes are enough
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->protocol, kIpProtoTcp);
  EXPECT_EQ(q->src_port, 5000);
  EXPECT_EQ(q->dst_port, 80);
  EXPECT_EQ(q->tcp_seq, 1000u);
  EXPECT_EQ(parse_icmpv6_quote(test::sample_syn()).error(), WireError::kIp6BadVersion);
  // A non-first fragment quotes no ports.
  const Buffer frag =
      test::ipv6_packet(kIpv6Fragment, test::from_hex("0600 05a8 01020304 0000000000000000"));
  EXPECT_EQ(parse_icmpv6_quote(frag).error(), WireError::kIpFragment);
  // An extension header cut by the end of the quote.
  const Buffer cut = test::ipv6_packet(kIpv6DestOptions, test::from_hex("0601 0104 00000000"));
  EXPECT_EQ(parse_icmpv6_quote(cut).error(), WireError::kTruncated);
}

TEST(Icmpv6, ErrorsQuoteAtMostWhatFitsTheMinimumMtu) {
  const Buffer big(2000, std::byte{0x60});
  const auto m = Icmpv6Message::dest_unreachable(Icmpv6UnreachCode::kAddress, big);
  EXPECT_EQ(m.body.size(), kIcmpv6MaxQuote);
  Buffer out(40 + m.wire_size());
  EXPECT_EQ(emit_ipv6_icmpv6(out, {.src = kRouter, .dst = kClient}, m), kIpv6MinMtu);
  const auto ip = Ipv6View::parse(out);
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->next_header(), kIpProtoIcmpv6);
  const auto v = Icmpv6View::parse(ip->payload(), kRouter, kClient);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->code(), 3);
  const auto pp = Icmpv6Message::parameter_problem({Icmpv6ParamCode::kUnrecognizedOption, 42},
                                                   Bytes(big).first(100));
  EXPECT_EQ(pp.type, 4);
  EXPECT_EQ(pp.code, 2);
  EXPECT_EQ(pp.rest, 42u);
  EXPECT_EQ(pp.body.size(), 100u);
}

}  // namespace
}  // namespace synack
