// SPDX-License-Identifier: Apache-2.0
// Connection addresses: family-agnostic tuples, the compact StoredTuple, and
// the hash input of RFC 6528 / SYN cookies (IPv4 bytes as before IPv6).
#include "tcp/types.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace synack::tcp {
namespace {

const FourTuple kV4{{Ipv4Addr::from_octets(10, 0, 0, 1), 40000},
                    {Ipv4Addr::from_octets(10, 0, 0, 2), 80}};
const FourTuple kV6{{Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 2), 40000},
                    {Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 1), 80}};

TEST(FourTuple, FamiliesNeverCompareEqual) {
  // 10.0.0.1 and ::ffff:10.0.0.1 are different addresses to the engine.
  const FourTuple mapped{{Ipv6Addr::v4_mapped(Ipv4Addr::from_octets(10, 0, 0, 1)), 40000},
                         {Ipv6Addr::v4_mapped(Ipv4Addr::from_octets(10, 0, 0, 2)), 80}};
  EXPECT_NE(mapped, kV4);
  EXPECT_TRUE(mapped.same_family());
  const FourTuple mixed{kV4.local, kV6.remote};
  EXPECT_FALSE(mixed.same_family());
  EXPECT_EQ(kV6.reversed().reversed(), kV6);
  EXPECT_EQ(kV6.reversed().local, kV6.remote);
}

TEST(StoredTuple, SixteenBytesForEitherFamilyAndDeepCopies) {
  static_assert(sizeof(StoredTuple) == 16);
  StoredTuple v4(kV4);
  EXPECT_EQ(v4.get(), kV4);
  EXPECT_TRUE(v4.matches(kV4));
  EXPECT_FALSE(v4.matches(kV6));
  EXPECT_FALSE(v4.matches(kV4.reversed()));
  StoredTuple v6(kV6);
  EXPECT_TRUE(v6.is_v6());
  EXPECT_EQ(v6.get(), kV6);
  EXPECT_TRUE(v6.matches(kV6));
  EXPECT_FALSE(v6.matches(kV4));
  EXPECT_EQ(v6.local_port(), 40000);
  EXPECT_EQ(v6.remote_port(), 80);

  StoredTuple copy = v6;  // deep: the original's storage is its own
  v6 = kV4;
  EXPECT_EQ(copy.get(), kV6);
  EXPECT_EQ(v6.get(), kV4);
  StoredTuple moved = std::move(copy);
  EXPECT_EQ(moved.get(), kV6);
  moved = v4;  // an IPv6 tuple replaced by an IPv4 one frees its pair (ASan checks)
  EXPECT_EQ(moved.get(), kV4);
  StoredTuple empty;
  EXPECT_EQ(empty.get(), (FourTuple{{Ipv4Addr{}, 0}, {Ipv4Addr{}, 0}}));
}

TEST(TupleBytes, IpV4LayoutIsTwelveBytesAsBeforeIpV6) {
  TupleBytes b{};
  ASSERT_EQ(tuple_bytes(kV4, b), 12u);
  const std::uint8_t want[] = {10, 0, 0, 1, 0x9c, 0x40, 10, 0, 0, 2, 0, 80};
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(std::to_integer<std::uint8_t>(b[i]), want[i]);
  ASSERT_EQ(tuple_bytes(kV6, b), 36u);
  EXPECT_EQ(std::to_integer<std::uint8_t>(b[0]), 0xfd);
  EXPECT_EQ(std::to_integer<std::uint8_t>(b[15]), 2);
  EXPECT_EQ(std::to_integer<std::uint8_t>(b[16]), 0x9c);
  EXPECT_EQ(std::to_integer<std::uint8_t>(b[35]), 80);
}

}  // namespace
}  // namespace synack::tcp
