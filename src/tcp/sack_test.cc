// SPDX-License-Identifier: Apache-2.0
#include "tcp/sack.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace synack::tcp {
namespace {

// A receiver whose stream offset 0 is sequence number 5000 (as in RFC 2018 §5).
struct Receiver {
  ByteRing ring{1 << 16};
  Reassembler reasm;
  SackGenerator sack;
  SeqNum data_isn{5000};

  void arrive(std::uint32_t seq, std::uint32_t len) {
    const std::string payload(len, 'x');
    const std::uint64_t off = unwrap(SeqNum(seq), data_isn, ring.tail());
    const auto res = reasm.insert(off, as_bytes(payload), ring.limit(), ring);
    sack.on_segment(res, reasm.intervals());
  }
  // The SACK blocks of the next ACK, as (left, right) raw sequence numbers.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks(std::size_t max = 4) {
    const SackList l = to_sack_blocks(sack.build(reasm.intervals(), ring.tail(), max), data_isn);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
    for (const SackBlock b : l.view()) out.emplace_back(b.left.raw(), b.right.raw());
    return out;
  }
  std::uint32_t ack() const { return wrap(ring.tail(), data_isn).raw(); }
};

using Blocks = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

TEST(SackGenerator, Rfc2018Section5Case3MostRecentFirst) {
  // 500-byte segments 5000..8500; the 2nd, 4th, 6th and 8th are dropped.
  Receiver r;
  r.arrive(5000, 500);
  EXPECT_EQ(r.ack(), 5500u);
  EXPECT_EQ(r.blocks(), Blocks{});
  r.arrive(6000, 500);
  EXPECT_EQ(r.blocks(), (Blocks{{6000, 6500}}));
  r.arrive(7000, 500);
  EXPECT_EQ(r.blocks(), (Blocks{{7000, 7500}, {6000, 6500}}));
  r.arrive(8000, 500);
  EXPECT_EQ(r.blocks(), (Blocks{{8000, 8500}, {7000, 7500}, {6000, 6500}}));
  // The 4th segment arrives late and joins two blocks: that block goes first.
  r.arrive(6500, 500);
  EXPECT_EQ(r.blocks(), (Blocks{{6000, 7500}, {8000, 8500}}));
  // The hole at rcv.nxt fills: the delivered block disappears.
  r.arrive(5500, 500);
  EXPECT_EQ(r.ack(), 7500u);
  EXPECT_EQ(r.blocks(), (Blocks{{8000, 8500}}));
}

TEST(SackGenerator, AtMostThreeBlocksWithTimestamps) {
  Receiver r;
  for (std::uint32_t seq = 5100; seq < 6000; seq += 200) r.arrive(seq, 100);  // 5 blocks
  EXPECT_EQ(r.blocks(max_sack_blocks(true)), (Blocks{{5900, 6000}, {5700, 5800}, {5500, 5600}}));
  EXPECT_EQ(r.blocks(max_sack_blocks(false)).size(), 4u);
  // Re-receiving the oldest block: a D-SACK, then the block holding it
  // (RFC 2883 §4), which is now the most recently touched.
  r.arrive(5100, 100);
  EXPECT_EQ(r.blocks(3), (Blocks{{5100, 5200}, {5100, 5200}, {5900, 6000}}));
  r.sack.ack_sent();
  EXPECT_EQ(r.blocks(3), (Blocks{{5100, 5200}, {5900, 6000}, {5700, 5800}}));
}

TEST(SackGenerator, DsackForDataBelowTheCumulativeAck) {
  // RFC 2883 §4.1.1: an ACK was lost and the segment is retransmitted.
  Receiver r;
  r.arrive(5000, 500);
  r.arrive(5500, 500);
  r.sack.ack_sent();
  r.arrive(5000, 500);  // duplicate
  EXPECT_EQ(r.blocks(), (Blocks{{5000, 5500}}));
  r.sack.ack_sent();
  EXPECT_EQ(r.blocks(), Blocks{});  // reported once only
}

TEST(SackGenerator, DsackInsideAnOutOfOrderBlockReportsThatBlockSecond) {
  // RFC 2883 §4.2.1 shape: 5500..6500 held, 5500..6000 arrives again.
  Receiver r;
  r.arrive(5000, 500);
  r.arrive(5500, 0);  // no text: nothing happens
  r.arrive(7000, 500);
  r.arrive(6000, 500);
  r.arrive(5600, 400);
  r.arrive(5600, 400);  // the duplicate
  const Blocks b = r.blocks();
  ASSERT_GE(b.size(), 2u);
  EXPECT_EQ(b[0], (std::pair<std::uint32_t, std::uint32_t>{5600, 6000}));
  EXPECT_EQ(b[1], (std::pair<std::uint32_t, std::uint32_t>{5600, 6500}));
  EXPECT_EQ(b[2], (std::pair<std::uint32_t, std::uint32_t>{7000, 7500}));
  EXPECT_EQ(b.size(), 3u);
  r.sack.ack_sent();
  EXPECT_EQ(r.blocks(), (Blocks{{5600, 6500}, {7000, 7500}}));
}

TEST(SackGenerator, DsackCanBeDisabled) {
  Receiver r;
  r.sack = SackGenerator(false);
  r.arrive(5000, 500);
  r.arrive(5000, 500);
  EXPECT_EQ(r.blocks(), Blocks{});
}

TEST(SackGenerator, ConvertsAcrossTheSequenceWrap) {
  SackRanges ranges;
  ranges.blocks[0] = {10, 30};
  ranges.count = 1;
  const SackList l = to_sack_blocks(ranges, SeqNum(0xFFFFFFF0u));
  ASSERT_EQ(l.count, 1u);
  EXPECT_EQ(l.blocks[0].left, SeqNum(0xFFFFFFFAu));
  EXPECT_EQ(l.blocks[0].right, SeqNum(0x0000000Eu));
}

TEST(SackGenerator, IntervalsMissedByOnSegmentStillGetReported) {
  SackGenerator g;
  const std::vector<ByteRange> held{{10, 20}, {30, 40}};
  const SackRanges out = g.build(held, 0, 4);
  ASSERT_EQ(out.count, 2u);
  EXPECT_EQ(out.blocks[0], (ByteRange{30, 40}));
  EXPECT_EQ(out.blocks[1], (ByteRange{10, 20}));
  EXPECT_FALSE(out.dsack);
}

// Whatever arrives, the blocks are valid: a D-SACK block only first, every
// other block a distinct held interval beyond rcv.nxt, the interval of the
// segment just received first among them, never more than asked for.
RC_GTEST_PROP(SackGeneratorProp, BlocksAreDistinctHeldIntervalsInRecencyOrder, ()) {
  const auto max_blocks = *rc::gen::inRange<std::size_t>(1, 5);
  ByteRing ring(4096);
  Reassembler reasm(ReassemblyConfig{.max_intervals = 8});
  SackGenerator sack;
  const std::string payload(64, 'p');
  const auto steps = *rc::gen::inRange(1, 80);
  ByteRange pending_dup;  // the D-SACK range not yet sent
  for (int i = 0; i < steps; ++i) {
    const auto off = *rc::gen::inRange<std::uint64_t>(0, 2000);
    const auto len = *rc::gen::inRange<std::size_t>(1, 64);
    const auto res = reasm.insert(off, as_bytes(payload).first(len), 2048, ring);
    sack.on_segment(res, reasm.intervals());
    if (!res.duplicate.empty()) pending_dup = res.duplicate;
    const SackRanges r = sack.build(reasm.intervals(), ring.tail(), max_blocks);
    RC_ASSERT(r.count <= max_blocks);
    RC_ASSERT(r.dsack == !pending_dup.empty());
    std::size_t first = 0;
    if (r.dsack) {
      RC_ASSERT(r.blocks[0] == pending_dup);
      first = 1;
    }
    for (std::size_t k = first; k < r.count; ++k) {
      const ByteRange b = r.blocks[k];
      RC_ASSERT(b.begin > ring.tail());
      RC_ASSERT(std::find(reasm.intervals().begin(), reasm.intervals().end(), b) !=
                reasm.intervals().end());
      for (std::size_t j = first; j < k; ++j) RC_ASSERT(!(r.blocks[j] == b));
    }
    // As many blocks as fit, and the segment's interval among the first two.
    RC_ASSERT(r.count - first == std::min(reasm.intervals().size(), max_blocks - first));
    if (!res.segment.empty() && r.count > first) {
      const bool dsack_outer = r.dsack && r.count > 1 && r.blocks[1].covers(pending_dup);
      const std::size_t at = dsack_outer ? 1 : first;
      RC_ASSERT(r.blocks[at].covers(res.segment) ||
                (dsack_outer && (r.count <= 2 || r.blocks[2].covers(res.segment))));
    }
    if (*rc::gen::inRange(0, 3) == 0) {
      sack.ack_sent();
      pending_dup = {};
    }
    ring.consume_to(ring.tail());
  }
}

}  // namespace
}  // namespace synack::tcp
