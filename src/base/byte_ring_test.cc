// SPDX-License-Identifier: Apache-2.0
#include "base/byte_ring.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <map>
#include <vector>

namespace synack {
namespace {

std::vector<std::byte> bytes_of(std::string_view s) {
  const Bytes b = as_bytes(s);
  return {b.begin(), b.end()};
}

std::string text_of(RingSpans s) {
  std::string out;
  for (Bytes part : {s.first, s.second}) {
    for (std::byte b : part) out.push_back(static_cast<char>(b));
  }
  return out;
}

TEST(ByteRing, CapacityRoundsUpToPowerOfTwoAndAllocatesLazily) {
  ByteRing ring(1000, 7);
  EXPECT_EQ(ring.capacity(), 1024u);
  EXPECT_EQ(ring.head(), 7u);
  EXPECT_EQ(ring.tail(), 7u);
  EXPECT_FALSE(ring.allocated());
  EXPECT_EQ(ring.append(as_bytes("abc")), 3u);
  EXPECT_TRUE(ring.allocated());
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.free(), 1021u);
  EXPECT_FALSE(ring.release());  // holds data
  EXPECT_EQ(ring.consume_to(10), 3u);
  EXPECT_TRUE(ring.release());
  EXPECT_FALSE(ring.allocated());
  EXPECT_EQ(ring.head(), 10u);  // offsets survive a release
}

TEST(ByteRing, AppendStopsWhenFull) {
  ByteRing ring(4);
  EXPECT_EQ(ring.append(as_bytes("abcdef")), 4u);
  EXPECT_TRUE(ring.full());
  EXPECT_EQ(ring.append(as_bytes("x")), 0u);
  EXPECT_EQ(text_of(ring.peek(0, 10)), "abcd");
}

TEST(ByteRing, ZeroCapacityAcceptsNothing) {
  ByteRing ring(0);
  EXPECT_EQ(ring.capacity(), 0u);
  EXPECT_EQ(ring.append(as_bytes("a")), 0u);
  EXPECT_EQ(ring.write_at(0, as_bytes("a")), 0u);
  EXPECT_FALSE(ring.allocated());
}

TEST(ByteRing, PeekReturnsTwoSpansAcrossTheWrap) {
  ByteRing ring(8, 96);  // 96 is storage index 0
  EXPECT_EQ(ring.append(as_bytes("012345")), 6u);
  EXPECT_EQ(ring.consume_to(101), 5u);
  EXPECT_EQ(ring.append(as_bytes("6789ab")), 6u);  // wraps
  const RingSpans s = ring.peek(101, 7);
  EXPECT_EQ(s.first.size(), 3u);   // storage indices 5..7
  EXPECT_EQ(s.second.size(), 4u);  // storage indices 0..3
  EXPECT_EQ(text_of(s), "56789ab");
  std::vector<std::byte> out(4);
  EXPECT_EQ(ring.copy_out(102, out), 4u);
  EXPECT_EQ(out, bytes_of("6789"));
  EXPECT_EQ(ring.copy_out(200, out), 0u);      // past the tail
  EXPECT_EQ(text_of(ring.peek(0, 102)), "5");  // clipped to head
}

TEST(ByteRing, PeekContiguousCompletesAWrappedRangeInTheSlack) {
  ByteRing ring(8, 96, /*linear_slack=*/4);
  EXPECT_EQ(ring.append(as_bytes("012345")), 6u);
  EXPECT_EQ(ring.consume_to(101), 5u);
  EXPECT_EQ(ring.append(as_bytes("6789ab")), 6u);  // storage: "9ab" at 0..2, "5678" at 5..7
  const Bytes b = ring.peek_contiguous(102, 4);    // "6789": indices 6, 7, then 0, 1
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(b.data()), b.size()), "6789");
  EXPECT_EQ(ring.peek_contiguous(101, 7).size(), 4u);  // clipped to the slack
  const Bytes whole = ring.peek_contiguous(101, 3);    // no wrap: points into the ring
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(whole.data()), whole.size()), "567");
  ByteRing moved(std::move(ring));  // storage moves with it
  const Bytes again = moved.peek_contiguous(104, 4);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(again.data()), again.size()), "89ab");
}

TEST(ByteRing, AReleasedRingTakesItsStorageBackFromTheThreadsPool) {
  ByteRing a(4096);
  EXPECT_EQ(a.append(as_bytes("x")), 1u);
  const Bytes first = a.peek(0, 1).first;
  a.consume(1);
  ASSERT_TRUE(a.release());
  ByteRing b(4096);
  EXPECT_EQ(b.append(as_bytes("y")), 1u);
  EXPECT_EQ(b.peek(0, 1).first.data(), first.data());  // the warm block, reused
}

TEST(ByteRing, WriteAtStaysInvisibleUntilTheTailMoves) {
  ByteRing ring(8);
  EXPECT_EQ(ring.write_at(3, as_bytes("def")), 3u);
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_FALSE(ring.release());  // holds out-of-order bytes
  EXPECT_EQ(ring.write_at(0, as_bytes("abc")), 3u);
  EXPECT_EQ(ring.extend_tail(6), 6u);
  EXPECT_EQ(text_of(ring.peek(0, 8)), "abcdef");
  // Only [tail, head+capacity) is writable: readable bytes are never overwritten.
  EXPECT_EQ(ring.write_at(4, as_bytes("XYZ!!!")), 2u);
  EXPECT_EQ(ring.extend_tail(100), 8u);  // clamped to the limit
  EXPECT_EQ(text_of(ring.peek(0, 8)), "abcdefZ!");
}

// Model-based property: a random sequence of operations behaves exactly like a
// std::deque holding the same stream window.
RC_GTEST_PROP(ByteRingProp, MatchesDequeModel, ()) {
  const auto cap_log = *rc::gen::inRange<int>(0, 7);
  const auto start = *rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 40);
  ByteRing ring(std::size_t{1} << cap_log, start);
  std::deque<std::byte> model;
  std::uint64_t model_head = start;
  std::map<std::uint64_t, std::byte> pending;  // written past the tail, not readable yet
  std::uint8_t next = 0;
  const auto steps = *rc::gen::inRange(1, 60);
  for (int i = 0; i < steps; ++i) {
    const auto op = *rc::gen::inRange(0, 5);
    const std::uint64_t model_tail = model_head + model.size();
    const std::uint64_t limit = model_head + ring.capacity();
    if (op == 0 && pending.empty()) {  // append
      std::vector<std::byte> data(*rc::gen::inRange<std::size_t>(0, 80));
      for (auto& b : data) b = std::byte{next++};
      const std::size_t n = ring.append(data);
      RC_ASSERT(n == std::min(data.size(), static_cast<std::size_t>(limit - model_tail)));
      model.insert(model.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    } else if (op == 1) {  // consume
      const auto to = model_head + *rc::gen::inRange<std::uint64_t>(0, 80);
      const std::size_t n = ring.consume_to(to);
      RC_ASSERT(n == std::min<std::uint64_t>(to - model_head, model.size()));
      model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(n));
      model_head += n;
    } else if (op == 2) {  // peek and copy_out
      const auto off = model_head + *rc::gen::inRange<std::uint64_t>(0, 80);
      const auto n = *rc::gen::inRange<std::size_t>(0, 80);
      std::vector<std::byte> out(n);
      const std::size_t got = ring.copy_out(off, out);
      const std::uint64_t end = std::min<std::uint64_t>(off + n, model_tail);
      RC_ASSERT(got == (off < end ? end - off : 0));
      for (std::size_t k = 0; k < got; ++k) RC_ASSERT(out[k] == model[off - model_head + k]);
      RC_ASSERT(ring.peek(off, n).size() == got);
    } else if (op == 3) {  // write_at somewhere around the window
      const auto off = model_tail + *rc::gen::inRange<std::uint64_t>(0, 80);
      std::vector<std::byte> data(*rc::gen::inRange<std::size_t>(0, 40));
      for (auto& b : data) b = std::byte{next++};
      const std::size_t n = ring.write_at(off, data);
      const std::uint64_t end = std::min<std::uint64_t>(off + data.size(), limit);
      RC_ASSERT(n == (off < end ? end - off : 0));
      for (std::size_t k = 0; k < n; ++k) pending[off + k] = data[k];
    } else if (op == 4) {  // extend the tail over a contiguous pending prefix
      std::uint64_t t = model_tail;
      while (pending.contains(t)) {
        model.push_back(pending[t]);
        pending.erase(t);
        ++t;
      }
      RC_ASSERT(ring.extend_tail(t) == t);
    } else {  // release when possible
      RC_ASSERT(ring.release() == (model.empty() && pending.empty()));
    }
    RC_ASSERT(ring.head() == model_head);
    RC_ASSERT(ring.size() == model.size());
    RC_ASSERT(ring.tail() == model_head + model.size());
    RC_ASSERT(ring.size() <= ring.capacity());
  }
}

}  // namespace
}  // namespace synack
