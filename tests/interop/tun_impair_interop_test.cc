// SPDX-License-Identifier: Apache-2.0
// The impairment stage (src/tun/impair_stage.hpp, the shared seeded model of
// src/stack/impairment.hpp) on real packets between the kernel and a hand-made
// ICMP responder, inside a private namespace. Needs root; skipped otherwise.
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdio>

#include "tun/impair_stage.hpp"
#include "tun_fixture.hpp"

namespace synack::interop {
namespace {

// The whole real-time path: kernel → device → inbound stage (30 ms) → echo
// responder → outbound stage (20 ms) → device → kernel. The held packets are
// released by the event loop's timerfd, so every RTT is at least 50 ms.
TEST_F(TunInterop, ImpairmentStagesDelayRealPackets) {
  ImpairmentConfig in_cfg;
  in_cfg.delay = milliseconds(30);
  ImpairmentConfig out_cfg;
  out_cfg.delay = milliseconds(20);
  const std::uint64_t seed = 1;
  std::printf("seed = %llu\n", static_cast<unsigned long long>(seed));
  ImpairStage<> outbound(Impairment(out_cfg, derive_seed(seed, 1)),
                         [&](Bytes p, Instant) { dev_->send(p); });
  ImpairStage<> inbound(Impairment(in_cfg, derive_seed(seed, 0)), [&](Bytes p, Instant now) {
    if (auto req = as_echo_request(p)) outbound.push(echo_reply(*req), now);
  });
  ASSERT_TRUE(loop_->add_device(*dev_, [&](Bytes p, Instant now) { inbound.push(p, now); }));
  loop_->add_timer([&] { return inbound.next_deadline(); }, [&](Instant t) { inbound.release(t); });
  loop_->add_timer([&] { return outbound.next_deadline(); },
                   [&](Instant t) { outbound.release(t); });
  auto ping = ns_->spawn({"ping", "-c3", "-i0.2", "-W2", "10.77.0.2"});
  ASSERT_TRUE(ping.has_value()) << ping.error();
  const ProcessResult r = run_while(*ping);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.out.find("3 received"), std::string::npos) << r.out;
  EXPECT_GE(ping_rtt_min_ms(r.out), 50.0) << r.out;
  EXPECT_EQ(inbound.stats().delayed, 3u);
  EXPECT_EQ(outbound.stats().delayed, 3u);
  EXPECT_EQ(outbound.stats().delivered, 3u);
}

TEST_F(TunInterop, TotalLossStageMakesPingFail) {
  ImpairmentConfig cfg;
  cfg.loss = 1.0;
  ImpairStage<> outbound(Impairment(cfg, 7), [&](Bytes p, Instant) { dev_->send(p); });
  ASSERT_TRUE(loop_->add_device(*dev_, [&](Bytes p, Instant now) {
    if (auto req = as_echo_request(p)) outbound.push(echo_reply(*req), now);
  }));
  auto ping = ns_->spawn({"ping", "-c2", "-i0.2", "-W0.3", "10.77.0.2"});
  ASSERT_TRUE(ping.has_value()) << ping.error();
  const ProcessResult r = run_while(*ping);
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_EQ(outbound.stats().dropped_random, 2u);
  EXPECT_EQ(dev_->stats().tx_packets, 0u);
}

// tun_echo, the manual check tool, as a black box: answers pings through its
// impairment stages and stops cleanly on SIGTERM.
class TunEcho : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = interop_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  }
};

TEST_F(TunEcho, AnswersPingsWithDelayAndStopsOnSigterm) {
  auto ns = NetNamespace::create();
  ASSERT_TRUE(ns.has_value()) << ns.error();
  auto echo = ChildProcess::spawn(
      {SYNACK_TUN_ECHO, "--netns", ns->name(), "--delay-ms", "10", "--seconds", "20"});
  ASSERT_TRUE(echo.has_value()) << echo.error();
  // Bounded wait (≤ 2 s) inside the namespace until the device is configured:
  // address assigned and link up (the last step of TunDevice::open).
  const ProcessResult up =
      ns->exec({"sh", "-c",
                "for i in $(seq 100); do ip -4 -o addr show dev synack0 up 2>/dev/null | "
                "grep -q 10.77.0.1 && exit 0; sleep 0.02; done; exit 1"});
  ASSERT_TRUE(up.ok()) << "tun_echo did not create synack0\n" << echo->wait(seconds(1)).describe();
  const ProcessResult ping = ns->exec({"ping", "-c3", "-i0.2", "-W2", "10.77.0.2"});
  EXPECT_TRUE(ping.ok()) << ping.describe();
  EXPECT_GE(ping_rtt_min_ms(ping.out), 20.0) << ping.out;
  ASSERT_EQ(::kill(echo->pid(), SIGTERM), 0);  // our child, by pid
  const ProcessResult r = echo->wait(seconds(5));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("stopped (signal 15)"), std::string::npos) << r.out;
}

TEST_F(TunEcho, MissingNamespaceIsOneLineAndExit1) {
  const ProcessResult r =
      run_process({SYNACK_TUN_ECHO, "--netns", "synack-no-such-ns", "--seconds", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "tun_echo: cannot enter network namespace synack-no-such-ns: No such file or "
            "directory → create it with `ip netns add synack-no-such-ns`\n");
}

}  // namespace
}  // namespace synack::interop
