// SPDX-License-Identifier: Apache-2.0
#include "tcp/cc_newreno.hpp"
#include "base/rfc_tag.hpp"

#include <gtest/gtest.h>

namespace synack::tcp {
namespace {

const Instant kT0{seconds(100)};

TEST(InitialWindow, FollowsRfc6928) {
  const CongestionConfig def;
  EXPECT_EQ(initial_window(1460, def), 14600u);  // 10 segments
  EXPECT_EQ(initial_window(536, def), 5360u);
  EXPECT_EQ(initial_window(9000, def), 18000u);  // max(2·SMSS, 14600) caps it
  EXPECT_EQ(initial_window(1460, CongestionConfig{.initial_window_segments = 4}), 5840u);
  EXPECT_EQ(NewReno(1460).cwnd(), 14600u);
}

TEST(NewReno, SlowStartCountsBytesUpToTwoSegmentsPerAck) {
  SYNACK_RFC("MUST-19");
  NewReno cc(1000);
  EXPECT_EQ(cc.cwnd(), 10000u);
  EXPECT_TRUE(cc.in_slow_start());
  cc.on_ack(1000, Duration::zero(), kT0);
  EXPECT_EQ(cc.cwnd(), 11000u);
  cc.on_ack(5000, Duration::zero(), kT0);  // RFC 3465: min(N, 2·SMSS)
  EXPECT_EQ(cc.cwnd(), 13000u);
  cc.on_ack(300, Duration::zero(), kT0);
  EXPECT_EQ(cc.cwnd(), 13300u);
}

TEST(NewReno, CongestionAvoidanceAddsOneSegmentPerWindowAcked) {
  SYNACK_RFC("MUST-19");
  NewReno cc(1000, CongestionConfig{.exit_recovery_to_ssthresh = true});
  cc.enter_recovery(20000, kT0);  // ssthresh = 10000
  cc.on_recovery_exit(0);         // cwnd = ssthresh
  ASSERT_EQ(cc.cwnd(), 10000u);
  ASSERT_FALSE(cc.in_slow_start());
  for (int i = 0; i < 9; ++i) cc.on_ack(1000, Duration::zero(), kT0);
  EXPECT_EQ(cc.cwnd(), 10000u);
  EXPECT_EQ(cc.bytes_acked(), 9000u);
  cc.on_ack(1500, Duration::zero(), kT0);
  EXPECT_EQ(cc.cwnd(), 11000u);
  EXPECT_EQ(cc.bytes_acked(), 500u);
}

TEST(NewReno, SlowStartStopsAtSsthreshAndCarriesTheRestIntoAvoidance) {
  NewReno cc(1000, CongestionConfig{.exit_recovery_to_ssthresh = true});
  cc.on_rto(24000, kT0);                   // ssthresh 12000, cwnd 1000
  cc.on_ack(1000, Duration::zero(), kT0);  // L = 1 SMSS after an RTO
  for (int i = 0; i < 10; ++i) cc.on_ack(1000, Duration::zero(), kT0);
  EXPECT_EQ(cc.cwnd(), 12000u);
  EXPECT_FALSE(cc.in_slow_start());
  EXPECT_EQ(cc.bytes_acked(), 0u);
  NewReno cc2(1000);
  cc2.on_rto(24000, kT0);
  for (int i = 0; i < 10; ++i) cc2.on_ack(1000, Duration::zero(), kT0);  // cwnd 11000
  cc2.on_ack(1000, Duration::zero(), kT0);                               // reaches 12000 exactly
  EXPECT_EQ(cc2.cwnd(), 12000u);
}

TEST(NewReno, LossHalvesTheFlightButNotBelowTwoSegments) {
  NewReno cc(1000);
  cc.enter_recovery(30000, kT0);
  EXPECT_EQ(cc.ssthresh(), 15000u);
  EXPECT_EQ(cc.cwnd(), 18000u);  // ssthresh + 3·SMSS
  NewReno small(1000);
  small.enter_recovery(3000, kT0);
  EXPECT_EQ(small.ssthresh(), 2000u);
}

TEST(NewReno, FastRecoveryInflatesAndDeflates) {
  NewReno cc(1000);
  cc.enter_recovery(20000, kT0);  // ssthresh 10000, cwnd 13000
  cc.on_dup_ack();
  EXPECT_EQ(cc.cwnd(), 14000u);
  cc.on_partial_ack(3000);  // −3000 + 1000
  EXPECT_EQ(cc.cwnd(), 12000u);
  cc.on_partial_ack(500);  // less than one SMSS: nothing added back
  EXPECT_EQ(cc.cwnd(), 11500u);
  cc.on_recovery_exit(4000);  // option 1: min(ssthresh, max(4000, SMSS) + SMSS)
  EXPECT_EQ(cc.cwnd(), 5000u);
}

TEST(NewReno, RetransmissionTimeoutResetsToTheLossWindow) {
  NewReno cc(1000);
  cc.on_rto(40000, kT0);
  EXPECT_EQ(cc.cwnd(), 1000u);
  EXPECT_EQ(cc.ssthresh(), 20000u);
  cc.on_rto(1000, kT0);  // the same data times out again: ssthresh held
  EXPECT_EQ(cc.ssthresh(), 20000u);
  cc.on_ack(1000, Duration::zero(), kT0);  // new data: the episode ends
  cc.on_rto(10000, kT0);
  EXPECT_EQ(cc.ssthresh(), 5000u);
}

}  // namespace
}  // namespace synack::tcp
