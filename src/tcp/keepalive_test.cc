// SPDX-License-Identifier: Apache-2.0
// Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) and the user timeout
// (RFC 5482, Linux TCP_USER_TIMEOUT) with the segment DSL: the exact probe
// schedule, a peer's answer restarting it, the RST and ETIMEDOUT at the end.
#include <string>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

// Keepalive after 10 s idle, every 2 s, 3 probes.
Config keepalive_config() {
  Config c = test_config();
  c.keepalive = true;
  c.keepalive_idle = seconds(10);
  c.keepalive_interval = seconds(2);
  c.keepalive_count = 3;
  return c;
}

// The fixture's connection: snd.nxt 101, rcv.nxt 301; a probe is <SEQ=100><ACK=301>.
constexpr Seg kProbe{.flags = ACK, .seq = kIss, .ack = kPeerIss + 1};

TEST(Keepalive, OffByDefault) {
  SYNACK_RFC("MUST-25");
  Harness h;
  h.established();
  h.advance(3 * 3600 * 1000);
  h.expect_no_tx();
  h.expect_state(State::kEstablished);
  EXPECT_EQ(h.conn.next_deadline(), kNever);
}

TEST(Keepalive, ProbeScheduleThenRstAndTimedOut) {
  SYNACK_RFC("MAY-5", "MUST-29", "SHLD-12");
  Harness h(keepalive_config());
  h.established();  // t = 0: the last segment from the peer
  h.advance(9999);
  h.expect_no_tx();
  h.advance(1);  // t = 10 s: first probe
  h.expect_tx({kProbe});
  EXPECT_EQ(h.conn.keepalive_probes(), 1u);
  h.advance(1999);
  h.expect_no_tx();
  h.advance(1);  // t = 12 s
  h.expect_tx({kProbe});
  h.advance(2000);  // t = 14 s: third and last probe
  h.expect_tx({kProbe});
  h.expect_state(State::kEstablished);
  h.advance(1999);
  h.expect_no_tx();
  h.advance(1);  // t = 16 s: three probes unanswered → RST,ACK <SEQ=SND.NXT>, ETIMEDOUT (Linux)
  h.expect_tx({{.flags = RST | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

TEST(Keepalive, PeerAnswerRestartsIdleTimer) {
  SYNACK_RFC("MUST-29");
  Harness h(keepalive_config());
  h.established();
  h.advance(10000);
  h.expect_tx({kProbe});
  h.advance(500);  // the peer answers the probe with an ACK at t = 10.5 s
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.expect_no_tx();
  EXPECT_EQ(h.conn.keepalive_probes(), 0u);
  h.advance(9999);  // no probe until 10 s after the answer
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({kProbe});
  EXPECT_EQ(h.conn.keepalive_probes(), 1u);
}

TEST(Keepalive, DataFromPeerDefersProbe) {
  SYNACK_RFC("MUST-26");
  Harness h(keepalive_config());
  h.established();
  h.advance(6000);
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "hi"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 3}});
  h.advance(9999);
  h.expect_no_tx();
  h.advance(1);  // 16 s: 10 s after the data
  h.expect_tx({{.flags = ACK, .seq = kIss, .ack = kPeerIss + 3}});
}

TEST(Keepalive, LinuxDefaultsSchedule) {
  SYNACK_RFC("MUST-28");
  Harness h;
  h.established();
  h.conn.set_keepalive(true, h.now);
  h.advance(7200 * 1000 - 1);
  h.expect_no_tx();
  for (int i = 0; i < 9; ++i) {  // 9 probes: 7200 s, 7275 s, … 7800 s
    h.advance(i == 0 ? 1 : 75 * 1000);
    h.expect_tx({kProbe});
  }
  h.advance(75 * 1000 - 1);
  h.expect_no_tx();
  h.advance(1);  // 7875 s
  h.expect_tx({{.flags = RST | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

TEST(Keepalive, SetterTurnsItOffAndRetimes) {
  SYNACK_RFC("MUST-24", "MUST-27");
  Harness h(keepalive_config());
  h.established();
  h.advance(5000);
  h.conn.set_keepalive(false, h.now);
  h.advance(60000);
  h.expect_no_tx();
  h.conn.set_keepalive(true, h.now);  // t = 65 s: armed from now
  // Idle 20 s, counted from the last segment received (t = 0): due at once.
  h.conn.set_keepalive_timing(seconds(20), seconds(1), 1, h.now);
  h.advance(0);
  h.expect_tx({kProbe});
  h.advance(1000);  // one probe allowed
  h.expect_tx({{.flags = RST | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
}

TEST(Keepalive, NoProbeWhileDataOutstanding) {
  SYNACK_RFC("MUST-26");
  Harness h(keepalive_config());
  h.established();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("x")), h.now).has_value());
  h.drain();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .wnd = 0});  // window closed
  h.advance(10000);
  for (const auto& s : h.drain()) EXPECT_NE(s.seq, SeqNum(kIss)) << "a keepalive probe was sent";
}

TEST(UserTimeout, AbortsWhenDataStaysUnacknowledged) {
  Config c = test_config();
  c.user_timeout = seconds(5);
  c.max_retransmissions = 1;  // the user timeout replaces the count (Linux)
  Harness h(c);
  h.established();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("abc")), h.now).has_value());
  h.drain();
  for (int i = 0; i < 49; ++i) {  // RTO 1 s, 2 s: retransmissions at 1 s and 3 s
    h.advance(100);
    h.drain();
  }
  h.advance(99);
  EXPECT_EQ(h.conn.status().retransmits, 2u);  // more than max_retransmissions
  h.expect_state(State::kEstablished);
  h.advance(1);  // the RTO is clamped to the user timeout: exactly 5 s
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  h.expect_no_tx();  // no RST (Linux tcp_write_err)
}

TEST(UserTimeout, ProgressRestartsIt) {
  Config c = test_config();
  c.user_timeout = seconds(5);
  Harness h(c);
  h.established();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("abc")), h.now).has_value());
  h.drain();
  h.advance(3000);
  h.drain();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("def")), h.now).has_value());
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 4});  // "abc" ACKed at 3 s
  h.drain();
  h.advance(4999);  // 7.999 s: "def" unacknowledged for 4.999 s
  h.drain();
  h.expect_state(State::kEstablished);
  h.advance(1);
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

TEST(UserTimeout, WithKeepaliveEndsProbing) {
  Config c = keepalive_config();
  c.keepalive_count = 100;
  c.user_timeout = seconds(13);
  Harness h(c);
  h.established();
  h.advance(10000);
  h.expect_tx({kProbe});
  h.advance(2000);
  h.expect_tx({kProbe});
  // t = 14 s: 14 s idle ≥ 13 s with a probe out → RST, ETIMEDOUT (Linux tcp_keepalive_timer).
  h.advance(2000);
  h.expect_tx({{.flags = RST | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

TEST(UserTimeout, EndsZeroWindowProbingEvenWhenAnswered) {
  // Linux TCP_USER_TIMEOUT also bounds a zero window: data stays unacknowledged
  // while the answered persist probes go on (RFC 6429 alone would probe forever).
  Config c = test_config();
  c.user_timeout = seconds(5);
  Harness h(c);
  h.established();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string(3000, 'z')), h.now).has_value());
  EXPECT_EQ(h.drain().size(), 3u);
  h.advance(100);
  // The first 1000 bytes are ACKed (the user timeout restarts) and the window closes.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1001, .wnd = 0});
  const Instant progress = h.now;
  while (h.conn.state() == State::kEstablished && h.now - progress < seconds(60)) {
    h.advance(100);
    if (!h.drain().empty()) {
      h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1001, .wnd = 0});  // answered
    }
  }
  EXPECT_GE(h.conn.persist_probes(), 2u);  // at 1.1 s and 3.1 s (RTO 1 s, doubling)
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  // The persist timer is clamped to the limit: closed in the 100 ms step that reaches it.
  EXPECT_EQ(h.now - progress, seconds(5));
}

TEST(UserTimeout, OffMeansRetransmissionCount) {
  Config c = test_config();
  c.max_retransmissions = 2;
  Harness h(c);
  h.established();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("abc")), h.now).has_value());
  h.drain();
  for (int i = 0; i < 100 && h.conn.state() == State::kEstablished; ++i) {
    h.advance(100);
    h.drain();
  }
  // Retransmissions at 1 s and 3 s, give-up when the second one times out at 7 s.
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  EXPECT_EQ(h.now - Instant{}, seconds(7));
}

}  // namespace
}  // namespace synack::tcp::test
