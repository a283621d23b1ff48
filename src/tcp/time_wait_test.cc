// SPDX-License-Identifier: Apache-2.0
// TIME-WAIT as a compact entry and as a connection state.
#include "tcp/time_wait.hpp"
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

TimeWaitEntry entry_from_harness(Harness& h) {
  h.time_wait();
  return h.conn.to_time_wait();
}

TcpSegment seg(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack = 0) {
  TcpSegment s;
  s.src_port = 80;
  s.dst_port = 40000;
  s.seq = SeqNum(seq);
  s.ack = SeqNum(ack);
  s.flags.bits = flags;
  s.window = 1000;
  return s;
}

TEST(TimeWaitEntry, IsCompact) {
  EXPECT_LE(sizeof(TimeWaitEntry), 64u);
  Harness h;
  const TimeWaitEntry tw = entry_from_harness(h);
  EXPECT_EQ(tw.snd_nxt, SeqNum(kIss + 2));
  EXPECT_EQ(tw.rcv_nxt, SeqNum(kPeerIss + 2));
  EXPECT_EQ(tw.expiry, h.now + seconds(60));
  EXPECT_EQ(tw.tuple.get(), h.tuple);
  EXPECT_TRUE(tw.tuple.matches(h.tuple));
}

TEST(TimeWaitEntry, RetransmittedFinIsReAckedAndRestartsTimer) {
  Harness h;
  TimeWaitEntry tw = entry_from_harness(h);
  const Instant later = h.now + seconds(20);
  auto r = time_wait_on_segment(tw, seg(FIN | ACK, kPeerIss + 1, kIss + 2), later, h.cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kAckRestart);
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->flags.bits, ACK);
  EXPECT_EQ(r.reply->seq, SeqNum(kIss + 2));
  EXPECT_EQ(r.reply->ack, SeqNum(kPeerIss + 2));
  EXPECT_EQ(tw.expiry, later + seconds(60));
  EXPECT_FALSE(time_wait_expired(tw, later + seconds(59)));
  EXPECT_TRUE(time_wait_expired(tw, later + seconds(60)));
}

TEST(TimeWaitEntry, RstIgnoredPerRfc1337OrClosesWhenSwitchedOff) {
  Harness h;
  TimeWaitEntry tw = entry_from_harness(h);
  auto r = time_wait_on_segment(tw, seg(RST, kPeerIss + 2), h.now, h.cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kDrop);
  EXPECT_EQ(r.drop, DropReason::kRstInTimeWait);
  tw.rfc1337 = false;
  r = time_wait_on_segment(tw, seg(RST, kPeerIss + 2), h.now, h.cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kClose);
  r = time_wait_on_segment(tw, seg(RST, kPeerIss + 50), h.now, h.cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kAck);  // challenge ACK (RFC 5961)
}

TEST(TimeWaitEntry, NewSynAboveRcvNxtReopens) {
  Harness h;
  TimeWaitEntry tw = entry_from_harness(h);
  auto r = time_wait_on_segment(tw, seg(SYN, kPeerIss + 1000), h.now, h.cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kReopen);
  EXPECT_TRUE(seq_gt(r.reopen_iss, tw.snd_nxt));
  r = time_wait_on_segment(tw, seg(SYN, kPeerIss), h.now, h.cfg);  // old: challenge ACK
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kAck);
}

TEST(TimeWaitEntry, TimestampsDecideReopen) {
  SYNACK_RFC("SHLD-4");
  // RFC 6191: with timestamps, a newer TSval re-opens even if SEG.SEQ is old.
  Harness h;
  TimeWaitEntry tw = entry_from_harness(h);
  tw.ts_ok = true;
  tw.ts_recent = 1000;
  TcpSegment s = seg(SYN, kPeerIss - 5000);
  s.options.timestamps(2000, 0);
  EXPECT_EQ(time_wait_on_segment(tw, s, h.now, h.cfg).verdict, TimeWaitVerdict::kReopen);
  TcpSegment old = seg(SYN, kPeerIss + 5000);
  old.options.timestamps(500, 0);
  EXPECT_EQ(time_wait_on_segment(tw, old, h.now, h.cfg).verdict, TimeWaitVerdict::kAck);
}

TEST(TimeWaitEntry, OtherSegments) {
  Harness h;
  TimeWaitEntry tw = entry_from_harness(h);
  EXPECT_EQ(time_wait_on_segment(tw, seg(ACK, kPeerIss + 2, kIss + 2), h.now, h.cfg).verdict,
            TimeWaitVerdict::kDrop);  // bare ACK ignored (Linux)
  EXPECT_EQ(time_wait_on_segment(tw, seg(ACK, kPeerIss + 90000, kIss + 2), h.now, h.cfg).verdict,
            TimeWaitVerdict::kAck);  // unacceptable → ACK
  EXPECT_EQ(time_wait_on_segment(tw, seg(SYN | FIN, kPeerIss + 90), h.now, h.cfg).drop,
            DropReason::kSynFin);
}

SYNACK_SCENARIO(TimeWait, RstIgnoredInConnection) {
  Harness h;
  h.time_wait();
  h.inject({.flags = RST, .seq = kPeerIss + 2});
  h.expect_no_tx();
  h.expect_state(State::kTimeWait);
}

SYNACK_SCENARIO(TimeWait, RstClosesWithLinuxPersonality) {
  Config c = test_config();
  c.time_wait_rfc1337 = false;
  Harness h(c);
  h.time_wait();
  h.inject({.flags = RST, .seq = kPeerIss + 2});
  h.expect_state(State::kClosed);
}

SYNACK_SCENARIO(TimeWait, NewSynReopensConnection) {
  SYNACK_RFC("MAY-2");
  Harness h;
  h.time_wait();
  h.inject({.flags = SYN, .seq = kPeerIss + 5000});
  h.expect_tx({{.flags = SYN | ACK, .seq = kIss + 2 + 65537, .ack = kPeerIss + 5001}});
  h.expect_state(State::kSynReceived);
  h.inject({.flags = ACK, .seq = kPeerIss + 5001, .ack = kIss + 2 + 65538});
  h.expect_state(State::kEstablished);
}

SYNACK_SCENARIO(TimeWait, OldSynGetsAck) {
  Harness h;
  h.time_wait();
  h.inject({.flags = SYN, .seq = kPeerIss});
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
  h.expect_state(State::kTimeWait);
}

}  // namespace
}  // namespace synack::tcp::test

namespace synack::tcp::test {
namespace {

// Config::time_wait_twcheck (FreeBSD tcp_twcheck): no ACK bit → silence, an
// old SYN is not challenged, a non-duplicate ACK is answered, a duplicate ACK
// is not, a SYN with SEG.SEQ > RCV.NXT still re-opens.
TEST(TimeWaitEntry, FreeBsdTwcheck) {
  Harness h;
  TimeWaitEntry tw = entry_from_harness(h);
  Config cfg = h.cfg;
  cfg.time_wait_twcheck = true;
  auto r = time_wait_on_segment(tw, seg(SYN, kPeerIss + 2), h.now, cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kDrop);  // old SYN: no challenge ACK
  EXPECT_FALSE(r.reply);
  r = time_wait_on_segment(tw, seg(FIN, kPeerIss + 1, kIss + 2), h.now, cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kDrop);  // FIN without ACK bit
  r = time_wait_on_segment(tw, seg(ACK, kPeerIss + 3, kIss + 2), h.now, cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kAck);  // not a duplicate ACK
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->ack, SeqNum(kPeerIss + 2));
  r = time_wait_on_segment(tw, seg(ACK, kPeerIss + 2, kIss + 2), h.now, cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kDrop);  // exact duplicate ACK
  r = time_wait_on_segment(tw, seg(FIN | ACK, kPeerIss + 1, kIss + 2), h.now, cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kAckRestart);  // duplicate FIN
  r = time_wait_on_segment(tw, seg(SYN, kPeerIss + 100), h.now, cfg);
  EXPECT_EQ(r.verdict, TimeWaitVerdict::kReopen);
}

}  // namespace
}  // namespace synack::tcp::test
