// SPDX-License-Identifier: Apache-2.0
#include "base/flat_map.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unordered_map>

namespace synack {
namespace {

// A deliberately bad hash so probe runs are long and wrap around the table.
struct Collide {
  std::size_t operator()(std::uint32_t k) const { return k % 5; }
};

TEST(FlatMap, InsertFindErase) {
  FlatMap<std::uint32_t, int> m;
  EXPECT_TRUE(m.insert(1, 10));
  EXPECT_FALSE(m.insert(1, 11));
  ASSERT_NE(m.find(1), nullptr);
  EXPECT_EQ(*m.find(1), 11);
  EXPECT_EQ(m.find(2), nullptr);
  EXPECT_TRUE(m.erase(1));
  EXPECT_FALSE(m.erase(1));
  EXPECT_TRUE(m.empty());
}

TEST(FlatMap, GrowsAndKeepsEverything) {
  FlatMap<std::uint32_t, std::uint32_t> m(8);
  for (std::uint32_t i = 0; i < 10000; ++i) m.insert(i * 7919u, i);
  EXPECT_EQ(m.size(), 10000u);
  for (std::uint32_t i = 0; i < 10000; ++i) ASSERT_EQ(*m.find(i * 7919u), i);
  EXPECT_GE(m.capacity() * 7, m.size() * 8);
}

RC_GTEST_PROP(FlatMapProp, MatchesUnorderedMapUnderCollisions, ()) {
  FlatMap<std::uint32_t, int, Collide> m(8);
  std::unordered_map<std::uint32_t, int> model;
  const auto ops = *rc::gen::container<std::vector<std::pair<int, std::uint32_t>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange<std::uint32_t>(0, 40)));
  int next = 0;
  for (auto [op, key] : ops) {
    if (op < 2) {
      RC_ASSERT(m.insert(key, next) == model.insert_or_assign(key, next).second);
      ++next;
    } else {
      RC_ASSERT(m.erase(key) == (model.erase(key) == 1));
    }
    RC_ASSERT(m.size() == model.size());
  }
  for (std::uint32_t k = 0; k < 40; ++k) {
    const int* v = m.find(k);
    const auto it = model.find(k);
    RC_ASSERT((v != nullptr) == (it != model.end()));
    if (v) RC_ASSERT(*v == it->second);
  }
}

}  // namespace
}  // namespace synack
