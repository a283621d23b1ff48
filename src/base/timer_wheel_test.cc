// SPDX-License-Identifier: Apache-2.0
#include "base/timer_wheel.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace synack {
namespace {

Instant at_ms(std::int64_t ms) {
  return Instant{} + milliseconds(ms);
}

TEST(TimerWheel, FiresAtDeadlineNotBefore) {
  TimerWheel w;
  w.schedule(7, at_ms(100));
  std::vector<TimerWheel::Id> fired;
  w.advance(at_ms(99), [&](auto id) { fired.push_back(id); });
  EXPECT_TRUE(fired.empty());
  EXPECT_TRUE(w.armed(7));
  w.advance(at_ms(100), [&](auto id) { fired.push_back(id); });
  EXPECT_EQ(fired, std::vector<TimerWheel::Id>{7});
  EXPECT_FALSE(w.armed(7));
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, SubTickDeadlineRoundsUp) {
  TimerWheel w;
  w.schedule(1, at_ms(10) + microseconds(1));
  int n = 0;
  w.advance(at_ms(10) + microseconds(999), [&](auto) { ++n; });
  EXPECT_EQ(n, 0);
  w.advance(at_ms(11), [&](auto) { ++n; });
  EXPECT_EQ(n, 1);
}

TEST(TimerWheel, RescheduleAndCancel) {
  TimerWheel w;
  w.schedule(1, at_ms(50));
  w.schedule(1, at_ms(5000));  // re-arm moves it
  w.schedule(2, at_ms(60));
  w.cancel(2);
  int n = 0;
  w.advance(at_ms(4999), [&](auto) { ++n; });
  EXPECT_EQ(n, 0);
  EXPECT_EQ(w.next_expiry() <= at_ms(5000), true);
  w.advance(at_ms(5000), [&](auto id) {
    EXPECT_EQ(id, 1u);
    ++n;
  });
  EXPECT_EQ(n, 1);
}

TEST(TimerWheel, BeyondTheWheelSpanUsesOverflow) {
  TimerWheel w;
  const auto ten_hours = at_ms(10LL * 3600 * 1000);
  w.schedule(3, ten_hours);
  int n = 0;
  w.advance(ten_hours - milliseconds(1), [&](auto) { ++n; });
  EXPECT_EQ(n, 0);
  w.advance(ten_hours, [&](auto) { ++n; });
  EXPECT_EQ(n, 1);
}

TEST(TimerWheel, CallbackMayRearmItself) {
  TimerWheel w;
  w.schedule(0, at_ms(10));
  int n = 0;
  w.advance(at_ms(35), [&](TimerWheel::Id id) {
    ++n;
    if (n < 10) w.schedule(id, at_ms(10 + 10 * n));  // 20, 30, 40 ...
  });
  EXPECT_EQ(n, 3);  // 10, 20, 30
  EXPECT_TRUE(w.armed(0));
  EXPECT_LE(w.next_expiry(), at_ms(40));
}

TEST(TimerWheel, NextExpiryIsNeverLate) {
  TimerWheel w;
  EXPECT_EQ(w.next_expiry(), kNever);
  w.schedule(1, at_ms(70'000));
  EXPECT_LE(w.next_expiry(), at_ms(70'000));
}

// Model check: random schedule/cancel/advance sequences against a std::map.
RC_GTEST_PROP(TimerWheelProp, MatchesModel, ()) {
  TimerWheel w;
  std::map<TimerWheel::Id, std::int64_t> model;  // id -> deadline ms
  std::int64_t now = 0;
  const auto steps = *rc::gen::inRange(1, 200);
  for (int i = 0; i < steps; ++i) {
    const auto op = *rc::gen::inRange(0, 10);
    const auto id = *rc::gen::inRange<TimerWheel::Id>(0, 32);
    if (op < 5) {
      // Deadlines from "now" to well past the 4.66 h wheel span.
      const auto horizon = *rc::gen::element<std::int64_t>(100, 5000, 300'000, 40'000'000);
      const auto d = now + *rc::gen::inRange<std::int64_t>(0, horizon);
      w.schedule(id, at_ms(d));
      model[id] = d;
    } else if (op < 6) {
      w.cancel(id);
      model.erase(id);
    } else {
      const auto horizon = *rc::gen::element<std::int64_t>(1, 64, 5000, 20'000'000);
      now += *rc::gen::inRange<std::int64_t>(0, horizon);
      std::set<TimerWheel::Id> fired;
      w.advance(at_ms(now), [&](TimerWheel::Id fid) { RC_ASSERT(fired.insert(fid).second); });
      std::set<TimerWheel::Id> expected;
      for (auto it = model.begin(); it != model.end();) {
        if (it->second <= now) {
          expected.insert(it->first);
          it = model.erase(it);
        } else {
          ++it;
        }
      }
      RC_ASSERT(fired == expected);
    }
    RC_ASSERT(w.size() == model.size());
    if (!model.empty()) {
      std::int64_t earliest = INT64_MAX;
      for (auto& [k, v] : model) earliest = std::min(earliest, v);
      RC_ASSERT(w.next_expiry() <= at_ms(std::max(earliest, now)));
    }
  }
}

}  // namespace
}  // namespace synack
