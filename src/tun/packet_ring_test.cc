// SPDX-License-Identifier: Apache-2.0
#include "tun/packet_ring.hpp"

#include <gtest/gtest.h>

#include <string>

namespace synack {
namespace {

std::string text(Bytes b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST(PacketRing, FifoOrderAndBound) {
  PacketRing ring(3, 8);
  EXPECT_TRUE(ring.push(as_bytes("a")));
  EXPECT_TRUE(ring.push(as_bytes("bb")));
  EXPECT_TRUE(ring.push(as_bytes("ccc")));
  EXPECT_FALSE(ring.push(as_bytes("d"))) << "capacity 3";
  EXPECT_EQ(text(ring.front()), "a");
  ring.pop();
  EXPECT_TRUE(ring.push(as_bytes("dddd"))) << "a slot was freed";
  std::string order;
  while (!ring.empty()) {
    order += text(ring.front()) + ",";
    ring.pop();
  }
  EXPECT_EQ(order, "bb,ccc,dddd,");
}

TEST(PacketRing, RejectsPacketsLongerThanASlot) {
  PacketRing ring(2, 4);
  EXPECT_FALSE(ring.push(as_bytes("12345")));
  EXPECT_TRUE(ring.push(as_bytes("1234")));
  EXPECT_EQ(ring.size(), 1u);
}

TEST(PacketRing, WrapsAroundManyTimes) {
  PacketRing ring(4, 16);
  for (int i = 0; i < 100; ++i) {
    const std::string s = std::to_string(i);
    ASSERT_TRUE(ring.push(as_bytes(s)));
    if (ring.size() == 4) {
      EXPECT_EQ(text(ring.front()), std::to_string(i - 3));
      ring.pop();
    }
  }
}

TEST(PacketPool, ZeroCapacityStoresNothing) {
  PacketPool pool(0, 16);
  EXPECT_EQ(pool.store(as_bytes("x")), PacketPool::kNone);
  PacketRing ring(0, 16);
  EXPECT_FALSE(ring.push(as_bytes("x")));
}

}  // namespace
}  // namespace synack
