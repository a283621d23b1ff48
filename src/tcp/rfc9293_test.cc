// SPDX-License-Identifier: Apache-2.0
// RFC 9293 requirements (Appendix B) that no other engine test proves: each
// test names its labels with SYNACK_RFC (docs/rfc9293-requirements.md).
#include <string>
#include <type_traits>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

std::size_t urgent_signals(const RecordingSink& sink) {
  std::size_t n = 0;
  for (const TraceEvent& e : sink.events) {
    if (e.kind == TraceKind::kUserCall && e.cause == "signal user: urgent data") ++n;
  }
  return n;
}

SYNACK_SCENARIO(Rfc9293, WindowIsAnUnsigned32BitNumber) {
  SYNACK_RFC("MUST-1", "REC-1");
  static_assert(std::is_same_v<decltype(SendSequence::wnd), std::uint32_t>);
  static_assert(std::is_same_v<decltype(ReceiveSequence::wnd), std::uint32_t>);
  Harness h;
  h.established();
  // 0xFFFF would be −1 as a signed 16-bit number: it must read as 65535 bytes.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .wnd = 0xffff});
  EXPECT_EQ(h.conn.status().snd.wnd, 65535u);
  ASSERT_EQ(h.conn.send(as_bytes(std::string(500, 'x')), h.now).value(), 500u);
  h.expect_tx(
      {{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = std::string(500, 'x')}});
}

SYNACK_SCENARIO(Rfc9293, QueuedSegmentsGetOneAck) {
  SYNACK_RFC("MUST-58", "MUST-59");
  Harness h;
  h.established();
  // Three segments arrive before the stack polls for output: one ACK covers all.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "aaaa"});
  h.inject({.flags = ACK, .seq = kPeerIss + 5, .ack = kIss + 1, .data = "bbbb"});
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 9, .ack = kIss + 1, .data = "cccc"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 13}});
}

SYNACK_SCENARIO(Rfc9293, UrgentPointerNamesTheOctetAfterTheUrgentData) {
  SYNACK_RFC("MUST-30", "MUST-62");
  Harness h;
  h.established();
  ASSERT_EQ(h.conn.send(as_bytes("ab"), h.now).value(), 2u);
  ASSERT_EQ(h.conn.send_urgent(as_bytes("XYZ"), h.now).value(), 3u);
  const auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].flags.urg());
  EXPECT_EQ(out[0].seq, SeqNum(kIss + 1));
  EXPECT_EQ(out[0].urgent, 5);  // SEG.SEQ + 5 = 106, the octet after "abXYZ"
  // Once the urgent data is acknowledged, later segments carry no URG.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 6});
  ASSERT_EQ(h.conn.send(as_bytes("more"), h.now).value(), 4u);
  const auto later = h.drain();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_FALSE(later[0].flags.urg());
}

SYNACK_SCENARIO(Rfc9293, UrgentDataOfAnyLength) {
  SYNACK_RFC("MUST-31", "MUST-33");
  Harness h;
  h.established();
  // Two segments each pointing 65535 octets ahead: RCV.UP is a sequence number,
  // so the urgent data (65545 octets) is longer than the 16-bit field can say.
  h.inject({.flags = ACK | URG,
            .seq = kPeerIss + 1,
            .ack = kIss + 1,
            .data = "0123456789",
            .up = 0xffff});
  h.inject({.flags = ACK | URG,
            .seq = kPeerIss + 11,
            .ack = kIss + 1,
            .data = "0123456789",
            .up = 0xffff});
  EXPECT_EQ(h.conn.status().rcv.up, SeqNum(kPeerIss + 11 + 0xffff));
  EXPECT_EQ(h.conn.urgent_pending(), 10u + 0xffff);
  // Sending: the first segment already points at SND.UP, 60000 octets on.
  ASSERT_EQ(h.conn.send_urgent(as_bytes(std::string(60000, 'u')), h.now).value(), 60000u);
  const auto out = h.drain();
  ASSERT_FALSE(out.empty());
  EXPECT_TRUE(out[0].flags.urg());
  EXPECT_EQ(out[0].urgent, 60000);
}

SYNACK_SCENARIO(Rfc9293, UrgentPointerSignalsTheUserAndCountsDown) {
  SYNACK_RFC("MUST-32", "MUST-33");
  Harness h;
  h.established();
  EXPECT_EQ(h.conn.urgent_pending(), 0u);
  h.inject({.flags = ACK | URG, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abcdef", .up = 4});
  EXPECT_EQ(urgent_signals(h.sink), 1u);  // told at once, before any RECEIVE
  EXPECT_EQ(h.conn.urgent_pending(), 4u);
  h.inject({.flags = ACK, .seq = kPeerIss + 7, .ack = kIss + 1, .data = "g"});
  EXPECT_EQ(urgent_signals(h.sink), 1u);  // no new pointer, no new signal
  EXPECT_EQ(h.conn.urgent_pending(), 4u);
  std::array<std::byte, 3> buf{};
  ASSERT_EQ(h.conn.receive(buf, h.now).value(), 3u);
  EXPECT_EQ(h.conn.urgent_pending(), 1u);  // "d" is still urgent
  std::array<std::byte, 8> rest{};
  ASSERT_EQ(h.conn.receive(rest, h.now).value(), 4u);
  EXPECT_EQ(h.conn.urgent_pending(), 0u);
  h.inject({.flags = ACK | URG, .seq = kPeerIss + 8, .ack = kIss + 1, .data = "hi", .up = 2});
  EXPECT_EQ(urgent_signals(h.sink), 2u);
  EXPECT_EQ(h.conn.urgent_pending(), 2u);
}

SYNACK_SCENARIO(Rfc9293, RstAndUrgProcessedInAZeroWindow) {
  SYNACK_RFC("MUST-66");
  Harness h;
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = std::string(kRcvBuf, 'z')});
  h.drain();
  ASSERT_EQ(h.conn.status().rcv.wnd, 0u);
  const std::uint32_t nxt = kPeerIss + 1 + kRcvBuf;
  h.inject({.flags = ACK | URG, .seq = nxt, .ack = kIss + 1, .up = 3});
  EXPECT_EQ(h.conn.urgent_pending(), kRcvBuf + 3);
  h.inject({.flags = RST, .seq = nxt});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
}

SYNACK_SCENARIO(Rfc9293, RstMayCarryData) {
  SYNACK_RFC("SHLD-2");
  Harness h;
  h.established();
  h.inject({.flags = RST | ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "why: shutdown"});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
  h.expect_no_tx();
}

SYNACK_SCENARIO(Rfc9293, DataAfterCloseIsAnsweredWithRst) {
  SYNACK_RFC("SHLD-3");
  Harness h;
  h.established();
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.conn.detach(h.now);
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 2, .data = "late"});
  h.expect_tx({{.flags = RST, .seq = kIss + 2, .ack = 0}});
  h.expect_state(State::kClosed);
}

SYNACK_SCENARIO(Rfc9293, DelayedAckNeverReachesHalfASecond) {
  SYNACK_RFC("MUST-40", "SHLD-18");
  Config c = test_config();
  c.delayed_ack = seconds(2);  // asked for too much: capped below 0.5 s
  Harness h(c);
  h.established();
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "one"});
  h.expect_no_tx();
  h.advance(498);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 4}});
}

SYNACK_SCENARIO(Rfc9293, MssOptionOnlyInSyns) {
  SYNACK_RFC("MUST-65");
  Harness h;
  h.established();
  ASSERT_EQ(h.conn.send(as_bytes("data"), h.now).value(), 4u);
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "x"});
  const auto out = h.drain();
  ASSERT_FALSE(out.empty());
  for (const TcpSegment& s : out) EXPECT_FALSE(s.options.summarize().mss.has_value());
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  for (const TcpSegment& s : h.drain()) EXPECT_FALSE(s.options.summarize().mss.has_value());
}

SYNACK_SCENARIO(Rfc9293, IcmpSoftErrorsReportedNotFatal) {
  SYNACK_RFC("MUST-56", "SHLD-25");
  Harness h;
  h.established();
  h.conn.on_icmp_error(3, 1, 0, h.now);  // host unreachable
  h.expect_state(State::kEstablished);
  EXPECT_EQ(h.conn.status().soft_error, std::errc::host_unreachable);
  h.conn.on_icmp_error(3, 0, 0, h.now);  // net unreachable
  EXPECT_EQ(h.conn.status().soft_error, std::errc::network_unreachable);
  EXPECT_EQ(h.conn.info(h.now).soft_error, static_cast<int>(std::errc::network_unreachable));
  h.conn.on_icmp_error(3, 5, 0, h.now);   // source route failed
  h.conn.on_icmp_error(11, 0, 0, h.now);  // time exceeded
  h.conn.on_icmp_error(12, 0, 0, h.now);  // parameter problem
  h.expect_state(State::kEstablished);
  EXPECT_FALSE(h.conn.error().has_value());
  // Progress clears it: the peer acknowledges new data.
  ASSERT_EQ(h.conn.send(as_bytes("x"), h.now).value(), 1u);
  h.drain();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  EXPECT_FALSE(h.conn.status().soft_error.has_value());
}

SYNACK_SCENARIO(Rfc9293, IcmpPortUnreachableAbortsWhenSwitchedOn) {
  SYNACK_RFC("SHLD-26");
  {
    Harness h;  // default: RFC 5927 §4.1 / Linux: soft once synchronized
    h.established();
    h.conn.on_icmp_error(3, 3, 0, h.now);
    h.expect_state(State::kEstablished);
    EXPECT_EQ(h.conn.status().soft_error, std::errc::connection_refused);
  }
  Config c = test_config();
  c.icmp_hard_errors_abort = true;
  Harness h(c);
  h.established();
  h.conn.on_icmp_error(3, 2, 0, h.now);  // protocol unreachable
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_refused);
}

SYNACK_SCENARIO(Rfc9293, R1RetransmissionsReportTheDeliveryProblem) {
  SYNACK_RFC("SHLD-9", "SHLD-10", "MUST-20");
  Harness h;
  h.established();
  ASSERT_EQ(h.conn.send(as_bytes("lost"), h.now).value(), 4u);
  h.drain();
  h.advance(1000 + 2000);  // two retransmissions: below R1
  h.drain();
  EXPECT_FALSE(h.conn.status().soft_error.has_value());
  h.advance(4000);  // the third: R1 reached, the user is told, the connection goes on
  h.drain();
  EXPECT_EQ(h.conn.status().soft_error, std::errc::timed_out);
  h.expect_state(State::kEstablished);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 5});
  EXPECT_FALSE(h.conn.status().soft_error.has_value());
}

SYNACK_SCENARIO(Rfc9293, SynR2IsAtLeastThreeMinutes) {
  SYNACK_RFC("MUST-22", "MUST-23");
  Harness h;  // the engine default: 7 SYN retransmissions, R1 reported too
  h.syn_sent();
  h.advance(7000);
  h.drain();
  EXPECT_EQ(h.conn.status().soft_error, std::errc::timed_out);  // R1 for SYNs
  h.advance(180000 - 7000);
  h.drain();
  h.expect_state(State::kSynSent);  // still trying at 3 minutes
  h.advance(67000 - 1);             // the 7th retransmission at 127 s, then RTO max_rto (120 s)
  h.drain();
  h.expect_state(State::kSynSent);
  h.advance(1);
  h.expect_state(State::kClosed);  // R2 at 247 s
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  EXPECT_EQ(Config::linux_defaults().syn_retries, 6);  // DEVIATION(linux): 127 s
}

SYNACK_SCENARIO(Rfc9293, DataR2IsAtLeastOneHundredSeconds) {
  SYNACK_RFC("SHLD-11", "MUST-20");
  Harness h;  // the engine default: 15 retransmissions (Linux tcp_retries2)
  h.established();
  ASSERT_EQ(h.conn.send(as_bytes("lost"), h.now).value(), 4u);
  h.drain();
  h.advance(100 * 1000);
  h.drain();
  h.expect_state(State::kEstablished);  // still retransmitting after 100 s
  for (int i = 0; i < 3600 && h.conn.state() != State::kClosed; ++i) {
    h.advance(1000);
    h.drain();
  }
  h.expect_state(State::kClosed);  // R2: the connection is closed
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

SYNACK_SCENARIO(Rfc9293, ShrunkWindowStopsNewDataNotRetransmission) {
  SYNACK_RFC("MUST-34", "SHLD-15", "SHLD-16", "MAY-7");
  Harness h;
  h.established();
  ASSERT_EQ(h.conn.send(as_bytes(std::string(3000, 's')), h.now).value(), 3000u);
  ASSERT_EQ(h.drain().size(), 3u);  // 1460 + 1460 + 80: SND.NXT = 3101
  // The peer moves its right edge left: SND.UNA + SND.WND = 1101 < SND.NXT.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .wnd = 1000});
  ASSERT_EQ(h.conn.send(as_bytes("new"), h.now).value(), 3u);
  h.expect_no_tx();  // the usable window is zero, not negative: no new data
  h.advance(1000);   // RTO: the oldest data is retransmitted from SND.UNA
  const auto out = h.drain();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].seq, SeqNum(kIss + 1));
  EXPECT_FALSE(out[0].payload.empty());
}

constexpr std::uint16_t ECE = TcpFlags::kEce;
constexpr std::uint16_t CWR = TcpFlags::kCwr;

Config ecn_config() {
  Config c = test_config();
  c.ecn = EcnMode::kOn;
  return c;
}

SYNACK_SCENARIO(Rfc9293, EcnNegotiatedAndNewDataSentEct) {
  SYNACK_RFC("SHLD-8");
  Harness h(ecn_config());
  ASSERT_TRUE(h.conn.open_active(h.tuple, SeqNum(kIss), h.now).has_value());
  h.expect_tx({{.flags = SYN | ECE | CWR, .seq = kIss}});  // an ECN-setup SYN
  h.inject({.flags = SYN | ACK | ECE, .seq = kPeerIss, .ack = kIss + 1, .mss = 1460});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  ASSERT_EQ(h.conn.send(as_bytes("data"), h.now).value(), 4u);
  const auto data = h.conn.poll_transmit(h.now);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(h.conn.ip_ecn(), 0b10);  // ECT(0) on new data
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 5, .data = "x"});
  ASSERT_TRUE(h.conn.poll_transmit(h.now).has_value());
  EXPECT_EQ(h.conn.ip_ecn(), 0);  // a pure ACK is not ECN-capable
  // Off: no ECN in the SYN, and a peer's ECN-setup SYN is declined.
  Config off_cfg = test_config();
  off_cfg.ecn = EcnMode::kOff;
  Harness off(off_cfg);
  off.listen();
  off.inject({.flags = SYN | ECE | CWR, .seq = kPeerIss});
  const auto synack = off.drain();
  ASSERT_EQ(synack.size(), 1u);
  EXPECT_FALSE(synack[0].flags.ece());
}

SYNACK_SCENARIO(Rfc9293, EcnPassiveOpenAgrees) {
  SYNACK_RFC("SHLD-8");
  Harness h(ecn_config());
  h.listen();
  h.inject({.flags = SYN | ECE | CWR, .seq = kPeerIss});
  const auto synack = h.drain();
  ASSERT_EQ(synack.size(), 1u);
  EXPECT_TRUE(synack[0].flags.ece());
  EXPECT_FALSE(synack[0].flags.cwr());
}

// The default, as Linux (tcp_ecn 2) and FreeBSD (ecn.enable 2): our SYN does not
// ask, a peer's ECN-setup SYN is accepted.
SYNACK_SCENARIO(Rfc9293, EcnAcceptOnlyIsTheDefault) {
  SYNACK_RFC("SHLD-8");
  EXPECT_EQ(Config::defaults().ecn, EcnMode::kAccept);
  Harness active;
  ASSERT_TRUE(active.conn.open_active(active.tuple, SeqNum(kIss), active.now).has_value());
  active.expect_tx({{.flags = SYN, .seq = kIss}});
  active.inject({.flags = SYN | ACK | ECE, .seq = kPeerIss, .ack = kIss + 1, .mss = 1460});
  EXPECT_FALSE(active.conn.ecn_negotiated());  // an ECE we did not ask for is no agreement
  Harness passive;
  passive.listen();
  passive.inject({.flags = SYN | ECE | CWR, .seq = kPeerIss});
  const auto synack = passive.drain();
  ASSERT_EQ(synack.size(), 1u);
  EXPECT_TRUE(synack[0].flags.ece());
}

// RFC 3168 §6.1.1.1: after Config::ecn_syn_retries retransmissions the SYN stops
// asking for ECN (a middlebox may drop ECN-setup SYNs); an ECE in the SYN-ACK to a
// plain SYN does not negotiate it.
SYNACK_SCENARIO(Rfc9293, EcnSetupSynFallsBackToAPlainSyn) {
  SYNACK_RFC("SHLD-8");
  Config c = ecn_config();
  c.ecn_syn_retries = 1;
  Harness h(c);
  ASSERT_TRUE(h.conn.open_active(h.tuple, SeqNum(kIss), h.now).has_value());
  h.expect_tx({{.flags = SYN | ECE | CWR, .seq = kIss}});
  h.advance(1000);  // first retransmission: still ECN-setup
  h.expect_tx({{.flags = SYN | ECE | CWR, .seq = kIss}});
  h.advance(2000);  // second: plain
  h.expect_tx({{.flags = SYN, .seq = kIss}});
  h.inject({.flags = SYN | ACK | ECE, .seq = kPeerIss, .ack = kIss + 1, .mss = 1460});
  EXPECT_EQ(h.state(), State::kEstablished);
  EXPECT_FALSE(h.conn.ecn_negotiated());
}

SYNACK_SCENARIO(Rfc9293, EcnCeEchoedUntilCwrAndEceHalvesCwndOnce) {
  SYNACK_RFC("SHLD-8");
  Harness h(ecn_config());
  ASSERT_TRUE(h.conn.open_active(h.tuple, SeqNum(kIss), h.now).has_value());
  h.drain();
  h.inject({.flags = SYN | ACK | ECE, .seq = kPeerIss, .ack = kIss + 1, .mss = 1460});
  h.drain();
  // Receiver: a CE mark is echoed on every ACK until the sender's CWR.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "ce"});
  h.conn.note_ce();
  h.expect_tx({{.flags = ACK | ECE, .seq = kIss + 1, .ack = kPeerIss + 3}});
  h.inject({.flags = ACK, .seq = kPeerIss + 3, .ack = kIss + 1, .data = "more"});
  h.expect_tx({{.flags = ACK | ECE, .seq = kIss + 1, .ack = kPeerIss + 7}});
  h.inject({.flags = ACK | CWR, .seq = kPeerIss + 7, .ack = kIss + 1, .data = "cwr"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 10}});
  // Sender: an ECE halves cwnd once per window; the next new data carries CWR.
  ASSERT_EQ(h.conn.send(as_bytes(std::string(6 * 1460, 'e')), h.now).value(), 6u * 1460);
  ASSERT_EQ(h.drain().size(), 6u);
  const std::uint32_t before = h.conn.status().cwnd;
  h.inject({.flags = ACK | ECE, .seq = kPeerIss + 10, .ack = kIss + 1 + 1460});
  const std::uint32_t after = h.conn.status().cwnd;
  EXPECT_LT(after, before);
  h.inject({.flags = ACK | ECE, .seq = kPeerIss + 10, .ack = kIss + 1 + 2 * 1460});
  EXPECT_EQ(h.conn.status().cwnd, after);  // same window: no second cut
  h.inject({.flags = ACK, .seq = kPeerIss + 10, .ack = kIss + 1 + 6 * 1460});
  ASSERT_EQ(h.conn.send(as_bytes("n"), h.now).value(), 1u);
  bool cwr = false;
  for (const TcpSegment& s : h.drain()) cwr = cwr || (s.flags.cwr() && !s.payload.empty());
  EXPECT_TRUE(cwr);
}

}  // namespace
}  // namespace synack::tcp::test
