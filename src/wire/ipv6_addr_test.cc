// SPDX-License-Identifier: Apache-2.0
// IPv6 addresses: RFC 4291 §2.2 text in, RFC 5952 text out (checked against
// glibc's inet_pton/inet_ntop too), and the families kept apart.
#include "wire/ipv6_addr.hpp"

#include <arpa/inet.h>

#include <type_traits>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "wire/tcp.hpp"

namespace synack {
namespace {

TEST(Ipv6Addr, ParsesAndPrintsRfc5952Text) {
  const std::pair<const char*, const char*> cases[] = {
      {"::", "::"},
      {"::1", "::1"},
      {"fd77::1", "fd77::1"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},  // §4.1 leading zeros
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},               // §4.2.3 first of equal runs
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},            // §4.2.2 one zero group stays
      {"2001:db8::0:1", "2001:db8::1"},
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},  // §4.2.3 the longest run
      {"2001:DB8::AbCd", "2001:db8::abcd"},     // §4.3 lower case
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},   // "::" for one group is read, never written
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      {"1::", "1::"},
      {"0:0:1::", "0:0:1::"},
      {"fe80::1:2:3:4", "fe80::1:2:3:4"},
      {"::ffff:10.0.0.1", "::ffff:10.0.0.1"},  // §5 mixed notation for IPv4-mapped
      {"::ffff:a00:1", "::ffff:10.0.0.1"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      {"ff02::1", "ff02::1"},
  };
  for (const auto& [in, out] : cases) {
    const auto a = Ipv6Addr::parse(in);
    ASSERT_TRUE(a.has_value()) << in;
    EXPECT_EQ(a->to_string(), out) << in;
    EXPECT_EQ(Ipv6Addr::parse(out), a) << out;
  }
}

TEST(Ipv6Addr, RejectsEverythingElse) {
  for (const char* bad : {"",
                          ":",
                          ":::",
                          "1:::2",
                          "1::2::3",
                          "12345::",
                          "g::",
                          "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7",
                          ":1::",
                          "1::2:",
                          ":1:2:3:4:5:6:7:8",
                          "1:2:3:4:5:6:7:8:",
                          "::ffff:1.2.3",
                          "::ffff:256.1.1.1",
                          "1.2.3.4::",
                          "::1.2.3.4:5",
                          "[::1]",
                          "fe80::1%eth0",
                          "::1/64",
                          "1:2:3:4:5:6:7:8::",
                          "1:2:3:4:5:6:7::8",
                          " ::1",
                          "::1 ",
                          "10.0.0.1"}) {
    EXPECT_FALSE(Ipv6Addr::parse(bad).has_value()) << bad;
  }
}

TEST(Ipv6Addr, Predicates) {
  EXPECT_TRUE(Ipv6Addr{}.is_unspecified());
  EXPECT_TRUE(Ipv6Addr::parse("::1")->is_loopback());
  EXPECT_TRUE(Ipv6Addr::parse("ff02::1")->is_multicast());
  EXPECT_TRUE(Ipv6Addr::parse("fe80::1")->is_link_local());
  EXPECT_TRUE(Ipv6Addr::parse("febf::1")->is_link_local());
  EXPECT_FALSE(Ipv6Addr::parse("fec0::1")->is_link_local());
  EXPECT_FALSE(Ipv6Addr::parse("fd77::1")->is_multicast());
  EXPECT_EQ(Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 1), *Ipv6Addr::parse("fd77::1"));
  EXPECT_EQ(Ipv6Addr::parse("fd77::1")->group(0), 0xfd77);
}

TEST(Ipv6Addr, Ipv4MappedOnlyThroughTheExplicitFunctions) {
  const Ipv4Addr v4 = Ipv4Addr::from_octets(10, 77, 0, 2);
  const Ipv6Addr mapped = Ipv6Addr::v4_mapped(v4);
  EXPECT_EQ(mapped.to_string(), "::ffff:10.77.0.2");
  EXPECT_TRUE(mapped.is_v4_mapped());
  EXPECT_EQ(mapped.to_v4_mapped(), v4);
  // ::10.77.0.2 (the deprecated "compatible" form) and ::ffff:0:a4d:2 are not mapped.
  EXPECT_FALSE(Ipv6Addr::parse("::10.77.0.2")->to_v4_mapped().has_value());
  EXPECT_FALSE(Ipv6Addr::parse("::ffff:0:a4d:2")->is_v4_mapped());
  EXPECT_EQ(Ipv6Addr::parse("::10.77.0.2")->to_string(), "::a4d:2");
}

// The families cannot be mixed by accident: no conversion either way, and the
// TCP checksum and emit take both addresses of one family.
static_assert(!std::is_convertible_v<Ipv4Addr, Ipv6Addr>);
static_assert(!std::is_convertible_v<Ipv6Addr, Ipv4Addr>);
static_assert(!std::is_constructible_v<Ipv6Addr, Ipv4Addr>);
static_assert(!std::is_constructible_v<Ipv4Addr, Ipv6Addr>);
template <class A, class B>
concept CanEmitTcp = requires(const TcpSegment& s, MutableBytes out, A a, B b) {
  s.emit(out, a, b);
};
template <class A, class B>
concept CanVerifyTcp = requires(const TcpView& v, A a, B b) {
  v.checksum_ok(a, b);
};
static_assert(CanEmitTcp<Ipv4Addr, Ipv4Addr> && CanEmitTcp<Ipv6Addr, Ipv6Addr>);
static_assert(!CanEmitTcp<Ipv4Addr, Ipv6Addr> && !CanEmitTcp<Ipv6Addr, Ipv4Addr>);
static_assert(CanVerifyTcp<Ipv4Addr, Ipv4Addr> && CanVerifyTcp<Ipv6Addr, Ipv6Addr>);
static_assert(!CanVerifyTcp<Ipv4Addr, Ipv6Addr> && !CanVerifyTcp<Ipv6Addr, Ipv4Addr>);

TEST(IpAddr, ParsesEitherFamilyAndKeepsIt) {
  const auto v4 = parse_ip_addr("10.0.0.1");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(std::holds_alternative<Ipv4Addr>(*v4));
  const auto v6 = parse_ip_addr("fd77::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(std::holds_alternative<Ipv6Addr>(*v6));
  // An IPv4-mapped address stays an IPv6 address.
  const auto mapped = parse_ip_addr("::ffff:10.0.0.1");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_TRUE(std::holds_alternative<Ipv6Addr>(*mapped));
  EXPECT_NE(*mapped, IpAddr{Ipv4Addr::from_octets(10, 0, 0, 1)});
  EXPECT_EQ(to_string(*v4), "10.0.0.1");
  EXPECT_EQ(to_string(*v6, 8080), "[fd77::1]:8080");
  EXPECT_EQ(to_string(*v4, 80), "10.0.0.1:80");
  for (const char* bad : {"", "10.0.0", "fd77::1::", "[fd77::1]", "host"}) {
    EXPECT_FALSE(parse_ip_addr(bad).has_value()) << bad;
  }
}

// Addresses rich in zero groups, so every compression case comes up.
Ipv6Addr random_addr() {
  Ipv6Addr a;
  for (int i = 0; i < 8; ++i) {
    const auto g =
        *rc::gen::oneOf(rc::gen::just<std::uint16_t>(0), rc::gen::arbitrary<std::uint16_t>());
    a.bytes[2 * i] = static_cast<std::uint8_t>(g >> 8);
    a.bytes[2 * i + 1] = static_cast<std::uint8_t>(g);
  }
  return a;
}

RC_GTEST_PROP(Ipv6AddrProperty, TextRoundTripsAndMatchesGlibc, ()) {
  const Ipv6Addr a = random_addr();
  const std::string text = a.to_string();
  RC_ASSERT(Ipv6Addr::parse(text) == a);
  char buf[INET6_ADDRSTRLEN];
  RC_ASSERT(inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf) != nullptr);
  RC_ASSERT(Ipv6Addr::parse(buf) == a);
  // glibc also writes the deprecated IPv4-compatible ::a.b.c.d in mixed
  // notation; RFC 5952 §5 reserves that for well-known prefixes.
  const bool compat =
      std::all_of(a.bytes.begin(), a.bytes.begin() + 12, [](std::uint8_t b) { return b == 0; }) &&
      (a.bytes[12] | a.bytes[13]) != 0;
  if (!compat) {
    RC_ASSERT(text == std::string(buf));
  }
  std::array<std::uint8_t, 16> back{};
  RC_ASSERT(inet_pton(AF_INET6, text.c_str(), back.data()) == 1);
  RC_ASSERT(back == a.bytes);
}

}  // namespace
}  // namespace synack
