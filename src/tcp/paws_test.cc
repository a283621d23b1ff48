// SPDX-License-Identifier: Apache-2.0
// PAWS and TS.Recent (RFC 7323 §4.3, §5) with the segment DSL: old duplicates
// dropped and ACKed, TSval compared as 32-bit serial numbers, TS.Recent taken
// only from segments covering Last.ACK.sent, and the 24-day idle rule.
#include <chrono>

#include "tcp/paws.hpp"
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

// Active open; the peer's SYN-ACK carries TSval `peer_ts`. Our ACK echoes it.
void established_ts(Harness& h, std::uint32_t peer_ts) {
  h.syn_sent();
  h.inject({.flags = SYN | ACK, .seq = kPeerIss, .ack = kIss + 1, .tsval = peer_ts, .tsecr = 0});
  h.expect_tx({{.flags = ACK, .seq = kIss + 1, .ack = kPeerIss + 1, .tsecr = peer_ts}});
  h.expect_state(State::kEstablished);
}

std::uint64_t paws_drops(const Harness& h) {
  return h.conn.drops()[DropReason::kPaws];
}

TEST(PawsRules, SerialComparison) {
  EXPECT_TRUE(ts_before(1, 2));
  EXPECT_FALSE(ts_before(2, 2));
  EXPECT_TRUE(ts_before(0xFFFFFFF0u, 0x10u));  // across the wrap
  EXPECT_FALSE(ts_before(0x10u, 0xFFFFFFF0u));
  EXPECT_TRUE(ts_before(0x7FFFFFFFu, 0xFFFFFFFFu));
  EXPECT_TRUE(ts_recent_valid(Instant{}, Instant{} + kPawsIdle));
  EXPECT_FALSE(ts_recent_valid(Instant{}, Instant{} + kPawsIdle + milliseconds(1)));
}

TEST(Paws, OldDuplicateDroppedAndAcked) {
  SYNACK_RFC("MUST-5");
  Harness h(ts_config());
  established_ts(h, 1000);
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "abc", .tsval = 1005});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 304, .tsecr = 1005}});
  // An old duplicate from a previous wrap of the sequence space: in the window,
  // but its TSval is older than TS.Recent → not acceptable, ACKed, dropped.
  h.inject({.flags = ACK | PSH, .seq = 304, .ack = 101, .data = "old", .tsval = 900});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 304, .tsecr = 1005}});
  EXPECT_EQ(paws_drops(h), 1u);
  EXPECT_EQ(h.conn.sender().snd.una, SeqNum(101));
  EXPECT_EQ(h.conn.status().receive_queued, 3u);  // "old" never delivered
  bool traced = false;
  for (const auto& e : h.sink.events) {
    if (e.kind == TraceKind::kDrop && e.drop == DropReason::kPaws) {
      traced = e.rfc == "RFC 7323 §5.3 R1";
    }
  }
  EXPECT_TRUE(traced);
  // The real segment at 304 with a current TSval is accepted.
  h.inject({.flags = ACK | PSH, .seq = 304, .ack = 101, .data = "new", .tsval = 1010});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 307, .tsecr = 1010}});
  EXPECT_EQ(h.conn.status().receive_queued, 6u);
}

TEST(Paws, EqualAndNewerTsvalAccepted) {
  Harness h(ts_config());
  established_ts(h, 1000);
  // SEG.TSval = TS.Recent is not "older" (§5.3 R1 is strictly less than).
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "a", .tsval = 1000});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302, .tsecr = 1000}});
  h.inject({.flags = ACK | PSH, .seq = 302, .ack = 101, .data = "b", .tsval = 1001});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 303, .tsecr = 1001}});
  EXPECT_EQ(paws_drops(h), 0u);
}

TEST(Paws, PureAckWithOldTsvalDroppedWithoutMovingSndUna) {
  Harness h(ts_config());
  established_ts(h, 1000);
  ASSERT_TRUE(h.conn.send(as_bytes(std::string("xyz")), h.now).has_value());
  h.drain();
  // An ACK of our data with an old TSval: dropped before the ACK step.
  h.inject({.flags = ACK, .seq = 301, .ack = 104, .tsval = 999});
  h.expect_tx({{.flags = ACK, .seq = 104, .ack = 301, .tsecr = 1000}});
  EXPECT_EQ(h.conn.sender().snd.una, SeqNum(101));
  EXPECT_EQ(paws_drops(h), 1u);
}

TEST(Paws, TsvalWrapsAround) {
  Harness h(ts_config());
  established_ts(h, 0xFFFFFFF0u);
  // 0x10 is 32 ticks after 0xFFFFFFF0 in serial arithmetic: newer, accepted.
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "a", .tsval = 0x10});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302, .tsecr = 0x10}});
  // 0xFFFFFFF8 is now older than TS.Recent = 0x10: dropped although it is
  // numerically larger.
  h.inject({.flags = ACK | PSH, .seq = 302, .ack = 101, .data = "b", .tsval = 0xFFFFFFF8u});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302, .tsecr = 0x10}});
  EXPECT_EQ(paws_drops(h), 1u);
  // Half the space ahead (0x10 + 2^31 − 1) is still "newer".
  h.inject({.flags = ACK | PSH, .seq = 302, .ack = 101, .data = "c", .tsval = 0x8000000Fu});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 303, .tsecr = 0x8000000Fu}});
}

TEST(Paws, IdleMoreThan24DaysInvalidatesTsRecent) {
  Harness h(ts_config());
  established_ts(h, 5000);
  // Exactly 24 days idle: TS.Recent is still valid, the segment is dropped.
  h.advance(std::chrono::duration_cast<milliseconds>(kPawsIdle).count());
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "a", .tsval = 100});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 301, .tsecr = 5000}});
  EXPECT_EQ(paws_drops(h), 1u);
  // One more second (the drop did not refresh TS.Recent): invalid, accepted,
  // and the segment's TSval becomes TS.Recent (it covers Last.ACK.sent).
  h.advance(1000);
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "a", .tsval = 100});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302, .tsecr = 100}});
  EXPECT_EQ(paws_drops(h), 1u);
  EXPECT_EQ(h.conn.status().receive_queued, 1u);
  // From now on PAWS protects against the new TS.Recent again.
  h.inject({.flags = ACK | PSH, .seq = 302, .ack = 101, .data = "b", .tsval = 99});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302, .tsecr = 100}});
  EXPECT_EQ(paws_drops(h), 2u);
}

TEST(Paws, TsRecentOnlyFromSegmentsCoveringLastAckSent) {
  Harness h(ts_config());
  established_ts(h, 1000);
  // Out of order (a hole at 301): newer TSval, but it does not cover
  // Last.ACK.sent = 301, so the ACK still echoes 1000 (RFC 7323 §4.3).
  h.inject({.flags = ACK | PSH, .seq = 305, .ack = 101, .data = "efgh", .tsval = 2000});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 301, .tsecr = 1000}});
  // The hole fills: that segment covers 301 and its TSval is echoed.
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "abcd", .tsval = 1500});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 309, .tsecr = 1500}});
}

// Issue 17: the peer's RTO retransmission after our ACK was lost is an old
// duplicate (wholly below RCV.NXT), but it still covers Last.ACK.sent, so its
// TSval becomes TS.Recent and the duplicate ACK echoes it (RFC 7323 §4.3 (2);
// Linux tcp_sequence, FreeBSD tcp_input). Echoing the TSval of the original
// transmission instead hands the peer an RTT sample as old as its backoff.
TEST(Paws, RetransmissionAfterLostAckRefreshesTsRecent) {
  Harness h(ts_config());
  established_ts(h, 1000);
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "abcd", .tsval = 1100});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 305, .tsecr = 1100}});  // lost on the way
  h.advance(60000);  // the peer's RTO backs off for a minute
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "abcd", .tsval = 61100});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 305, .tsecr = 61100}});
  EXPECT_EQ(h.conn.drops()[DropReason::kNotAcceptable], 1u);
  EXPECT_EQ(h.conn.status().receive_queued, 4u);  // the duplicate is not delivered twice
}

TEST(Paws, OldDuplicateBelowLastAckSentKeepsTsRecent) {
  Harness h(ts_config());
  established_ts(h, 1000);
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "ab", .tsval = 1100});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 303, .tsecr = 1100}});
  h.inject({.flags = ACK | PSH, .seq = 303, .ack = 101, .data = "cd", .tsval = 1200});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 305, .tsecr = 1200}});
  // A late copy of [301, 303) ends before Last.ACK.sent = 305: it is not the
  // segment our last ACK answered, so TS.Recent stays 1200 (RFC 7323 §4.3 (2)).
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "ab", .tsval = 1300});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 305, .tsecr = 1200}});
}

TEST(Paws, DelayedAckEchoesTheFirstUnacknowledgedSegment) {
  Config c = ts_config();
  c.delayed_ack = milliseconds(40);
  Harness h(c);
  established_ts(h, 1000);
  // Two segments before the ACK goes out: only the first covers Last.ACK.sent.
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "a", .tsval = 1100});
  h.inject({.flags = ACK | PSH, .seq = 302, .ack = 101, .data = "b", .tsval = 1200});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 303, .tsecr = 1100}});
}

TEST(Paws, RstWithOldTsvalIsExempt) {
  Harness h(ts_config());
  established_ts(h, 1000);
  h.inject({.flags = RST, .seq = 301, .ack = 0, .tsval = 10});
  h.expect_state(State::kClosed);
  EXPECT_EQ(h.conn.error(), std::errc::connection_reset);
  EXPECT_EQ(paws_drops(h), 0u);
}

TEST(Paws, SynWithOldTsvalGetsTheChallengeAck) {
  Config c = ts_config();
  c.paws_ack_only_data = true;  // even where PAWS drops of pure ACKs go unanswered
  Harness h(c);
  established_ts(h, 1000);
  h.inject({.flags = SYN, .seq = 5000, .ack = 0, .tsval = 10});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 301, .tsecr = 1000}});
  EXPECT_EQ(h.conn.drops()[DropReason::kSynInWindow], 1u);
  EXPECT_EQ(paws_drops(h), 0u);
  h.expect_state(State::kEstablished);
}

TEST(Paws, FreeBsdAcksOnlyDataSegments) {
  Config c = ts_config();
  c.paws_ack_only_data = true;
  Harness h(c);
  established_ts(h, 1000);
  h.inject({.flags = ACK, .seq = 301, .ack = 101, .tsval = 999});
  h.expect_no_tx();
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "x", .tsval = 999});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 301, .tsecr = 1000}});
  EXPECT_EQ(paws_drops(h), 2u);
}

TEST(Paws, OffWithoutNegotiatedTimestamps) {
  Harness h(ts_config());
  h.established();  // the fixture's SYN-ACK has no timestamps: TS not in use
  h.inject({.flags = ACK | PSH, .seq = 301, .ack = 101, .data = "a", .tsval = 1});
  h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302}});
  EXPECT_EQ(paws_drops(h), 0u);
}

}  // namespace
}  // namespace synack::tcp::test
