// SPDX-License-Identifier: Apache-2.0
// TCP_CONGESTION on a live connection (Connection::set_congestion_control) with
// the segment DSL, virtual time: the new algorithm continues from the current
// cwnd and ssthresh, as Linux's tcp_reinit_congestion_control does (issue 17).
#include <string>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

TEST(CongestionSwitch, KeepsCwndAndSsthresh) {
  Harness h;
  h.established();
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(h.conn.send(as_bytes(std::string(1460, 'a')), h.now).has_value());
  }
  h.drain();        // 4 segments 101 … 5941
  h.advance(1000);  // RTO (no RTT sample yet: 1 s): cwnd = 1 SMSS, ssthresh = FlightSize/2
  ASSERT_EQ(h.drain().size(), 1u);
  Info i = h.conn.info(h.now);
  ASSERT_EQ(i.snd_cwnd, 1u);
  ASSERT_EQ(i.snd_ssthresh, 2u);
  ASSERT_TRUE(h.conn.set_congestion_control("cubic").has_value());
  i = h.conn.info(h.now);
  EXPECT_EQ(i.snd_cwnd, 1u);      // not the initial window (10) again
  EXPECT_EQ(i.snd_ssthresh, 2u);  // not "arbitrarily high" again
  // The RTO episode goes on under CUBIC: the ACK of the retransmission grows
  // cwnd in slow start (RFC 3465 §2.3: L = 1 SMSS after an RTO).
  h.inject({.flags = ACK, .seq = 301, .ack = 1561});
  EXPECT_EQ(h.conn.info(h.now).snd_cwnd, 2u);
  // Back to NewReno, and an unknown name changes nothing (Linux: ENOENT).
  ASSERT_TRUE(h.conn.set_congestion_control("reno").has_value());
  EXPECT_EQ(h.conn.info(h.now).snd_cwnd, 2u);
  EXPECT_EQ(h.conn.set_congestion_control("bbr").error(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(h.conn.info(h.now).snd_cwnd, 2u);
}

}  // namespace
}  // namespace synack::tcp::test
