// SPDX-License-Identifier: Apache-2.0
// Closing (RFC 9293 §3.6): four-way, three-segment, half-close, simultaneous
// close, TIME-WAIT, FIN retransmission, orphaned FIN-WAIT-2; and the simple
// data path (segmentation, window, retransmission).
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

std::string read_all(Harness& h) {
  std::array<std::byte, 4096> buf{};
  std::string out;
  for (;;) {
    auto n = h.conn.receive(buf, h.now);
    if (!n || *n == 0) break;
    out.append(reinterpret_cast<const char*>(buf.data()), *n);
  }
  return out;
}

SYNACK_SCENARIO(Close, FourWayClose) {
  Harness h;
  h.fin_wait_1();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  h.expect_no_tx();
  h.expect_state(State::kFinWait2);
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
  h.expect_state(State::kTimeWait);
  EXPECT_TRUE(h.conn.at_eof());
}

SYNACK_SCENARIO(Close, PassiveCloseThroughLastAck) {
  Harness h;
  h.last_ack();
  h.inject({.flags = ACK, .seq = kPeerIss + 2, .ack = kIss + 2});
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_TRUE(h.conn.can_be_freed());
  EXPECT_FALSE(h.conn.error().has_value());
}

SYNACK_SCENARIO(Close, UnreadDataSurvivesGracefulClose) {
  Harness h;
  h.established();
  h.inject({.flags = ACK | PSH | FIN, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "tail"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 6}});
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 6}});
  h.inject({.flags = ACK, .seq = kPeerIss + 6, .ack = kIss + 2});
  h.expect_state(State::kClosed);
  EXPECT_FALSE(h.conn.at_eof());
  EXPECT_EQ(read_all(h), "tail");
  EXPECT_TRUE(h.conn.at_eof());
}

SYNACK_SCENARIO(Close, ThreeSegmentClose) {
  // The peer's FIN arrives together with its ACK of ours: FIN-WAIT-1 → TIME-WAIT.
  Harness h;
  h.fin_wait_1();
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
  h.expect_state(State::kTimeWait);
}

SYNACK_SCENARIO(Close, HalfCloseDataFlowsInCloseWait) {
  Harness h;
  h.close_wait();
  EXPECT_TRUE(h.conn.at_eof());
  ASSERT_EQ(h.conn.send(as_bytes("reply"), h.now).value(), 5u);
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 2, .data = "reply"}});
  h.inject({.flags = ACK, .seq = kPeerIss + 2, .ack = kIss + 6});
  h.expect_state(State::kCloseWait);
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 6, .ack = kPeerIss + 2}});
  h.expect_state(State::kLastAck);
}

SYNACK_SCENARIO(Close, HalfCloseDataFlowsInFinWait2) {
  Harness h;
  h.fin_wait_2();
  h.inject({.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 2, .data = "hello"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 6}});
  EXPECT_EQ(read_all(h), "hello");
  EXPECT_FALSE(h.conn.at_eof());
  EXPECT_EQ(h.conn.send(as_bytes("x"), h.now).error(), std::errc::broken_pipe);  // EPIPE
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 6, .ack = kIss + 2});
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 7}});
  h.expect_state(State::kTimeWait);
  EXPECT_TRUE(h.conn.at_eof());
}

SYNACK_SCENARIO(Close, SimultaneousClose) {
  Harness h;
  h.closing();
  h.inject({.flags = ACK, .seq = kPeerIss + 2, .ack = kIss + 2});
  h.expect_no_tx();
  h.expect_state(State::kTimeWait);
}

SYNACK_SCENARIO(Close, LostFinalAckReAckedFromTimeWait) {
  Harness h;
  h.time_wait();
  h.advance(10000);
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 2});  // retransmitted FIN
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
  h.advance(59999);  // the 2·MSL timer restarted at t = 10 s
  h.expect_state(State::kTimeWait);
  h.advance(1);
  h.expect_state(State::kClosed);
}

SYNACK_SCENARIO(Close, TimeWaitExpiresAfterExactly2Msl) {
  SYNACK_RFC("MUST-13");
  Harness h;
  h.time_wait();
  EXPECT_EQ(h.conn.next_deadline(), h.now + seconds(60));
  h.advance(59999);
  h.expect_state(State::kTimeWait);
  h.advance(1);
  h.expect_state(State::kClosed);
  h.expect_no_tx();
  EXPECT_TRUE(h.conn.can_be_freed());
}

SYNACK_SCENARIO(Close, MslConfigurable) {
  Config c = test_config();
  c.msl = seconds(2);
  Harness h(c);
  h.time_wait();
  h.advance(3999);
  h.expect_state(State::kTimeWait);
  h.advance(1);
  h.expect_state(State::kClosed);
}

SYNACK_SCENARIO(Close, FinRetransmittedInFinWait1ThenGiveUp) {
  Config c = test_config();
  c.max_retransmissions = 3;
  Harness h(c);
  h.fin_wait_1();
  for (std::int64_t d : {1000, 2000, 4000}) {
    h.advance(d);
    h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  }
  h.advance(8000);
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

SYNACK_SCENARIO(Close, FinRetransmittedInClosing) {
  Config c = test_config();
  c.max_retransmissions = 1;
  Harness h(c);
  h.closing();
  h.advance(1000);
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 2}});
  h.advance(2000);
  h.expect_state(State::kClosed);
}

// The peer retransmits its FIN, now acknowledging ours (SEG.SEQ + SEG.LEN =
// RCV.NXT): trimmed to an empty segment at RCV.NXT (§3.10.7.4), its ACK is
// processed — CLOSING → TIME-WAIT — and the duplicate is ACKed.
SYNACK_SCENARIO(Close, RetransmittedFinAckingOursInClosing) {
  Harness h;
  h.closing();
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  h.expect_state(State::kTimeWait);
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
}

SYNACK_SCENARIO(Close, RetransmittedFinAckingOursInLastAck) {
  Harness h;
  h.last_ack();
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  h.expect_state(State::kClosed);
}

// Without the ACK of our FIN the duplicate only gets an ACK (CLOSING stays).
SYNACK_SCENARIO(Close, RetransmittedFinNotAckingOursInClosing) {
  Harness h;
  h.closing();
  h.inject({.flags = FIN | ACK, .seq = kPeerIss + 1, .ack = kIss + 1});
  h.expect_state(State::kClosing);
  h.expect_tx({{.flags = ACK, .seq = kIss + 2, .ack = kPeerIss + 2}});
}

// Config::window_update_on_read (FreeBSD): a read that grows the window by
// ≥ 2·MSS and ≥ a quarter of the buffer sends a window update at once.
SYNACK_SCENARIO(Close, WindowUpdateOnReadWhenTheWindowGrowsEnough) {
  Config c = test_config();
  c.window_update_on_read = true;
  Harness h(c);
  h.established();
  h.inject(
      {.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 1, .data = std::string(4000, 'x')});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 4001, .wnd = kRcvBuf - 4000}});
  std::array<std::byte, 4000> buf{};
  ASSERT_EQ(h.conn.receive(buf, h.now).value_or(0), 4000u);
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 4001, .wnd = kRcvBuf}});
}

// The default: the window was never below one MSS, so the read sends nothing.
SYNACK_SCENARIO(Close, NoWindowUpdateOnReadByDefault) {
  Harness h;
  h.established();
  h.inject(
      {.flags = ACK | PSH, .seq = kPeerIss + 1, .ack = kIss + 1, .data = std::string(4000, 'x')});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 4001, .wnd = kRcvBuf - 4000}});
  std::array<std::byte, 4000> buf{};
  ASSERT_EQ(h.conn.receive(buf, h.now).value_or(0), 4000u);
  h.expect_no_tx();
}

SYNACK_SCENARIO(Close, FinRetransmittedInLastAck) {
  Config c = test_config();
  c.max_retransmissions = 2;
  Harness h(c);
  h.last_ack();
  h.advance(1000);
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 2}});
  h.advance(2000);
  h.expect_tx({{.flags = FIN | ACK, .seq = kIss + 1, .ack = kPeerIss + 2}});
  h.advance(4000);
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

SYNACK_SCENARIO(Close, OrphanedFinWait2TimesOut) {
  Harness h;
  h.fin_wait_2();
  h.conn.detach(h.now);
  h.advance(59999);
  h.expect_state(State::kFinWait2);
  h.advance(1);
  h.expect_state(State::kClosed);
}

SYNACK_SCENARIO(Close, FinWait2WaitsWhileApplicationReads) {
  Harness h;
  h.fin_wait_2();
  h.advance(600000);
  h.expect_state(State::kFinWait2);  // not orphaned: the other direction may still flow
}

SYNACK_SCENARIO(Close, FinAfterAllQueuedData) {
  Harness h;
  h.established();
  const std::string data(3000, 'a');
  ASSERT_EQ(h.conn.send(as_bytes(data), h.now).value(), 3000u);
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.expect_tx(
      {{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1, .data = data.substr(0, 1460)},
       {.flags = ACK, .seq = kIss + 1461, .ack = kPeerIss + 1, .data = data.substr(0, 1460)},
       {.flags = ACK | PSH | FIN,
        .seq = kIss + 2921,
        .ack = kPeerIss + 1,
        .data = data.substr(0, 80)}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 3002});
  h.expect_state(State::kFinWait2);
}

SYNACK_SCENARIO(Close, RstInEstablishedIsConnectionReset) {
  SYNACK_RFC("MUST-12");
  Harness h;
  h.established();
  h.inject({.flags = RST, .seq = kPeerIss + 1});
  h.expect_no_tx();
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
  std::array<std::byte, 4> buf{};
  EXPECT_EQ(h.conn.receive(buf, h.now).error(), std::errc::connection_reset);
}

SYNACK_SCENARIO(Close, RstInEveryClosingState) {
  for (auto fixture : {&Harness::fin_wait_1, &Harness::fin_wait_2, &Harness::close_wait,
                       &Harness::closing, &Harness::last_ack}) {
    Harness h;
    (h.*fixture)();
    h.inject({.flags = RST, .seq = h.conn.receiver().rcv.nxt.raw()});
    h.expect_no_tx();
    h.expect_state(State::kClosed);
  }
}

SYNACK_SCENARIO(Close, AbortSendsRst) {
  Harness h;
  h.closed();
  EXPECT_TRUE(h.conn.can_be_freed());
  Harness h2;
  h2.close_wait();
  ASSERT_TRUE(h2.conn.abort(h2.now).has_value());
  h2.expect_tx({{.flags = RST, .seq = kIss + 1, .ack = 0}});
  Harness h3;
  h3.time_wait();
  ASSERT_TRUE(h3.conn.abort(h3.now).has_value());
  h3.expect_no_tx();  // TIME-WAIT, CLOSING, LAST-ACK: no RST
  h3.expect_state(State::kClosed);
}

SYNACK_SCENARIO(Close, SegmentInClosedGetsReset) {
  Harness h;
  h.closed();
  h.inject({.flags = ACK, .seq = 5, .ack = 77});
  h.expect_tx({{.flags = RST, .seq = 77, .ack = 0}});
  h.inject({.flags = RST, .seq = 5});
  h.expect_no_tx();
}

SYNACK_SCENARIO(Data, SegmentationByPeerMss) {
  SYNACK_RFC("MUST-15", "MUST-61", "SHLD-28");
  Harness h;
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});  // no MSS option: 536
  h.drain();
  const std::string data(1000, 'b');
  ASSERT_TRUE(h.conn.send(as_bytes(data), h.now).has_value());
  h.expect_tx(
      {{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1, .data = data.substr(0, 536)},
       {.flags = ACK | PSH, .seq = kIss + 537, .ack = kPeerIss + 1, .data = data.substr(0, 464)}});
}

SYNACK_SCENARIO(Data, PeerWindowRespectedAndZeroWindowProbed) {
  SYNACK_RFC("MUST-35", "MUST-36", "SHLD-29");
  Harness h;
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1, .wnd = 100, .mss = 1460});
  h.drain();
  const std::string data(300, 'c');
  ASSERT_TRUE(h.conn.send(as_bytes(data), h.now).has_value());
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1, .data = data.substr(0, 100)}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 101, .wnd = 0});
  h.expect_no_tx();
  h.advance(1000);  // persist timer: one byte probes the zero window
  h.expect_tx({{.flags = ACK, .seq = kIss + 101, .ack = kPeerIss + 1, .data = "c"}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 102, .wnd = 1000});
  h.expect_tx(
      {{.flags = ACK | PSH, .seq = kIss + 102, .ack = kPeerIss + 1, .data = data.substr(0, 199)}});
}

SYNACK_SCENARIO(Data, RetransmissionWithExponentialBackoff) {
  SYNACK_RFC("MUST-19");
  Harness h;
  h.established();
  ASSERT_TRUE(h.conn.send(as_bytes("abc"), h.now).has_value());
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "abc"}});
  for (std::int64_t d : {1000, 2000, 4000, 8000}) {
    h.advance(d - 1);
    h.expect_no_tx();
    h.advance(1);
    h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "abc"}});
  }
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 4});
  EXPECT_EQ(h.conn.next_deadline(), kNever);
  // RFC 6298 §5 / Karn (§3): the ACK of a retransmitted segment gives no RTT
  // sample, so the backed-off RTO (16 s) stays until a clean sample collapses it.
  EXPECT_EQ(h.conn.status().rto, seconds(16));
}

SYNACK_SCENARIO(Data, RtoRetransmitsFirstSegmentThenTheRestAsAcksArrive) {
  // RFC 5681 §3.1: after the RTO cwnd = 1 SMSS; the ACK of the first segment
  // grows it to 2 SMSS (slow start), so both remaining segments go at once.
  Harness h;
  h.established();
  const std::string data(3000, 'e');
  ASSERT_TRUE(h.conn.send(as_bytes(data), h.now).has_value());
  EXPECT_EQ(h.drain().size(), 3u);
  h.advance(1000);
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1, .data = data.substr(0, 1460)}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1461});
  h.expect_tx(
      {{.flags = ACK, .seq = kIss + 1461, .ack = kPeerIss + 1, .data = data.substr(0, 1460)},
       {.flags = ACK | PSH, .seq = kIss + 2921, .ack = kPeerIss + 1, .data = data.substr(0, 80)}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 3001});
  h.expect_no_tx();
  EXPECT_EQ(h.conn.next_deadline(), kNever);
}

SYNACK_SCENARIO(Data, ReceiveBufferBoundsWindow) {
  SYNACK_RFC("MAY-8", "MUST-66");
  Harness h;
  h.established();
  const std::string big(kRcvBuf + 500, 'd');
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = big});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1 + kRcvBuf, .wnd = 0}});
  EXPECT_TRUE(h.sink.saw_drop(DropReason::kReceiveBufferFull));
  // Window zero: data at RCV.NXT is refused but its ACK still counts (§3.10.7.4 first).
  ASSERT_TRUE(h.conn.send(as_bytes("out"), h.now).has_value());
  h.expect_tx({{.flags = ACK | PSH,
                .seq = kIss + 1,
                .ack = kPeerIss + 1 + kRcvBuf,
                .wnd = 0,
                .data = "out"}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1 + kRcvBuf, .ack = kIss + 4, .data = "more"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 4, .ack = kPeerIss + 1 + kRcvBuf, .wnd = 0}});
  EXPECT_EQ(h.conn.sender().snd.una, SeqNum(kIss + 4));
  EXPECT_EQ(read_all(h).size(), kRcvBuf);
  h.expect_tx({{.flags = ACK, .seq = kIss + 4, .ack = kPeerIss + 1 + kRcvBuf, .wnd = kRcvBuf}});
}

SYNACK_SCENARIO(Data, OutOfOrderHeldAndAcked) {
  SYNACK_RFC("SHLD-31", "MAY-13");
  // RFC 9293 §3.10.7.4 seventh (SHLD-31): an out-of-order segment is kept and
  // delivered once the hole fills (it used to be dropped); ACKed at once
  // (RFC 5681 §4.2).
  Harness h;
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 11, .ack = kIss + 1, .data = "later"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  EXPECT_FALSE(h.sink.saw_drop(DropReason::kOutOfOrder));
  // A retransmission straddling RCV.NXT: only the new part is taken.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.drain();
  h.inject({.flags = ACK, .seq = kPeerIss + 2, .ack = kIss + 1, .data = "bcdef"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 7}});
  h.inject({.flags = ACK, .seq = kPeerIss + 7, .ack = kIss + 1, .data = "ghij"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 16}});  // the hole filled
  EXPECT_EQ(read_all(h), "abcdefghijlater");
}

}  // namespace
}  // namespace synack::tcp::test
