// SPDX-License-Identifier: Apache-2.0
#include "tcp/rtt.hpp"
#include "base/rfc_tag.hpp"

#include <gtest/gtest.h>

namespace synack::tcp {
namespace {

using std::chrono::milliseconds;

TEST(RttEstimator, StartsWithTheInitialRto) {
  const RttEstimator e;
  EXPECT_EQ(e.rto(), seconds(1));  // RFC 6298 §2.1
  EXPECT_FALSE(e.srtt().has_value());
  EXPECT_FALSE(e.rttvar().has_value());
}

TEST(RttEstimator, FirstAndSubsequentSamplesFollowRfc6298) {
  SYNACK_RFC("MUST-18");
  RttEstimator e;
  e.on_sample(milliseconds(100));  // §2.2: SRTT = R, RTTVAR = R/2
  EXPECT_EQ(*e.srtt(), milliseconds(100));
  EXPECT_EQ(*e.rttvar(), milliseconds(50));
  EXPECT_EQ(e.rto(), milliseconds(300));         // 100 + 4·50
  e.on_sample(milliseconds(200));                // §2.3
  EXPECT_EQ(*e.rttvar(), microseconds(62'500));  // 3/4·50 + 1/4·|100 − 200|
  EXPECT_EQ(*e.srtt(), microseconds(112'500));   // 7/8·100 + 1/8·200
  EXPECT_EQ(e.rto(), microseconds(362'500));     // 112.5 + 4·62.5
  e.on_sample(milliseconds(50));
  // RTTVAR = 3/4·62.5 + 1/4·62.5 = 62.5; SRTT = 7/8·112.5 + 1/8·50 = 104.6875
  EXPECT_EQ(*e.rttvar(), microseconds(62'500));
  EXPECT_EQ(*e.srtt(), nanoseconds(104'687'500));
  EXPECT_EQ(e.rto(), nanoseconds(354'687'500));
}

TEST(RttEstimator, RtoIsClampedToMinAndMax) {
  RttEstimator linux_like;
  linux_like.on_sample(milliseconds(10));  // 10 + 4·5 = 30 ms
  EXPECT_EQ(linux_like.rto(), milliseconds(200));
  RttEstimator rfc(RttConfig{.min_rto = seconds(1)});
  rfc.on_sample(milliseconds(10));
  EXPECT_EQ(rfc.rto(), seconds(1));  // §2.4
  RttEstimator slow;
  slow.on_sample(seconds(100));  // 100 + 200 s
  EXPECT_EQ(slow.rto(), seconds(120));
}

TEST(RttEstimator, ClockGranularityBoundsTheVarianceTerm) {
  RttEstimator e(RttConfig{.min_rto = Duration::zero(), .granularity = milliseconds(10)});
  for (int i = 0; i < 200; ++i) e.on_sample(milliseconds(100));
  EXPECT_EQ(*e.srtt(), milliseconds(100));
  EXPECT_LT(4 * *e.rttvar(), milliseconds(10));
  EXPECT_EQ(e.rto(), milliseconds(110));  // SRTT + max(G, 4·RTTVAR)
}

TEST(RttEstimator, BackoffDoublesUntilMaxAndANewSampleResetsIt) {
  RttEstimator e;
  e.on_sample(milliseconds(100));
  e.backoff();
  EXPECT_EQ(e.rto(), milliseconds(600));
  e.backoff();
  EXPECT_EQ(e.rto(), milliseconds(1200));
  EXPECT_EQ(e.backoffs(), 2u);
  for (int i = 0; i < 20; ++i) e.backoff();
  EXPECT_EQ(e.rto(), seconds(120));  // §5.5 bounded by max_rto
  e.on_sample(milliseconds(100));    // SRTT 100, RTTVAR 3/4·50 = 37.5
  EXPECT_EQ(e.rto(), milliseconds(250));
  EXPECT_EQ(e.backoffs(), 0u);
}

TEST(RttEstimator, SynTimeoutFallsBackToThreeSeconds) {
  RttEstimator e;
  e.backoff();  // the SYN timed out: 2 s
  e.on_handshake_after_syn_timeout();
  EXPECT_EQ(e.rto(), seconds(3));  // §5.7
  EXPECT_EQ(e.backoffs(), 0u);
  RttEstimator measured;
  measured.on_sample(milliseconds(100));
  measured.on_handshake_after_syn_timeout();
  EXPECT_EQ(measured.rto(), milliseconds(300));
}

TEST(RttEstimator, NegativeSamplesAreIgnored) {
  RttEstimator e;
  e.on_sample(milliseconds(-5));
  EXPECT_FALSE(e.has_sample());
}

TEST(RttSampler, TimesOneSegmentUntilItIsCovered) {
  RttSampler s;
  const Instant t0{seconds(10)};
  s.on_send(SeqNum(0xFFFFFFF0u), 100, t0, false);              // across the wrap
  s.on_send(SeqNum(0x54u), 100, t0 + milliseconds(1), false);  // already timing
  EXPECT_TRUE(s.timing());
  EXPECT_EQ(s.timed_end(), SeqNum(0x54u));
  EXPECT_FALSE(s.on_ack(SeqNum(0x50u), t0 + milliseconds(40)).has_value());
  EXPECT_EQ(s.on_ack(SeqNum(0x60u), t0 + milliseconds(42)), milliseconds(42));
  EXPECT_FALSE(s.timing());
  EXPECT_FALSE(s.on_ack(SeqNum(0xB8u), t0 + milliseconds(50)).has_value());
}

TEST(RttSampler, RemembersTheLatestRetransmission) {
  RttSampler s;
  const Instant t0{};
  EXPECT_FALSE(s.last_retransmission().has_value());
  s.on_send(SeqNum(100), 10, t0, false);
  s.on_retransmission_sent(t0 + milliseconds(200));
  EXPECT_FALSE(s.timing());  // Karn: the measurement is discarded
  s.on_retransmission_sent(t0 + milliseconds(600));
  EXPECT_EQ(s.last_retransmission(), t0 + milliseconds(600));
  EXPECT_FALSE(s.on_ack(SeqNum(110), t0 + milliseconds(650)).has_value());
}

TEST(RttSampler, KarnDiscardsMeasurementsAcrossRetransmissions) {
  SYNACK_RFC("MUST-18");
  RttSampler s;
  const Instant t0{seconds(1)};
  s.on_send(SeqNum(1000), 100, t0, false);
  s.on_retransmit();
  EXPECT_FALSE(s.on_ack(SeqNum(1100), t0 + milliseconds(300)).has_value());
  s.on_send(SeqNum(1000), 100, t0, true);  // a retransmission never starts timing
  EXPECT_FALSE(s.timing());
  s.on_send(SeqNum(1100), 0, t0, false);  // nothing to time (pure ACK)
  EXPECT_FALSE(s.timing());
}

}  // namespace
}  // namespace synack::tcp
