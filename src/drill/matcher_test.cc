// SPDX-License-Identifier: Apache-2.0
// Matcher tests: every rule of "How an outbound (>) line is matched".
#include "drill/matcher.hpp"

#include <gtest/gtest.h>

// Designated initializers that leave fields at their defaults are the point here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "drill/fake_target.hpp"
#include "drill/parser.hpp"

namespace synack::drill {
namespace {

using testing::stack_packet;
using testing::StackSegment;

PacketEvent line(std::string_view text) {
  const auto s = parse_script(text, "m.pkt");
  return std::get<PacketEvent>(s.events.at(0).body);
}

LivePacket live(const StackSegment& s) {
  return *parse_live(stack_packet(s));
}

SeqMap isn(std::uint32_t v) {
  SeqMap m;
  m.local_isn = v;
  m.have_local_isn = true;
  return m;
}

TEST(Matcher, SynSetsIsnAndIgnoresTimestampValues) {
  const auto script =
      line("+0 > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>");
  StackSegment s{.seq = 123456, .flags = TcpFlags::kSyn};
  s.options.mss(1460).nop().window_scale(6).sack_permitted().timestamps(98765, 0);
  const auto pkt = live(s);
  SeqMap map;
  learn_isn(script, pkt, map);
  EXPECT_TRUE(map.have_local_isn);
  EXPECT_EQ(map.local_isn, 123456u);
  EXPECT_EQ(match_outbound(script, pkt, map), std::nullopt);
  learn_timestamps(script, pkt, map);
  EXPECT_EQ(map.ts_val.at(100), 98765u);
}

TEST(Matcher, SeqIsRelativeToIsn) {
  const auto script = line("+0 > . 1:1(0) ack 1 win 65535");
  EXPECT_EQ(
      match_outbound(script, live({.seq = 1001, .ack = 1, .flags = TcpFlags::kAck}), isn(1000)),
      std::nullopt);
  EXPECT_EQ(
      match_outbound(script, live({.seq = 1002, .ack = 1, .flags = TcpFlags::kAck}), isn(1000)),
      "live packet field tcp_seq: expected: 1 vs actual: 2");
}

TEST(Matcher, AckComparedEvenWithoutAckFlag) {
  EXPECT_EQ(match_outbound(line("+0 > . 1:1(0) ack 1 win 65535"),
                           live({.seq = 1001, .ack = 0, .flags = TcpFlags::kAck}), isn(1000)),
            "live packet field tcp_ack_seq: expected: 1 vs actual: 0");
  // Omitted ack means 0, even when the ACK flag is clear.
  EXPECT_EQ(
      match_outbound(line("+0 > R 34:34(0) win 0"),
                     live({.seq = 34, .ack = 7, .flags = TcpFlags::kRst, .window = 0}), SeqMap{}),
      "live packet field tcp_ack_seq: expected: 0 vs actual: 7");
}

TEST(Matcher, AllFlagsCompared) {
  const auto script = line("+0 > F. 1:1(0) ack 1 win 65535");
  EXPECT_EQ(match_outbound(script, live({.seq = 1, .ack = 1, .flags = TcpFlags::kAck}), SeqMap{}),
            "live packet field tcp_fin: expected: 1 vs actual: 0");
  EXPECT_EQ(
      match_outbound(
          script,
          live({.seq = 1, .ack = 1, .flags = TcpFlags::kAck | TcpFlags::kFin | TcpFlags::kEce}),
          SeqMap{}),
      "live packet field tcp_ece: expected: 0 vs actual: 1");
}

TEST(Matcher, WindowOnlyWhenGivenUrgentAlways) {
  const StackSegment s{
      .seq = 1, .ack = 1, .flags = TcpFlags::kAck | TcpFlags::kPsh, .window = 1234, .payload = 10};
  EXPECT_EQ(match_outbound(line("+0 > P. 1:11(10) ack 1"), live(s), SeqMap{}), std::nullopt);
  EXPECT_EQ(match_outbound(line("+0 > P. 1:11(10) ack 1 win 65535"), live(s), SeqMap{}),
            "live packet field tcp_window: expected: 65535 vs actual: 1234");
  EXPECT_EQ(match_outbound(line("+0 > P. 1:11(10) ack 1 urg 5"), live(s), SeqMap{}),
            "live packet field tcp_urg_ptr: expected: 5 vs actual: 0");
}

TEST(Matcher, OptionsExactLayout) {
  StackSegment s{.seq = 1, .ack = 100, .flags = TcpFlags::kAck};
  s.options.sack(std::vector<SackBlock>{{SeqNum(200), SeqNum(300)}}).nop().nop();
  const auto pkt = live(s);
  EXPECT_EQ(match_outbound(line("+0 > . 1:1(0) ack 100 <nop,nop,sack 200:300>"), pkt, SeqMap{}),
            "bad outbound TCP options: expected: <nop,nop,sack 200:300> vs actual: <sack "
            "200:300,nop,nop>");
  EXPECT_EQ(match_outbound(line("+0 > . 1:1(0) ack 100 <sack 200:300,nop,nop>"), pkt, SeqMap{}),
            std::nullopt);
  EXPECT_EQ(match_outbound(line("+0 > . 1:1(0) ack 100 <...>"), pkt, SeqMap{}), std::nullopt);
  EXPECT_EQ(match_outbound(line("+0 > . 1:1(0) ack 100"), pkt, SeqMap{}),
            "bad outbound TCP options: expected: none vs actual: <sack 200:300,nop,nop>");
  EXPECT_EQ(match_outbound(line("+0 > . 1:1(0) ack 100 <sack 200:301,nop,nop>"), pkt, SeqMap{})
                .value_or("")
                .substr(0, 25),
            "bad outbound TCP options:");
}

TEST(Matcher, EolPaddingIsPartOfTheLayout) {
  StackSegment s{.seq = 0, .ack = 1, .flags = TcpFlags::kSyn | TcpFlags::kAck};
  s.options.mss(1460).sack_permitted().eol();
  const auto pkt = live(s);
  EXPECT_EQ(match_outbound(line("+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,eol,eol>"), pkt, SeqMap{}),
            std::nullopt);
  EXPECT_NE(match_outbound(line("+0 > S. 0:0(0) ack 1 <mss 1460,nop,sackOK>"), pkt, SeqMap{}),
            std::nullopt);
}

TEST(Matcher, PayloadLengthAndZeros) {
  const auto pkt = live({.seq = 1, .ack = 1, .flags = TcpFlags::kAck, .payload = 5});
  EXPECT_EQ(match_outbound(line("+0 > . 1:11(10) ack 1"), pkt, SeqMap{}),
            "live packet payload: expected 10 bytes vs actual 5 bytes");
  EXPECT_EQ(match_outbound(line("+0 > . 1:6(5) ack 1"), pkt, SeqMap{}), std::nullopt);
}

TEST(Matcher, FreeBsdSeqExtras) {
  const auto pkt = live({.seq = 777, .ack = 65537, .flags = TcpFlags::kSyn | TcpFlags::kAck});
  EXPECT_EQ(match_outbound(line("+0 > S. ...(0) ack 65537"), pkt, isn(5)), std::nullopt);
  EXPECT_EQ(match_outbound(line("+0 > S. 777!:777!(0) ack 65537"), pkt, isn(5)), std::nullopt);
  EXPECT_EQ(match_outbound(line("+0 > S. 772:772(0) ack 65537"), pkt, isn(5)), std::nullopt);
}

TEST(Matcher, EcnCodepoint) {
  const auto pkt = live({.seq = 1, .ack = 1, .flags = TcpFlags::kAck, .tos = 2});
  EXPECT_EQ(match_outbound(line("+0 > [ect0] . 1:1(0) ack 1"), pkt, SeqMap{}), std::nullopt);
  EXPECT_EQ(match_outbound(line("+0 > [noecn] . 1:1(0) ack 1"), pkt, SeqMap{}),
            "live packet field ip_ecn: expected: 0 vs actual: 2");
}

TEST(Matcher, InboundMapsAckSackAndTsEcr) {
  SeqMap map = isn(1000);
  map.ts_val[100] = 5000;
  map.first_ts = std::make_pair(100u, 5000u);
  const Endpoints ends{Ipv4Addr::from_octets(192, 168, 0, 1), Ipv4Addr::from_octets(192, 0, 2, 1),
                       8080, 48000};
  const auto bytes = build_inbound(
      line("+0 < [ect1] P. 7:17(10) ack 5 win 300 <nop,nop,TS val 9 ecr 100,nop,nop,sack 9:12>"),
      map, ends);
  const auto p = parse_ipv4_tcp(Bytes(bytes));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ip.src(), ends.remote_addr);
  EXPECT_EQ(p->ip.dst(), ends.local_addr);
  EXPECT_EQ(p->ip.tos() & 3, 1);
  EXPECT_EQ(p->tcp.src_port, 48000);
  EXPECT_EQ(p->tcp.dst_port, 8080);
  EXPECT_EQ(p->tcp.seq.raw(), 7u);     // the script's own numbers: as written
  EXPECT_EQ(p->tcp.ack.raw(), 1005u);  // the stack's numbers: shifted by its ISN
  EXPECT_EQ(p->tcp.window, 300);
  EXPECT_EQ(p->tcp.payload.size(), 10u);
  const auto sum = p->tcp.options.summarize();
  ASSERT_TRUE(sum.timestamps);
  EXPECT_EQ(sum.timestamps->val, 9u);
  EXPECT_EQ(sum.timestamps->ecr, 5000u);  // the TS val the stack really sent
  ASSERT_EQ(sum.sack_count, 1);
  EXPECT_EQ(sum.sack[0].left.raw(), 1009u);
  EXPECT_EQ(sum.sack[0].right.raw(), 1012u);
}

TEST(Matcher, InboundEcrInterpolatesAndAbsoluteAck) {
  SeqMap map = isn(1000);
  map.ts_val[100] = 5000;
  map.first_ts = std::make_pair(100u, 5000u);
  const Endpoints ends{Ipv4Addr::from_octets(192, 168, 0, 1), Ipv4Addr::from_octets(192, 0, 2, 1),
                       8080, 48000};
  const auto bytes =
      build_inbound(line("+0 < . 1:1(0) ack 5! win 300 <TS val 9 ecr 150,nop,nop>"), map, ends);
  const auto p = parse_ipv4_tcp(Bytes(bytes));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->tcp.ack.raw(), 5u);
  EXPECT_EQ(p->tcp.options.summarize().timestamps->ecr, 5050u);
  EXPECT_EQ(map.map_ecr(7), 4907u);
  EXPECT_EQ(SeqMap{}.map_ecr(7), 7u);
}

TEST(Matcher, FormatLivePrintsScriptSpace) {
  StackSegment s{.seq = 1001, .ack = 1, .flags = TcpFlags::kAck | TcpFlags::kFin};
  EXPECT_EQ(format_live(live(s), isn(1000)), "F. 1:1(0) ack 1 win 65535");
}

}  // namespace
}  // namespace synack::drill
