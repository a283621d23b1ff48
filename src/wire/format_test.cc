// SPDX-License-Identifier: Apache-2.0
// The one-line printer (packetdrill/tcpdump style).
#include "wire/format.hpp"

#include <gtest/gtest.h>

#include "wire/test_util.hpp"

namespace synack {
namespace {

TcpSegment syn() {
  TcpSegment s;
  s.src_port = 80;
  s.dst_port = 5000;
  s.flags.bits = TcpFlags::kSyn;
  s.window = 65535;
  s.options.mss(1460).nop().window_scale(6).sack_permitted().timestamps(1, 0);
  return s;
}

TEST(Format, SynInPacketdrillStyle) {
  EXPECT_EQ(format_segment(syn()),
            "S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>");
}

TEST(Format, SynAckShowsAck) {
  TcpSegment s = syn();
  s.flags.bits = TcpFlags::kSyn | TcpFlags::kAck;
  s.ack = SeqNum(1);
  s.options = TcpOptions{}.mss(1460);
  EXPECT_EQ(format_segment(s), "S. 0:0(0) ack 1 win 65535 <mss 1460>");
}

TEST(Format, DataSegmentShowsRangeAndLength) {
  TcpSegment s;
  const std::string data(100, 'x');
  s.flags.bits = TcpFlags::kPsh | TcpFlags::kAck;
  s.seq = SeqNum(1);
  s.ack = SeqNum(1);
  s.window = 502;
  s.payload = as_bytes(data);
  EXPECT_EQ(format_segment(s), "P. 1:101(100) ack 1 win 502");
}

TEST(Format, SequenceNumbersWrap) {
  TcpSegment s;
  const std::string data(16, 'x');
  s.flags.bits = TcpFlags::kAck;
  s.seq = SeqNum(0xfffffff8);
  s.payload = as_bytes(data);
  EXPECT_EQ(format_segment(s), ". 4294967288:8(16) ack 0 win 0");
}

TEST(Format, NoFlagsUrgentAndSack) {
  TcpSegment s;
  EXPECT_EQ(format_segment(s), "- 0:0(0) win 0");
  s.flags.bits = TcpFlags::kUrg | TcpFlags::kAck;
  s.urgent = 3;
  const SackBlock blocks[] = {{SeqNum(10), SeqNum(20)}, {SeqNum(30), SeqNum(40)}};
  s.options.nop().nop().sack(blocks);
  EXPECT_EQ(format_segment(s), ".U 0:0(0) ack 0 win 0 urg 3 <nop,nop,sack 10:20 30:40>");
}

TEST(Format, OptionsEdgeCases) {
  EXPECT_EQ(format_options(TcpOptions{}), "");
  EXPECT_EQ(format_options(TcpOptions{}.window_scale(15)), "wscale 15");
  EXPECT_EQ(format_options(TcpOptions{}.raw(253, test::from_hex("abcd")).raw(99, {})),
            "unknown-253 0xabcd,unknown-99");
  EXPECT_EQ(format_options(TcpOptions{}.raw(2, test::from_hex("05"))), "unknown-2 0x05");
  // EOL ends the list: the padding after it is not printed.
  const auto parsed = TcpOptions::parse(test::from_hex("03030700"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(format_options(*parsed), "wscale 7,eol");
}

TEST(Format, PacketWithAddresses) {
  EXPECT_EQ(format_packet(test::kA, test::kB, syn()),
            "10.0.0.1:80 > 10.0.0.2:5000 S 0:0(0) win 65535 "
            "<mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>");
}

}  // namespace
}  // namespace synack
