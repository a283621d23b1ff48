// SPDX-License-Identifier: Apache-2.0
// TCP_INFO (info.hpp) with the segment DSL: every counter moves when and only
// when the RFC 4898 / Linux definition says so.
#include <array>
#include <string>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

TEST(Info, HandshakeAndDataCounters) {
  Harness h;
  h.established();  // SYN out, SYN-ACK in, ACK out
  Info i = h.conn.info(h.now);
  EXPECT_EQ(i.state, State::kEstablished);
  EXPECT_EQ(i.segs_out, 2u);
  EXPECT_EQ(i.segs_in, 1u);
  EXPECT_EQ(i.snd_mss, 1460u);
  EXPECT_EQ(i.rcv_mss, 536u);  // Linux's initial estimate before data arrives
  EXPECT_EQ(i.snd_cwnd, 10u);  // RFC 6928 initial window, segments
  EXPECT_EQ(i.snd_ssthresh, 0x7fffffffu);
  EXPECT_EQ(i.bytes_acked, 0u);

  ASSERT_TRUE(h.conn.send(as_bytes(std::string(1000, 'x')), h.now).has_value());
  h.drain();
  h.advance(40);
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 1101, .data = std::string(700, 'y')});
  h.drain();
  i = h.conn.info(h.now);
  EXPECT_EQ(i.bytes_acked, 1000u);
  EXPECT_EQ(i.bytes_received, 700u);
  EXPECT_EQ(i.rcv_mss, 700u);
  EXPECT_EQ(i.segs_out, 4u);  // + data, + ACK of the peer's data
  EXPECT_EQ(i.segs_in, 2u);
  EXPECT_EQ(i.rtt, 40000u);  // µs: SRTT = the first sample (RFC 6298 (2.2))
  EXPECT_EQ(i.rttvar, 20000u);
  EXPECT_EQ(i.rto, 200000u);  // 40 + 4·20 = 120 ms, raised to min_rto 200 ms
  EXPECT_EQ(i.unacked, 0u);
  EXPECT_EQ(i.total_retrans, 0u);
  EXPECT_EQ(i.delivery_rate, 0u);  // the first ACK only opens the window
  ASSERT_TRUE(h.conn.send(as_bytes(std::string(500, 'z')), h.now).has_value());
  h.drain();
  h.advance(50);
  h.inject({.flags = ACK, .seq = 1001, .ack = 1601});
  i = h.conn.info(h.now);
  EXPECT_EQ(i.delivery_rate, 10000u);  // 500 bytes in 50 ms
  EXPECT_EQ(i.last_ack_recv, 0u);
  h.advance(1234);
  EXPECT_EQ(h.conn.info(h.now).last_ack_recv, 1234u);
}

TEST(Info, RetransmissionsAndDuplicateAcks) {
  Harness h;
  h.established();
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(h.conn.send(as_bytes(std::string(1460, 'a')), h.now).has_value());
  }
  h.drain();  // 4 segments 101 … 5941
  EXPECT_EQ(h.conn.info(h.now).unacked, 4u * 1460u);
  for (int k = 0; k < 3; ++k) h.inject({.flags = ACK, .seq = 301, .ack = 101});
  h.drain();  // fast retransmit on the third
  Info i = h.conn.info(h.now);
  EXPECT_EQ(i.dup_acks, 3u);
  EXPECT_EQ(i.total_retrans, 1u);
  h.advance(5000);  // RTO
  h.drain();
  i = h.conn.info(h.now);
  EXPECT_GE(i.total_retrans, 2u);
  EXPECT_GE(i.retransmits, 1u);
  EXPECT_LT(i.snd_ssthresh, 0x7fffffffu);  // a loss set ssthresh (segments)
  EXPECT_EQ(i.snd_ssthresh, i.snd_ssthresh_bytes / 1460u);
  EXPECT_EQ(i.snd_cwnd, 1u);  // RFC 5681 §3.1: one segment after an RTO
}

TEST(Info, SackBlocksAndReassembly) {
  Config c = test_config();
  c.sack = true;
  Harness h(c);
  h.established_sack(10000);
  ASSERT_TRUE(h.conn.info(h.now).options & 2);  // TCPI_OPT_SACK
  // Out-of-order data: 100 bytes held beyond a hole.
  h.inject({.flags = ACK, .seq = 401, .ack = 101, .data = std::string(100, 'q')});
  h.drain();
  EXPECT_EQ(h.conn.info(h.now).reord_bytes, 100u);
  // A segment from the peer with two SACK blocks.
  ASSERT_TRUE(h.conn.send(as_bytes(std::string(3000, 's')), h.now).has_value());
  h.drain();
  TcpSegment ack;
  ack.src_port = h.tuple.remote.port;
  ack.dst_port = h.tuple.local.port;
  ack.seq = SeqNum(301);
  ack.ack = SeqNum(101);
  ack.flags.bits = ACK;
  ack.window = 10000;
  const std::array<SackBlock, 2> blocks{SackBlock{SeqNum(1561), SeqNum(2000)},
                                        SackBlock{SeqNum(2500), SeqNum(3000)}};
  ack.options.nop().nop().sack(blocks);
  h.conn.on_segment(ack, h.now);
  EXPECT_EQ(h.conn.info(h.now).sack_blocks, 2u);
  // The hole fills: nothing is held any more.
  h.inject({.flags = ACK, .seq = 301, .ack = 101, .data = std::string(100, 'p')});
  EXPECT_EQ(h.conn.info(h.now).reord_bytes, 0u);
  EXPECT_EQ(h.conn.info(h.now).bytes_received, 200u);
}

TEST(Info, KeepaliveProbesCounted) {
  Config c = test_config();
  c.keepalive = true;
  c.keepalive_idle = seconds(1);
  c.keepalive_interval = seconds(1);
  Harness h(c);
  h.established();
  h.advance(1000);
  h.drain();
  h.advance(1000);
  h.drain();
  EXPECT_EQ(h.conn.info(h.now).probes, 2u);
}

}  // namespace
}  // namespace synack::tcp::test
