// SPDX-License-Identifier: Apache-2.0
// EventLoop with pipes and socketpairs (no root). Waits are real but short
// (a few ms) and every run is bounded by run_until's max duration.
#include "tun/event_loop.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

#include <string>
#include <vector>

#include "tun/clock.hpp"

namespace synack {
namespace {

EventLoop make_loop(EventLoopOptions options = {}) {
  auto loop = EventLoop::create(options);
  EXPECT_TRUE(loop.has_value()) << loop.error().message;
  return std::move(*loop);
}

TEST(Clock, TimespecRoundTrip) {
  const timespec ts{12, 345'678'901};
  const Instant t = instant_from_timespec(ts);
  EXPECT_EQ(t.time_since_epoch().count(), 12'345'678'901);
  const timespec back = timespec_from_instant(t);
  EXPECT_EQ(back.tv_sec, 12);
  EXPECT_EQ(back.tv_nsec, 345'678'901);
  EXPECT_EQ(timespec_from_instant(Instant{}).tv_nsec, 1) << "epoch still arms the timer";
}

TEST(EventLoop, RunUntilTimesOutWhenNothingHappens) {
  EventLoop loop = make_loop();
  const Instant start = EventLoop::now();
  EXPECT_EQ(loop.run_until([] { return false; }, milliseconds(20)), RunResult::kTimedOut);
  const Duration took = EventLoop::now() - start;
  EXPECT_GE(took, milliseconds(20));
  EXPECT_LT(took, seconds(2));
  EXPECT_LE(loop.wakeups(), 3u) << "slept in epoll_wait, no busy loop";
}

TEST(EventLoop, TimerSourceFiresAtItsDeadlineNotBefore) {
  EventLoop loop = make_loop();
  const Instant deadline = EventLoop::now() + milliseconds(5);
  Instant fired_at = kNever;
  Instant next = deadline;
  loop.add_timer([&] { return next; },
                 [&](Instant now) {
                   fired_at = now;
                   next = kNever;
                 });
  EXPECT_EQ(loop.run_until([&] { return fired_at != kNever; }, seconds(2)), RunResult::kDone);
  EXPECT_GE(fired_at, deadline);
  EXPECT_LT(fired_at - deadline, milliseconds(500));
}

TEST(EventLoop, DeadlinesAreRequeriedAfterEveryWakeup) {
  EventLoop loop = make_loop();
  int fires = 0;
  Instant next = EventLoop::now() + milliseconds(1);
  loop.add_timer([&] { return next; },
                 [&](Instant now) {
                   ++fires;
                   next = fires < 3 ? now + milliseconds(1) : kNever;
                 });
  EXPECT_EQ(loop.run_until([&] { return fires == 3; }, seconds(2)), RunResult::kDone);
  EXPECT_EQ(loop.run_until([] { return false; }, milliseconds(5)), RunResult::kTimedOut);
  EXPECT_EQ(fires, 3) << "kNever disarms";
}

TEST(EventLoop, FdHandlerAndRemoval) {
  EventLoop loop = make_loop();
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  std::string got;
  ASSERT_TRUE(loop.add_fd(p[0], EPOLLIN,
                          [&](std::uint32_t events, Instant) {
                            ASSERT_NE(events & EPOLLIN, 0u);
                            char buf[16];
                            const ssize_t n = ::read(p[0], buf, sizeof buf);
                            got.append(buf, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
                            loop.remove_fd(p[0]);  // safe inside the handler
                          })
                  .has_value());
  ASSERT_EQ(::write(p[1], "hi", 2), 2);
  EXPECT_EQ(loop.run_until([&] { return !got.empty(); }, seconds(2)), RunResult::kDone);
  EXPECT_EQ(got, "hi");
  ASSERT_EQ(::write(p[1], "again", 5), 5);
  loop.run_until([] { return false; }, milliseconds(5));
  EXPECT_EQ(got, "hi") << "removed: not called again";
  ::close(p[0]);
  ::close(p[1]);
}

TEST(EventLoop, StopFromAHandlerEndsRun) {
  EventLoop loop = make_loop();
  Instant next = EventLoop::now();
  loop.add_timer([&] { return next; },
                 [&](Instant) {
                   next = kNever;
                   loop.stop();
                 });
  EXPECT_EQ(loop.run(), RunResult::kStopped);
  EXPECT_EQ(loop.last_signal(), 0);
}

TEST(EventLoop, TickRunsPeriodically) {
  EventLoop loop = make_loop();
  std::vector<Instant> ticks;
  const Instant before = EventLoop::now();
  loop.set_tick([&](Instant now) { ticks.push_back(now); }, milliseconds(2));
  EXPECT_EQ(loop.run_until([&] { return ticks.size() == 3; }, seconds(2)), RunResult::kDone);
  // Tick k is due at set_tick + k periods (a late tick skips, never doubles up).
  for (std::size_t k = 0; k < ticks.size(); ++k) {
    EXPECT_GE(ticks[k] - before, milliseconds(2) * static_cast<int>(k + 1)) << "tick " << k + 1;
  }
  EXPECT_LT(ticks[0], ticks[1]);
  EXPECT_LT(ticks[1], ticks[2]);
}

TEST(EventLoop, SigtermStopsCleanly) {
  EventLoopOptions options;
  options.catch_signals = true;
  EventLoop loop = make_loop(options);
  ASSERT_EQ(::raise(SIGTERM), 0);  // blocked: pending until the signalfd reads it
  EXPECT_EQ(loop.run_until([] { return false; }, seconds(2)), RunResult::kStopped);
  EXPECT_EQ(loop.last_signal(), SIGTERM);
}

TEST(EventLoop, DevicePacketsFlowThroughTheLoopInBatches) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
  TunConfig config;
  config.read_batch = 2;
  auto dev = TunDevice::adopt(fds[0], config);
  ASSERT_TRUE(dev.has_value());
  EventLoop loop = make_loop();
  std::vector<std::string> got;
  ASSERT_TRUE(loop.add_device(*dev,
                              [&](Bytes p, Instant) {
                                got.emplace_back(reinterpret_cast<const char*>(p.data()), p.size());
                                dev->send(p);  // echo back
                              })
                  .has_value());
  for (const char* p : {"one", "two", "three", "four", "five"}) {
    ASSERT_GT(::write(fds[1], p, std::strlen(p)), 0);
  }
  EXPECT_EQ(loop.run_until([&] { return got.size() == 5; }, seconds(2)), RunResult::kDone);
  EXPECT_EQ(got.back(), "five");
  EXPECT_GE(dev->stats().rx_batch_limit_hits, 2u) << "5 packets in batches of 2";
  char buf[16];
  int echoed = 0;
  while (::recv(fds[1], buf, sizeof buf, MSG_DONTWAIT) > 0) ++echoed;
  EXPECT_EQ(echoed, 5);
  ::close(fds[1]);
}

TEST(EventLoop, QueuedWritesAreFlushedWhenTheDeviceBecomesWritable) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
  TunConfig config;
  config.mtu = 1000;
  config.write_queue = 64;
  auto dev = TunDevice::adopt(fds[0], config);
  ASSERT_TRUE(dev.has_value());
  int sndbuf = 4096;
  ASSERT_EQ(::setsockopt(dev->fd(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  const std::vector<std::byte> packet(1000, std::byte{0x45});
  int accepted = 0;
  for (int i = 0; i < 40; ++i) accepted += dev->send(packet) ? 1 : 0;
  ASSERT_GT(dev->pending(), 0u) << "the socket filled up, the rest is queued";
  EventLoop loop = make_loop();
  ASSERT_TRUE(loop.add_device(*dev, [](Bytes, Instant) {}).has_value());
  int received = 0;
  ASSERT_TRUE(loop.add_fd(fds[1], EPOLLIN,
                          [&](std::uint32_t, Instant) {
                            char buf[2000];
                            while (::recv(fds[1], buf, sizeof buf, MSG_DONTWAIT) > 0) ++received;
                          })
                  .has_value());
  EXPECT_EQ(loop.run_until([&] { return received == accepted; }, seconds(2)), RunResult::kDone);
  EXPECT_EQ(dev->pending(), 0u);
  EXPECT_EQ(dev->stats().tx_packets, static_cast<std::uint64_t>(accepted));
  ::close(fds[1]);
}

TEST(EventLoop, HungUpDeviceEndsTheRunInsteadOfSpinning) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
  auto dev = TunDevice::adopt(fds[0], TunConfig{});
  ASSERT_TRUE(dev.has_value());
  EventLoop loop = make_loop();
  ASSERT_TRUE(loop.add_device(*dev, [](Bytes, Instant) {}).has_value());
  ::close(fds[1]);  // EPOLLHUP from now on
  EXPECT_EQ(loop.run_until([] { return false; }, seconds(2)), RunResult::kError);
  EXPECT_EQ(loop.last_error(), ENODEV);
  EXPECT_LE(loop.wakeups(), 2u);
}

TEST(EventLoop, AfterDispatchRunsOncePerWakeup) {
  EventLoop loop = make_loop();
  int calls = 0;
  loop.set_after_dispatch([&](Instant) { ++calls; });
  Instant next = EventLoop::now();
  loop.add_timer([&] { return next; }, [&](Instant) { next = kNever; });
  loop.run_until([&] { return calls > 0; }, seconds(2));
  EXPECT_EQ(static_cast<std::uint64_t>(calls), loop.wakeups());
}

}  // namespace
}  // namespace synack
