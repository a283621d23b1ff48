// SPDX-License-Identifier: Apache-2.0
#include "base/units.hpp"

#include <gtest/gtest.h>

namespace synack::units {
namespace {

TEST(Units, BytesBinaryMultiplesAndSynonyms) {
  EXPECT_EQ(parse_bytes("1500"), 1500u);
  EXPECT_EQ(parse_bytes("1500B"), 1500u);
  EXPECT_EQ(parse_bytes("64K"), 65536u);
  EXPECT_EQ(parse_bytes("64KiB"), 65536u);
  EXPECT_EQ(parse_bytes("5M"), 5242880u);
  EXPECT_EQ(parse_bytes("5MiB"), 5242880u);
  EXPECT_EQ(parse_bytes("1G"), 1073741824u);
  EXPECT_EQ(parse_bytes("1GiB"), 1073741824u);
  EXPECT_EQ(parse_bytes("1.5K"), 1536u);
  EXPECT_EQ(parse_bytes("0"), 0u);
}

TEST(Units, BytesErrorsNameTheProblemAndTheForms) {
  const auto q = parse_bytes("1Q");
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().find("unknown unit \"Q\""), std::string::npos) << q.error();
  EXPECT_NE(q.error().find("64K = 64KiB"), std::string::npos) << q.error();
  EXPECT_NE(parse_bytes("1MB").error().find("ambiguous"), std::string::npos);
  EXPECT_NE(parse_bytes("-5").error().find("negative"), std::string::npos);
  EXPECT_NE(parse_bytes("0.3").error().find("whole number"), std::string::npos);
  EXPECT_FALSE(parse_bytes(""));
  EXPECT_FALSE(parse_bytes("K"));
  EXPECT_FALSE(parse_bytes("1.2.3K"));
  EXPECT_FALSE(parse_bytes("1e3"));
  EXPECT_FALSE(parse_bytes("99999999999G"));
}

TEST(Units, BitRatesAreDecimal) {
  EXPECT_EQ(parse_bit_rate("100Mbit"), 100'000'000u);
  EXPECT_EQ(parse_bit_rate("100Mbit/s"), 100'000'000u);
  EXPECT_EQ(parse_bit_rate("100Mbps"), 100'000'000u);
  EXPECT_EQ(parse_bit_rate("10kbit"), 10'000u);
  EXPECT_EQ(parse_bit_rate("1.5Gbit"), 1'500'000'000u);
  EXPECT_EQ(parse_bit_rate("5000bit"), 5000u);
  EXPECT_EQ(parse_bit_rate("0"), 0u);
  EXPECT_NE(parse_bit_rate("100").error().find("needs a unit"), std::string::npos);
  EXPECT_NE(parse_bit_rate("10MB/s").error().find("bytes"), std::string::npos);
  EXPECT_NE(parse_bit_rate("10Xbit").error().find("100Mbit"), std::string::npos);
}

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("250ns"), nanoseconds(250));
  EXPECT_EQ(parse_duration("100us"), microseconds(100));
  EXPECT_EQ(parse_duration("100µs"), microseconds(100));
  EXPECT_EQ(parse_duration("50ms"), milliseconds(50));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("2min"), seconds(120));
  EXPECT_EQ(parse_duration("0"), Duration::zero());
  EXPECT_NE(parse_duration("90").error().find("needs a unit"), std::string::npos);
  EXPECT_NE(parse_duration("5m").error().find("ambiguous"), std::string::npos);
  EXPECT_NE(parse_duration("5h").error().find("unknown unit \"h\""), std::string::npos);
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("999999999999min"));
}

TEST(Units, Fractions) {
  EXPECT_DOUBLE_EQ(*parse_fraction("5%"), 0.05);
  EXPECT_DOUBLE_EQ(*parse_fraction("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(*parse_fraction("0.05"), 0.05);
  EXPECT_DOUBLE_EQ(*parse_fraction("1"), 1.0);
  EXPECT_DOUBLE_EQ(*parse_fraction("100%"), 1.0);
  EXPECT_NE(parse_fraction("5x").error().find("percentage"), std::string::npos);
  EXPECT_NE(parse_fraction("150%").error().find("more than 100%"), std::string::npos);
  EXPECT_NE(parse_fraction("2").error().find("more than 100%"), std::string::npos);
}

}  // namespace
}  // namespace synack::units
