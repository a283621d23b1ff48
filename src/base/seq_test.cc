// SPDX-License-Identifier: Apache-2.0
#include "base/seq.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace synack {
namespace {

TEST(SeqNum, ComparesAcrossTheWrap) {
  const SeqNum before(0xFFFFFFF0u);
  const SeqNum after(0x00000010u);
  EXPECT_TRUE(seq_lt(before, after));
  EXPECT_TRUE(seq_gt(after, before));
  EXPECT_EQ(after - before, 0x20);
  EXPECT_EQ(before - after, -0x20);
  EXPECT_EQ(before + 0x20u, after);
  EXPECT_EQ(seq_max(before, after), after);
  EXPECT_EQ(seq_min(before, after), before);
}

TEST(SeqNum, InWindowIsHalfOpen) {
  const SeqNum left(0xFFFFFFFEu);
  EXPECT_TRUE(in_window(left, left, 4));
  EXPECT_TRUE(in_window(SeqNum(1), left, 4));
  EXPECT_FALSE(in_window(SeqNum(2), left, 4));
  EXPECT_FALSE(in_window(left - 1u, left, 4));
  EXPECT_FALSE(in_window(left, left, 0));
}

TEST(SeqNum, UnwrapNearTheStartNeverGoesNegative) {
  const SeqNum isn(100);
  EXPECT_EQ(unwrap(SeqNum(99), isn, 0), (std::uint64_t{1} << 32) - 1);
  EXPECT_EQ(unwrap(SeqNum(101), isn, 0), 1u);
}

RC_GTEST_PROP(SeqNumProp, ShiftPreservesOrder, (std::uint32_t a, std::uint32_t shift)) {
  // For points less than 2^31 apart, comparison is invariant under rotation of
  // the whole space: this is what makes the wrap invisible.
  const std::uint32_t d = *rc::gen::inRange<std::uint32_t>(1, 0x7FFFFFFF);
  const SeqNum x(a), y(a + d);
  RC_ASSERT(seq_lt(x, y));
  RC_ASSERT(seq_lt(x + shift, y + shift));
  RC_ASSERT(!seq_lt(y + shift, x + shift));
  RC_ASSERT((y + shift) - (x + shift) == static_cast<std::int32_t>(d));
}

RC_GTEST_PROP(SeqNumProp, InWindowMatchesOffset, (std::uint32_t left, std::uint32_t off)) {
  const std::uint32_t len = *rc::gen::inRange<std::uint32_t>(0, 0x80000000u);
  RC_ASSERT(in_window(SeqNum(left) + off, SeqNum(left), len) == (off < len));
}

RC_GTEST_PROP(SeqNumProp, WrapUnwrapRoundTrips, (std::uint32_t isn_raw)) {
  // Any absolute offset within 2^31 of the checkpoint comes back exactly,
  // including across several wraps of the 32-bit space.
  const auto abs = *rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 40);
  const auto delta =
      *rc::gen::inRange<std::int64_t>(-(std::int64_t{1} << 31) + 1, std::int64_t{1} << 31);
  const std::int64_t cp = static_cast<std::int64_t>(abs) + delta;
  RC_PRE(cp >= 0);
  const SeqNum isn(isn_raw);
  RC_ASSERT(unwrap(wrap(abs, isn), isn, static_cast<std::uint64_t>(cp)) == abs);
}

}  // namespace
}  // namespace synack
