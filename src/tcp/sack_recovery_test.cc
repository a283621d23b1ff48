// SPDX-License-Identifier: Apache-2.0
// SACK-based loss recovery (RFC 6675): the sender's scoreboard, and several
// holes resent in one round trip, with the segment DSL.
#include <string>
#include <vector>

#include "tcp/sack_scoreboard.hpp"
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

constexpr std::uint32_t kSeg = 1460;

TEST(SackScoreboard, MergesPrunesAndFindsHoles) {
  SackScoreboard sb;
  const SeqNum una(1000);
  const SeqNum nxt(10000);
  const std::vector<SackBlock> a{{SeqNum(3000), SeqNum(4000)}, {SeqNum(6000), SeqNum(7000)}};
  sb.on_ack(a, una, nxt);
  ASSERT_EQ(sb.ranges().size(), 2u);
  const std::vector<SackBlock> b{{SeqNum(4000), SeqNum(5000)},    // adjacent: merges
                                 {SeqNum(500), SeqNum(900)},      // D-SACK below SND.UNA: ignored
                                 {SeqNum(9000), SeqNum(11000)}};  // beyond SND.NXT: ignored
  sb.on_ack(b, una, nxt);
  ASSERT_EQ(sb.ranges().size(), 2u);
  EXPECT_EQ(sb.ranges()[0].left, SeqNum(3000));
  EXPECT_EQ(sb.ranges()[0].right, SeqNum(5000));
  EXPECT_EQ(sb.highest(), SeqNum(7000));
  EXPECT_EQ(sb.sacked_between(SeqNum(1000), SeqNum(10000)), 3000u);
  EXPECT_EQ(sb.sacked_between(SeqNum(4500), SeqNum(6500)), 1000u);
  auto h = sb.next_hole(SeqNum(1000));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->left, SeqNum(1000));
  EXPECT_EQ(h->right, SeqNum(3000));
  h = sb.next_hole(SeqNum(3500));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->left, SeqNum(5000));
  EXPECT_EQ(h->right, SeqNum(6000));
  EXPECT_FALSE(sb.next_hole(SeqNum(6500)).has_value());  // nothing below highest()
  EXPECT_TRUE(sb.is_sacked(SeqNum(6000)));
  EXPECT_FALSE(sb.is_sacked(SeqNum(5000)));
  const std::vector<SackBlock> bridge{{SeqNum(4800), SeqNum(6200)}};
  sb.on_ack(bridge, una, nxt);
  ASSERT_EQ(sb.ranges().size(), 1u);
  sb.prune(SeqNum(3500));
  EXPECT_EQ(sb.ranges()[0].left, SeqNum(3500));
  sb.prune(SeqNum(7000));
  EXPECT_TRUE(sb.empty());
}

TEST(SackScoreboard, BoundedWithoutAllocation) {
  SackScoreboard sb;
  for (std::uint32_t i = 0; i < 40; ++i) {
    const std::vector<SackBlock> one{{SeqNum(2000 + i * 200), SeqNum(2100 + i * 200)}};
    sb.on_ack(one, SeqNum(1000), SeqNum(100000));
  }
  EXPECT_EQ(sb.ranges().size(), SackScoreboard::kMaxRanges);
  EXPECT_EQ(sb.ignored_blocks(), 40u - SackScoreboard::kMaxRanges);
  sb.clear();
  EXPECT_EQ(sb.ignored_blocks(), 40u - SackScoreboard::kMaxRanges);  // monotonic
}

std::uint32_t seg_seq(int i) {
  return kIss + 1 + static_cast<std::uint32_t>(i - 1) * kSeg;
}

// An ACK of everything before segment `ack_seg`, SACKing the given segments.
void sack_ack(Harness& h, int ack_seg, const std::vector<std::pair<int, int>>& sacked) {
  TcpSegment a;
  a.src_port = h.tuple.remote.port;
  a.dst_port = h.tuple.local.port;
  a.seq = SeqNum(kPeerIss + 1);
  a.ack = SeqNum(seg_seq(ack_seg));
  a.flags.bits = ACK;
  a.window = 65535;
  std::vector<SackBlock> blocks;
  for (auto [first, last] : sacked)
    blocks.push_back({SeqNum(seg_seq(first)), SeqNum(seg_seq(last + 1))});
  a.options.nop().nop().sack(blocks);
  h.conn.on_segment(a, h.now);
}

// The first sequence numbers of what the connection sends now.
std::vector<int> sent_segments(Harness& h) {
  std::vector<int> out;
  for (const TcpSegment& s : h.drain()) {
    if (s.payload.empty()) continue;
    out.push_back(static_cast<int>((s.seq.raw() - (kIss + 1)) / kSeg) + 1);
  }
  return out;
}

TEST(SackRecovery, SeveralHolesResentInOneRoundTrip) {
  Config c = test_config();
  c.sack = true;
  Harness h(c);
  h.established_sack(65535);
  std::string all;
  for (int i = 0; i < 30; ++i) all += std::string(kSeg, static_cast<char>('A' + i));
  ASSERT_EQ(h.conn.send(as_bytes(all), h.now).value(), all.size());
  EXPECT_EQ(sent_segments(h).size(), 10u);  // IW: 1..10
  h.advance(50);
  // Segments 2, 4 and 6 are lost; the rest arrive, each ACKed with SACK blocks.
  sack_ack(h, 2, {});  // segment 1: new data, slow start
  EXPECT_EQ(sent_segments(h), (std::vector<int>{11, 12}));
  sack_ack(h, 2, {{3, 3}});          // dup 1: limited transmit
  sack_ack(h, 2, {{5, 5}, {3, 3}});  // dup 2
  EXPECT_EQ(sent_segments(h), (std::vector<int>{13, 14}));
  sack_ack(h, 2, {{7, 7}, {5, 5}, {3, 3}});  // dup 3: fast retransmit of 2
  EXPECT_EQ(sent_segments(h), (std::vector<int>{2}));
  std::vector<int> resent;
  for (int i = 8; i <= 14; ++i) {  // the rest of the window arrives
    sack_ack(h, 2, {{7, i}, {5, 5}, {3, 3}});
    for (int s : sent_segments(h)) resent.push_back(s);
  }
  // Holes 4 and 6 go in this round trip, before any partial ACK (NewReno
  // alone would resend 4 only after the ACK of 2's retransmission).
  ASSERT_GE(resent.size(), 2u);
  EXPECT_EQ(resent[0], 4);
  EXPECT_EQ(resent[1], 6);
  EXPECT_EQ(resent, (std::vector<int>{4, 6, 15, 16, 17}));  // then new data, pipe < ssthresh
  // The retransmissions arrive: one cumulative ACK covers everything, no RTO.
  sack_ack(h, 18, {});
  EXPECT_EQ(h.conn.status().retransmits, 0u);
  EXPECT_EQ(h.conn.sender().snd.una, SeqNum(seg_seq(18)));
  EXPECT_FALSE(sent_segments(h).empty());  // recovery over: new data flows
}

}  // namespace
}  // namespace synack::tcp::test
