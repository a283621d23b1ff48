// SPDX-License-Identifier: Apache-2.0
// Every malformed-input class is rejected with its own error, and no prefix of
// a valid frame parses or reads out of bounds (run under ASan in CI).
#include <set>

#include <gtest/gtest.h>

#include "base/checksum.hpp"
#include "wire/tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::Buffer;

// A packet whose TCP options are `opts` (padded with EOL to a multiple of 4),
// with correct IP and TCP checksums, so the options are the only defect.
Buffer with_raw_options(std::string_view opts_hex) {
  Buffer opts = test::from_hex(opts_hex);
  while (opts.size() % 4 != 0) opts.push_back(std::byte{0});
  Buffer p(40 + opts.size());
  Ipv4Header ip;
  ip.src = test::kA;
  ip.dst = test::kB;
  TcpSegment seg;
  seg.flags.bits = TcpFlags::kSyn;
  ip.emit(p, static_cast<std::uint16_t>(20 + opts.size()));
  seg.emit(MutableBytes(p).subspan(20), ip.src, ip.dst);
  p[32] = static_cast<std::byte>((5 + opts.size() / 4) << 4);
  std::copy(opts.begin(), opts.end(), p.begin() + 40);
  store_be16(p, 36, 0);
  auto c = pseudo_header_ipv4(ip.src.value, ip.dst.value, kIpProtoTcp,
                              static_cast<std::uint16_t>(p.size() - 20));
  store_be16(p, 36, c.add(Bytes(p).subspan(20)).finish());
  return p;
}

struct Case {
  const char* what;
  Buffer packet;
  WireError want;
};

std::vector<Case> malformed_cases() {
  std::vector<Case> cases;
  const Buffer good = test::sample_syn(true);
  auto edit = [&](const char* what, WireError want, auto&& f, bool fix_ip = true) {
    Buffer p = good;
    f(p);
    if (fix_ip) {
      const std::size_t ihl =
          std::min<std::size_t>((std::to_integer<std::size_t>(p[0]) & 15) * 4, 20);
      store_be16(p, 10, 0);
      store_be16(p, 10, internet_checksum(Bytes(p).first(ihl)));
    }
    cases.push_back({what, std::move(p), want});
  };
  cases.push_back({"option length 0", with_raw_options("0200"), WireError::kOptionLengthZero});
  cases.push_back({"option length 1", with_raw_options("0201"), WireError::kOptionLengthOne});
  cases.push_back({"option past the end", with_raw_options("080a0000"), WireError::kOptionPastEnd});
  cases.push_back({"multi-byte kind in the last byte", with_raw_options("01010102"),
                   WireError::kOptionNoRoomForLength});
  cases.push_back({"MSS of length 3", with_raw_options("02030500"), WireError::kOptionBadLength});
  edit("data offset < 5", WireError::kTcpBadDataOffset, [](Buffer& p) { p[32] = std::byte{0x40}; });
  edit("data offset beyond the segment", WireError::kTcpBadDataOffset, [](Buffer& p) {
    p.resize(60);  // 20 IP + 40 TCP header bytes, header claims 60
    store_be16(p, 2, 60);
    p[32] = std::byte{0xf0};
  });
  edit(
      "IHL < 5", WireError::kIpBadIhl, [](Buffer& p) { p[0] = std::byte{0x44}; }, false);
  edit(
      "version 6", WireError::kIpBadVersion, [](Buffer& p) { p[0] = std::byte{0x65}; }, false);
  edit("total length beyond the buffer", WireError::kIpTotalPastBuffer,
       [](Buffer& p) { store_be16(p, 2, static_cast<std::uint16_t>(p.size() + 1)); });
  edit("total length below IHL*4", WireError::kIpBadTotalLength,
       [](Buffer& p) { store_be16(p, 2, 19); });
  edit("total length below IHL*4 + 20", WireError::kIpNoRoomForTcp,
       [](Buffer& p) { store_be16(p, 2, 39); });
  edit(
      "bad IP checksum", WireError::kIpBadChecksum, [](Buffer& p) { p[10] ^= std::byte{1}; },
      false);
  edit("bad TCP checksum", WireError::kTcpBadChecksum, [](Buffer& p) { p[36] ^= std::byte{1}; });
  edit("payload byte flipped", WireError::kTcpBadChecksum,
       [](Buffer& p) { p.back() ^= std::byte{0x80}; });
  edit("not TCP", WireError::kIpNotTcp, [](Buffer& p) { p[9] = std::byte{17}; });
  edit("fragment", WireError::kIpFragment, [](Buffer& p) { p[6] = std::byte{0x20}; });
  edit(
      "shorter than an IPv4 header", WireError::kTruncated, [](Buffer& p) { p.resize(19); }, false);
  return cases;
}

TEST(Malformed, EachClassIsRejectedWithItsOwnError) {
  for (const Case& c : malformed_cases()) {
    const auto r = parse_ipv4_tcp(c.packet);
    ASSERT_FALSE(r.has_value()) << c.what;
    EXPECT_EQ(r.error(), c.want) << c.what << ": got " << to_string(r.error()) << ", want "
                                 << to_string(c.want);
  }
}

TEST(Malformed, ErrorNamesAreDistinct) {
  std::set<std::string_view> names;
  const int n = static_cast<int>(kWireErrorCount);
  for (int e = 0; e < n; ++e) {
    const auto name = to_string(static_cast<WireError>(e));
    EXPECT_NE(name, "unknown");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(n));
}

// Every strict prefix of a valid frame is rejected (the IP total length no
// longer fits the buffer), and parsing it never reads past the prefix: each
// prefix is copied into its own exactly-sized heap buffer so ASan would see it.
TEST(Malformed, EveryTruncatedPrefixIsRejected) {
  std::vector<std::pair<std::string, Buffer>> frames;
  for (const auto& [name, packet] : test::linux_golden()) frames.emplace_back(name, packet);
  frames.emplace_back("sample", test::sample_syn(true));
  for (const auto& [name, frame] : frames) {
    ASSERT_TRUE(parse_ipv4_tcp(frame).has_value()) << name;
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const Buffer prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      const auto r = parse_ipv4_tcp(prefix);
      ASSERT_FALSE(r.has_value()) << name << " prefix " << n;
      EXPECT_EQ(r.error(), n < 20 ? WireError::kTruncated : WireError::kIpTotalPastBuffer)
          << name << " prefix " << n;
    }
  }
}

// With the IP total length shrunk to each prefix too (a consistent but short
// datagram), TCP's own checks reject it: no room, bad data offset, bad options
// or bad checksum — but never success and never an out-of-bounds read.
TEST(Malformed, EveryConsistentlyShortenedDatagramIsRejected) {
  for (const auto& [name, frame] : test::linux_golden()) {
    for (std::size_t n = 20; n < frame.size(); ++n) {
      Buffer p(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      store_be16(p, 2, static_cast<std::uint16_t>(n));
      store_be16(p, 10, 0);
      store_be16(p, 10, internet_checksum(Bytes(p).first(20)));
      const auto r = parse_ipv4_tcp(p);
      ASSERT_FALSE(r.has_value()) << name << " length " << n;
      if (n < 40) {
        EXPECT_EQ(r.error(), WireError::kIpNoRoomForTcp) << name << " length " << n;
      }
    }
  }
}

}  // namespace
}  // namespace synack
