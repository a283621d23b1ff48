// SPDX-License-Identifier: Apache-2.0
#include "sim/event_loop.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace synack::sim {
namespace {

Instant at_ms(std::int64_t ms) {
  return Instant{} + milliseconds(ms);
}

TEST(EventLoop, RunsInTimeThenInsertionOrder) {
  EventLoop loop;
  std::string order;
  loop.schedule(at_ms(20), [&] { order += 'c'; });
  loop.schedule(at_ms(10), [&] { order += 'a'; });
  loop.schedule(at_ms(10), [&] { order += 'b'; });  // tie: after 'a'
  loop.schedule(at_ms(30), [&] { order += 'd'; });
  EXPECT_EQ(loop.run_until(at_ms(20)), 3u);
  EXPECT_EQ(order, "abc");
  EXPECT_EQ(loop.now(), at_ms(20));
  EXPECT_EQ(loop.run_until_idle(), RunResult::kIdle);
  EXPECT_EQ(order, "abcd");
  EXPECT_EQ(loop.now(), at_ms(30));
  EXPECT_EQ(loop.events_run(), 4u);
}

TEST(EventLoop, NowIsTheEventTimeInsideCallbacks) {
  EventLoop loop;
  std::vector<Instant> seen;
  loop.schedule(at_ms(5), [&] {
    seen.push_back(loop.now());
    loop.schedule_after(milliseconds(3), [&] { seen.push_back(loop.now()); });
  });
  loop.run_until_idle();
  EXPECT_EQ(seen, (std::vector<Instant>{at_ms(5), at_ms(8)}));
}

TEST(EventLoop, PastEventsRunNowAfterThoseAlreadyDue) {
  EventLoop loop;
  std::string order;
  loop.run_until(at_ms(100));
  loop.schedule(at_ms(100), [&] { order += 'a'; });
  loop.schedule(at_ms(1), [&] { order += 'b'; });  // in the past: runs at 100 ms, after 'a'
  loop.run_until_idle();
  EXPECT_EQ(order, "ab");
  EXPECT_EQ(loop.now(), at_ms(100));
}

TEST(EventLoop, CancelSkipsTheEvent) {
  EventLoop loop;
  int ran = 0;
  const EventId id = loop.schedule(at_ms(1), [&] { ran += 1; });
  loop.schedule(at_ms(2), [&] { ran += 10; });
  EXPECT_EQ(loop.pending(), 2u);
  EXPECT_TRUE(loop.cancel(id));
  EXPECT_FALSE(loop.cancel(id));
  EXPECT_EQ(loop.pending(), 1u);
  EXPECT_EQ(loop.next_event_time(), at_ms(2));
  loop.run_until_idle();
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(loop.cancel(12345));
  // A stale id never cancels the slot's next occupant.
  const EventId again = loop.schedule(at_ms(3), [&] { ran += 100; });
  EXPECT_NE(again, id);
  EXPECT_FALSE(loop.cancel(id));
  loop.run_until_idle();
  EXPECT_EQ(ran, 110);
}

TEST(EventLoop, LimitsStopTheRun) {
  EventLoop loop;
  // A self-rescheduling event: a livelock without the limits.
  std::function<void()> tick = [&] { loop.schedule_after(milliseconds(1), [&] { tick(); }); };
  loop.schedule(at_ms(0), [&] { tick(); });
  EXPECT_EQ(loop.run_until_idle(at_ms(50)), RunResult::kTimeLimit);
  EXPECT_LE(loop.now(), at_ms(50));
  EXPECT_EQ(loop.run_until_idle(kNever, 10), RunResult::kEventLimit);
  EXPECT_FALSE(loop.next_event_time() == kNever);
}

TEST(EventLoop, RunsMuchFasterThanRealTime) {
  // Ten simulated minutes of 1 ms ticks: 600 k events, virtual time only.
  EventLoop loop;
  std::uint64_t ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    loop.schedule_after(milliseconds(1), [&] { tick(); });
  };
  loop.schedule(at_ms(1), [&] { tick(); });
  loop.run_until(Instant{} + seconds(600));
  EXPECT_EQ(ticks, 600'000u);
  EXPECT_EQ(loop.now(), Instant{} + seconds(600));
  EXPECT_EQ(loop.pending(), 1u);
}

}  // namespace
}  // namespace synack::sim
