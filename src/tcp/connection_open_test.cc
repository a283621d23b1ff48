// SPDX-License-Identifier: Apache-2.0
// Connection establishment (RFC 9293 §3.5): handshake, split handshake,
// simultaneous open, old duplicate SYN, SYN / SYN-ACK retransmission schedules.
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

SYNACK_SCENARIO(Open, Handshake) {
  Harness h;
  h.established();
  const Status s = h.conn.status();
  EXPECT_EQ(s.snd.iss, SeqNum(kIss));
  EXPECT_EQ(s.snd.una, SeqNum(kIss + 1));  // SYN consumed one sequence number
  EXPECT_EQ(s.snd.nxt, SeqNum(kIss + 1));
  EXPECT_EQ(s.rcv.irs, SeqNum(kPeerIss));
  EXPECT_EQ(s.rcv.nxt, SeqNum(kPeerIss + 1));
  EXPECT_EQ(s.snd.wnd, kPeerWnd);
  EXPECT_EQ(s.snd.wl1, SeqNum(kPeerIss));
  EXPECT_EQ(s.snd.wl2, SeqNum(kIss + 1));
  EXPECT_EQ(s.rto, seconds(1));
}

SYNACK_SCENARIO(Open, HandshakePassive) {
  Harness h;
  h.established_passive();
  EXPECT_TRUE(h.conn.status().passive);
  EXPECT_EQ(h.conn.sender().snd.una, SeqNum(kIss + 1));
}

SYNACK_SCENARIO(Open, SynCarriesNoDataThirdSegmentDoes) {
  SYNACK_RFC("MUST-61");
  Harness h;
  h.syn_sent();
  ASSERT_EQ(h.conn.send(as_bytes("hello"), h.now).value(), 5u);
  h.expect_no_tx();  // the SYN went out already and carries no data
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "hello"}});
  h.expect_state(State::kEstablished);
}

SYNACK_SCENARIO(Open, PeerThirdSegmentCarriesData) {
  Harness h;
  h.syn_received();
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 4}});
  h.expect_state(State::kEstablished);
  std::array<std::byte, 8> buf{};
  EXPECT_EQ(h.conn.receive(buf, h.now).value(), 3u);
}

SYNACK_SCENARIO(Open, SplitHandshake) {
  // The peer answers our SYN with a bare ACK and then a separate SYN.
  Harness h;
  h.syn_sent();
  h.inject({.flags = ACK, .seq = kPeerIss, .ack = kIss + 1});
  h.expect_no_tx();  // §3.10.7.3 fifth: neither SYN nor RST → drop
  h.expect_state(State::kSynSent);
  h.inject({.flags = SYN, .seq = kPeerIss});
  h.expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1}});
  h.expect_state(State::kSynReceived);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.expect_no_tx();
  h.expect_state(State::kEstablished);
}

SYNACK_SCENARIO(Open, SimultaneousOpen) {
  SYNACK_RFC("MUST-10");
  // RFC 9293 Figure 8: both SYNs cross, both send SYN-ACKs, both ACK.
  Harness h;
  h.syn_received_active();
  EXPECT_FALSE(h.conn.status().passive);
  // The peer's SYN-ACK (seq = its ISS, already received) is not acceptable: ACK it.
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.expect_no_tx();
  h.expect_state(State::kEstablished);
}

// §3.10.7.3: text on a SYN received in SYN-SENT is queued until ESTABLISHED.
// The SYN-ACK acknowledges the SYN only; the ACK establishes and the text is
// delivered (RCV.NXT moves past it).
SYNACK_SCENARIO(Open, SimultaneousOpenQueuesTheSynsText) {
  Harness h;
  h.syn_sent();
  h.inject({.flags = SYN, .seq = kPeerIss, .data = "abc"});
  h.expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1}});
  std::array<std::byte, 16> buf{};
  const auto early = h.conn.receive(buf, h.now);
  EXPECT_TRUE(!early || *early == 0);  // nothing readable before ESTABLISHED
  h.inject({.flags = ACK, .seq = kPeerIss + 4, .ack = kIss + 1});
  h.expect_state(State::kEstablished);
  ASSERT_EQ(h.conn.receive(buf, h.now).value_or(0), 3u);
  EXPECT_EQ(std::to_integer<char>(buf[0]), 'a');
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 4}});
}

SYNACK_SCENARIO(Open, SimultaneousOpenRstRefuses) {
  SYNACK_RFC("MUST-11");
  Harness h;
  h.syn_received_active();
  h.inject({.flags = RST, .seq = kPeerIss + 1});
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_refused);
}

SYNACK_SCENARIO(Open, OldDuplicateSynActiveSide) {
  // RFC 9293 Figure 9, A's side: an old SYN-ACK acks something we never sent.
  Harness h;
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = 800, .ack = 91});
  h.expect_tx({{.flags = RST, .seq = 91, .ack = 0}});  // <SEQ=SEG.ACK><CTL=RST>
  h.expect_state(State::kSynSent);
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.expect_state(State::kEstablished);
}

SYNACK_SCENARIO(Open, OldDuplicateSynPassiveSideReturnsToListen) {
  SYNACK_RFC("MUST-11");
  // RFC 9293 Figure 9, B's side: the RST for our SYN-ACK sends us back to LISTEN.
  Harness h;
  h.syn_received();
  h.inject({.flags = RST, .seq = kPeerIss + 1});
  h.expect_no_tx();
  h.expect_state(State::kListen);
  EXPECT_TRUE(h.conn.can_be_freed());
  EXPECT_EQ(h.conn.status().send_queued, 0u);
  EXPECT_EQ(h.conn.next_deadline(), kNever);  // nothing held: no timers
  EXPECT_FALSE(h.conn.error().has_value());   // "the user need not be informed"
}

SYNACK_SCENARIO(Open, OldDuplicateSynOneTcbListenKeepsListening) {
  Harness h;
  h.listen();
  h.inject({.flags = SYN, .seq = 90});
  auto tx = h.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].flags.bits, SYN | ACK);
  EXPECT_EQ(tx[0].ack, SeqNum(91));
  h.expect_state(State::kSynReceived);
  h.inject({.flags = RST, .seq = 91});
  h.expect_state(State::kListen);
  EXPECT_EQ(h.listener().syn_queue_length(), 0u);  // the half-open connection is gone
  h.inject({.flags = SYN, .seq = kPeerIss});
  tx = h.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].ack, SeqNum(kPeerIss + 1));
  h.expect_state(State::kSynReceived);
}

SYNACK_SCENARIO(Open, LostThirdAckRecoveredBySynAckRetransmission) {
  Harness h;
  h.syn_received();
  h.advance(999);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.expect_state(State::kEstablished);
  EXPECT_EQ(h.conn.status().rto, seconds(3));  // RFC 6298 (5.7)
  EXPECT_EQ(h.conn.next_deadline(), kNever);
}

SYNACK_SCENARIO(Open, LostThirdAckNeverRecoveredSendsRst) {
  Harness h;  // synack_retries 5: 1, 2, 4, 8, 16 s, then give up after 32 s
  h.syn_received();
  for (std::int64_t d : {1000, 2000, 4000, 8000, 16000}) {
    h.advance(d);
    h.expect_tx({{.flags = SYN | ACK, .seq = kIss, .ack = kPeerIss + 1}});
  }
  h.advance(31999);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({{.flags = RST, .seq = kIss + 1, .ack = 0}});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  EXPECT_TRUE(h.conn.can_be_freed());
}

SYNACK_SCENARIO(Open, SynTimeoutsExactBackoffSchedule) {
  SYNACK_RFC("MUST-22");
  Config c = test_config();
  c.syn_retries = 6;  // Linux tcp_syn_retries (the engine's default 7 is Rfc9293.SynR2*)
  Harness h(c);       // SYN at 0, 1, 3, 7, 15, 31, 63 s; ETIMEDOUT at 127 s
  h.syn_sent();
  for (std::int64_t d : {1000, 2000, 4000, 8000, 16000, 32000}) {
    h.advance(d - 1);
    h.expect_no_tx();
    h.advance(1);
    h.expect_tx({{.flags = SYN, .seq = kIss, .ack = 0}});
    h.expect_state(State::kSynSent);
  }
  h.advance(63999);
  h.expect_state(State::kSynSent);
  h.advance(1);
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  EXPECT_EQ(to_ms(h.now.time_since_epoch()), 127000);
  EXPECT_EQ(h.conn.send(as_bytes("x"), h.now).error(), std::errc::timed_out);
}

SYNACK_SCENARIO(Open, SynRetriesConfigurable) {
  Config c = test_config();
  c.syn_retries = 2;
  Harness h(c);
  h.syn_sent();
  h.advance(1000);
  h.expect_tx({{.flags = SYN, .seq = kIss, .ack = 0}});
  h.advance(2000);
  h.expect_tx({{.flags = SYN, .seq = kIss, .ack = 0}});
  h.advance(4000);
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

SYNACK_SCENARIO(Open, FreeBsdSynScheduleAndKeepinit) {
  Config c = Config::freebsd_defaults();
  c.window_scaling = c.sack = c.timestamps = false;
  c.rcv_buf = kRcvBuf;
  Harness h(c);
  h.syn_sent();
  h.advance(1000);  // +1.0 s
  h.expect_tx({{.flags = SYN, .seq = kIss, .ack = 0}});
  h.advance(2199);
  h.expect_no_tx();
  h.advance(1);  // +2.2 s (doubling plus 200 ms slop)
  h.expect_tx({{.flags = SYN, .seq = kIss, .ack = 0}});
  h.advance(75000 - 3200 - 1);
  h.drain();
  h.expect_state(State::kSynSent);
  h.advance(1);  // keepinit 75 s
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

SYNACK_SCENARIO(Open, RtoIsThreeSecondsAfterTimedOutSyn) {
  Harness h;
  h.syn_sent();
  h.advance(1000);
  h.expect_tx({{.flags = SYN, .seq = kIss, .ack = 0}});
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  EXPECT_EQ(h.conn.status().rto, seconds(3));
  ASSERT_TRUE(h.conn.send(as_bytes("data"), h.now).has_value());
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "data"}});
  h.advance(2999);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "data"}});
}

SYNACK_SCENARIO(Open, RstInSynSentIsConnectionRefused) {
  Harness h;
  h.syn_sent();
  h.inject({.flags = RST | ACK, .seq = 0, .ack = kIss + 1});
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_refused);
  std::array<std::byte, 4> buf{};
  EXPECT_EQ(h.conn.receive(buf, h.now).error(), std::errc::connection_refused);
}

SYNACK_SCENARIO(Open, RstWithoutAckInSynSentIgnored) {
  Harness h;
  h.syn_sent();
  h.inject({.flags = RST, .seq = 0});
  h.expect_no_tx();
  h.expect_state(State::kSynSent);
  EXPECT_TRUE(h.sink.saw_drop(DropReason::kRstUnacceptableAck));
}

SYNACK_SCENARIO(Open, UserCallErrors) {
  Harness h;
  std::array<std::byte, 4> buf{};
  EXPECT_EQ(h.conn.send(as_bytes("x"), h.now).error(), std::errc::not_connected);
  EXPECT_EQ(h.conn.receive(buf, h.now).error(), std::errc::not_connected);
  EXPECT_EQ(h.conn.close(h.now).error(), std::errc::not_connected);
  EXPECT_EQ(h.conn.abort(h.now).error(), std::errc::not_connected);
  h.syn_sent();
  EXPECT_EQ(h.conn.open_active(h.tuple, SeqNum(5), h.now).error(),
            std::errc::connection_already_in_progress);
  EXPECT_EQ(h.conn.receive(buf, h.now).value(), 0u);  // nothing yet
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});
  EXPECT_EQ(h.conn.open_active(h.tuple, SeqNum(5), h.now).error(), std::errc::already_connected);
}

SYNACK_SCENARIO(Open, CloseInListenAndSynSent) {
  Harness h;
  h.listen();
  h.close_listener();
  h.expect_state(State::kClosed);
  Harness h2;
  h2.syn_sent();
  ASSERT_TRUE(h2.conn.close(h2.now).has_value());
  h2.expect_state(State::kClosed);
  h2.expect_no_tx();
}

SYNACK_SCENARIO(Open, CloseInSynReceivedSendsFin) {
  Harness h;
  h.syn_received();
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.expect_state(State::kFinWait1);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
}

SYNACK_SCENARIO(Open, OptionsNegotiated) {
  SYNACK_RFC("MUST-14", "SHLD-5", "MAY-3");
  Config c = test_config();
  c.window_scaling = c.sack = c.timestamps = true;
  c.window_scale = 7;
  Harness h(c);
  ASSERT_TRUE(h.conn.open_active(h.tuple, SeqNum(kIss), h.now).has_value());
  auto syn = h.drain();
  ASSERT_EQ(syn.size(), 1u);
  const auto o = syn[0].options.summarize();
  EXPECT_EQ(o.mss, 1460);
  EXPECT_EQ(o.window_scale, 7);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_TRUE(o.timestamps.has_value());
  // The peer offers MSS 1000 and window scale 2 only.
  TcpSegment sa;
  sa.src_port = h.tuple.remote.port;
  sa.dst_port = h.tuple.local.port;
  sa.seq = SeqNum(kPeerIss);
  sa.ack = SeqNum(kIss + 1);
  sa.flags.bits = SYN | ACK;
  sa.window = 5000;
  sa.options.mss(1000).nop().window_scale(2);
  h.conn.on_segment(sa, h.now);
  const Status s = h.conn.status();
  EXPECT_TRUE(s.wscale_ok);
  EXPECT_FALSE(s.sack_ok);
  EXPECT_FALSE(s.ts_ok);
  EXPECT_EQ(s.snd_mss, 1000);
  EXPECT_EQ(s.snd_wscale, 2);
  EXPECT_EQ(s.snd.wnd, 5000u);  // the SYN-ACK's window is not scaled
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .wnd = 100});
  EXPECT_EQ(h.conn.status().snd.wnd, 400u);  // later windows are
}

SYNACK_SCENARIO(Open, SynAckEchoesOnlyOfferedOptions) {
  Config c = test_config();
  c.window_scaling = c.sack = c.timestamps = true;
  Harness h(c);
  TcpSegment syn;
  syn.src_port = h.tuple.remote.port;
  syn.dst_port = h.tuple.local.port;
  syn.seq = SeqNum(kPeerIss);
  syn.flags.bits = SYN;
  syn.window = 1000;
  syn.options.mss(1200).sack_permitted();
  h.conn = Connection::accept_syn(h.cfg, &h.sink, 1, h.tuple, syn, SeqNum(kIss), h.now);
  auto tx = h.drain();
  ASSERT_EQ(tx.size(), 1u);
  const auto o = tx[0].options.summarize();
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_FALSE(o.window_scale.has_value());
  EXPECT_FALSE(o.timestamps.has_value());
}

}  // namespace
}  // namespace synack::tcp::test

namespace synack::tcp::test {
namespace {

std::vector<std::uint8_t> kinds(const TcpOptions& o) {
  std::vector<std::uint8_t> k;
  o.for_each([&](const TcpOptionItem& item) { k.push_back(item.kind); });
  return k;
}

TcpSegment peer_syn(const Harness& h, TcpOptions opts) {
  TcpSegment syn;
  syn.src_port = h.tuple.remote.port;
  syn.dst_port = h.tuple.local.port;
  syn.seq = SeqNum(kPeerIss);
  syn.flags.bits = SYN;
  syn.window = 65535;
  syn.options = opts;
  return syn;
}

TEST(Options, LinuxAndFreeBsdSynLayouts) {
  Config lx = Config::linux_defaults();
  Harness a(lx);
  ASSERT_TRUE(a.conn.open_active(a.tuple, SeqNum(kIss), a.now).has_value());
  auto syn = a.drain();
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(kinds(syn[0].options), (std::vector<std::uint8_t>{2, 4, 8, 1, 3}));
  EXPECT_EQ(syn[0].options.summarize().window_scale, 7);
  Config bsd = Config::freebsd_defaults();
  Harness b(bsd);
  ASSERT_TRUE(b.conn.open_active(b.tuple, SeqNum(kIss), b.now).has_value());
  syn = b.drain();
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(kinds(syn[0].options), (std::vector<std::uint8_t>{2, 1, 3, 4, 8}));
  EXPECT_EQ(syn[0].options.summarize().window_scale, 6);
  EXPECT_EQ(syn[0].window, 65535);
}

TEST(Options, FreeBsdSynAckEchoesMssSackOk) {
  // conformance corpus: "> S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,eol,eol>"
  Harness h(Config::freebsd_defaults());
  h.conn = Connection::accept_syn(h.cfg, &h.sink, 1, h.tuple,
                                  peer_syn(h, TcpOptions{}.mss(1460).sack_permitted()),
                                  SeqNum(kIss), h.now);
  auto tx = h.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(kinds(tx[0].options), (std::vector<std::uint8_t>{2, 4}));
  EXPECT_EQ(tx[0].options.padded_size(), 8u);  // two EOL bytes of padding
  EXPECT_EQ(tx[0].window, 65535);
  Harness h2(Config::freebsd_defaults());
  h2.conn = Connection::accept_syn(
      h2.cfg, &h2.sink, 1, h2.tuple,
      peer_syn(h2, TcpOptions{}.mss(1460).nop().window_scale(3).timestamps(5, 0)), SeqNum(kIss),
      h2.now);
  tx = h2.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(kinds(tx[0].options), (std::vector<std::uint8_t>{2, 1, 3, 1, 1, 8}));
  EXPECT_EQ(tx[0].options.summarize().timestamps->ecr, 5u);
}

}  // namespace
}  // namespace synack::tcp::test
