// SPDX-License-Identifier: Apache-2.0
#include "stack/port_allocator.hpp"

#include <gtest/gtest.h>

#include <set>

namespace synack {
namespace {

const Ipv4Addr kLocal = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kRemote = Ipv4Addr::from_octets(10, 0, 0, 2);

TEST(PortAllocator, StaysInRangeAndAvoidsPortsInUse) {
  PortAllocator a(SipKey{1}, {40000, 40009});
  std::set<std::uint16_t> used;
  for (int i = 0; i < 10; ++i) {
    auto p = a.pick(kLocal, kRemote, 80, [&](std::uint16_t q) { return used.contains(q); });
    ASSERT_TRUE(p.has_value());
    EXPECT_GE(*p, 40000);
    EXPECT_LE(*p, 40009);
    EXPECT_TRUE(used.insert(*p).second);
  }
  auto full = a.pick(kLocal, kRemote, 80, [&](std::uint16_t q) { return used.contains(q); });
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error(), std::errc::address_not_available);
}

TEST(PortAllocator, SuccessiveConnectionsGetDifferentPorts) {
  PortAllocator a(SipKey{7});
  const auto never = [](std::uint16_t) { return false; };
  const auto p1 = *a.pick(kLocal, kRemote, 80, never);
  const auto p2 = *a.pick(kLocal, kRemote, 80, never);
  EXPECT_NE(p1, p2);
}

TEST(PortAllocator, StartingPointDependsOnTheSecret) {
  const auto never = [](std::uint16_t) { return false; };
  int differ = 0;
  for (std::uint8_t k = 0; k < 8; ++k) {
    PortAllocator a(SipKey{k}), b(SipKey{static_cast<std::uint8_t>(k + 100)});
    differ += *a.pick(kLocal, kRemote, 80, never) != *b.pick(kLocal, kRemote, 80, never);
  }
  EXPECT_GE(differ, 6);  // keyed: an attacker without the secret cannot predict it
}

// RFC 6056 Algorithm 4 over IPv6 addresses: same range, keyed by all 16 bytes.
TEST(PortAllocator, IpV6PeersGetPortsInRangeKeyedByTheirAddress) {
  const Ipv6Addr local = Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 2);
  const auto never = [](std::uint16_t) { return false; };
  int differ = 0;
  for (std::uint16_t host = 1; host <= 8; ++host) {
    PortAllocator a(SipKey{3}), b(SipKey{3});
    const auto p = *a.pick(local, Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, host), 80, never);
    EXPECT_GE(p, 32768);
    EXPECT_LE(p, 60999);
    differ += p != *b.pick(local, Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 1, host), 80, never);
  }
  EXPECT_GE(differ, 6);  // the remote address's high groups count
}

}  // namespace
}  // namespace synack
