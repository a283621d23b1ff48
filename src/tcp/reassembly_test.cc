// SPDX-License-Identifier: Apache-2.0
#include "tcp/reassembly.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace synack::tcp {
namespace {

std::string read_all(ByteRing& ring) {
  std::string out(ring.size(), '\0');
  ring.copy_out(ring.head(), std::as_writable_bytes(std::span(out)));
  ring.consume(out.size());
  return out;
}

TEST(Reassembler, InOrderSegmentsAreDeliveredAtOnce) {
  ByteRing ring(64);
  Reassembler r;
  auto res = r.insert(0, as_bytes("hello "), 64, ring);
  EXPECT_EQ(res.delivered, 6u);
  EXPECT_EQ(res.rcv_nxt, 6u);
  res = r.insert(6, as_bytes("world"), 64, ring);
  EXPECT_EQ(res.rcv_nxt, 11u);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(read_all(ring), "hello world");
}

TEST(Reassembler, OutOfOrderBytesWaitForTheHole) {
  ByteRing ring(64);
  Reassembler r;
  auto res = r.insert(6, as_bytes("world"), 64, ring);
  EXPECT_EQ(res.delivered, 0u);
  EXPECT_EQ(res.segment, (ByteRange{6, 11}));
  EXPECT_EQ(r.held_bytes(), 5u);
  ASSERT_EQ(r.intervals().size(), 1u);
  EXPECT_EQ(r.intervals()[0], (ByteRange{6, 11}));
  EXPECT_EQ(ring.size(), 0u);  // nothing readable yet
  res = r.insert(0, as_bytes("hello "), 64, ring);
  EXPECT_EQ(res.delivered, 11u);
  EXPECT_EQ(r.held_bytes(), 0u);
  EXPECT_EQ(read_all(ring), "hello world");
}

TEST(Reassembler, FirstCopyOfEachByteWins) {
  ByteRing ring(64);
  Reassembler r;
  r.insert(2, as_bytes("cd"), 64, ring);                 // held out of order
  auto res = r.insert(0, as_bytes("abXYef"), 64, ring);  // overlaps the held "cd"
  EXPECT_EQ(res.duplicate, (ByteRange{2, 4}));
  EXPECT_EQ(res.stored, 4u);
  res = r.insert(1, as_bytes("ZZZZZg"), 64, ring);  // overlaps delivered bytes
  EXPECT_EQ(res.duplicate, (ByteRange{1, 6}));
  EXPECT_EQ(read_all(ring), "abcdefg");
  EXPECT_EQ(r.counters().duplicate_bytes, 2u + 5u);
}

TEST(Reassembler, DropsAndCountsBytesOutsideTheWindow) {
  ByteRing ring(16);
  Reassembler r;
  auto res = r.insert(4, as_bytes("0123456789"), 10, ring);  // window [0, 10)
  EXPECT_EQ(res.segment, (ByteRange{4, 10}));
  EXPECT_EQ(r.counters().beyond_window_bytes, 4u);
  EXPECT_EQ(r.held_bytes(), 6u);
  // A window larger than the buffer: the excess is counted as no-buffer.
  res = r.insert(14, as_bytes("abcd"), 100, ring);
  EXPECT_EQ(res.segment, (ByteRange{14, 16}));
  EXPECT_EQ(r.counters().no_buffer_bytes, 2u);
}

TEST(Reassembler, IntervalBoundDropsSegmentsThatWouldOpenAnotherHole) {
  ByteRing ring(256);
  Reassembler r(ReassemblyConfig{.max_intervals = 2});
  r.insert(10, as_bytes("a"), 256, ring);
  r.insert(20, as_bytes("b"), 256, ring);
  auto res = r.insert(30, as_bytes("c"), 256, ring);
  EXPECT_TRUE(res.dropped_interval_limit);
  EXPECT_EQ(r.counters().interval_limit_segments, 1u);
  EXPECT_EQ(r.intervals().size(), 2u);
  res = r.insert(11, as_bytes("a"), 256, ring);  // extends an interval: accepted
  EXPECT_FALSE(res.dropped_interval_limit);
  EXPECT_EQ(r.held_bytes(), 3u);
  res = r.insert(0, as_bytes("0123456789"), 256, ring);  // in order: always accepted
  EXPECT_EQ(res.rcv_nxt, 12u);
  EXPECT_EQ(r.intervals().size(), 1u);
}

TEST(Reassembler, BridgingSegmentMergesIntervals) {
  ByteRing ring(64);
  Reassembler r;
  r.insert(2, as_bytes("c"), 64, ring);
  r.insert(4, as_bytes("e"), 64, ring);
  r.insert(6, as_bytes("g"), 64, ring);
  EXPECT_EQ(r.intervals().size(), 3u);
  r.insert(3, as_bytes("dXf"), 64, ring);
  ASSERT_EQ(r.intervals().size(), 1u);
  EXPECT_EQ(r.intervals()[0], (ByteRange{2, 7}));
  EXPECT_EQ(r.held_bytes(), 5u);
  r.insert(0, as_bytes("ab"), 64, ring);
  EXPECT_EQ(read_all(ring), "abcdefg");
}

void check_invariants(const Reassembler& r, const ByteRing& ring, std::uint64_t window_end) {
  std::uint64_t sum = 0;
  std::uint64_t prev_end = ring.tail();
  for (const ByteRange iv : r.intervals()) {
    RC_ASSERT(iv.begin > prev_end);  // disjoint, non-adjacent, beyond rcv.nxt
    RC_ASSERT(iv.end > iv.begin);
    RC_ASSERT(iv.end <= window_end);
    sum += iv.size();
    prev_end = iv.end;
  }
  RC_ASSERT(sum == r.held_bytes());
  RC_ASSERT(r.intervals().size() <= r.config().max_intervals);
  RC_ASSERT(r.held_bytes() + ring.size() <= ring.capacity());
}

// Random segmentation of a random stream, with duplicates, overlaps and
// reordering, retransmitted until delivered, against a per-byte model in which
// the first accepted copy of each byte wins. Every retransmission carries
// different bytes (a per-transmission tag), so overwriting would show.
RC_GTEST_PROP(ReassemblerProp, ReassemblesFirstCopiesWithinBounds, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  RC_TAG(seed);
  std::mt19937 rng(seed);
  const auto len = *rc::gen::inRange<std::size_t>(1, 1500);
  const auto cap = std::size_t{1} << *rc::gen::inRange(6, 12);
  const auto max_iv = *rc::gen::inRange<std::size_t>(1, 40);
  const bool same_bytes = *rc::gen::arbitrary<bool>();

  // A partition of the stream (so everything is eventually covered) plus
  // random extra overlapping segments.
  std::vector<ByteRange> segs;
  for (std::size_t at = 0; at < len;) {
    const std::size_t n = std::min(len - at, std::size_t{1} + rng() % 100);
    segs.push_back({at, at + n});
    at += n;
  }
  const std::size_t extra = rng() % (segs.size() + 1);
  for (std::size_t i = 0; i < extra; ++i) {
    const std::uint64_t b = rng() % len;
    segs.push_back({b, std::min<std::uint64_t>(len, b + 1 + rng() % 150)});
  }

  ByteRing ring(cap);
  Reassembler r(ReassemblyConfig{.max_intervals = max_iv});
  std::vector<std::optional<std::uint8_t>> model(len);
  std::string delivered;
  std::uint8_t tag = 0;
  for (int round = 0; ring.tail() < len; ++round) {
    RC_ASSERT(round < 10000);
    std::shuffle(segs.begin(), segs.end(), rng);
    for (const ByteRange s : segs) {
      ++tag;
      std::string payload(s.size(), '\0');
      for (std::size_t k = 0; k < payload.size(); ++k) {
        const auto i = s.begin + k;
        payload[k] = static_cast<char>((i * 7 + 3) ^ (same_bytes ? 0 : tag));
      }
      const std::uint64_t window_end = ring.head() + ring.capacity();
      const std::uint64_t rcv_nxt = ring.tail();
      const std::size_t held_before = r.intervals().size();
      const auto res = r.insert(s.begin, as_bytes(payload), window_end, ring);
      if (res.dropped_interval_limit) RC_ASSERT(held_before == max_iv);
      if (!res.dropped_interval_limit) {
        for (std::uint64_t i = std::max(s.begin, rcv_nxt); i < std::min(s.end, window_end); ++i) {
          if (!model[i]) model[i] = static_cast<std::uint8_t>(payload[i - s.begin]);
        }
      }
      RC_ASSERT(res.rcv_nxt == ring.tail());
      RC_ASSERT(res.delivered == ring.tail() - rcv_nxt);
      check_invariants(r, ring, window_end);
      if (rng() % 2 == 0) delivered += read_all(ring);
    }
    delivered += read_all(ring);
  }
  RC_ASSERT(delivered.size() == len);
  for (std::size_t i = 0; i < len; ++i) {
    RC_ASSERT(model[i].has_value());
    RC_ASSERT(static_cast<std::uint8_t>(delivered[i]) == *model[i]);
    if (same_bytes) RC_ASSERT(static_cast<std::uint8_t>(delivered[i]) == ((i * 7 + 3) & 0xFF));
  }
  RC_ASSERT(r.empty());
}

}  // namespace
}  // namespace synack::tcp
