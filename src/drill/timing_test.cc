// SPDX-License-Identifier: Apache-2.0
// Timing tests: tolerance = max(tolerance_usecs, 5% of the gap), ranges, "*".
#include "drill/timing.hpp"

#include <gtest/gtest.h>

// Designated initializers that leave fields at their defaults are the point here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace synack::drill {
namespace {

TEST(Timing, ToleranceIsTheLargerOfFixedAndFivePercent) {
  EXPECT_EQ(tolerance_at(100'000, 0, 4000), 5000);  // 5% of 0.1 s
  EXPECT_EQ(tolerance_at(10'000, 0, 4000), 4000);   // fixed wins
  EXPECT_EQ(tolerance_at(3'200'000, 1'000'000, 150'000), 150'000);
  EXPECT_EQ(tolerance_at(10'000'000, 0, 150'000), 500'000);
  EXPECT_EQ(tolerance_at(0, 500, 4000), 4000);  // no negative gaps
}

TEST(Timing, PointTimes) {
  const ExpectedTime t{.usecs = 100'000, .previous_event_usecs = 0};
  EXPECT_EQ(check_time(t, 105'000, 4000, "outbound packet"), std::nullopt);
  EXPECT_EQ(check_time(t, 95'000, 4000, "outbound packet"), std::nullopt);
  EXPECT_EQ(check_time(t, 105'001, 4000, "outbound packet"),
            "timing error: expected outbound packet at 0.100000 sec but happened at 0.105001 "
            "sec; tolerance 0.005000 sec");
  EXPECT_EQ(latest_time(t, 4000), 105'000);
}

TEST(Timing, RangesAndAny) {
  const ExpectedTime r{.usecs = 100'000, .range_end = 300'000, .previous_event_usecs = 0};
  EXPECT_EQ(check_time(r, 200'000, 4000, "x"), std::nullopt);
  EXPECT_EQ(check_time(r, 315'000, 4000, "x"), std::nullopt);  // 5% of 0.3 s
  EXPECT_NE(check_time(r, 316'000, 4000, "x"), std::nullopt);
  EXPECT_NE(check_time(r, 90'000, 4000, "x"), std::nullopt);
  const ExpectedTime any{.any = true};
  EXPECT_EQ(check_time(any, 99'000'000, 4000, "x"), std::nullopt);
}

TEST(Timing, FormatUsecs) {
  EXPECT_EQ(format_usecs(1'500'000), "1.500000");
  EXPECT_EQ(format_usecs(42), "0.000042");
  EXPECT_EQ(format_usecs(-42), "-0.000042");
}

}  // namespace
}  // namespace synack::drill
