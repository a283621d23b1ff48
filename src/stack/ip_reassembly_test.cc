// SPDX-License-Identifier: Apache-2.0
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

TEST(IpReassembly, ExactDuplicateIsIgnoredAndTheDatagramKept) {
  IpReassembler r;
  const auto data = payload_of(100);
  const auto first = fragment(4, 0, true, data, 56);
  EXPECT_FALSE(r.add(view(first), Instant{}).has_value());
  EXPECT_FALSE(r.add(view(first), Instant{}).has_value());  // exact duplicate
  EXPECT_FALSE(r.add(view(fragment(4, 8, true, data, 16)), Instant{}).has_value());  // inside
  EXPECT_EQ(r.drops(ReassemblyDrop::kDuplicate), 2u);
  EXPECT_EQ(r.drops(ReassemblyDrop::kOverlap), 0u);
  EXPECT_EQ(r.bytes_held(), 56u);
  const auto whole = r.add(view(fragment(4, 56, false, data, 44)), Instant{});
  ASSERT_TRUE(whole.has_value());
  const auto v = Ipv4View::parse(*whole);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), v->payload().begin(), v->payload().end()));
}

TEST(IpReassembly, PartialOverlapStillDropsTheDatagram) {
  IpReassembler r;
  const auto data = payload_of(100);
  r.add(view(fragment(5, 8, true, data, 16)), Instant{});
  r.add(view(fragment(5, 0, true, data, 16)), Instant{});  // [0,16) overlaps [8,24)
  EXPECT_EQ(r.drops(ReassemblyDrop::kOverlap), 1u);
  EXPECT_EQ(r.datagrams(), 0u);
}

TEST(IpReassembly, BoundsAreEnforced) {
  IpReassembler r({.max_datagrams = 4, .max_fragments = 3, .max_total_bytes = 1000});
  const auto data = payload_of(2000);
  r.add(view(fragment(10, 8, true, data, 1008)), Instant{});  // alone over max_total_bytes
  EXPECT_EQ(r.drops(ReassemblyDrop::kTooManyBytes), 1u);
  r.add(view(fragment(10, 8, true, data, 12)), Instant{});  // not a multiple of 8
  EXPECT_EQ(r.drops(ReassemblyDrop::kBadLength), 1u);
  for (std::uint16_t off = 0; off < 32; off += 8) r.add(view(fragment(11, off, true, data, 8)), {});
  EXPECT_EQ(r.drops(ReassemblyDrop::kTooManyFragments), 1u);
  EXPECT_EQ(r.datagrams(), 0u);
  EXPECT_LE(r.bytes_held(), 1000u);
}

// A flood of incomplete datagrams (different ids) must not lock real ones out:
// the oldest are evicted down to the low threshold (Linux ipfrag_high/low_thresh).
TEST(IpReassembly, FloodEvictsTheOldestSoRealDatagramsComplete) {
  IpReassembler r({.max_datagrams = 8, .max_total_bytes = 4096, .evict_to_percent = 75});
  const auto data = payload_of(100);
  std::size_t completed = 0;
  Instant t{};
  for (std::uint16_t k = 0; k < 200; ++k) {
    t = t + milliseconds(1);
    r.add(view(fragment(static_cast<std::uint16_t>(1000 + k), 0, true, data, 56)), t);  // flood
    if (k % 10 == 0) {  // a real datagram, its two fragments amid the flood
      const auto id = static_cast<std::uint16_t>(k);
      r.add(view(fragment(id, 0, true, data, 56)), t);
      r.add(view(fragment(static_cast<std::uint16_t>(2000 + k), 0, true, data, 56)), t);
      if (r.add(view(fragment(id, 56, false, data, 44)), t)) ++completed;
    }
    ASSERT_LE(r.datagrams(), 8u);
    ASSERT_LE(r.bytes_held(), 4096u);
  }
  EXPECT_EQ(completed, 20u);
  EXPECT_GT(r.drops(ReassemblyDrop::kEvicted), 150u);
  EXPECT_EQ(r.drops(ReassemblyDrop::kTooManyDatagrams), 0u);
}

TEST(IpReassembly, ByteThresholdEvictsToo) {
  IpReassembler r({.max_datagrams = 64, .max_total_bytes = 1024, .evict_to_percent = 50});
  const auto data = payload_of(2000);
  for (std::uint16_t k = 0; k < 4; ++k) r.add(view(fragment(k, 0, true, data, 256)), {});
  EXPECT_EQ(r.bytes_held(), 1024u);
  r.add(view(fragment(9, 0, true, data, 256)), {});  // over 1024: evict down to 512 - 256
  EXPECT_EQ(r.drops(ReassemblyDrop::kEvicted), 3u);
  EXPECT_EQ(r.datagrams(), 2u);
  EXPECT_EQ(r.bytes_held(), 512u);
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
