// SPDX-License-Identifier: Apache-2.0
#include "tcp/window.hpp"
#include "base/rfc_tag.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace synack::tcp {
namespace {

TEST(WindowScale, SmallestShiftThatCoversTheBuffer) {
  EXPECT_EQ(select_window_scale(0), 0);
  EXPECT_EQ(select_window_scale(65535), 0);
  EXPECT_EQ(select_window_scale(65536), 1);
  EXPECT_EQ(select_window_scale(131070), 1);
  EXPECT_EQ(select_window_scale(131071), 2);
  EXPECT_EQ(select_window_scale(std::size_t{1} << 20), 5);
  EXPECT_EQ(select_window_scale(6 << 20), 7);  // Linux tcp_rmem max 6 MiB → 7
  EXPECT_EQ(select_window_scale(std::size_t{1} << 30), 14);
  EXPECT_EQ(select_window_scale(std::size_t{1} << 40), 14);  // at most 14
}

TEST(WindowScale, ReceivedShiftAbove14IsClampedAndFlagged) {
  EXPECT_EQ(clamp_peer_window_scale(7).shift, 7);
  EXPECT_FALSE(clamp_peer_window_scale(14).clamped);
  const PeerWindowScale s = clamp_peer_window_scale(15);
  EXPECT_EQ(s.shift, 14);
  EXPECT_TRUE(s.clamped);
  EXPECT_EQ(clamp_peer_window_scale(255).shift, 14);
}

TEST(WindowScale, PeerWindowIsUnscaledOnSyn) {
  EXPECT_EQ(peer_window(1000, 7, false), 128000u);
  EXPECT_EQ(peer_window(1000, 7, true), 1000u);
  EXPECT_EQ(peer_window(65535, 30, false), kMaxWindow);
}

TEST(UsableWindow, IsZeroWhenTheWindowShrankBelowSndNxt) {
  SYNACK_RFC("MUST-34");
  EXPECT_EQ(usable_window(SeqNum(100), 1000, SeqNum(600)), 500u);
  EXPECT_EQ(usable_window(SeqNum(100), 1000, SeqNum(1100)), 0u);
  EXPECT_EQ(usable_window(SeqNum(100), 400, SeqNum(600)), 0u);
  EXPECT_EQ(usable_window(SeqNum(0xFFFFFF00u), 0x200, SeqNum(0x10)), 0xF0u);
}

TEST(ReceiveWindow, RightEdgeMovesOnlyInSwsSteps) {
  SYNACK_RFC("MUST-39");
  ReceiveWindow w;
  WindowAdvert a = w.advertise(0, 10000, 0, 1000);
  EXPECT_EQ(a.field, 10000);
  EXPECT_EQ(w.right_edge(), 10000u);
  a = w.advertise(3000, 10000, 3000, 1000);  // 3000 bytes arrived, unread
  EXPECT_EQ(a.rcv_wnd, 7000u);
  EXPECT_EQ(w.right_edge(), 10000u);
  EXPECT_FALSE(w.update_worthy(3000, 10000, 2500, 1000));  // read 500: < min(5000, MSS)
  a = w.advertise(3000, 10000, 2500, 1000);
  EXPECT_EQ(a.rcv_wnd, 7000u);
  EXPECT_TRUE(w.update_worthy(3000, 10000, 1900, 1000));  // read 1100: ≥ MSS
  a = w.advertise(3000, 10000, 1900, 1000);
  EXPECT_EQ(a.rcv_wnd, 8100u);
  EXPECT_EQ(w.right_edge(), 11100u);
}

TEST(ReceiveWindow, NeverShrinks) {
  SYNACK_RFC("SHLD-14");
  ReceiveWindow w;
  w.advertise(0, 10000, 0, 1000);
  const WindowAdvert a = w.advertise(0, 10000, 9000, 1000);  // buffer suddenly full
  EXPECT_EQ(a.rcv_wnd, 10000u);
  EXPECT_EQ(w.right_edge(), 10000u);
}

TEST(ReceiveWindow, ScaledWindowRoundsUpRatherThanShrink) {
  ReceiveWindow w(4);  // 16-byte units
  WindowAdvert a = w.advertise(0, 1000, 0, 100);
  EXPECT_EQ(a.field, 62);  // 1000 >> 4, rounded down
  EXPECT_EQ(a.rcv_wnd, 992u);
  a = w.advertise(10, 1000, 10, 100);  // offered 982 is not a multiple of 16
  EXPECT_EQ(a.field, 62);              // ⌈982 / 16⌉
  EXPECT_GE(w.right_edge(), 992u);
}

TEST(ReceiveWindow, SynWindowIsNotScaled) {
  ReceiveWindow w(2);
  const WindowAdvert a = w.advertise(0, 100000, 0, 1460, /*syn=*/true);
  EXPECT_EQ(a.field, 65535);
  EXPECT_EQ(a.rcv_wnd, 65535u);
}

TEST(ReceiveWindow, ZeroWindowReopensOnlyWhenWorthIt) {
  ReceiveWindow w;
  w.advertise(0, 1000, 0, 536);
  EXPECT_EQ(w.advertise(1000, 1000, 1000, 536).field, 0);
  EXPECT_EQ(w.advertise(1000, 1000, 900, 536).field, 0);  // 100 < min(500, 536)
  EXPECT_EQ(w.advertise(1000, 1000, 400, 536).field, 600);
}

RC_GTEST_PROP(ReceiveWindowProp, RightEdgeNeverMovesLeft, (std::uint8_t shift_raw)) {
  SYNACK_RFC("SHLD-14");
  const auto shift = static_cast<std::uint8_t>(shift_raw % 15);
  const std::size_t buffer = *rc::gen::inRange<std::size_t>(1, 1 << 22);
  const auto mss = *rc::gen::inRange<std::uint32_t>(64, 9000);
  ReceiveWindow w(shift);
  std::uint64_t rcv_nxt = 0;
  std::size_t used = 0;
  std::uint64_t edge = 0;
  for (int i = 0; i < 50; ++i) {
    const WindowAdvert a = w.advertise(rcv_nxt, buffer, used, mss);
    RC_ASSERT(w.right_edge() >= edge);
    RC_ASSERT(rcv_nxt + a.rcv_wnd >= edge);
    RC_ASSERT(a.rcv_wnd == std::uint32_t{a.field} << shift);
    edge = w.right_edge();
    // The peer sends within the window; the application reads some.
    const auto got = *rc::gen::inRange<std::uint64_t>(0, a.rcv_wnd + 1);
    rcv_nxt += got;
    used += static_cast<std::size_t>(got);
    used -= *rc::gen::inRange<std::size_t>(0, used + 1);
    used = std::min(used, buffer);
  }
}

TEST(SendDecision, FullSegmentsGoAtOnce) {
  EXPECT_EQ(send_decision({.queued = 0, .usable = 1000}), SendDecision::kNothing);
  EXPECT_EQ(send_decision({.queued = 100, .usable = 0}), SendDecision::kWaitWindow);
  EXPECT_EQ(send_decision({.queued = 5000, .usable = 10000, .mss = 1460, .unacked = true}),
            SendDecision::kSend);
}

TEST(SendDecision, NagleHoldsSmallSegmentsWhileDataIsUnacked) {
  const SendCheck idle{.queued = 100, .usable = 10000, .mss = 1460, .max_snd_wnd = 10000};
  EXPECT_EQ(send_decision(idle), SendDecision::kSend);  // rule (2)
  SendCheck busy = idle;
  busy.unacked = true;
  EXPECT_EQ(send_decision(busy), SendDecision::kWaitNagle);
  busy.nodelay = true;
  EXPECT_EQ(send_decision(busy), SendDecision::kSend);
  busy.nodelay = false;
  busy.fin_queued = true;  // the final FIN is never delayed
  EXPECT_EQ(send_decision(busy), SendDecision::kSend);
  SendCheck unpushed = idle;
  unpushed.push = false;
  EXPECT_EQ(send_decision(unpushed), SendDecision::kWaitData);
}

TEST(SendDecision, SenderSwsAvoidanceUsesHalfTheMaxWindow) {
  SYNACK_RFC("MUST-38");
  SendCheck c{.queued = 5000, .usable = 600, .mss = 1460, .max_snd_wnd = 1000};
  EXPECT_EQ(send_decision(c), SendDecision::kSend);  // rule (3): 600 ≥ 1000/2
  c.unacked = true;
  EXPECT_EQ(send_decision(c), SendDecision::kWaitNagle);
  c = {.queued = 5000, .usable = 300, .mss = 1460, .max_snd_wnd = 1000};
  EXPECT_EQ(send_decision(c), SendDecision::kWaitWindow);  // rule (4): the override timer
}

TEST(EffectiveSendMss, FollowsRfc9293Section371) {
  SYNACK_RFC("MUST-16");
  EXPECT_EQ(effective_send_mss(1460, 1480), 1460u);
  EXPECT_EQ(effective_send_mss(1460, 1480, 12), 1448u);     // timestamps on every segment
  EXPECT_EQ(effective_send_mss(std::nullopt, 1480), 536u);  // no MSS option
  EXPECT_EQ(effective_send_mss(9000, 1480), 1460u);         // our MTU limits
  EXPECT_EQ(effective_send_mss(1460, 556), 536u);
  EXPECT_EQ(effective_send_mss(1460, 1480, 0, 4), 1456u);     // IP options
  EXPECT_EQ(effective_send_mss(100, 1480, 40), kMinSendMss);  // floored
  EXPECT_EQ(effective_send_mss(1, 1480), kMinSendMss);
  EXPECT_EQ(effective_send_mss(1, 1480, 0, 0, 48), 48u);
}

}  // namespace
}  // namespace synack::tcp
