// SPDX-License-Identifier: Apache-2.0
// The receive side on its own (receiver.hpp): no connection, no segments out,
// only what the Receiver decides for the text, the window and the ACKs.
#include "tcp/receiver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace synack::tcp {
namespace {

constexpr WindowShape kUnscaled{.shift = 0, .scaled = false, .mss = 1000};

TcpSegment text_at(std::uint32_t seq, const std::vector<std::byte>& data, bool fin = false) {
  TcpSegment s;
  s.seq = SeqNum(seq);
  s.flags = TcpFlags{static_cast<std::uint16_t>(TcpFlags::kAck | (fin ? TcpFlags::kFin : 0))};
  s.payload = Bytes(data);
  return s;
}

std::vector<std::byte> bytes(std::size_t n, std::uint8_t v = 0x61) {
  return std::vector<std::byte>(n, std::byte{v});
}

Receiver synchronized(std::size_t rcv_buf, std::uint32_t irs = 1000) {
  Receiver r(rcv_buf);
  r.on_syn(SeqNum(irs));
  return r;
}

TEST(Receiver, SynSetsIrsAndRcvNxt) {
  const Receiver r = synchronized(4096, 1000);
  EXPECT_EQ(r.rcv.irs, SeqNum(1000));
  EXPECT_EQ(r.rcv.nxt, SeqNum(1001));
}

TEST(Receiver, InOrderTextAdvancesRcvNxtAndMayBeAckedLate) {
  Receiver r = synchronized(4096);
  const auto data = bytes(100);
  TcpSegment s = text_at(1001, data);
  const TextResult t = r.on_text(s, 4096);
  EXPECT_EQ(t.verdict, TextResult::Verdict::kInOrder);
  EXPECT_EQ(t.delivered, 100u);
  EXPECT_FALSE(t.ack_now);  // in order, no hole: the ACK may be delayed (RFC 5681 §4.2)
  EXPECT_EQ(r.rcv.nxt, SeqNum(1101));
  EXPECT_EQ(r.readable(), 100u);
}

TEST(Receiver, OutOfOrderTextIsHeldAndAckedAtOnceThenFilled) {
  Receiver r = synchronized(4096);
  const auto a = bytes(100, 1), b = bytes(100, 2);
  TcpSegment later = text_at(1101, b);
  const TextResult held = r.on_text(later, 4096);
  EXPECT_EQ(held.verdict, TextResult::Verdict::kHeld);  // SHLD-31: held, not dropped
  EXPECT_TRUE(held.ack_now);
  EXPECT_EQ(r.rcv.nxt, SeqNum(1001));
  EXPECT_EQ(r.sack_blocks(false).count, 1u);  // RFC 2018 §4: the held block is reported
  TcpSegment first = text_at(1001, a);
  const TextResult filled = r.on_text(first, 4096);
  EXPECT_EQ(filled.delivered, 200u);
  EXPECT_TRUE(filled.ack_now);  // it filled a hole
  EXPECT_EQ(r.rcv.nxt, SeqNum(1201));
}

TEST(Receiver, TextBeyondTheWindowIsCutAndReported) {
  Receiver r = synchronized(4096);
  const auto data = bytes(300);
  TcpSegment s = text_at(1001, data, /*fin=*/true);
  const TextResult t = r.on_text(s, 200);
  EXPECT_EQ(t.verdict, TextResult::Verdict::kBufferFull);
  EXPECT_EQ(t.delivered, 200u);
  EXPECT_EQ(r.rcv.nxt, SeqNum(1201));
}

TEST(Receiver, RetransmissionStraddlingRcvNxtIsTrimmedForTheFin) {
  Receiver r = synchronized(4096);
  const auto first = bytes(100);
  TcpSegment a = text_at(1001, first);
  (void)r.on_text(a, 4096);
  const auto again = bytes(150);
  TcpSegment b = text_at(1051, again, /*fin=*/true);
  const TextResult t = r.on_text(b, 4096);
  EXPECT_EQ(t.verdict, TextResult::Verdict::kInOrder);
  EXPECT_EQ(t.delivered, 100u);
  EXPECT_EQ(b.seq, SeqNum(1101));  // the eighth step sees the FIN at SEG.SEQ + 100
  EXPECT_EQ(b.payload.size(), 100u);
  r.on_fin();
  EXPECT_EQ(r.rcv.nxt, SeqNum(1202));
  EXPECT_TRUE(r.fin_received());
  EXPECT_FALSE(r.at_eof());  // 200 bytes unread
}

TEST(Receiver, DelayedAckEverySecondSegmentAndAtMostHalfASecond) {
  Receiver r = synchronized(4096);
  const Instant t0{};
  EXPECT_TRUE(r.schedule_ack(false, Duration::zero(), t0));  // delayed ACK off
  TcpSegment ack;
  ack.flags = TcpFlags{TcpFlags::kAck};
  r.on_segment_sent(ack, kUnscaled);
  EXPECT_FALSE(r.schedule_ack(false, milliseconds(2000), t0));
  EXPECT_EQ(r.delack_deadline(), t0 + milliseconds(499));      // MUST-40: < 0.5 s
  EXPECT_TRUE(r.schedule_ack(false, milliseconds(2000), t0));  // SHLD-19: the second segment
  r.on_segment_sent(ack, kUnscaled);
  EXPECT_EQ(r.delack_deadline(), kNever);                    // the ACK went out
  EXPECT_TRUE(r.schedule_ack(true, milliseconds(200), t0));  // immediate
}

TEST(Receiver, WindowIsTheFreeBufferAndScaledInTheField) {
  Config cfg;
  Receiver r = synchronized(200000);
  const WindowShape scaled{.shift = 2, .scaled = true, .mss = 1000};
  EXPECT_EQ(r.window(cfg, scaled), 200000u);
  EXPECT_EQ(r.window_field(cfg, scaled, /*syn=*/false), 50000);
  EXPECT_EQ(r.window_field(cfg, scaled, /*syn=*/true), 65535);  // RFC 7323 §2.2: not scaled
  EXPECT_EQ(r.window(cfg, kUnscaled), 65535u);                  // the field's largest
}

TEST(Receiver, SwsAvoidanceHoldsTheRightEdgeUntilWorthAnnouncing) {
  Config cfg;
  cfg.receiver_sws = true;
  Receiver r = synchronized(4000);
  TcpSegment ack;
  ack.flags = TcpFlags{TcpFlags::kAck};
  ack.window = r.window_field(cfg, kUnscaled, false);
  r.on_segment_sent(ack, kUnscaled);  // 4000 offered
  const auto data = bytes(3500);
  TcpSegment s = text_at(1001, data);
  (void)r.on_text(s, r.window(cfg, kUnscaled));
  EXPECT_EQ(r.window(cfg, kUnscaled), 500u);
  std::array<std::byte, 100> out{};
  bool update = true;
  EXPECT_EQ(r.read(out, cfg, kUnscaled, update), 100u);
  EXPECT_FALSE(update);                       // 600 free: below min(RCV.BUFF/2, MSS)
  EXPECT_EQ(r.window(cfg, kUnscaled), 500u);  // the right edge stays (§3.8.6.2.2)
  std::array<std::byte, 2000> more{};
  EXPECT_EQ(r.read(more, cfg, kUnscaled, update), 2000u);
  EXPECT_TRUE(update);  // opened from below one MSS to above it
  EXPECT_EQ(r.window(cfg, kUnscaled), 2600u);
}

TEST(Receiver, UrgentPointerCountsUnreadUrgentBytes) {
  Receiver r = synchronized(4096);
  const auto data = bytes(10);
  TcpSegment s = text_at(1001, data);
  (void)r.on_text(s, 4096);
  EXPECT_TRUE(r.note_urgent(SeqNum(1006)));
  EXPECT_FALSE(r.note_urgent(SeqNum(1004)));  // RCV.UP never moves back
  EXPECT_EQ(r.urgent_pending(), 5u);
  Config cfg;
  std::array<std::byte, 6> out{};
  bool update = false;
  (void)r.read(out, cfg, kUnscaled, update);
  EXPECT_EQ(r.urgent_pending(), 0u);
}

TEST(Receiver, SimultaneousOpenSynTextIsKeptUpToTheWindow) {
  Receiver r(4096);
  const auto data = bytes(50);
  r.queue_syn_text(Bytes(data), 20);
  EXPECT_EQ(r.syn_text().size(), 20u);
  r.drop_syn_text();
  EXPECT_TRUE(r.syn_text().empty());
}

TEST(Receiver, DuplicateTextBecomesADsackBlockOnce) {
  Receiver r = synchronized(4096);
  const auto data = bytes(100);
  TcpSegment s = text_at(1001, data);
  (void)r.on_text(s, 4096);
  TcpSegment dup = text_at(1001, data);
  r.note_duplicate_text(dup, 4096);
  EXPECT_EQ(r.sack_blocks(true).count, 1u);  // RFC 2883 §4: D-SACK
  TcpSegment ack;
  ack.flags = TcpFlags{TcpFlags::kAck};
  r.on_segment_sent(ack, kUnscaled);
  EXPECT_EQ(r.sack_blocks(true).count, 0u);  // reported in one ACK only
}

}  // namespace
}  // namespace synack::tcp
