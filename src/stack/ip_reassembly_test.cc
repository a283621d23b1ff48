#include "stack/ip_reassembly.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

namespace synack {
namespace {

const Ipv4Addr kSrc = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kDst = Ipv4Addr::from_octets(10, 0, 0, 2);

std::vector<std::byte> fragment(std::uint16_t id, std::uint16_t offset, bool more,
                                const std::vector<std::byte>& whole_payload, std::size_t len) {
  Ipv4Header h;
  h.identification = id;
  h.dont_fragment = false;
  h.more_fragments = more;
  h.fragment_offset = offset;
  h.protocol = kIpProtoUdp;
  h.src = kSrc;
  h.dst = kDst;
  std::vector<std::byte> out(Ipv4Header::kSize + len);
  h.emit(out, static_cast<std::uint16_t>(len));
  std::copy_n(whole_payload.begin() + offset, len, out.begin() + Ipv4Header::kSize);
  return out;
}

std::vector<std::byte> payload_of(std::size_t n) {
  std::vector<std::byte> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::byte>(i * 7 + 3);
  return p;
}

Ipv4View view(const std::vector<std::byte>& b) {
  return *Ipv4View::parse(b);
}

TEST(IpReassembly, TwoFragmentsInReverseOrder) {
  IpReassembler r;
  const auto data = payload_of(100);
  const auto second = fragment(1, 56, false, data, 44);
  const auto first = fragment(1, 0, true, data, 56);
  EXPECT_FALSE(r.add(view(second), Instant{}).has_value());
  const auto whole = r.add(view(first), Instant{});
  ASSERT_TRUE(whole.has_value());
  const auto v = Ipv4View::parse(*whole);  // checksum verified by parse
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->is_fragment());
  EXPECT_EQ(v->total_length(), 120);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), v->payload().begin(), v->payload().end()));
  EXPECT_EQ(r.datagrams(), 0u);
  EXPECT_EQ(r.bytes_held(), 0u);
}

TEST(IpReassembly, OverlapDropsTheDatagram) {
  IpReassembler r;
  const auto data = payload_of(100);
  r.add(view(fragment(2, 0, true, data, 64)), Instant{});
  EXPECT_FALSE(r.add(view(fragment(2, 56, false, data, 44)), Instant{}).has_value());
  EXPECT_EQ(r.drops(ReassemblyDrop::kOverlap), 1u);
  EXPECT_EQ(r.datagrams(), 0u);
  EXPECT_EQ(r.bytes_held(), 0u);
}

TEST(IpReassembly, IncompleteDatagramTimesOut) {
  IpReassembler r({.timeout = seconds(30)});
  const auto data = payload_of(100);
  r.add(view(fragment(3, 0, true, data, 56)), Instant{});
  EXPECT_EQ(r.next_deadline(), Instant{} + seconds(30));
  r.expire(Instant{} + seconds(29));
  EXPECT_EQ(r.datagrams(), 1u);
  r.expire(Instant{} + seconds(30));
  EXPECT_EQ(r.datagrams(), 0u);
  EXPECT_EQ(r.drops(ReassemblyDrop::kTimeout), 1u);
}

TEST(IpReassembly, BoundsAreEnforced) {
  IpReassembler r({.max_datagrams = 2, .max_fragments = 64, .max_total_bytes = 1000});
  const auto data = payload_of(2000);
  r.add(view(fragment(10, 0, true, data, 8)), Instant{});
  r.add(view(fragment(11, 0, true, data, 8)), Instant{});
  r.add(view(fragment(12, 0, true, data, 8)), Instant{});
  EXPECT_EQ(r.drops(ReassemblyDrop::kTooManyDatagrams), 1u);
  r.add(view(fragment(10, 8, true, data, 1000)), Instant{});
  EXPECT_EQ(r.drops(ReassemblyDrop::kTooManyBytes), 1u);
  r.add(view(fragment(10, 8, true, data, 12)), Instant{});  // not a multiple of 8
  EXPECT_EQ(r.drops(ReassemblyDrop::kBadLength), 1u);
  EXPECT_LE(r.bytes_held(), 1000u);
}

RC_GTEST_PROP(IpReassemblyProp, AnyOrderReassemblesExactly, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 1400);
  const auto data = payload_of(n);
  std::vector<std::vector<std::byte>> frags;
  std::size_t off = 0;
  while (off < n) {
    const std::size_t len = std::min(n - off, 8 * *rc::gen::inRange<std::size_t>(1, 40));
    frags.push_back(fragment(77, static_cast<std::uint16_t>(off), off + len < n, data, len));
    off += len;
  }
  RC_PRE(frags.size() > 1);
  const auto order = *rc::gen::unique<std::vector<std::size_t>>(
      frags.size(), rc::gen::inRange<std::size_t>(0, frags.size()));
  IpReassembler r;
  std::optional<std::vector<std::byte>> whole;
  for (std::size_t k = 0; k < order.size(); ++k) {
    whole = r.add(view(frags[order[k]]), Instant{});
    RC_ASSERT(whole.has_value() == (k + 1 == order.size()));
  }
  const auto v = Ipv4View::parse(*whole);
  RC_ASSERT(v.has_value());
  RC_ASSERT(std::equal(data.begin(), data.end(), v->payload().begin(), v->payload().end()));
}

}  // namespace
}  // namespace synack
