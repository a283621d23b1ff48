// SPDX-License-Identifier: Apache-2.0
// Golden IPv6 packets: real Linux traffic (tests/data/linux_golden_ipv6.txt,
// captured by tests/data/capture_golden_ipv6.sh). TCP segments parse to the
// expected fields and re-serialise byte-identically with emit_ipv6_tcp; every
// packet prints as expected.
#include <gtest/gtest.h>

#include "base/rfc_tag.hpp"
#include "wire/format.hpp"
#include "wire/ipv6_tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

const Ipv6Addr kClient = *Ipv6Addr::parse("fd77::1");
const Ipv6Addr kServer = *Ipv6Addr::parse("fd77::2");

Ipv6TcpPacket parse_golden(const std::string& name) {
  const auto& bytes = test::linux_golden_ipv6().at(name);
  auto pkt = parse_ipv6_tcp(bytes);
  if (!pkt) throw std::runtime_error(name + ": " + std::string(to_string(pkt.error())));
  return *pkt;
}

TEST(GoldenIpv6, AllPresent) {
  for (const char* name : {"echo_request", "echo_reply", "frag_first", "frag_last", "syn", "synack",
                           "data", "fin", "rst", "time_exceeded", "packet_too_big",
                           "udp_hbh_dstopts", "dest_unreach_port", "param_problem"}) {
    EXPECT_TRUE(test::linux_golden_ipv6().contains(name)) << name;
  }
}

TEST(GoldenIpv6, EveryTcpVectorReserialisesByteIdentically) {
  for (const char* name : {"syn", "synack", "data", "fin", "rst"}) {
    const auto pkt = parse_golden(name);
    test::Buffer again(Ipv6Header::kSize + pkt.tcp.wire_size());
    emit_ipv6_tcp(again, Ipv6Header::from(pkt.ip), pkt.tcp);
    EXPECT_EQ(test::to_hex(again), test::to_hex(test::linux_golden_ipv6().at(name))) << name;
  }
}

TEST(GoldenIpv6, Syn) {
  const auto p = parse_golden("syn");
  EXPECT_EQ(p.ip.src(), kClient);
  EXPECT_EQ(p.ip.dst(), kServer);
  EXPECT_EQ(p.ip.hop_limit(), 64);
  EXPECT_EQ(p.ip.flow_label(), 0x521afu);
  EXPECT_EQ(p.tcp.src_port, 47396);
  EXPECT_EQ(p.tcp.dst_port, 8080);
  EXPECT_EQ(p.tcp.flags.bits, TcpFlags::kSyn);
  EXPECT_EQ(p.tcp.window, 64800);
  // MSS = 1500 − 40 (IPv6) − 20 (TCP) = 1440, RFC 8200 §8.3.
  const auto o = p.tcp.options.summarize();
  EXPECT_EQ(o.mss, 1440);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_EQ(o.window_scale, 10);
}

TEST(GoldenIpv6, SynAckDataFinRst) {
  const auto synack = parse_golden("synack");
  EXPECT_EQ(synack.tcp.flags.bits, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(synack.tcp.ack, parse_golden("syn").tcp.seq + 1);
  const auto data = parse_golden("data");
  const std::string_view text(reinterpret_cast<const char*>(data.tcp.payload.data()),
                              data.tcp.payload.size());
  EXPECT_TRUE(text.starts_with("GET /index.txt HTTP/1.1\r\nHost: [fd77::2]:8080\r\n")) << text;
  EXPECT_EQ(parse_golden("fin").tcp.flags.bits, TcpFlags::kFin | TcpFlags::kAck);
  const auto rst = parse_golden("rst");
  EXPECT_EQ(rst.tcp.flags.bits, TcpFlags::kRst | TcpFlags::kAck);
  EXPECT_EQ(rst.tcp.seq, SeqNum(0));
  EXPECT_EQ(rst.tcp.src_port, 8081);
}

TEST(GoldenIpv6, EveryPacketPrints) {
  const std::pair<const char*, const char*> want[] = {
      {"echo_request", "fd77::1 > fd77::2 icmp6 echo request id 10631 seq 1 len 56"},
      {"echo_reply", "fd77::2 > fd77::1 icmp6 echo reply id 10631 seq 1 len 56"},
      {"frag_first", "fd77::1 > fd77::2 frag id 0xf7e4af9a 0+1448 more proto 58 (ext frag)"},
      {"frag_last", "fd77::1 > fd77::2 frag id 0xf7e4af9a 2896+112 proto 58 (ext frag)"},
      {"syn",
       "[fd77::1]:47396 > [fd77::2]:8080 S 2139004035:2139004035(0) win 64800 "
       "<mss 1440,sackOK,TS val 4001903543 ecr 0,nop,wscale 10>"},
      {"synack",
       "[fd77::2]:8080 > [fd77::1]:47396 S. 219024197:219024197(0) ack 2139004036 win 64260 "
       "<mss 1440,sackOK,TS val 333365462 ecr 4001903543,nop,wscale 10>"},
      {"data",
       "[fd77::1]:47396 > [fd77::2]:8080 P. 2139004036:2139004123(87) ack 219024198 win 64 "
       "<nop,nop,TS val 4001903543 ecr 333365462>"},
      {"fin",
       "[fd77::1]:47396 > [fd77::2]:8080 F. 2139004123:2139004123(0) ack 219024414 win 64 "
       "<nop,nop,TS val 4001903609 ecr 333365517>"},
      {"rst", "[fd77::2]:8081 > [fd77::1]:47288 R. 0:0(0) ack 1937099953 win 0"},
      {"time_exceeded",
       "fd77::2 > fd77::1 icmp6 time exceeded hop-limit, quote fd77::1 > fd78::2 proto 58"},
      {"packet_too_big",
       "fd77::2 > fd77::1 icmp6 packet too big mtu 1280, quote fd77::1 > fd78::2 proto 58"},
      {"udp_hbh_dstopts", "fd77::1 > fd77::2 udp 53321 > 9 len 17 (ext hbh,dstopts)"},
      {"dest_unreach_port",
       "fd77::2 > fd77::1 icmp6 unreachable port, quote [fd77::1]:53321 > [fd77::2]:9 udp"},
      {"param_problem",
       "fd77::2 > fd77::1 icmp6 parameter problem next-header pointer 6, "
       "quote fd77::1 > fd77::2 proto 253"},
  };
  // The values agree with tcpdump 4.99's reading of the same packets (seq,
  // ack, ports, ids, MTU, pointer); the spelling is the one format.hpp documents.
  for (const auto& [name, line] : want) {
    EXPECT_EQ(format_ip_packet(test::linux_golden_ipv6().at(name)), line) << name;
  }
}

}  // namespace
}  // namespace synack
