// SPDX-License-Identifier: Apache-2.0
// When the engine sends (issue 4), with the segment DSL: Nagle (RFC 896,
// RFC 9293 §3.7.4) and TCP_NODELAY, sender and receiver SWS avoidance
// (§3.8.6.2.1, §3.8.6.2.2), the persist timer and zero-window probes
// (§3.8.6.1, RFC 6429), and slow start from one segment after an RTO
// (RFC 5681 §3.1).
#include <array>
#include <string>
#include <vector>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

constexpr std::uint32_t kSeg = 1460;

Config classic_nagle() {
  Config c = test_config();
  c.nagle_minshall = false;
  return c;
}

// Established with the peer's window `wnd` and MSS 1460.
void established_with_window(Harness& h, std::uint32_t wnd) {
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1, .wnd = wnd, .mss = 1460});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
}

void send(Harness& h, const std::string& data) {
  ASSERT_EQ(h.conn.send(as_bytes(data), h.now).value(), data.size());
}

Seg ack(std::uint32_t acked, std::uint32_t wnd = kPeerWnd) {
  return {.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1 + acked, .wnd = wnd};
}

Seg data(std::uint32_t offset, const std::string& bytes, bool psh = true) {
  return {.flags = static_cast<std::uint16_t>(ACK | (psh ? PSH : 0)),
          .seq = kIss + 1 + offset,
          .ack = kPeerIss + 1,
          .data = bytes};
}

// ---- Nagle (RFC 9293 §3.7.4) -----------------------------------------------------------

TEST(Nagle, ShortSegmentsWaitForTheAckAndCoalesce) {
  SYNACK_RFC("SHLD-7", "MAY-16", "SHLD-27", "MUST-60");
  Harness h(classic_nagle());
  h.established();
  send(h, "a");
  h.expect_tx({data(0, "a")});  // nothing outstanding: goes at once
  send(h, "b");
  send(h, "c");
  h.expect_no_tx();  // "a" is unacknowledged: held
  h.inject(ack(1));
  h.expect_tx({data(1, "bc")});  // one segment for both writes
}

TEST(Nagle, ClassicHoldsTheTailOfALargeWrite) {
  SYNACK_RFC("SHLD-7");
  // RFC 896 as written: any unacknowledged data holds a short segment.
  Harness h(classic_nagle());
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});  // MSS 536
  h.drain();
  const std::string d(1000, 'x');
  send(h, d);
  h.expect_tx({data(0, d.substr(0, 536), false)});
  h.inject(ack(536));
  h.expect_tx({data(536, d.substr(536))});
}

TEST(Nagle, MinshallSendsTheTailButHoldsTheNextShortWrite) {
  // DEVIATION(linux) Config::nagle_minshall: only an unacknowledged *short*
  // segment holds the next one.
  Harness h;
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1});  // MSS 536
  h.drain();
  const std::string d(1000, 'x');
  send(h, d);
  h.expect_tx({data(0, d.substr(0, 536), false), data(536, d.substr(536))});
  send(h, "y");
  h.expect_no_tx();  // the 464-byte segment is unacknowledged
  h.inject(ack(536));
  h.expect_no_tx();  // still unacknowledged
  h.inject(ack(1000));
  h.expect_tx({data(1000, "y")});
}

TEST(Nagle, NodelaySendsEveryWriteAtOnce) {
  SYNACK_RFC("MUST-17");
  Config c = classic_nagle();
  c.nodelay = true;
  Harness h(c);
  h.established();
  send(h, "a");
  send(h, "b");
  h.expect_tx({data(0, "ab")});
  send(h, "c");
  h.expect_tx({data(2, "c")});
}

TEST(Nagle, SetNodelayFlushesHeldData) {
  // Linux: setting TCP_NODELAY pushes what Nagle held.
  Harness h(classic_nagle());
  h.established();
  send(h, "a");
  h.drain();
  send(h, "b");
  h.expect_no_tx();
  EXPECT_FALSE(h.conn.nodelay());
  h.conn.set_nodelay(true);
  h.expect_tx({data(1, "b")});
}

TEST(Nagle, FinIsNotDelayed) {
  Harness h(classic_nagle());
  h.established();
  send(h, "a");
  h.drain();
  send(h, "b");
  ASSERT_TRUE(h.conn.close(h.now).has_value());
  h.expect_tx({{.flags = ACK | PSH | FIN, .seq = kIss + 2, .ack = kPeerIss + 1, .data = "b"}});
}

// ---- sender SWS avoidance (RFC 9293 §3.8.6.2.1) --------------------------------------------

TEST(SenderSws, SliverOfTheWindowIsNotUsed) {
  SYNACK_RFC("MUST-38");
  Harness h;
  established_with_window(h, 4000);  // Max(SND.WND) = 4000
  const std::string d(5000, 's');
  send(h, d);
  // 1460 + 1460 fill; the remaining 1080 of the window is < MSS and < 4000 / 2.
  h.expect_tx({data(0, d.substr(0, kSeg), false), data(kSeg, d.substr(kSeg, kSeg), false)});
  h.advance(100);
  h.inject(ack(kSeg, 4000));  // usable 2540: a full segment, then the pushed rest (620 ≤ U)
  h.expect_tx(
      {data(2 * kSeg, d.substr(2 * kSeg, kSeg), false), data(3 * kSeg, d.substr(3 * kSeg))});
}

TEST(SenderSws, OverrideTimeoutSendsWhatTheWindowAllows) {
  // §3.8.6.2.1 (4): nothing outstanding and a silly window: the override
  // (persist) timer forces a send of min(D, U).
  Harness h;
  established_with_window(h, 4000);
  const std::string d(5000, 'o');
  send(h, d);
  h.expect_tx({data(0, d.substr(0, kSeg), false), data(kSeg, d.substr(kSeg, kSeg), false)});
  h.advance(100);                // RTT 100 ms: RTO = 100 + 4 · 50 = 300 ms
  h.inject(ack(2 * kSeg, 500));  // all acknowledged, window shrinks to 500
  h.expect_no_tx();              // 500 < MSS and < Max(SND.WND) / 2
  EXPECT_NE(h.conn.next_deadline(), kNever);
  h.advance(299);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({data(2 * kSeg, d.substr(2 * kSeg, 500), false)});
  EXPECT_EQ(h.conn.persist_probes(), 0u);  // not a zero-window probe
}

// ---- receiver SWS avoidance (RFC 9293 §3.8.6.2.2) -------------------------------------------

TEST(ReceiverSws, WindowOpensOnlyInWorthwhileSteps) {
  SYNACK_RFC("MUST-39");
  Harness h;  // RCV.BUFF 10000, MSS 1460: steps of min(5000, 1460)
  h.established();
  const std::string in(9000, 'r');
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = in});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 9001, .wnd = 1000}});
  std::array<std::byte, 1000> buf{};
  ASSERT_EQ(h.conn.receive(std::span(buf).first(400), h.now).value(), 400u);
  h.expect_no_tx();  // the edge could move by 400 < 1460: no update
  EXPECT_EQ(h.conn.status().rcv.wnd, 1000u);
  h.inject({.flags = ACK, .seq = kPeerIss + 9001, .ack = kIss + 1, .data = "z"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 9002, .wnd = 999}});
  ASSERT_EQ(h.conn.receive(buf, h.now).value(), 1000u);
  // 2399 free: < 999 + 1460, the edge stays.
  h.expect_no_tx();
  EXPECT_EQ(h.conn.status().rcv.wnd, 999u);
  ASSERT_EQ(h.conn.receive(buf, h.now).value(), 1000u);
  // 3399 ≥ 999 + 1460: the window opens to the free space (and doubled: an update).
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 9002, .wnd = 3399}});
}

TEST(ReceiverSws, OffKeepsTheFreeSpace) {
  Config c = test_config();
  c.receiver_sws = false;
  Harness h(c);
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = std::string(9000, 'r')});
  h.drain();
  std::array<std::byte, 400> buf{};
  ASSERT_EQ(h.conn.receive(buf, h.now).value(), 400u);
  EXPECT_EQ(h.conn.status().rcv.wnd, 1400u);
}

// ---- persist timer (RFC 9293 §3.8.6.1, RFC 6429) ---------------------------------------------

TEST(Persist, ZeroWindowForTenMinutesThenResumes) {
  SYNACK_RFC("SHLD-17", "SHLD-30", "MUST-37");
  Config c = test_config();
  c.max_rto = seconds(60);
  Harness h(c);
  established_with_window(h, 1000);
  const std::string d(3000, 'p');
  send(h, d);
  h.expect_tx({data(0, d.substr(0, 1000), false)});
  h.advance(100);  // RTT 100 ms: RTO = 300 ms
  h.inject(ack(1000, 0));
  h.expect_no_tx();
  // Probes: one octet at SND.UNA each time, intervals 0.3 s doubling to the
  // 60 s cap; every probe is answered with the window still zero.
  std::vector<std::int64_t> intervals;
  std::int64_t elapsed = 0;
  Duration expect = milliseconds(300);
  while (elapsed < 10 * 60 * 1000) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(expect).count();
    h.advance(wait - 1);
    h.expect_no_tx();
    h.advance(1);
    h.expect_tx({data(1000, "p", false)});
    h.inject(ack(1000, 0));  // refused, window still zero
    h.expect_no_tx();
    elapsed += wait;
    intervals.push_back(wait);
    expect = std::min<Duration>(expect * 2, seconds(60));
  }
  ASSERT_GE(intervals.size(), 10u);
  EXPECT_EQ(intervals[0], 300);
  EXPECT_EQ(intervals[1], 600);
  EXPECT_EQ(intervals[7], 38400);
  EXPECT_EQ(intervals[8], 60000);  // capped at Config::max_rto
  EXPECT_EQ(intervals.back(), 60000);
  h.expect_state(State::kEstablished);  // no ETIMEDOUT (RFC 6429)
  EXPECT_EQ(h.conn.persist_probes(), intervals.size());
  EXPECT_EQ(h.conn.status().persist_probes, intervals.size());
  EXPECT_EQ(h.conn.info(h.now).persist_probes, intervals.size());  // TCP_INFO
  EXPECT_EQ(h.conn.status().retransmits, 0u);
  // The window opens: the rest goes at once.
  h.inject(ack(1000, 5000));
  h.expect_tx({data(1000, d.substr(1000, kSeg), false), data(1000 + kSeg, d.substr(1000 + kSeg))});
  h.inject(ack(3000, 5000));
  EXPECT_EQ(h.conn.next_deadline(), kNever);
}

TEST(Persist, ProbeAcceptedByAReopenedWindow) {
  SYNACK_RFC("MUST-36");
  Harness h;
  established_with_window(h, 1000);
  const std::string d(1500, 'q');
  send(h, d);
  h.drain();
  h.advance(100);
  h.inject(ack(1000, 0));
  h.advance(300);
  h.expect_tx({data(1000, "q", false)});
  h.inject(ack(1001, 2000));  // the probe octet is taken, the window reopens
  h.expect_tx({data(1001, d.substr(1001))});
  EXPECT_EQ(h.conn.persist_probes(), 1u);
}

TEST(Persist, UnansweredProbesTimeOut) {
  Config c = test_config();
  c.max_retransmissions = 3;
  Harness h(c);
  established_with_window(h, 1000);
  send(h, std::string(2000, 'u'));
  h.drain();
  h.advance(100);
  h.inject(ack(1000, 0));
  for (std::int64_t wait : {300, 600, 1200}) {  // three probes, no answer
    h.advance(wait);
    EXPECT_EQ(h.drain().size(), 1u);
  }
  h.expect_state(State::kEstablished);
  h.advance(2400);
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
}

TEST(Persist, WindowClosedWithDataOutstandingProbesInsteadOfRetransmitting) {
  SYNACK_RFC("SHLD-17");
  Harness h;
  established_with_window(h, 3000);
  const std::string d(4000, 'w');
  send(h, d);
  // 80 bytes of window are left: a sliver (< MSS, < 3000 / 2), not used.
  h.expect_tx({data(0, d.substr(0, kSeg), false), data(kSeg, d.substr(kSeg, kSeg), false)});
  h.inject(ack(kSeg, 0));  // the peer took one segment and closed its window
  h.advance(200);          // RTO (RTT 0: 200 ms): the refused bytes are probed from SND.UNA
  h.expect_tx({data(kSeg, "w", false)});
  h.inject(ack(kSeg, 0));
  EXPECT_EQ(h.conn.status().retransmits, 0u);
  h.inject(ack(kSeg, 4000));  // reopened: everything from SND.UNA again
  EXPECT_EQ(h.drain().front().seq, SeqNum(kIss + 1 + kSeg));
}

// ---- RTO: slow start from one segment (RFC 5681 §3.1) -----------------------------------------

TEST(RtoRecovery, SlowStartFromOneSegmentDoublesPerRoundTrip) {
  Harness h;
  established_with_window(h, 65535);
  std::string all;
  for (int i = 0; i < 14; ++i) all += std::string(kSeg, static_cast<char>('a' + i));
  send(h, all);
  auto seg = [&](int i) {  // segment i (1-based) as sent
    return data(static_cast<std::uint32_t>(i - 1) * kSeg,
                all.substr(static_cast<std::size_t>(i - 1) * kSeg, kSeg), i == 14);
  };
  EXPECT_EQ(h.drain().size(), 10u);  // IW
  h.advance(1000);
  h.expect_tx({seg(1)});  // cwnd = 1 SMSS
  EXPECT_EQ(h.conn.status().ssthresh, 5 * kSeg);
  h.inject(ack(kSeg, 65535));  // round 2: two segments
  h.expect_tx({seg(2), seg(3)});
  h.inject(ack(2 * kSeg, 65535));  // round 3: four segments, two per ACK
  h.expect_tx({seg(4), seg(5)});
  h.inject(ack(3 * kSeg, 65535));
  h.expect_tx({seg(6), seg(7)});
  EXPECT_EQ(h.conn.status().cwnd, 4 * kSeg);
  // The peer held 8..10 already: the cumulative ACK ends the go-back-N and new data follows.
  h.inject(ack(10 * kSeg, 65535));
  h.expect_tx({seg(11), seg(12), seg(13), seg(14)});
}

}  // namespace
}  // namespace synack::tcp::test
