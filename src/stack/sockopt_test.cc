// SPDX-License-Identifier: Apache-2.0
// Socket options acted on: each test proves the option changes what goes on
// the wire (or the error the application sees), in virtual time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/rfc_tag.hpp"
#include "stack/stack.hpp"
#include "stack/stack_pair.hpp"

namespace synack {
namespace {

const Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
const Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

// Two stacks 5 ms apart; the filter counts packets each way and can cut
// either direction.
struct SockOpts : ::testing::Test {
  StackPair net{test_stack_config(kA, 1), test_stack_config(kB, 2)};
  Stack& a = net.a();
  Stack& b = net.b();
  std::uint64_t from_a = 0;
  std::uint64_t from_b = 0;
  bool cut_a_to_b = false;
  bool cut_b_to_a = false;

  SockOpts() {
    net.filter = [this](bool is_a, Bytes) {
      ++(is_a ? from_a : from_b);
      return is_a ? !cut_a_to_b : !cut_b_to_a;
    };
  }
  void reset_counts() { from_a = from_b = 0; }

  // A listener on b:80 (`before_listen` may set options on it first) and a
  // connection from a; returns {client fd on a, accepted fd on b}.
  std::pair<Fd, Fd> connect(const std::function<void(Fd)>& before_listen = {}) {
    const Fd l = *b.socket();
    EXPECT_TRUE(b.bind(l, {kB, 80}).has_value());
    if (before_listen) before_listen(l);
    EXPECT_TRUE(b.listen(l, 16, net.now()).has_value());
    listener = l;
    const Fd c = *a.socket();
    EXPECT_EQ(a.connect(c, {kB, 80}, net.now()).error(), std::errc::operation_in_progress);
    EXPECT_TRUE(net.run_until([&] { return (b.poll(l) & kPollIn) != 0; }, seconds(1)));
    const auto s = b.accept(l);
    EXPECT_TRUE(s.has_value());
    net.run_for(milliseconds(20));
    reset_counts();
    return {c, s.value_or(-1)};
  }
  Fd listener = -1;
};

TEST_F(SockOpts, KeepaliveOffByDefaultNothingOnTheWire) {
  SYNACK_RFC("MUST-25");
  const auto [c, s] = connect();
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kKeepAlive), 0);
  net.run_for(seconds(3 * 3600));
  EXPECT_EQ(from_a + from_b, 0u);
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kEstablished);
}

TEST_F(SockOpts, KeepaliveProbesAfterIdleAndPeerAnswers) {
  SYNACK_RFC("MUST-24");
  const auto [c, s] = connect();
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepIdle, 60, net.now()).has_value());
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepIntvl, 10, net.now()).has_value());
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepCnt, 3, net.now()).has_value());
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepAlive, 1, net.now()).has_value());
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kKeepIdle), 60);
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kKeepIntvl), 10);
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kKeepCnt), 3);
  net.run_for(milliseconds(59900));
  EXPECT_EQ(from_a, 0u);
  net.run_for(milliseconds(200));  // 60 s idle: a probe, answered by b
  EXPECT_EQ(from_a, 1u);
  EXPECT_EQ(from_b, 1u);
  net.run_for(seconds(59));  // answered: the next probe waits another 60 s, not 10 s
  EXPECT_EQ(from_a, 1u);
  net.run_for(seconds(2));
  EXPECT_EQ(from_a, 2u);
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kEstablished);
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), 0);
}

TEST_F(SockOpts, KeepaliveGivesUpWhenThePeerIsGone) {
  const auto [c, s] = connect();
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepAlive, 1, net.now()).has_value());
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepIdle, 60, net.now()).has_value());
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepIntvl, 10, net.now()).has_value());
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kKeepCnt, 3, net.now()).has_value());
  cut_b_to_a = true;  // b's answers never arrive
  net.run_for(seconds(89));
  EXPECT_EQ(from_a, 3u);  // probes at 60, 70, 80 s
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), 0);
  net.run_for(seconds(2));  // 90 s: RST to b, ETIMEDOUT here
  EXPECT_EQ(from_a, 4u);
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), static_cast<int>(std::errc::timed_out));
  EXPECT_EQ(*b.getsockopt(s, SockOpt::kError), static_cast<int>(std::errc::connection_reset));
}

TEST_F(SockOpts, AcceptedSocketsInheritKeepaliveFromTheListener) {
  const auto [c, s] = connect([&](Fd l) {
    ASSERT_TRUE(b.setsockopt(l, SockOpt::kKeepAlive, 1).has_value());
    ASSERT_TRUE(b.setsockopt(l, SockOpt::kKeepIdle, 30).has_value());
  });
  EXPECT_EQ(*b.getsockopt(s, SockOpt::kKeepAlive), 1);
  EXPECT_EQ(*b.getsockopt(s, SockOpt::kKeepIdle), 30);
  net.run_for(seconds(31));
  EXPECT_EQ(from_b, 1u);  // the accepted side probes
  EXPECT_EQ(from_a, 1u);  // a answers
  // Set on the listener after listen(): the next accepted socket follows.
  ASSERT_TRUE(b.setsockopt(listener, SockOpt::kKeepIdle, 5, net.now()).has_value());
  const Fd c2 = *a.socket();
  EXPECT_EQ(a.connect(c2, {kB, 80}, net.now()).error(), std::errc::operation_in_progress);
  ASSERT_TRUE(net.run_until([&] { return (b.poll(listener) & kPollIn) != 0; }, seconds(1)));
  const Fd s2 = *b.accept(listener);
  EXPECT_EQ(*b.getsockopt(s2, SockOpt::kKeepIdle), 5);
  reset_counts();
  net.run_for(seconds(6));
  EXPECT_EQ(from_b, 1u);
}

TEST_F(SockOpts, NoDelayTurnsNagleOff) {
  SYNACK_RFC("MUST-17");
  // Nagle (RFC 9293 §3.7.4): a second small segment waits while the first is
  // unacknowledged; TCP_NODELAY sends it at once.
  const auto [c, s] = connect();
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kNoDelay), 0);
  ASSERT_EQ(*a.send(c, as_bytes("a"), net.now()), 1u);
  net.run_for(milliseconds(1));
  ASSERT_EQ(*a.send(c, as_bytes("b"), net.now()), 1u);
  net.run_for(milliseconds(1));
  EXPECT_EQ(from_a, 1u);  // "b" held until the ACK of "a" (10 ms RTT)
  net.run_for(milliseconds(50));
  EXPECT_EQ(from_a, 2u);
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kNoDelay, 1, net.now()).has_value());
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kNoDelay), 1);
  reset_counts();
  ASSERT_EQ(*a.send(c, as_bytes("c"), net.now()), 1u);
  net.run_for(milliseconds(1));
  ASSERT_EQ(*a.send(c, as_bytes("d"), net.now()), 1u);
  net.run_for(milliseconds(1));
  EXPECT_EQ(from_a, 2u);  // both at once
}

TEST_F(SockOpts, AcceptedSocketsInheritNoDelay) {
  const auto [c, s] =
      connect([&](Fd l) { ASSERT_TRUE(b.setsockopt(l, SockOpt::kNoDelay, 1).has_value()); });
  EXPECT_EQ(*b.getsockopt(s, SockOpt::kNoDelay), 1);
  ASSERT_EQ(*b.send(s, as_bytes("x"), net.now()), 1u);
  net.run_for(milliseconds(1));
  ASSERT_EQ(*b.send(s, as_bytes("y"), net.now()), 1u);
  net.run_for(milliseconds(1));
  EXPECT_EQ(from_b, 2u);
}

TEST_F(SockOpts, KeepaliveArgumentsCheckedAsLinux) {
  SYNACK_RFC("MUST-27");
  const Fd f = *a.socket();
  EXPECT_EQ(a.setsockopt(f, SockOpt::kKeepIdle, 0).error(), std::errc::invalid_argument);
  EXPECT_EQ(a.setsockopt(f, SockOpt::kKeepIdle, 32768).error(), std::errc::invalid_argument);
  EXPECT_EQ(a.setsockopt(f, SockOpt::kKeepIntvl, -1).error(), std::errc::invalid_argument);
  EXPECT_EQ(a.setsockopt(f, SockOpt::kKeepCnt, 128).error(), std::errc::invalid_argument);
  EXPECT_EQ(a.setsockopt(f, SockOpt::kUserTimeout, -1).error(), std::errc::invalid_argument);
  EXPECT_EQ(*a.getsockopt(f, SockOpt::kKeepIdle), 7200);  // Linux defaults
  EXPECT_EQ(*a.getsockopt(f, SockOpt::kKeepIntvl), 75);
  EXPECT_EQ(*a.getsockopt(f, SockOpt::kKeepCnt), 9);
}

TEST_F(SockOpts, UserTimeoutAbortsUnacknowledgedData) {
  SYNACK_RFC("MUST-21");
  const auto [c, s] = connect();
  ASSERT_TRUE(a.setsockopt(c, SockOpt::kUserTimeout, 3000, net.now()).has_value());
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kUserTimeout), 3000);
  cut_a_to_b = true;
  const Instant sent = net.now();
  ASSERT_EQ(*a.send(c, as_bytes(std::string(100, 'u')), net.now()), 100u);
  net.run_until(sent + milliseconds(2990));
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), 0);
  EXPECT_GE(from_a, 2u);  // the segment and its retransmission(s)
  net.run_until(sent + milliseconds(3010));
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), static_cast<int>(std::errc::timed_out));
}

TEST_F(SockOpts, WithoutUserTimeoutTheConnectionOutlivesIt) {
  const auto [c, s] = connect();
  cut_a_to_b = true;
  ASSERT_EQ(*a.send(c, as_bytes(std::string(100, 'u')), net.now()), 100u);
  net.run_for(seconds(10));
  EXPECT_EQ(*a.getsockopt(c, SockOpt::kError), 0);
  EXPECT_EQ(a.tcp_info(c)->state, tcp::State::kEstablished);
}

TEST_F(SockOpts, CongestionControlPerSocket) {
  const auto [c1, s1] = connect();
  const Fd c2 = *a.socket();
  EXPECT_EQ(a.set_congestion(c2, "bbr").error(), std::errc::no_such_file_or_directory);
  ASSERT_TRUE(a.set_congestion(c2, "cubic").has_value());
  EXPECT_EQ(*a.congestion(c2), "cubic");
  EXPECT_EQ(*a.congestion(c1), "newreno");
  EXPECT_EQ(a.connect(c2, {kB, 80}, net.now()).error(), std::errc::operation_in_progress);
  ASSERT_TRUE(net.run_until([&] { return (b.poll(listener) & kPollIn) != 0; }, seconds(1)));
  ASSERT_TRUE(b.accept(listener).has_value());
  net.run_for(milliseconds(20));
  // The same loss on both: a full initial window sent into a black hole, one RTO.
  const std::string data(30000, 'c');
  ASSERT_GT(*a.send(c1, as_bytes(data), net.now()), 0u);
  ASSERT_GT(*a.send(c2, as_bytes(data), net.now()), 0u);
  cut_a_to_b = true;
  net.run_for(milliseconds(1500));
  cut_a_to_b = false;
  const auto newreno = *a.tcp_info(c1);
  const auto cubic = *a.tcp_info(c2);
  ASSERT_GE(newreno.total_retrans, 1u);
  ASSERT_GE(cubic.total_retrans, 1u);
  // RFC 5681 (3.1): FlightSize/2; RFC 9438 §4.6: cwnd·β_cubic (0.7).
  EXPECT_GT(cubic.snd_ssthresh_bytes, newreno.snd_ssthresh_bytes);
  // Switching a connected socket reaches its connection.
  ASSERT_TRUE(a.set_congestion(c1, "reno").has_value());
  EXPECT_EQ(*a.congestion(c1), "newreno");
}

TEST_F(SockOpts, TcpInfoFromTheEngine) {
  const auto [c, s] = connect();
  ASSERT_EQ(*a.send(c, as_bytes(std::string(5000, 'i')), net.now()), 5000u);
  net.run_for(milliseconds(100));
  const auto i = *a.tcp_info(c, net.now());
  EXPECT_EQ(i.state, tcp::State::kEstablished);
  EXPECT_EQ(i.bytes_acked, 5000u);
  EXPECT_EQ(i.unacked, 0u);
  EXPECT_EQ(i.rtt, 10000u);     // µs: 2 × 5 ms one way
  EXPECT_GE(i.segs_out, 5u);    // SYN, ACK, 4 data segments
  EXPECT_EQ(i.options & 7, 7);  // timestamps, SACK, window scale
  const auto j = *b.tcp_info(s, net.now());
  EXPECT_EQ(j.bytes_received, 5000u);
  EXPECT_EQ(j.rcv_mss, i.snd_mss);
  EXPECT_EQ(b.tcp_info(listener)->state, tcp::State::kListen);
  EXPECT_EQ(a.tcp_info(*a.socket())->state, tcp::State::kClosed);
}

}  // namespace
}  // namespace synack

namespace synack {
namespace {

// The MSS option of the first SYN-ACK b sends (0 if none seen).
struct SynAckMss : SockOpts {
  std::uint16_t seen = 0;
  SynAckMss() {
    net.filter = [this](bool is_a, Bytes p) {
      if (is_a || seen != 0) return true;
      const auto ip = Ipv4View::parse(p);
      if (!ip) return true;
      const auto v = TcpView::parse(ip->payload());
      if (!v) return true;
      const auto seg = TcpSegment::parse(*v);
      if (seg && seg->flags.syn() && seg->flags.ack()) {
        seen = seg->options.summarize().mss.value_or(0);
      }
      return true;
    };
  }
};

TEST_F(SynAckMss, MaxSegSetBeforeListenIsAdvertised) {
  connect([&](Fd l) { ASSERT_TRUE(b.setsockopt(l, SockOpt::kMaxSeg, 1000).has_value()); });
  EXPECT_EQ(seen, 1000);
}

TEST_F(SynAckMss, MaxSegSetOnAListeningSocketIsAdvertised) {
  const Fd l = *b.socket();
  ASSERT_TRUE(b.bind(l, {kB, 80}).has_value());
  ASSERT_TRUE(b.listen(l, 16, net.now()).has_value());
  ASSERT_TRUE(b.setsockopt(l, SockOpt::kMaxSeg, 536).has_value());
  EXPECT_EQ(*b.getsockopt(l, SockOpt::kMaxSeg), 536);
  const Fd c = *a.socket();
  (void)a.connect(c, {kB, 80}, net.now());
  ASSERT_TRUE(net.run_until([&] { return (b.poll(l) & kPollIn) != 0; }, seconds(1)));
  EXPECT_EQ(seen, 536);
  const Fd s = *b.accept(l);
  EXPECT_LE(*b.getsockopt(s, SockOpt::kMaxSeg), 536);  // the accepted socket inherits it
}

}  // namespace
}  // namespace synack

namespace synack {
namespace {

// Linux doubles SO_SNDBUF (sock_setsockopt: min(val, wmem_max 212992) * 2, at
// least 4608); the engine default and FreeBSD keep the value as given.
TEST(SockBuf, LinuxPersonalityDoublesSndBuf) {
  StackConfig linux_cfg = test_stack_config(Ipv4Addr::from_octets(10, 0, 0, 1), 1);
  linux_cfg.tcp = tcp::Config::linux_defaults();
  Stack lx(linux_cfg);
  const Fd fd = *lx.socket();
  ASSERT_TRUE(lx.setsockopt(fd, SockOpt::kSndBuf, 10000));
  EXPECT_EQ(lx.getsockopt(fd, SockOpt::kSndBuf), 20000);
  ASSERT_TRUE(lx.setsockopt(fd, SockOpt::kSndBuf, 2000000));
  EXPECT_EQ(lx.getsockopt(fd, SockOpt::kSndBuf), 425984);
  ASSERT_TRUE(lx.setsockopt(fd, SockOpt::kSndBuf, 100));
  EXPECT_EQ(lx.getsockopt(fd, SockOpt::kSndBuf), 4608);
  ASSERT_TRUE(lx.setsockopt(fd, SockOpt::kRcvBuf, 10000));
  EXPECT_EQ(lx.getsockopt(fd, SockOpt::kRcvBuf), 10000);

  Stack plain(test_stack_config(Ipv4Addr::from_octets(10, 0, 0, 2), 2));
  const Fd p = *plain.socket();
  ASSERT_TRUE(plain.setsockopt(p, SockOpt::kSndBuf, 10000));
  EXPECT_EQ(plain.getsockopt(p, SockOpt::kSndBuf), 10000);
}

}  // namespace
}  // namespace synack
