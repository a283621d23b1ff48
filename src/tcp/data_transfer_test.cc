// SPDX-License-Identifier: Apache-2.0
// Reliable data transfer in the engine (issue 4), with the segment DSL:
// RTT estimation and RTO (RFC 6298), Karn's algorithm, backoff and give-up.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

// Sends `data` and expects it as one segment at snd.nxt.
void send_one(Harness& h, const std::string& data) {
  const std::uint32_t seq = h.conn.sender().snd.nxt.raw();
  ASSERT_TRUE(h.conn.send(as_bytes(data), h.now).has_value());
  h.expect_tx({{.flags = ACK | PSH, .seq = seq, .ack = kPeerIss + 1, .data = data}});
}

Config sack_config() {
  Config c = test_config();
  c.sack = true;
  return c;
}

// The SACK blocks of the one ACK the connection sends now.
std::vector<std::pair<std::uint32_t, std::uint32_t>> sack_of_ack(Harness& h,
                                                                 std::uint32_t expect_ack) {
  const auto tx = h.drain();
  EXPECT_EQ(tx.size(), 1u);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  if (tx.empty()) return out;
  EXPECT_EQ(tx[0].ack, SeqNum(expect_ack));
  const auto o = tx[0].options.summarize();
  for (std::size_t i = 0; i < o.sack_count; ++i) {
    out.emplace_back(o.sack[i].left.raw(), o.sack[i].right.raw());
  }
  return out;
}

TEST(Rto, FirstSampleSetsSrttAndRttvar) {
  // RFC 6298 (2.2): SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4·RTTVAR) = 3R.
  Harness h;
  h.established();
  send_one(h, "abc");
  h.advance(100);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 4});
  EXPECT_EQ(h.conn.status().rto, milliseconds(300));
  // The next segment is retransmitted after exactly 300 ms.
  send_one(h, "def");
  h.advance(299);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 4, .ack = kPeerIss + 1, .data = "def"}});
}

TEST(Rto, SecondSampleSmoothed) {
  // RFC 6298 (2.3): RTTVAR = 3/4·50 + 1/4·|100 − 200| = 62.5; SRTT = 7/8·100 + 1/8·200
  // = 112.5; RTO = 112.5 + 250 = 362.5 ms.
  Harness h;
  h.established();
  send_one(h, "a");
  h.advance(100);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  send_one(h, "b");
  h.advance(200);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 3});
  EXPECT_EQ(h.conn.status().rto, microseconds(362500));
}

TEST(Rto, MinimumRto200ms) {
  Harness h;
  h.established();
  send_one(h, "a");
  h.advance(10);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  EXPECT_EQ(h.conn.status().rto, milliseconds(200));  // Linux TCP_RTO_MIN (Config::min_rto)
}

TEST(Rto, KarnNoSampleFromRetransmittedSegment) {
  SYNACK_RFC("MUST-18");
  // RFC 6298 §3: the ACK of a retransmitted segment is ambiguous; the backed-off
  // RTO stays (§5) until a segment sent once is acknowledged.
  Harness h;
  h.established();
  send_one(h, "abc");
  h.advance(1000);
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "abc"}});
  h.advance(10);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 4});
  EXPECT_EQ(h.conn.status().rto, seconds(2));  // no 1010 ms or 10 ms sample taken
  send_one(h, "d");
  h.advance(40);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 5});
  EXPECT_EQ(h.conn.status().rto, milliseconds(200));  // a clean sample collapses it
}

TEST(Rto, BackoffScheduleCappedAtMaxRtoThenTimedOut) {
  SYNACK_RFC("MUST-20");
  Config c = test_config();
  c.max_rto = seconds(5);
  c.max_retransmissions = 5;
  Harness h(c);
  h.established();
  send_one(h, "abc");
  // 1, 2, 4, 5 (capped), 5 s ... (RFC 6298 (5.5), (2.5) upper bound)
  for (std::int64_t d : {1000, 2000, 4000, 5000, 5000}) {
    h.advance(d - 1);
    h.expect_no_tx();
    h.advance(1);
    h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 1, .data = "abc"}});
  }
  h.advance(4999);
  h.expect_state(State::kEstablished);
  h.advance(1);
  h.expect_state(State::kClosed);  // max_retransmissions exhausted: ETIMEDOUT
  EXPECT_EQ(h.conn.error(), std::errc::timed_out);
  std::array<std::byte, 4> buf{};
  EXPECT_EQ(h.conn.receive(buf, h.now).error(), std::errc::timed_out);
}

TEST(Rto, ThreeSecondsAfterTimedOutSynUntilFirstSample) {
  // RFC 6298 (5.7).
  Harness h;
  h.syn_sent();
  h.advance(1000);
  h.drain();  // SYN retransmitted
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1, .mss = 1460});
  h.drain();
  EXPECT_EQ(h.conn.status().rto, seconds(3));
  send_one(h, "x");
  h.advance(50);
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 2});
  EXPECT_EQ(h.conn.status().rto, milliseconds(200));
}

TEST(Sack, BlocksMostRecentFirst) {
  // RFC 2018 §4: the first block holds the segment that triggered the ACK,
  // then the other held blocks, most recently reported first.
  Harness h(sack_config());
  h.established_sack(static_cast<std::uint16_t>(kPeerWnd));
  using Blocks = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  h.inject({.flags = ACK, .seq = kPeerIss + 11, .ack = kIss + 1, .data = "AAAAA"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 1), (Blocks{{kPeerIss + 11, kPeerIss + 16}}));
  h.inject({.flags = ACK, .seq = kPeerIss + 31, .ack = kIss + 1, .data = "CCCCC"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 1),
            (Blocks{{kPeerIss + 31, kPeerIss + 36}, {kPeerIss + 11, kPeerIss + 16}}));
  h.inject({.flags = ACK, .seq = kPeerIss + 21, .ack = kIss + 1, .data = "BBBBB"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 1), (Blocks{{kPeerIss + 21, kPeerIss + 26},
                                                  {kPeerIss + 31, kPeerIss + 36},
                                                  {kPeerIss + 11, kPeerIss + 16}}));
  // Filling the first hole delivers 1..16; the others stay, most recent first.
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "0123456789"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 16),
            (Blocks{{kPeerIss + 21, kPeerIss + 26}, {kPeerIss + 31, kPeerIss + 36}}));
  h.inject({.flags = ACK, .seq = kPeerIss + 16, .ack = kIss + 1, .data = "xxxxx"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 26), (Blocks{{kPeerIss + 31, kPeerIss + 36}}));
  h.inject({.flags = ACK, .seq = kPeerIss + 26, .ack = kIss + 1, .data = "yyyyy"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 36), Blocks{});
}

TEST(Sack, DuplicateReportedOnceAsDsack) {
  // RFC 2883 §4: a duplicate segment is reported in the first block, once.
  Harness h(sack_config());
  h.established_sack(static_cast<std::uint16_t>(kPeerWnd));
  using Blocks = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 4), Blocks{});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  EXPECT_EQ(sack_of_ack(h, kPeerIss + 4), (Blocks{{kPeerIss + 1, kPeerIss + 4}}));
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("z")), h.now).has_value());
  const auto tx = h.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].options.summarize().sack_count, 0u);  // not repeated
}

TEST(Sack, NoBlocksWithoutNegotiation) {
  Harness h;  // sack off
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 11, .ack = kIss + 1, .data = "later"});
  const auto tx = h.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].options.summarize().sack_count, 0u);
}

TEST(Receive, OutOfOrderFirstCopyWinsAndBounded) {
  Harness h;
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 4, .ack = kIss + 1, .data = "XYZ"});
  h.drain();
  h.inject({.flags = ACK, .seq = kPeerIss + 4, .ack = kIss + 1, .data = "def"});  // retransmission
  h.drain();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 7}});
  std::array<std::byte, 16> buf{};
  const auto n = h.conn.receive(buf, h.now);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), *n), "abcXYZ");
  // Beyond the window: dropped and counted.
  h.inject({.flags = ACK, .seq = kPeerIss + 7 + kRcvBuf, .ack = kIss + 1, .data = "far"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 7}});
}

// ---- congestion control (RFC 5681, RFC 6582, RFC 3042, RFC 6928) -------------------

constexpr std::uint32_t kBigWnd = 65535;
constexpr std::uint32_t kSeg = 1460;

std::uint32_t seg_seq(int i) {
  return kIss + 1 + static_cast<std::uint32_t>(i - 1) * kSeg;
}
std::string seg_data(int i) {
  return std::string(kSeg, static_cast<char>('a' + i - 1));
}

// Established with a 65535-byte peer window and MSS 1460; queues `n` full segments.
void established_big_window(Harness& h, int n) {
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1, .wnd = kBigWnd, .mss = 1460});
  h.drain();
  std::string all;
  for (int i = 1; i <= n; ++i) all += seg_data(i);
  ASSERT_EQ(h.conn.send(as_bytes(all), h.now).value(), all.size());
}

Seg data_seg(int i, bool psh = false) {
  return {.flags = static_cast<std::uint16_t>(ACK | (psh ? PSH : 0)),
          .seq = seg_seq(i),
          .ack = kPeerIss + 1,
          .data = seg_data(i)};
}

Seg ack_of(int i) {  // the cumulative ACK up to (not including) segment i
  return {.flags = ACK, .seq = kPeerIss + 1, .ack = seg_seq(i), .wnd = kBigWnd};
}

TEST(Congestion, InitialWindowTenSegments) {
  // RFC 6928 §2: IW = min(10·SMSS, max(2·SMSS, 14600)) = 14600 bytes for SMSS 1460.
  Harness h;
  established_big_window(h, 14);
  EXPECT_EQ(h.drain().size(), 10u);
  EXPECT_EQ(h.conn.status().cwnd, 14600u);
}

TEST(Congestion, FastRetransmitAfterExactlyThreeDupAcksAndNewRenoPartialAck) {
  Harness h;
  established_big_window(h, 14);
  std::vector<Seg> first;
  for (int i = 1; i <= 10; ++i) first.push_back(data_seg(i));
  h.expect_tx(first);
  h.inject(ack_of(2));  // slow start: cwnd 14600 + 1460 → two more segments
  h.expect_tx({data_seg(11), data_seg(12)});
  h.inject(ack_of(2));  // duplicate 1: limited transmit (RFC 3042)
  h.expect_tx({data_seg(13)});
  h.inject(ack_of(2));  // duplicate 2: limited transmit, no retransmission yet
  h.expect_tx({data_seg(14, /*psh=*/true)});
  h.inject(ack_of(2));  // duplicate 3: fast retransmit (RFC 5681 §3.2 (2))
  h.expect_tx({data_seg(2)});
  // ssthresh = max(FlightSize / 2, 2·SMSS) with 13 segments out; cwnd = ssthresh + 3·SMSS.
  EXPECT_EQ(h.conn.status().ssthresh, 13 * kSeg / 2);
  EXPECT_EQ(h.conn.status().cwnd, 13 * kSeg / 2 + 3 * kSeg);
  h.inject(ack_of(2));  // duplicate 4: cwnd inflates, nothing new to send
  h.expect_no_tx();
  h.inject(ack_of(3));  // partial ACK: retransmit the next hole at once (RFC 6582 §3.2 (3))
  h.expect_tx({data_seg(3)});
  h.inject(ack_of(15));  // full ACK: recovery over
  h.expect_no_tx();
  EXPECT_EQ(h.conn.next_deadline(), kNever);
  // RFC 6582 §3.2 (3) option 1: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
  EXPECT_EQ(h.conn.status().cwnd, 2 * kSeg);
}

TEST(Congestion, TwoDupAcksDoNotRetransmit) {
  Harness h;
  established_big_window(h, 4);
  EXPECT_EQ(h.drain().size(), 4u);
  h.inject(ack_of(2));
  h.inject(ack_of(2));
  h.inject(ack_of(2));
  h.expect_no_tx();  // two duplicates, no unsent data for limited transmit
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = seg_seq(2), .wnd = kBigWnd - 1});
  h.expect_no_tx();  // window changed: not a duplicate (RFC 5681 §2 (e))
  h.inject(ack_of(2));
  h.expect_no_tx();
}

TEST(Congestion, RtoRestartsSlowStartFromOneSegment) {
  SYNACK_RFC("MUST-19");
  Harness h;
  established_big_window(h, 6);
  EXPECT_EQ(h.drain().size(), 6u);
  h.advance(1000);
  h.expect_tx({data_seg(1)});  // only one segment: cwnd = 1 SMSS (RFC 5681 §3.1 (4))
  EXPECT_EQ(h.conn.status().cwnd, kSeg);
  EXPECT_EQ(h.conn.status().ssthresh, 3 * kSeg);  // FlightSize / 2
}

TEST(Congestion, CubicSelectableByName) {
  SYNACK_RFC("MAY-18");
  Config c = test_config();
  c.congestion_control = "cubic";
  Harness h(c);
  established_big_window(h, 6);
  h.drain();
  h.inject(ack_of(2));
  h.inject(ack_of(2));
  h.inject(ack_of(2));
  h.inject(ack_of(2));
  h.expect_tx({data_seg(2)});
  // RFC 9438 §4.6: ssthresh = 0.7 · FlightSize (5 segments out).
  EXPECT_EQ(h.conn.status().ssthresh, 5 * kSeg * 7 / 10);
}

// ---- delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2) ---------------------------------

Config delack_config() {
  Config c = test_config();
  c.delayed_ack = milliseconds(200);
  return c;
}

TEST(DelayedAck, OneSegmentAckedAfterTheTimeout) {
  SYNACK_RFC("SHLD-18");
  Harness h(delack_config());
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.expect_no_tx();
  h.advance(199);
  h.expect_no_tx();
  h.advance(1);
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 4}});
  EXPECT_EQ(h.conn.next_deadline(), kNever);
}

TEST(DelayedAck, EverySecondSegmentAckedAtOnce) {
  SYNACK_RFC("SHLD-19");
  Harness h(delack_config());
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.advance(50);
  h.expect_no_tx();
  h.inject({.flags = ACK, .seq = kPeerIss + 4, .ack = kIss + 1, .data = "def"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 7}});
  EXPECT_EQ(h.conn.next_deadline(), kNever);  // the timer is cancelled
}

TEST(DelayedAck, OutOfOrderAndHoleFillAckedAtOnce) {
  SYNACK_RFC("MAY-13");
  Harness h(delack_config());
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 4, .ack = kIss + 1, .data = "def"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1}});
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 7}});
}

TEST(DelayedAck, PiggybackedOnData) {
  Harness h(delack_config());
  h.established();
  h.inject({.flags = ACK, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.expect_no_tx();
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("xy")), h.now).has_value());
  h.expect_tx({{.flags = ACK | PSH, .seq = kIss + 1, .ack = kPeerIss + 4, .data = "xy"}});
  h.advance(200);
  h.expect_no_tx();  // no separate ACK after the data carried it
}

TEST(DelayedAck, FinAckedAtOnce) {
  Harness h(delack_config());
  h.established();
  h.inject({.flags = ACK | FIN, .seq = kPeerIss + 1, .ack = kIss + 1, .data = "abc"});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 5}});
}

}  // namespace
}  // namespace synack::tcp::test
