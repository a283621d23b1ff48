// SPDX-License-Identifier: Apache-2.0
#include "tcp/cc_cubic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

namespace synack::tcp {
namespace {

const Instant kT0{seconds(100)};
constexpr std::uint32_t kMss = 1000;

// Slow start from the initial window to `segments`·SMSS, then a loss with
// that whole window in flight, ended by a full ACK (cwnd = ssthresh).
std::unique_ptr<Cubic> after_loss_at(std::uint32_t segments, bool fast_convergence = true) {
  auto ccp = std::make_unique<Cubic>(kMss, CongestionConfig{.exit_recovery_to_ssthresh = true},
                                     fast_convergence);
  Cubic& cc = *ccp;
  while (cc.cwnd() < segments * kMss) cc.on_ack(kMss, milliseconds(100), kT0);
  EXPECT_EQ(cc.cwnd(), segments * kMss);
  cc.enter_recovery(segments * kMss, kT0);
  cc.on_recovery_exit(0);
  return ccp;
}

TEST(Cubic, MultiplicativeDecreaseUsesBeta) {
  auto cc_owner = after_loss_at(100);
  Cubic& cc = *cc_owner;
  EXPECT_EQ(cc.ssthresh(), 70000u);  // 0.7 · FlightSize (RFC 9438 §4.6)
  EXPECT_EQ(cc.cwnd(), 70000u);
  EXPECT_DOUBLE_EQ(cc.w_max(), 100.0);
}

TEST(Cubic, WindowFunctionMatchesTheRfcFormula) {
  auto cc_owner = after_loss_at(100);
  Cubic& cc = *cc_owner;
  cc.on_ack(kMss, milliseconds(100), kT0);  // first ACK in avoidance: the epoch starts
  ASSERT_TRUE(cc.in_epoch());
  // K = ∛((W_max − cwnd_epoch)/C) = ∛(30 / 0.4) = ∛75
  EXPECT_NEAR(cc.k(), 4.217163326508746, 1e-12);
  EXPECT_NEAR(cc.w_cubic(0.0), 70.0, 1e-9);
  EXPECT_NEAR(cc.w_cubic(cc.k()), 100.0, 1e-12);
  EXPECT_NEAR(cc.w_cubic(2.0), 95.64033568663878, 1e-9);   // 0.4·(2 − K)³ + 100
  EXPECT_NEAR(cc.w_cubic(6.0), 102.26670325646442, 1e-9);  // convex region
}

TEST(Cubic, PerAckGrowthMatchesHandComputedValues) {
  auto cc_owner = after_loss_at(100);
  Cubic& cc = *cc_owner;
  // t = 0: W_cubic(0) = 70 < W_est = 70 + α/70, the Reno-friendly region.
  cc.on_ack(kMss, milliseconds(100), kT0);
  EXPECT_NEAR(cc.w_est(), 70.00756302521009, 1e-9);
  EXPECT_NEAR(cc.cwnd_segments(), 70.00756302521009, 1e-9);
  // t = 1 s: W_cubic(1) = 86.68 > W_est, so cwnd moves towards
  // target = W_cubic(1.1) = 87.885 by (target − cwnd)/cwnd.
  cc.on_ack(kMss, milliseconds(100), kT0 + seconds(1));
  EXPECT_NEAR(cc.w_est(), 70.01512523337487, 1e-9);
  EXPECT_NEAR(cc.cwnd_segments(), 70.26292131596928, 1e-9);
  EXPECT_EQ(cc.cwnd(), 70262u);
}

TEST(Cubic, ReachesWmaxAroundK) {
  auto cc_owner = after_loss_at(100);
  Cubic& cc = *cc_owner;
  // One ACK per segment, one window per 100 ms RTT, for K seconds.
  Instant now = kT0;
  const Duration rtt = milliseconds(100);
  double grown_per_rtt_max = 0;
  while (now - kT0 < std::chrono::duration<double>(4.217163326508746)) {
    const double before = cc.cwnd_segments();
    const auto acks = static_cast<int>(before);
    for (int i = 0; i < acks; ++i) cc.on_ack(kMss, rtt, now + rtt * i / acks);
    grown_per_rtt_max = std::max(grown_per_rtt_max, cc.cwnd_segments() / before);
    now += rtt;
  }
  EXPECT_NEAR(cc.cwnd_segments(), 100.0, 3.0);
  EXPECT_LE(grown_per_rtt_max, 1.5);  // target ≤ 1.5·cwnd
  // Beyond K the window probes past W_max (convex region).
  for (int r = 0; r < 30; ++r) {
    const auto acks = static_cast<int>(cc.cwnd_segments());
    for (int i = 0; i < acks; ++i) cc.on_ack(kMss, rtt, now + rtt * i / acks);
    now += rtt;
  }
  EXPECT_GT(cc.cwnd_segments(), 105.0);
}

TEST(Cubic, RenoFriendlyRegionFollowsWest) {
  auto cc_owner = after_loss_at(20);
  Cubic& cc = *cc_owner;  // W_max 20, K = ∛15 ≈ 2.47 s
  Instant now = kT0;
  for (int i = 0; i < 1000; ++i) {  // one segment per ms, RTT 10 ms, for 1 s
    cc.on_ack(kMss, milliseconds(10), now);
    now += milliseconds(1);
  }
  EXPECT_LT(cc.w_cubic(1.0), cc.w_est());
  EXPECT_NEAR(cc.cwnd_segments(), cc.w_est(), 1e-9);
  EXPECT_GT(cc.cwnd_segments(), 20.0);  // W_est passed cwnd_prior: α became 1
}

TEST(Cubic, FastConvergenceLowersWmaxAfterAShrink) {
  auto cc_owner = after_loss_at(100);
  Cubic& cc = *cc_owner;
  cc.enter_recovery(70000, kT0 + seconds(1));  // a second loss at cwnd 70 < W_max 100
  EXPECT_DOUBLE_EQ(cc.w_max(), 70.0 * 1.7 / 2.0);
  EXPECT_EQ(cc.ssthresh(), 49000u);
  auto plain_owner = after_loss_at(100, /*fast_convergence=*/false);
  Cubic& plain = *plain_owner;
  plain.enter_recovery(70000, kT0 + seconds(1));
  EXPECT_DOUBLE_EQ(plain.w_max(), 70.0);
}

TEST(Cubic, AfterTimeoutTheEpochStartsAtTheCurrentWindow) {
  auto cc_owner = after_loss_at(100);
  Cubic& cc = *cc_owner;
  cc.on_rto(50000, kT0);
  EXPECT_EQ(cc.cwnd(), kMss);
  EXPECT_EQ(cc.ssthresh(), 35000u);
  while (cc.in_slow_start()) cc.on_ack(kMss, milliseconds(100), kT0);
  EXPECT_EQ(cc.cwnd(), 35000u);
  cc.on_ack(kMss, milliseconds(100), kT0 + seconds(1));
  EXPECT_DOUBLE_EQ(cc.w_max(), 35.0);  // RFC 9438 §4.8: W_max = cwnd_epoch, K = 0
  EXPECT_DOUBLE_EQ(cc.k(), 0.0);
}

TEST(Cubic, SlowStartIsLikeReno) {
  Cubic cc(kMss);
  EXPECT_EQ(cc.cwnd(), 10000u);
  cc.on_ack(5000, milliseconds(10), kT0);
  EXPECT_EQ(cc.cwnd(), 12000u);
  EXPECT_FALSE(cc.in_epoch());
}

}  // namespace
}  // namespace synack::tcp
