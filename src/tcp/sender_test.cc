// SPDX-License-Identifier: Apache-2.0
// The send side on its own (sender.hpp): no connection, no tracing, only what
// the Sender decides to send and how ACKs and timers move its state.
#include "tcp/sender.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synack::tcp {
namespace {

constexpr std::uint16_t kMss = 1000;
const Instant kT0{};

Config test_config() {
  Config cfg;
  cfg.rexmit_slop = Duration::zero();
  cfg.nodelay = true;
  return cfg;
}

// ISS 1000, the peer's SYN-ACK at 5000 with `window`: ESTABLISHED.
Sender established(const Config& cfg, std::uint16_t window = 65535) {
  Sender s(cfg);
  s.open(SeqNum(1000));
  TcpSegment synack;
  synack.seq = SeqNum(5000);
  synack.ack = SeqNum(1001);
  synack.window = window;
  synack.flags = TcpFlags{TcpFlags::kSyn | TcpFlags::kAck};
  s.on_peer_syn(synack, /*ack=*/true);
  s.set_data_phase(true);
  s.handshake_complete();
  return s;
}

TcpSegment ack_of(std::uint32_t ack, std::uint16_t window = 65535) {
  TcpSegment a;
  a.seq = SeqNum(5001);
  a.ack = SeqNum(ack);
  a.window = window;
  a.flags = TcpFlags{TcpFlags::kAck};
  return a;
}

std::vector<std::byte> bytes(std::size_t n) {
  return std::vector<std::byte>(n, std::byte{0x62});
}

SendParams params(const Config& cfg) {
  return SendParams{.cfg = cfg, .mss = kMss, .sack_bytes = 0, .sack_ok = false};
}

// Queues `n` bytes and sends all that the windows allow at kT0.
void send_all(Sender& s, const SendParams& p, std::size_t n) {
  const auto data = bytes(n);
  EXPECT_EQ(s.write(data), n);
  while (s.next_data(p, kT0)) {
  }
}

TEST(Sender, OpenAndTheSynAckSetTheSendSequence) {
  const Config cfg = test_config();
  const Sender s = established(cfg, 4000);
  EXPECT_EQ(s.snd.iss, SeqNum(1000));
  EXPECT_EQ(s.snd.una, SeqNum(1001));
  EXPECT_EQ(s.snd.nxt, SeqNum(1001));
  EXPECT_EQ(s.snd.wnd, 4000u);  // RFC 7323 §2.2: a SYN's window is never scaled
  EXPECT_EQ(s.snd.wl1, SeqNum(5000));
  EXPECT_EQ(s.max_snd_wnd(), 4000u);
  EXPECT_EQ(s.data_front(), SeqNum(1001));
}

TEST(Sender, NewDataGoesInFullSegmentsAndArmsTheRto) {
  const Config cfg = test_config();
  Sender s = established(cfg);
  const auto data = bytes(2500);
  EXPECT_EQ(s.write(data), 2500u);
  const SendParams p = params(cfg);
  auto a = s.next_data(p, kT0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->seq, SeqNum(1001));
  EXPECT_EQ(a->payload.size(), 1000u);
  EXPECT_TRUE(a->new_data);
  EXPECT_TRUE(a->cause.empty());
  EXPECT_EQ(s.rtx_deadline(), kT0 + cfg.initial_rto);  // RFC 6298 (5.1)
  auto b = s.next_data(p, kT0);
  auto c = s.next_data(p, kT0);
  ASSERT_TRUE(b && c);
  EXPECT_EQ(c->payload.size(), 500u);
  EXPECT_NE(c->flags & TcpFlags::kPsh, 0);  // MUST-61: PSH where the queue ends
  EXPECT_EQ(s.snd.nxt, SeqNum(3501));
  EXPECT_EQ(s.bytes_in_flight(), 2500u);
  EXPECT_FALSE(s.next_data(p, kT0));
}

TEST(Sender, AcknowledgeFreesTheQueueAndStopsTheTimerWhenAllIsAcked) {
  const Config cfg = test_config();
  Sender s = established(cfg);
  const SendParams p = params(cfg);
  send_all(s, p, 1500);
  EXPECT_EQ(s.acknowledge(SeqNum(2001), cfg, kT0 + milliseconds(10)), 1000u);
  EXPECT_EQ(s.queued(), 500u);
  EXPECT_NE(s.rtx_deadline(), kNever);  // RFC 6298 (5.3): restarted
  EXPECT_EQ(s.acknowledge(SeqNum(2501), cfg, kT0 + milliseconds(20)), 500u);
  EXPECT_EQ(s.rtx_deadline(), kNever);  // (5.2): all acknowledged
}

TEST(Sender, WindowUpdateFollowsWl1Wl2) {
  const Config cfg = test_config();
  Sender s = established(cfg);
  TcpSegment newer = ack_of(1001, 3000);
  newer.seq = SeqNum(5001);
  s.update_window(newer, 0);
  EXPECT_EQ(s.snd.wnd, 3000u);
  TcpSegment older = ack_of(1001, 9000);
  older.seq = SeqNum(4000);  // SND.WL1 > SEG.SEQ: an old segment, no update
  s.update_window(older, 0);
  EXPECT_EQ(s.snd.wnd, 3000u);
  EXPECT_EQ(s.max_snd_wnd(), 65535u);
}

TEST(Sender, RtoResendsFromSndUnaAndBacksOff) {
  const Config cfg = test_config();
  Sender s = established(cfg);
  const SendParams p = params(cfg);
  send_all(s, p, 2000);
  const Instant t = s.rtx_deadline();
  EXPECT_EQ(s.on_data_rto(cfg, kMss, t), RtoVerdict::kRetransmit);
  EXPECT_EQ(s.back_off(cfg, t), 1u);
  EXPECT_EQ(s.rto(cfg), 2 * cfg.initial_rto);  // RFC 6298 (5.5)
  bool ack_taken = false;
  auto o = s.next_retransmission(p, t, ack_taken);
  ASSERT_TRUE(o);
  EXPECT_TRUE(ack_taken);
  EXPECT_EQ(o->seq, SeqNum(1001));
  EXPECT_EQ(o->cause, "RTO: data");
  EXPECT_FALSE(o->new_data);
  // cwnd is one segment after the RTO (RFC 5681 §3.1): the go-back-N waits.
  EXPECT_FALSE(s.next_retransmission(p, t, ack_taken));
}

TEST(Sender, ThirdDuplicateAckTriggersFastRetransmit) {
  const Config cfg = test_config();
  Sender s = established(cfg);
  const SendParams p = params(cfg);
  send_all(s, p, 5000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(s.on_ack(ack_of(1001), p, /*ts_ok=*/false, 0, kT0 + milliseconds(5)));
  }
  s.start_poll();
  bool ack_taken = false;
  auto o = s.next_retransmission(p, kT0 + milliseconds(5), ack_taken);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->seq, SeqNum(1001));
  EXPECT_EQ(o->cause, "fast retransmit (duplicate ACKs / partial ACK)");  // RFC 5681 §3.2
}

TEST(Sender, ZeroWindowIsProbedWithOneOctetThatDoesNotAdvanceSndNxt) {
  const Config cfg = test_config();
  Sender s = established(cfg, /*window=*/0);
  const auto data = bytes(100);
  s.write(data);
  const SendParams p = params(cfg);
  EXPECT_FALSE(s.next_data(p, kT0));
  EXPECT_EQ(s.persist_deadline(), kT0 + cfg.initial_rto);  // SHLD-29: one RTO
  s.stop_persist();
  s.on_persist_timeout();
  auto o = s.next_data(p, kT0 + cfg.initial_rto);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->payload.size(), 1u);  // MUST-35: one octet of new data
  EXPECT_EQ(o->cause, "zero-window probe");
  EXPECT_EQ(s.snd.nxt, SeqNum(1001));
  EXPECT_EQ(s.persist_probes(), 1u);
  EXPECT_EQ(s.persist_deadline(), kT0 + cfg.initial_rto + 2 * cfg.initial_rto);  // SHLD-30
  s.note_probe_taken(SeqNum(1002));  // the peer took the octet
  EXPECT_EQ(s.snd.nxt, SeqNum(1002));
}

TEST(Sender, FinFollowsTheDataAndIsAcknowledged) {
  const Config cfg = test_config();
  Sender s = established(cfg);
  const auto data = bytes(10);
  s.write(data);
  s.queue_fin();
  const SendParams p = params(cfg);
  auto o = s.next_data(p, kT0);
  ASSERT_TRUE(o);
  EXPECT_NE(o->flags & TcpFlags::kFin, 0);
  EXPECT_EQ(o->seg_len(), 11u);
  EXPECT_EQ(s.fin_seq(), SeqNum(1011));
  EXPECT_FALSE(s.fin_acked());
  s.acknowledge(SeqNum(1012), cfg, kT0);
  EXPECT_TRUE(s.fin_acked());
}

}  // namespace
}  // namespace synack::tcp
