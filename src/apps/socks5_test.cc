// SPDX-License-Identifier: Apache-2.0
// SOCKS5 client messages (RFC 1928): the bytes of the greeting and a CONNECT,
// replies complete or not, every failure code, the UDP header.
#include "apps/socks5.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synack::apps::socks5 {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(std::byte(b));
  return out;
}

const tcp::Endpoint kDst{Ipv4Addr::from_octets(192, 0, 2, 7), 443};

TEST(Socks5, GreetingAndConnectBytes) {
  EXPECT_EQ(greeting(), bytes({5, 1, 0}));
  EXPECT_EQ(request(kConnect, kDst), bytes({5, 1, 0, 1, 192, 0, 2, 7, 0x01, 0xbb}));
  EXPECT_EQ(request(kUdpAssociate, {}), bytes({5, 3, 0, 1, 0, 0, 0, 0, 0, 0}));
}

TEST(Socks5, MethodReply) {
  EXPECT_FALSE(parse_method_reply(bytes({5})).has_value());
  EXPECT_TRUE(parse_method_reply(bytes({5, 0}))->has_value());
  EXPECT_EQ(parse_method_reply(bytes({5, 0xff}))->error(), Failure::kNoAcceptableMethod);
  EXPECT_EQ(parse_method_reply(bytes({4, 0}))->error(), Failure::kProtocol);
}

TEST(Socks5, ReplyNeedsAllItsBytes) {
  const auto ok = bytes({5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90, 'x'});
  for (std::size_t n = 0; n < 10; ++n) {
    EXPECT_FALSE(parse_reply(Bytes(ok).first(n)).has_value()) << n;
  }
  const auto r = parse_reply(ok);
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ((*r)->length, 10u);  // the 'x' after it is stream data
  EXPECT_EQ((*r)->bound, (tcp::Endpoint{Ipv4Addr::from_octets(10, 0, 0, 1), 8080}));
  // A domain-name BND.ADDR (length-prefixed) and an IPv6 one.
  EXPECT_EQ((*parse_reply(bytes({5, 0, 0, 3, 3, 'a', 'b', 'c', 0, 80})))->length, 10u);
  std::vector<std::byte> v6 = bytes({5, 0, 0, 4});
  v6.resize(4 + 16 + 2);
  EXPECT_EQ((*parse_reply(v6))->length, 22u);
  EXPECT_EQ(parse_reply(bytes({5, 0, 0, 9, 0}))->error(), Failure::kProtocol);
}

TEST(Socks5, EveryFailureCode) {
  for (int rep = 1; rep <= 8; ++rep) {
    const auto r = parse_reply(bytes({5, rep, 0, 1, 0, 0, 0, 0, 0, 0}));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->error(), Failure(rep));
    EXPECT_FALSE(to_string(Failure(rep)).empty());
  }
  EXPECT_EQ(parse_reply(bytes({5, 0x42, 0, 1, 0, 0, 0, 0, 0, 0}))->error(), Failure::kGeneral);
  EXPECT_EQ(to_string(Failure::kConnectionRefused), "connection refused");
}

TEST(Socks5, UdpHeaderRoundTrip) {
  auto d = udp_header(kDst);
  EXPECT_EQ(d, bytes({0, 0, 0, 1, 192, 0, 2, 7, 0x01, 0xbb}));
  d.push_back(std::byte{'q'});
  const auto p = parse_udp(d);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->first, kDst);
  EXPECT_EQ(p->second.size(), 1u);
  d[2] = std::byte{1};  // a fragment: not supported
  EXPECT_FALSE(parse_udp(d).has_value());
  EXPECT_FALSE(parse_udp(Bytes(d).first(9)).has_value());
}

}  // namespace
}  // namespace synack::apps::socks5
