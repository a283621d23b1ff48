// SPDX-License-Identifier: Apache-2.0
// The GoogleTest fixture of the TUN interop tests: a fresh namespace, a TUN
// device "synack0" in it with the kernel side at 10.77.0.1/24, and an event
// loop. Skips (with the reason) when not root or /dev/net/tun is missing.
#pragma once

#include <gtest/gtest.h>
#include <sys/epoll.h>

#include <optional>

#include "icmp_echo.hpp"
#include "netns.hpp"
#include "tun/device.hpp"
#include "tun/event_loop.hpp"

namespace synack::interop {

class TunInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    auto ns = NetNamespace::create();
    ASSERT_TRUE(ns.has_value()) << ns.error();
    ns_.emplace(std::move(*ns));
    TunConfig config;
    config.name = "synack0";
    config.netns = ns_->name();
    config.kernel_address = kKernel;
    config.prefix_len = 24;
    auto dev = TunDevice::open(config);
    ASSERT_TRUE(dev.has_value()) << dev.error().message;
    dev_.emplace(std::move(*dev));
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.has_value()) << loop.error().message;
    loop_.emplace(std::move(*loop));
  }

  // Runs the loop until `child` exits (its pidfd wakes the loop), at most 5 s.
  ProcessResult run_while(ChildProcess& child) {
    bool exited = false;
    EXPECT_TRUE(loop_
                    ->add_fd(child.pidfd(), EPOLLIN,
                             [&](std::uint32_t, Instant) {
                               exited = true;
                               loop_->remove_fd(child.pidfd());
                             })
                    .has_value());
    EXPECT_EQ(loop_->run_until([&] { return exited; }, seconds(5)), RunResult::kDone);
    return child.wait(seconds(1));
  }

  // Order matters: the loop and the device go before the namespace.
  std::optional<NetNamespace> ns_;
  std::optional<TunDevice> dev_;
  std::optional<EventLoop> loop_;
};

}  // namespace synack::interop
