// SPDX-License-Identifier: Apache-2.0
#include "tcp/congestion.hpp"

#include <gtest/gtest.h>

#include "tcp/cc_newreno.hpp"

namespace synack::tcp {
namespace {

const Instant kT0{seconds(100)};

TEST(CongestionFactory, CreatesByName) {
  auto reno = make_congestion_control("newreno", 1460);
  ASSERT_TRUE(reno.has_value());
  EXPECT_EQ((*reno)->name(), "newreno");
  auto cubic = make_congestion_control("cubic", 1460);
  ASSERT_TRUE(cubic.has_value());
  EXPECT_EQ((*cubic)->name(), "cubic");
  EXPECT_EQ((*cubic)->cwnd(), 14600u);
  const auto bad = make_congestion_control("vegas", 1460);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), std::errc::invalid_argument);
  EXPECT_EQ(congestion_control_names().size(), 2u);
}

TEST(CongestionControl, AvailableAndCanSend) {
  NewReno cc(1000);
  EXPECT_TRUE(cc.can_send(9999));
  EXPECT_FALSE(cc.can_send(10000));
  EXPECT_EQ(cc.available(4000), 6000u);
  EXPECT_EQ(cc.available(12000), 0u);
}

// Linux's cwnd validation (tcp_is_cwnd_limited): with the gate, an
// application-limited sender's slow start stops at twice what it had in flight.
TEST(CongestionControl, GrowthGatedOnUseStopsAtTwiceTheFlight) {
  NewReno gated(1000);
  gated.gate_growth_on_use(true);
  NewReno free(1000);
  const Instant t0{};
  // Five 1000-byte segments in flight from an initial window of ten.
  gated.on_data_sent(5000, SeqNum(1), SeqNum(5001));
  EXPECT_FALSE(gated.cwnd_limited());  // cwnd 10 segments is not < 2 x 5
  gated.on_ack(2000, Duration::zero(), t0);
  free.on_ack(2000, Duration::zero(), t0);
  EXPECT_EQ(gated.cwnd(), 10000u);
  EXPECT_EQ(free.cwnd(), 12000u);
  // Six in flight: it may grow to twelve, no further.
  gated.on_data_sent(6000, SeqNum(5001), SeqNum(11001));
  EXPECT_TRUE(gated.cwnd_limited());
  gated.on_ack(2000, Duration::zero(), t0);
  EXPECT_EQ(gated.cwnd(), 12000u);
  EXPECT_FALSE(gated.cwnd_limited());
  gated.on_ack(2000, Duration::zero(), t0);
  EXPECT_EQ(gated.cwnd(), 12000u);
  // A send that fills cwnd makes the window cwnd-limited: growth resumes.
  gated.on_data_sent(12000, SeqNum(11001), SeqNum(23001));
  EXPECT_TRUE(gated.cwnd_limited());
  gated.on_ack(2000, Duration::zero(), t0);
  EXPECT_EQ(gated.cwnd(), 14000u);
}

// A sender with ten 1000-byte segments outstanding: [1, 10001).
AckSample dup(std::uint32_t una = 1, std::uint32_t nxt = 10001) {
  return AckSample{.seg_ack = SeqNum(una),
                   .seg_wnd = 65535,
                   .carries_data = false,
                   .snd_una = SeqNum(una),
                   .snd_nxt = SeqNum(nxt),
                   .snd_wnd = 65535};
}

AckSample new_ack(std::uint32_t ack, std::uint32_t una, std::uint32_t nxt) {
  AckSample a = dup(una, nxt);
  a.seg_ack = SeqNum(ack);
  return a;
}

TEST(DuplicateAck, FollowsTheRfc5681Definition) {
  EXPECT_TRUE(is_duplicate_ack(dup()));
  AckSample a = dup();
  a.seg_wnd = 1000;  // (e) window changed
  EXPECT_FALSE(is_duplicate_ack(a));
  a = dup();
  a.carries_data = true;  // (b)
  EXPECT_FALSE(is_duplicate_ack(a));
  EXPECT_FALSE(is_duplicate_ack(dup(1, 1)));               // (a) nothing outstanding
  EXPECT_FALSE(is_duplicate_ack(new_ack(501, 1, 10001)));  // (d)
}

TEST(LossRecovery, LimitedTransmitThenFastRetransmitThenNewRenoRecovery) {
  NewReno cc(1000);
  LossRecovery lr(SeqNum(0));
  auto d = lr.on_ack(dup(), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.kind, AckKind::kDuplicate);
  EXPECT_EQ(d.action, RecoveryAction::kLimitedTransmit);
  EXPECT_EQ(lr.send_window(cc), 11000u);  // RFC 3042: cwnd + 1 segment
  d = lr.on_ack(dup(), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kLimitedTransmit);
  EXPECT_EQ(lr.send_window(cc), 12000u);
  EXPECT_EQ(cc.cwnd(), 10000u);                             // limited transmit never changes cwnd
  d = lr.on_ack(dup(1, 12001), cc, Duration::zero(), kT0);  // two more were sent
  EXPECT_EQ(d.action, RecoveryAction::kFastRetransmit);
  EXPECT_TRUE(lr.in_recovery());
  EXPECT_EQ(lr.recover(), SeqNum(12001));
  EXPECT_EQ(cc.ssthresh(), 6000u);  // FlightSize 12000 / 2
  EXPECT_EQ(cc.cwnd(), 9000u);      // + 3·SMSS
  EXPECT_EQ(lr.send_window(cc), 9000u);
  d = lr.on_ack(dup(1, 12001), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kNone);
  EXPECT_EQ(cc.cwnd(), 10000u);  // inflation
  // Partial ACKs: retransmit the next hole; only the first restarts the timer.
  d = lr.on_ack(new_ack(2001, 1, 12001), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.kind, AckKind::kNewData);
  EXPECT_EQ(d.action, RecoveryAction::kRetransmitFirst);
  EXPECT_EQ(d.bytes_acked, 2000u);
  EXPECT_TRUE(d.restart_rto_timer);
  EXPECT_EQ(cc.cwnd(), 9000u);  // −2000 + 1000
  d = lr.on_ack(new_ack(5001, 2001, 12001), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kRetransmitFirst);
  EXPECT_FALSE(d.restart_rto_timer);
  // The full ACK ends recovery: min(ssthresh, max(FlightSize, SMSS) + SMSS).
  d = lr.on_ack(new_ack(12001, 5001, 13001), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kExitedRecovery);
  EXPECT_TRUE(d.restart_rto_timer);
  EXPECT_FALSE(lr.in_recovery());
  EXPECT_EQ(cc.cwnd(), 2000u);
}

TEST(LossRecovery, NoSecondFastRetransmitForTheSameWindow) {
  NewReno cc(1000);
  LossRecovery lr(SeqNum(0));
  for (int i = 0; i < 3; ++i) lr.on_ack(dup(), cc, Duration::zero(), kT0);
  ASSERT_TRUE(lr.in_recovery());
  lr.on_ack(new_ack(10001, 1, 15001), cc, Duration::zero(), kT0);  // full ACK
  ASSERT_FALSE(lr.in_recovery());
  const std::uint32_t ssthresh = cc.ssthresh();
  // Duplicates of exactly `recover` (10001): RFC 6582 §3.2 step 2 says no.
  RecoveryDecision d;
  for (int i = 0; i < 3; ++i) d = lr.on_ack(dup(10001, 15001), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kNone);
  EXPECT_FALSE(lr.in_recovery());
  EXPECT_EQ(cc.ssthresh(), ssthresh);
  // Beyond recover, three duplicates trigger again.
  lr.on_ack(new_ack(11001, 10001, 15001), cc, Duration::zero(), kT0);
  for (int i = 0; i < 3; ++i) d = lr.on_ack(dup(11001, 15001), cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kFastRetransmit);
}

TEST(LossRecovery, WorksAcrossTheSequenceWrap) {
  NewReno cc(1000);
  const SeqNum iss(0xFFFFFFFFu);  // the first data byte is sequence 0
  LossRecovery lr(iss);
  AckSample a{.seg_ack = iss + 1,
              .seg_wnd = 65535,
              .carries_data = false,
              .snd_una = iss + 1,
              .snd_nxt = iss + 10001,
              .snd_wnd = 65535};
  RecoveryDecision d;
  for (int i = 0; i < 3; ++i) d = lr.on_ack(a, cc, Duration::zero(), kT0);
  EXPECT_EQ(d.action, RecoveryAction::kFastRetransmit);
}

TEST(LossRecovery, AWindowUpdateBreaksTheDuplicateRun) {
  NewReno cc(1000);
  LossRecovery lr(SeqNum(0));
  lr.on_ack(dup(), cc, Duration::zero(), kT0);
  lr.on_ack(dup(), cc, Duration::zero(), kT0);
  AckSample update = dup();
  update.seg_wnd = 30000;
  EXPECT_EQ(lr.on_ack(update, cc, Duration::zero(), kT0).kind, AckKind::kOther);
  EXPECT_EQ(lr.dup_acks(), 0u);
  EXPECT_EQ(lr.on_ack(dup(), cc, Duration::zero(), kT0).action, RecoveryAction::kLimitedTransmit);
}

TEST(LossRecovery, TimeoutLeavesRecoveryAndRecordsRecover) {
  NewReno cc(1000);
  LossRecovery lr(SeqNum(0));
  for (int i = 0; i < 3; ++i) lr.on_ack(dup(), cc, Duration::zero(), kT0);
  ASSERT_TRUE(lr.in_recovery());
  lr.on_rto(SeqNum(10001), 10000, cc, kT0);
  EXPECT_FALSE(lr.in_recovery());
  EXPECT_EQ(lr.recover(), SeqNum(10001));
  EXPECT_EQ(cc.cwnd(), 1000u);
  EXPECT_EQ(lr.dup_acks(), 0u);
}

TEST(LossRecovery, PartialDesignatedInitializersCompile) {
  // Every AckSample field has a default, so callers may name only what they set.
  const AckSample a{.seg_ack = SeqNum(5), .snd_una = SeqNum(5), .snd_nxt = SeqNum(10)};
  EXPECT_TRUE(is_duplicate_ack(a));
}

TEST(LossRecovery, LimitedTransmitCanBeDisabled) {
  NewReno cc(1000);
  LossRecovery lr(SeqNum(0), CongestionConfig{.limited_transmit = false});
  EXPECT_EQ(lr.on_ack(dup(), cc, Duration::zero(), kT0).action, RecoveryAction::kNone);
  EXPECT_EQ(lr.send_window(cc), cc.cwnd());
}

}  // namespace
}  // namespace synack::tcp
