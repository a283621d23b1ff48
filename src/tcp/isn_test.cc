// SPDX-License-Identifier: Apache-2.0
// RFC 6528 ISNs and RFC 4987 SYN cookies.
#include <gtest/gtest.h>

#include "base/rfc_tag.hpp"
#include "tcp/isn.hpp"
#include "tcp/syn_cookie.hpp"

namespace synack::tcp {
namespace {

const FourTuple kTuple{{Ipv4Addr::from_octets(10, 0, 0, 1), 40000},
                       {Ipv4Addr::from_octets(10, 0, 0, 2), 80}};

SipKey key(std::uint8_t seed) {
  SipKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed + i);
  return k;
}

TEST(Isn, ClockTicksEveryFourMicroseconds) {
  SYNACK_RFC("MUST-8");
  IsnGenerator g(key(1));
  const Instant t0{};
  EXPECT_EQ(g.next(kTuple, t0 + microseconds(4)) - g.next(kTuple, t0), 1);
  EXPECT_EQ(g.next(kTuple, t0 + microseconds(3)), g.next(kTuple, t0));
  EXPECT_EQ(g.next(kTuple, t0 + seconds(1)) - g.next(kTuple, t0), 250000);
  EXPECT_EQ(g.next(kTuple, t0), SeqNum(g.offset(kTuple)));
}

TEST(Isn, KeyedByTupleAndSecret) {
  SYNACK_RFC("SHLD-1", "MUST-9");
  IsnGenerator a(key(1));
  IsnGenerator b(key(2));
  FourTuple other = kTuple;
  other.local.port = 40001;
  EXPECT_NE(a.offset(kTuple), a.offset(other));
  EXPECT_NE(a.offset(kTuple), b.offset(kTuple));
  EXPECT_EQ(IsnGenerator(key(1)).offset(kTuple), a.offset(kTuple));  // reproducible
}

TEST(Isn, FixedIssIsReturnedForEveryTupleAndTime) {
  // Config::fixed_iss: the wrap tests start both sides at 0xFFFFFFF0.
  const IsnGenerator g(key(1), 0xFFFFFFF0u);
  FourTuple other = kTuple;
  other.remote.port = 81;
  EXPECT_EQ(g.next(kTuple, Instant{}), SeqNum(0xFFFFFFF0u));
  EXPECT_EQ(g.next(other, Instant{} + seconds(7)), SeqNum(0xFFFFFFF0u));
  EXPECT_NE(IsnGenerator(key(1)).next(kTuple, Instant{} + seconds(7)), SeqNum(0xFFFFFFF0u));
}

TEST(Isn, IpV6TuplesAreKeyedByAllTheirBytes) {
  // RFC 6528 §3 F() over the IPv6 4-tuple; an IPv4 tuple still hashes its 12
  // bytes as before IPv6 (pinned in types_test.cc), so IPv4 ISNs did not change.
  const FourTuple v6{{Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 2), 40000},
                     {Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 1), 80}};
  const IsnGenerator g(key(1));
  EXPECT_EQ(IsnGenerator(key(1)).offset(v6), g.offset(v6));
  EXPECT_NE(IsnGenerator(key(2)).offset(v6), g.offset(v6));
  FourTuple low_bit = v6;
  low_bit.remote.addr = Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 3);
  EXPECT_NE(g.offset(low_bit), g.offset(v6));
  FourTuple high_bit = v6;
  high_bit.local.addr = Ipv6Addr::from_groups(0xfd78, 0, 0, 0, 0, 0, 0, 2);
  EXPECT_NE(g.offset(high_bit), g.offset(v6));
  const FourTuple mapped{{Ipv6Addr::v4_mapped(Ipv4Addr::from_octets(10, 0, 0, 1)), 40000},
                         {Ipv6Addr::v4_mapped(Ipv4Addr::from_octets(10, 0, 0, 2)), 80}};
  EXPECT_NE(g.offset(mapped), g.offset(kTuple));
  EXPECT_EQ(
      g.offset(kTuple),
      siphash24(key(1), std::array<std::byte, 12>{std::byte{10}, std::byte{0}, std::byte{0},
                                                  std::byte{1}, std::byte{0x9c}, std::byte{0x40},
                                                  std::byte{10}, std::byte{0}, std::byte{0},
                                                  std::byte{2}, std::byte{0}, std::byte{80}}) &
          0xffffffffu);
}

TEST(SynCookie, IpV6RoundTripAndTupleBinding) {
  const FourTuple v6{{Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 2), 80},
                     {Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 1), 40000}};
  const Instant now = Instant{} + seconds(1000);
  const SeqNum c = make_syn_cookie(key(3), v6, SeqNum(77), 1440, now);
  EXPECT_EQ(check_syn_cookie(key(3), v6, SeqNum(77), c, now), 1440);
  FourTuple other = v6;
  other.remote.addr = Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 1, 1);
  EXPECT_FALSE(check_syn_cookie(key(3), other, SeqNum(77), c, now));
}

TEST(SynCookie, RoundTripEncodesMss) {
  const Instant now = Instant{} + seconds(1000);
  for (std::uint16_t mss : {536, 1300, 1460, 9000}) {
    const SeqNum c = make_syn_cookie(key(3), kTuple, SeqNum(77), mss, now);
    const auto got = check_syn_cookie(key(3), kTuple, SeqNum(77), c, now + seconds(30));
    ASSERT_TRUE(got.has_value());
    EXPECT_LE(*got, mss);
  }
  EXPECT_EQ(check_syn_cookie(key(3), kTuple, SeqNum(77),
                             make_syn_cookie(key(3), kTuple, SeqNum(77), 1460, now), now),
            1460);
}

TEST(SynCookie, RejectsForgeriesOtherTuplesAndOldCookies) {
  const Instant now = Instant{} + seconds(1000);
  const SeqNum c = make_syn_cookie(key(3), kTuple, SeqNum(77), 1460, now);
  FourTuple other = kTuple;
  other.remote.port = 81;
  EXPECT_FALSE(check_syn_cookie(key(3), other, SeqNum(77), c, now));
  EXPECT_FALSE(check_syn_cookie(key(3), kTuple, SeqNum(78), c, now));
  EXPECT_FALSE(check_syn_cookie(key(4), kTuple, SeqNum(77), c, now));
  EXPECT_FALSE(check_syn_cookie(key(3), kTuple, SeqNum(77), c + 1, now));
  EXPECT_TRUE(check_syn_cookie(key(3), kTuple, SeqNum(77), c, now + seconds(64)));
  EXPECT_FALSE(check_syn_cookie(key(3), kTuple, SeqNum(77), c, now + seconds(200)));
}

}  // namespace
}  // namespace synack::tcp
