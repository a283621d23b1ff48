// SPDX-License-Identifier: Apache-2.0
// TCP options (RFC 9293 §3.1, RFC 7323, RFC 2018): parse, summarize, build.
#include "wire/tcp_options.hpp"

#include <gtest/gtest.h>

#include "base/rfc_tag.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

using test::from_hex;

std::expected<TcpOptions, WireError> parse_hex(std::string_view hex) {
  const auto b = from_hex(hex);
  return TcpOptions::parse(b);
}

TEST(TcpOptions, ParsesLinuxSynOptions) {
  SYNACK_RFC("MUST-4", "MUST-64");
  // mss 1460, sackOK, TS val 0x8e099f5f ecr 0, nop, wscale 10 (a real Linux SYN).
  const auto o = parse_hex("020405b40402080a8e099f5f000000000103030a");
  ASSERT_TRUE(o.has_value());
  const auto s = o->summarize();
  EXPECT_EQ(s.mss, 1460);
  EXPECT_TRUE(s.sack_permitted);
  ASSERT_TRUE(s.timestamps.has_value());
  EXPECT_EQ(s.timestamps->val, 0x8e099f5fu);
  EXPECT_EQ(s.timestamps->ecr, 0u);
  EXPECT_EQ(s.window_scale, 10);
  EXPECT_EQ(s.sack_count, 0);
  EXPECT_EQ(o->size(), 20u);
}

TEST(TcpOptions, EmptyOptionsParse) {
  const auto o = TcpOptions::parse({});
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE(o->empty());
  EXPECT_FALSE(o->summarize().mss.has_value());
}

TEST(TcpOptions, WindowScaleAbove14IsReportedAsSent) {
  for (int shift : {14, 15, 200, 255}) {
    TcpOptions b;
    b.window_scale(static_cast<std::uint8_t>(shift));
    const auto o = TcpOptions::parse(b.bytes());
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->summarize().window_scale, shift);
  }
}

TEST(TcpOptions, SackOneToFourBlocks) {
  for (std::size_t n = 1; n <= 4; ++n) {
    std::vector<SackBlock> blocks;
    for (std::size_t k = 0; k < n; ++k) {
      blocks.push_back({SeqNum(static_cast<std::uint32_t>(100 * k)),
                        SeqNum(static_cast<std::uint32_t>(100 * k + 50))});
    }
    TcpOptions b;
    b.nop().nop().sack(blocks);
    ASSERT_FALSE(b.overflowed());
    EXPECT_EQ(b.size(), 2 + 2 + 8 * n);
    const auto o = TcpOptions::parse(b.bytes());
    ASSERT_TRUE(o.has_value()) << "n=" << n;
    const auto s = o->summarize();
    ASSERT_EQ(s.sack_count, n);
    for (std::size_t k = 0; k < n; ++k) EXPECT_EQ(s.sack[k], blocks[k]);
  }
}

TEST(TcpOptions, SackWithoutBlocksIsBadLength) {
  EXPECT_EQ(parse_hex("0502").error(), WireError::kOptionBadLength);
  EXPECT_EQ(parse_hex("050600000000").error(), WireError::kOptionBadLength);  // 4 bytes: not 8n
}

TEST(TcpOptions, UnknownKindIsSkippedByItsLength) {
  SYNACK_RFC("MUST-6");
  // kind 253 (experimental) len 4, then MSS: the MSS is still found.
  const auto o = parse_hex("fd04beef020405b4");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->summarize().mss, 1460);
  int items = 0;
  o->for_each([&](const TcpOptionItem& it) {
    if (items++ == 0) {
      EXPECT_EQ(it.kind, 253);
      EXPECT_EQ(test::to_hex(it.data), "beef");
    }
  });
  EXPECT_EQ(items, 2);
}

TEST(TcpOptions, EolEndsInterpretationButBytesAreKept) {
  // MSS, EOL, then junk that would be malformed if it were read (kind 2 len 0).
  const auto o = parse_hex("020405b4000200");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->size(), 7u);
  EXPECT_EQ(o->summarize().mss, 1460);
  int items = 0;
  o->for_each([&](const TcpOptionItem&) { ++items; });
  EXPECT_EQ(items, 2);  // mss, eol
}

TEST(TcpOptions, LastOccurrenceWins) {
  const auto o = parse_hex("020405b4020405dc");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->summarize().mss, 1500);
}

TEST(TcpOptions, MalformedLengthZero) {
  SYNACK_RFC("MUST-7");
  EXPECT_EQ(parse_hex("0200").error(), WireError::kOptionLengthZero);
  EXPECT_EQ(parse_hex("01fd00").error(), WireError::kOptionLengthZero);  // unknown kind too
}

TEST(TcpOptions, MalformedLengthOne) {
  SYNACK_RFC("MUST-7");
  EXPECT_EQ(parse_hex("0201").error(), WireError::kOptionLengthOne);
  EXPECT_EQ(parse_hex("0101fd01").error(), WireError::kOptionLengthOne);
}

TEST(TcpOptions, MalformedPastEnd) {
  SYNACK_RFC("MUST-7");
  EXPECT_EQ(parse_hex("020405").error(), WireError::kOptionPastEnd);
  EXPECT_EQ(parse_hex("080a00000001").error(), WireError::kOptionPastEnd);
  EXPECT_EQ(parse_hex("fdff").error(), WireError::kOptionPastEnd);
  // More than 40 bytes can never be a TCP option space.
  EXPECT_EQ(TcpOptions::parse(std::vector<std::byte>(41, std::byte{1})).error(),
            WireError::kOptionPastEnd);
}

TEST(TcpOptions, MalformedMultiByteKindInLastByte) {
  EXPECT_EQ(parse_hex("02").error(), WireError::kOptionNoRoomForLength);
  EXPECT_EQ(parse_hex("010101fd").error(), WireError::kOptionNoRoomForLength);
  EXPECT_EQ(parse_hex("020405b408").error(), WireError::kOptionNoRoomForLength);
}

TEST(TcpOptions, MalformedKnownKindWrongLength) {
  EXPECT_EQ(parse_hex("020305").error(), WireError::kOptionBadLength);    // MSS len 3
  EXPECT_EQ(parse_hex("03040a00").error(), WireError::kOptionBadLength);  // WS len 4
  EXPECT_EQ(parse_hex("040300").error(), WireError::kOptionBadLength);    // SACK-perm len 3
  EXPECT_EQ(parse_hex("08080000000000000000").error(), WireError::kOptionBadLength);  // TS len 8
}

TEST(TcpOptions, AllNopAndAllEolAreValid) {
  SYNACK_RFC("MUST-4");
  EXPECT_TRUE(TcpOptions::parse(std::vector<std::byte>(40, std::byte{1})).has_value());
  EXPECT_TRUE(TcpOptions::parse(std::vector<std::byte>(40, std::byte{0})).has_value());
}

TEST(TcpOptions, BuildLaysOutInCallOrder) {
  SYNACK_RFC("MUST-68");
  TcpOptions a;
  a.mss(1460).nop().window_scale(6).sack_permitted().timestamps(1, 0);
  EXPECT_EQ(test::to_hex(a.bytes()), "020405b4010303060402080a0000000100000000");
  TcpOptions b;
  b.timestamps(1, 0).sack_permitted().window_scale(6).nop().mss(1460);
  EXPECT_EQ(test::to_hex(b.bytes()),
            "080a00000001000000000402030306"
            "01020405b4");
  EXPECT_FALSE(a == b);
  TcpOptions c;
  c.eol().nop().raw(253, test::from_hex("abcd"));
  EXPECT_EQ(test::to_hex(c.bytes()), "0001fd04abcd");
}

TEST(TcpOptions, PaddedSizeRoundsUpTo4) {
  TcpOptions o;
  EXPECT_EQ(o.padded_size(), 0u);
  o.window_scale(7);
  EXPECT_EQ(o.padded_size(), 4u);
  o.mss(1);
  EXPECT_EQ(o.size(), 7u);
  EXPECT_EQ(o.padded_size(), 8u);
}

TEST(TcpOptions, BuilderRefusesToOverflow40Bytes) {
  TcpOptions o;
  o.timestamps(1, 2).timestamps(3, 4).timestamps(5, 6).timestamps(7, 8);
  EXPECT_FALSE(o.overflowed());
  EXPECT_EQ(o.size(), 40u);
  o.nop();
  EXPECT_TRUE(o.overflowed());
  EXPECT_EQ(o.size(), 40u);
  TcpOptions big;
  big.raw(200, std::vector<std::byte>(39));
  EXPECT_TRUE(big.overflowed());
  EXPECT_TRUE(big.empty());
}

TEST(TcpOptions, IteratingMalformedBuiltBytesStaysInBounds) {
  // raw(1, {}) builds [1, 2]: a NOP followed by a kind-2 byte with no length.
  // for_each and summarize must stop rather than read past size().
  TcpOptions o;
  o.raw(1, {});
  int items = 0;
  o.for_each([&](const TcpOptionItem&) { ++items; });
  EXPECT_EQ(items, 1);
  EXPECT_FALSE(o.summarize().mss.has_value());
  TcpOptions p;
  p.raw(1, test::from_hex("00"));  // [1, 3, 0]: NOP, then kind 3 with length 0
  items = 0;
  p.for_each([&](const TcpOptionItem&) { ++items; });
  EXPECT_EQ(items, 1);
}

TEST(TcpOptions, SummarizeIgnoresKnownKindOfWrongLengthBuiltByRaw) {
  TcpOptions o;
  o.raw(2, test::from_hex("05"));  // MSS of length 3
  EXPECT_FALSE(o.summarize().mss.has_value());
}

TEST(TcpOptions, EqualityComparesBytes) {
  TcpOptions a, b;
  a.mss(1460);
  b.mss(1460);
  EXPECT_TRUE(a == b);
  b.nop();
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace synack
