// SPDX-License-Identifier: Apache-2.0
// Golden vectors: real Linux segments (tests/data/linux_golden.txt, captured by
// tests/data/capture_golden.sh). Each parses to the expected fields and
// re-serialises byte-identically with emit_ipv4_tcp.
#include <gtest/gtest.h>

#include "base/rfc_tag.hpp"
#include "wire/format.hpp"
#include "wire/tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

constexpr Ipv4Addr kClient = Ipv4Addr::from_octets(10, 77, 0, 1);
constexpr Ipv4Addr kServer = Ipv4Addr::from_octets(10, 77, 0, 2);

Ipv4TcpPacket parse_golden(const std::string& name) {
  const auto& bytes = test::linux_golden().at(name);
  auto pkt = parse_ipv4_tcp(bytes);
  if (!pkt) throw std::runtime_error(name + ": " + std::string(to_string(pkt.error())));
  return *pkt;
}

TEST(Golden, AllFivePresent) {
  for (const char* name : {"syn", "synack", "data", "fin", "rst"}) {
    EXPECT_TRUE(test::linux_golden().contains(name)) << name;
  }
}

TEST(Golden, EveryVectorReserialisesByteIdentically) {
  SYNACK_RFC("MUST-2");
  for (const auto& [name, bytes] : test::linux_golden()) {
    const auto pkt = parse_ipv4_tcp(bytes);
    ASSERT_TRUE(pkt.has_value()) << name << ": " << to_string(pkt.error());
    const test::Buffer again = test::build_packet(Ipv4Header::from(pkt->ip), pkt->tcp);
    EXPECT_EQ(test::to_hex(again), test::to_hex(bytes)) << name;
  }
}

TEST(Golden, Syn) {
  const auto p = parse_golden("syn");
  EXPECT_EQ(p.ip.src(), kClient);
  EXPECT_EQ(p.ip.dst(), kServer);
  EXPECT_EQ(p.ip.ttl(), 64);
  EXPECT_TRUE(p.ip.dont_fragment());
  EXPECT_EQ(p.ip.identification(), 0xb545);
  EXPECT_EQ(p.tcp.src_port, 53486);
  EXPECT_EQ(p.tcp.dst_port, 8080);
  EXPECT_EQ(p.tcp.seq, SeqNum(0xe13b7fa0));
  EXPECT_EQ(p.tcp.flags.bits, TcpFlags::kSyn);
  EXPECT_EQ(p.tcp.window, 64240);
  EXPECT_EQ(p.tcp.seg_len(), 1u);
  const auto o = p.tcp.options.summarize();
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_EQ(o.timestamps, (TcpTimestamps{0x8e099f5f, 0}));
  EXPECT_EQ(o.window_scale, 10);
  EXPECT_EQ(format_segment(p.tcp),
            "S 3778772896:3778772896(0) win 64240 "
            "<mss 1460,sackOK,TS val 2382995295 ecr 0,nop,wscale 10>");
}

TEST(Golden, SynAck) {
  const auto p = parse_golden("synack");
  EXPECT_EQ(p.ip.src(), kServer);
  EXPECT_EQ(p.ip.identification(), 0);
  EXPECT_EQ(p.tcp.src_port, 8080);
  EXPECT_EQ(p.tcp.flags.bits, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(p.tcp.seq, SeqNum(0x9ecf833b));
  EXPECT_EQ(p.tcp.ack, SeqNum(0xe13b7fa1));  // the SYN's ISN + 1
  EXPECT_EQ(p.tcp.window, 65160);
  const auto o = p.tcp.options.summarize();
  EXPECT_EQ(o.mss, 1460);
  EXPECT_EQ(o.timestamps, (TcpTimestamps{0xb3f41138, 0x8e099f5f}));
  EXPECT_EQ(o.window_scale, 10);
  EXPECT_EQ(format_packet(p.ip.src(), p.ip.dst(), p.tcp),
            "10.77.0.2:8080 > 10.77.0.1:53486 S. 2664399675:2664399675(0) ack 3778772897 "
            "win 65160 <mss 1460,sackOK,TS val 3019116856 ecr 2382995295,nop,wscale 10>");
}

TEST(Golden, Data) {
  const auto p = parse_golden("data");
  EXPECT_EQ(p.tcp.flags.bits, TcpFlags::kPsh | TcpFlags::kAck);
  EXPECT_EQ(p.tcp.seq, SeqNum(0xe13b7fa1));
  EXPECT_EQ(p.tcp.ack, SeqNum(0x9ecf833c));
  EXPECT_EQ(p.tcp.window, 63);  // scaled by 2^10 on the wire
  EXPECT_EQ(p.tcp.header_size(), 32u);
  EXPECT_EQ(p.tcp.payload.size(), 87u);
  const std::string_view text(reinterpret_cast<const char*>(p.tcp.payload.data()),
                              p.tcp.payload.size());
  EXPECT_TRUE(text.starts_with("GET /index.txt HTTP/1.1\r\n"));
  EXPECT_EQ(format_segment(p.tcp),
            "P. 3778772897:3778772984(87) ack 2664399676 win 63 "
            "<nop,nop,TS val 2382995296 ecr 3019116856>");
}

TEST(Golden, Fin) {
  const auto p = parse_golden("fin");
  EXPECT_EQ(p.tcp.flags.bits, TcpFlags::kFin | TcpFlags::kAck);
  EXPECT_EQ(p.tcp.seq, SeqNum(0xe13b7ff8));
  EXPECT_EQ(p.tcp.ack, SeqNum(0x9ecf8413));
  EXPECT_TRUE(p.tcp.payload.empty());
  EXPECT_EQ(p.tcp.seg_len(), 1u);
  EXPECT_EQ(p.tcp.options.summarize().timestamps, (TcpTimestamps{0x8e099f69, 0xb3f41142}));
}

TEST(Golden, RstForClosedPort) {
  const auto p = parse_golden("rst");
  EXPECT_EQ(p.ip.src(), kServer);
  EXPECT_EQ(p.tcp.src_port, 8081);
  EXPECT_EQ(p.tcp.flags.bits, TcpFlags::kRst | TcpFlags::kAck);
  EXPECT_EQ(p.tcp.seq, SeqNum(0));  // RFC 9293 §3.10.7.1: SEQ 0, ACK = SEG.SEQ + SEG.LEN
  EXPECT_EQ(p.tcp.ack, SeqNum(0xe19de683));
  EXPECT_EQ(p.tcp.window, 0);
  EXPECT_TRUE(p.tcp.options.empty());
  EXPECT_EQ(format_segment(p.tcp), "R. 0:0(0) ack 3785221763 win 0");
}

}  // namespace
}  // namespace synack
