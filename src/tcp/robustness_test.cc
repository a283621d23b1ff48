// SPDX-License-Identifier: Apache-2.0
// RFC 5961 robustness and the RFC 793 switches (insecure_rst, insecure_syn,
// drop_synfin), RSTs for segments without a connection (§3.10.7.1).
#include <string>

#include "tcp/rst.hpp"
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

SYNACK_SCENARIO(Robustness, RstExactlyAtRcvNxtResets) {
  Harness h;
  h.established();
  h.inject({.flags = RST, .seq = kPeerIss + 1});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
}

SYNACK_SCENARIO(Robustness, RstInWindowGetsChallengeAck) {
  Harness h;
  h.established();
  h.inject({.flags = RST, .seq = kPeerIss + 100});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.expect_state(State::kEstablished);
  EXPECT_EQ(h.sink.count(TraceKind::kChallengeAck), 1u);
  EXPECT_EQ(h.sink.events.back().rfc, "RFC 5961 §3.2 (3)");
}

SYNACK_SCENARIO(Robustness, RstOutsideWindowDropped) {
  Harness h;
  h.established();
  h.inject({.flags = RST, .seq = kPeerIss + 1 + kRcvBuf});
  h.inject({.flags = RST, .seq = kPeerIss});
  h.expect_no_tx();
  h.expect_state(State::kEstablished);
  EXPECT_EQ(h.conn.drops()[DropReason::kRstOutOfWindow], 2u);
}

SYNACK_SCENARIO(Robustness, InsecureRstResetsAnywhereInWindow) {
  Config c = test_config();
  c.insecure_rst = true;
  Harness h(c);
  h.established();
  h.inject({.flags = RST, .seq = kPeerIss + 100});
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
}

SYNACK_SCENARIO(Robustness, SynInSynchronizedStateGetsChallengeAck) {
  Harness h;
  h.established();
  h.inject({.flags = SYN, .seq = kPeerIss + 50});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.inject({.flags = SYN, .seq = 7});  // outside the window: still a challenge ACK
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.expect_state(State::kEstablished);
  EXPECT_EQ(h.sink.count(TraceKind::kChallengeAck), 2u);
}

SYNACK_SCENARIO(Robustness, InsecureSynResets) {
  Config c = test_config();
  c.insecure_syn = true;
  Harness h(c);
  h.established();
  h.inject({.flags = SYN, .seq = kPeerIss + 50});
  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>: acceptable to an RFC 5961 peer.
  h.expect_tx({{.flags = RST | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
}

SYNACK_SCENARIO(Robustness, AckForDataNeverSentIsDroppedAndAcked) {
  Harness h;
  h.established();
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 500, .data = "zzz"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});  // data not taken
  EXPECT_EQ(h.conn.drops()[DropReason::kAckUnsent], 1u);
}

SYNACK_SCENARIO(Robustness, AckBelowMaxSndWndIsChallenged) {
  SYNACK_RFC("MAY-12");
  Harness h;
  h.established();  // MAX.SND.WND = 10000
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1 - 20000});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  EXPECT_EQ(h.conn.drops()[DropReason::kAckTooOld], 1u);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1 - 5000});  // old but in range
  h.expect_no_tx();
}

SYNACK_SCENARIO(Robustness, ChallengeAcksRateLimitedPerConnection) {
  Harness h;
  h.established();
  Harness other;
  other.established();
  std::size_t acks = 0;
  for (int i = 0; i < 8; ++i) {
    h.inject({.flags = RST, .seq = kPeerIss + 100});
    acks += h.drain().size();
  }
  EXPECT_EQ(acks, 5u);  // challenge_ack_limit 5 per second
  EXPECT_EQ(h.conn.drops()[DropReason::kChallengeAckLimit], 3u);
  // Another connection's budget is its own (never host-wide: CVE-2016-5696).
  other.inject({.flags = RST, .seq = kPeerIss + 100});
  EXPECT_EQ(other.drain().size(), 1u);
  h.advance(1000);
  h.inject({.flags = RST, .seq = kPeerIss + 100});
  EXPECT_EQ(h.drain().size(), 1u);
}

SYNACK_SCENARIO(Robustness, SynFinDropped) {
  Harness h;
  h.listen();
  h.inject({.flags = SYN | FIN, .seq = kPeerIss});
  h.expect_no_tx();
  h.expect_state(State::kListen);
  EXPECT_EQ(h.drops()[DropReason::kSynFin], 1u);
}

SYNACK_SCENARIO(Robustness, SynFinTreatedAsSynWhenAllowed) {
  Config c = test_config();
  c.drop_synfin = false;
  Harness h(c);
  h.syn_sent();
  h.inject({.flags = SYN | FIN | ACK, .seq = kPeerIss, .ack = kIss + 1, .data = "ignored"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.expect_state(State::kEstablished);
  Harness l(c);
  l.listen();
  l.inject({.flags = SYN | FIN, .seq = kPeerIss, .data = "data"});
  auto tx = l.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].flags.bits, SYN | ACK);
  EXPECT_EQ(tx[0].ack, SeqNum(kPeerIss + 1));  // FIN and data ignored
  l.expect_state(State::kSynReceived);
  Harness e(c);
  e.established();
  e.inject({.flags = SYN | FIN, .seq = kPeerIss + 1});
  e.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});  // challenge ACK
  e.expect_state(State::kEstablished);
}

SYNACK_SCENARIO(Robustness, UnacceptableAckInSynReceivedGetsRst) {
  Harness h;
  h.syn_received();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 77});
  h.expect_tx({{.flags = RST, .seq = kIss + 77, .ack = 0}});
  h.expect_state(State::kSynReceived);
}

SYNACK_SCENARIO(Robustness, DuplicateSynInSynReceivedResendsSynAck) {
  Harness h;
  h.syn_received();
  h.inject({.flags = SYN, .seq = kPeerIss});
  h.expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1}});
  h.expect_state(State::kSynReceived);
}

TEST(ResetFor, ClosedPortRules) {
  TcpSegment syn;
  syn.src_port = 1000;
  syn.dst_port = 80;
  syn.seq = SeqNum(500);
  syn.flags.bits = SYN;
  auto r = reset_for(syn);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->flags.bits, RST | ACK);
  EXPECT_EQ(r->seq, SeqNum(0));
  EXPECT_EQ(r->ack, SeqNum(501));  // SEG.SEQ + SEG.LEN
  EXPECT_EQ(r->src_port, 80);
  EXPECT_EQ(r->dst_port, 1000);
  TcpSegment data = syn;
  data.flags.bits = ACK | PSH;
  data.ack = SeqNum(9000);
  data.payload = as_bytes("12345");
  r = reset_for(data);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->flags.bits, RST);
  EXPECT_EQ(r->seq, SeqNum(9000));
  TcpSegment fin = syn;
  fin.flags.bits = FIN;
  fin.payload = as_bytes("ab");
  EXPECT_EQ(reset_for(fin)->ack, SeqNum(503));
  TcpSegment rst = syn;
  rst.flags.bits = RST | ACK;
  EXPECT_FALSE(reset_for(rst).has_value());  // never RST a RST
}

}  // namespace
}  // namespace synack::tcp::test

namespace synack::tcp::test {
namespace {

SYNACK_SCENARIO(Trace, EveryDecisionCarriesCauseAndRfc) {
  Harness h;
  h.established();
  h.inject({.flags = RST, .seq = kPeerIss + 100});                  // challenge ACK
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 50});  // ACK of unsent data
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.drain();
  ASSERT_FALSE(h.sink.events.empty());
  for (const TraceEvent& e : h.sink.events) {
    EXPECT_EQ(e.conn, 1u);
    EXPECT_EQ(e.tuple, h.tuple);
    EXPECT_FALSE(e.cause.empty());
    EXPECT_FALSE(e.rfc.empty());
    if (e.kind != TraceKind::kStateChange) {
      EXPECT_EQ(e.from, e.to);
    }
    if (e.kind == TraceKind::kDrop) {
      EXPECT_NE(e.drop, DropReason::kNone);
    }
  }
  const TraceEvent& last = h.sink.events.back();
  EXPECT_EQ(last.kind, TraceKind::kStateChange);
  EXPECT_EQ(last.from, State::kEstablished);
  EXPECT_EQ(last.to, State::kCloseWait);
  EXPECT_EQ(last.rfc, "RFC 9293 §3.10.7.4 eighth: FIN");
  EXPECT_EQ(h.conn.drops()[DropReason::kRstInWindow], 1u);
  EXPECT_EQ(h.conn.drops()[DropReason::kAckUnsent], 1u);
  EXPECT_EQ(h.conn.drops().total(), 2u);
}

// A spoofed ICMP "fragmentation needed" with a tiny next-hop MTU cannot force
// tiny segments: the path MTU is floored at Config::min_pmtu (Linux min_pmtu
// 552), counted as kPmtuFloor; an MTU above the floor is taken as RFC 1191 says.
SYNACK_SCENARIO(Robustness, IcmpFragNeededIsFlooredAtMinPmtu) {
  Harness h;
  EXPECT_EQ(h.cfg.min_pmtu, 552);
  h.established();  // peer MSS 536 (no option)
  ASSERT_TRUE(h.conn.send(as_bytes(std::string(2000, 'x')), h.now).has_value());
  h.drain();
  h.conn.on_icmp_error(3, 4, 68, h.now);
  EXPECT_EQ(h.conn.status().snd_mss, 512);  // 552 − 40, not 68 − 40
  EXPECT_EQ(h.conn.drops()[DropReason::kPmtuFloor], 1u);
  EXPECT_TRUE(h.sink.saw_drop(DropReason::kPmtuFloor));
  for (const TcpSegment& s : h.drain()) EXPECT_LE(s.payload.size(), 512u);
  h.conn.on_icmp_error(3, 4, 540, h.now);  // still below the floor: no change
  EXPECT_EQ(h.conn.status().snd_mss, 512);
  EXPECT_EQ(h.conn.drops()[DropReason::kPmtuFloor], 2u);
}

SYNACK_SCENARIO(Robustness, MinPmtuIsConfigurable) {
  Config cfg = test_config();
  cfg.min_pmtu = 296;
  Harness h(cfg);
  h.established();
  h.conn.on_icmp_error(3, 4, 300, h.now);
  EXPECT_EQ(h.conn.status().snd_mss, 260);
  EXPECT_EQ(h.conn.drops()[DropReason::kPmtuFloor], 0u);
}

}  // namespace
}  // namespace synack::tcp::test
