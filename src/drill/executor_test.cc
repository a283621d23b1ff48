// SPDX-License-Identifier: Apache-2.0
// Executor tests against the programmable fake target: passing runs, every
// failure path (packet fields, timing, missing and unscripted packets, calls,
// commands, asserts), skips, blocking calls and the sequence/TS mapping.
#include "drill/executor.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "drill/fake_target.hpp"

// Designated initializers that leave fields at their defaults are the point here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace synack::drill {
namespace {

using testing::FakeCall;
using testing::FakeTarget;
using testing::stack_packet;
using testing::StackSegment;

constexpr std::uint32_t kIsn = 5000;
constexpr std::uint32_t kStackTsVal = 777;

ScriptResult run(std::string_view text, FakeTarget& fake, RunOptions options = {}) {
  return run_script(parse_script(text, "x.pkt"), fake, options);
}

Instant at_ms(std::int64_t ms) {
  return Instant{} + milliseconds(ms);
}

// A passive peer: answers a SYN with a SYN-ACK (ISN kIsn, TS val kStackTsVal)
// after `delay`.
void answer_syn(FakeTarget& fake, Duration delay = Duration::zero(), std::uint32_t ack_bias = 0) {
  fake.on_inject = [delay, ack_bias](FakeTarget& f, const Ipv4TcpPacket& p) {
    if (!p.tcp.flags.syn()) return;
    StackSegment s{.src_port = p.tcp.dst_port,
                   .dst_port = p.tcp.src_port,
                   .seq = kIsn,
                   .ack = p.tcp.seq.raw() + 1 + ack_bias,
                   .flags = TcpFlags::kSyn | TcpFlags::kAck};
    s.options.mss(1460).sack_permitted().timestamps(kStackTsVal,
                                                    p.tcp.options.summarize().timestamps->val);
    f.send_at(f.now() + delay, stack_packet(s));
  };
}

constexpr std::string_view kPassive = R"(--tolerance_usecs=10000
 0.00 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0.00 bind(3, ..., ...) = 0
+0.00 listen(3, 1) = 0
+0.10 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0>
+0.00 > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 100>
+0.10 < . 1:1(0) ack 1 win 65535 <nop,nop,TS val 101 ecr 1>
+0.00 accept(3, ..., ...) = 4
+0.00 close(4) = 0
)";

TEST(Executor, PassiveHandshakePassesAndMapsNumbers) {
  FakeTarget fake;
  answer_syn(fake);
  const auto r = run(kPassive, fake);
  ASSERT_EQ(r.outcome, Outcome::kPass) << r.message;
  EXPECT_EQ(fake.resets, 1);
  EXPECT_EQ(fake.setup.local_addr, Ipv4Addr::from_octets(192, 168, 0, 1));
  EXPECT_EQ(fake.setup.remote_addr, Ipv4Addr::from_octets(192, 0, 2, 1));
  ASSERT_EQ(fake.injected.size(), 2u);
  EXPECT_EQ(fake.injected_at[0], at_ms(100));
  EXPECT_EQ(fake.injected_at[1], at_ms(200));
  const auto syn = parse_ipv4_tcp(Bytes(fake.injected[0]));
  const auto ack = parse_ipv4_tcp(Bytes(fake.injected[1]));
  ASSERT_TRUE(syn && ack);
  EXPECT_EQ(syn->tcp.dst_port, 8080);
  EXPECT_EQ(syn->tcp.src_port, 48000);
  EXPECT_EQ(syn->tcp.seq.raw(), 0u);
  EXPECT_EQ(ack->tcp.ack.raw(), kIsn + 1);  // script "ack 1" is relative to the stack's ISN
  EXPECT_EQ(ack->tcp.options.summarize().timestamps->ecr, kStackTsVal);  // ecr 1 → real TSval
  // Script fd 4 is the target's accepted descriptor 101.
  ASSERT_FALSE(fake.calls.empty());
  EXPECT_EQ(fake.calls.back().name, "close");
  EXPECT_EQ(fake.calls.back().fd, 101);
}

TEST(Executor, FieldMismatchFailsInPacketdrillForm) {
  FakeTarget fake;
  answer_syn(fake, Duration::zero(), /*ack_bias=*/1);
  const auto r = run(kPassive, fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.line, 6);
  EXPECT_EQ(r.message,
            "x.pkt:6: error handling packet: live packet field tcp_ack_seq: expected: 1 vs "
            "actual: 2\n"
            "script packet: 0.100000 S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 100>\n"
            "actual packet: 0.100000 S. 0:0(0) ack 2 win 65535 <mss 1460,sackOK,TS val 777 ecr "
            "100>");
}

TEST(Executor, LatePacketIsATimingError) {
  FakeTarget fake;
  answer_syn(fake, milliseconds(300));
  const auto r = run(kPassive, fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_NE(r.message.find("x.pkt:6: error handling packet: timing error: expected outbound "
                           "packet at 0.100000 sec but happened at 0.400000 sec; tolerance "
                           "0.010000 sec"),
            std::string::npos)
      << r.message;
}

TEST(Executor, SlightlyLatePacketIsWithinTolerance) {
  FakeTarget fake;
  answer_syn(fake, milliseconds(8));
  const auto r = run(kPassive, fake);
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
  // The next relative time counts from when the packet really left (0.108).
  EXPECT_EQ(fake.injected_at.at(1), at_ms(208));
}

TEST(Executor, MissingPacketTimesOut) {
  FakeTarget fake;  // never answers
  const auto r = run(kPassive, fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message,
            "x.pkt:6: error handling packet: timed out waiting for packet\n"
            "script packet: 0.100000 S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 100>");
}

TEST(Executor, UnscriptedPacketFailsAtTheNextOutboundLine) {
  FakeTarget fake;
  fake.on_inject = [](FakeTarget& f, const Ipv4TcpPacket& p) {
    f.send_at(f.now(), stack_packet({.dst_port = p.tcp.src_port,
                                     .seq = 9,
                                     .ack = 0,
                                     .flags = TcpFlags::kRst,
                                     .window = 0}));
  };
  const auto r = run(kPassive, fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.line, 6);
  EXPECT_NE(r.message.find("live packet field tcp_seq: expected: 0 vs actual: 9"),
            std::string::npos)
      << r.message;
}

TEST(Executor, PacketsOfOtherConnectionsAreIgnored) {
  FakeTarget fake;
  answer_syn(fake);
  const auto forward = fake.on_inject;
  fake.on_inject = [forward](FakeTarget& f, const Ipv4TcpPacket& p) {
    f.send_at(f.now(), stack_packet({.dst_port = 1234, .seq = 1, .flags = TcpFlags::kRst}));
    forward(f, p);
  };
  const auto r = run(kPassive, fake);
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
}

TEST(Executor, ActiveOpenLearnsPortIsnAndTimestamps) {
  FakeTarget fake;
  fake.on_call = [](FakeTarget& f, const FakeCall& c) -> std::optional<SysResult> {
    if (c.name != "connect") return std::nullopt;
    EXPECT_EQ(c.arg, 8080);
    StackSegment s{.src_port = 55555, .dst_port = 8080, .seq = 90000, .flags = TcpFlags::kSyn};
    s.options.mss(1460).nop().window_scale(6).sack_permitted().timestamps(4242, 0);
    f.send_at(f.now(), stack_packet(s));
    return SysResult::error(EINPROGRESS);
  };
  const auto r = run(R"(
 0.0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0.0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)
+0.0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
+0.0 fcntl(3, F_GETFL) = 0x06
+0.0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0.0 > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>
+0.1 < S. 0:0(0) ack 1 win 32767 <mss 1460,nop,nop,TS val 50 ecr 100>
)",
                     fake);
  ASSERT_EQ(r.outcome, Outcome::kPass) << r.message;
  ASSERT_EQ(fake.injected.size(), 1u);
  const auto synack = parse_ipv4_tcp(Bytes(fake.injected[0]));
  ASSERT_TRUE(synack);
  EXPECT_EQ(synack->tcp.dst_port, 55555);
  EXPECT_EQ(synack->tcp.src_port, 8080);
  EXPECT_EQ(synack->tcp.ack.raw(), 90001u);
  EXPECT_EQ(synack->tcp.options.summarize().timestamps->ecr, 4242u);
  EXPECT_TRUE(fake.nonblocking.at(100));
}

// A blocking connect() that gives up at `give_up_ms`, retransmitting its SYN.
void blocking_connect(FakeTarget& fake, std::int64_t give_up_ms) {
  fake.on_call = [give_up_ms](FakeTarget& f, const FakeCall& c) -> std::optional<SysResult> {
    if (c.name != "connect") return std::nullopt;
    if (f.now() >= at_ms(give_up_ms)) return SysResult::error(ETIMEDOUT);
    if (f.calls.size() >= 2 && f.calls[f.calls.size() - 2].name == "connect") {
      return SysResult::blocked();
    }
    for (const std::int64_t ms : {1000, 2000, 4200}) {
      StackSegment s{.src_port = 40000, .dst_port = 8080, .seq = 1, .flags = TcpFlags::kSyn};
      s.options.mss(1460);
      f.send_at(at_ms(ms), stack_packet(s));
    }
    f.add_timer(at_ms(give_up_ms), [](FakeTarget&) {});
    return SysResult::blocked();
  };
}

constexpr std::string_view kBlockingConnect = R"(--tolerance_usecs=150000
 0.00 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
 1.00...6.00 connect(3, ..., ...) = -1 ETIMEDOUT (Operation timed out)
+0.00 > S 0:0(0) win 65535 <mss 1460>
+1.00 > S 0:0(0) win 65535 <mss 1460>
+2.20 > S 0:0(0) win 65535 <mss 1460>
 7.00 close(3) = 0
)";

TEST(Executor, BlockingCallReturnsWhileLaterEventsRun) {
  FakeTarget fake;
  blocking_connect(fake, 6000);
  const auto r = run(kBlockingConnect, fake);
  ASSERT_EQ(r.outcome, Outcome::kPass) << r.message;
  EXPECT_EQ(fake.calls.back().name, "close");
  EXPECT_EQ(fake.calls.back().at, at_ms(7000));
}

TEST(Executor, BlockingCallReturningEarlyIsATimingError) {
  FakeTarget fake;
  blocking_connect(fake, 5000);
  const auto r = run(kBlockingConnect, fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message,
            "x.pkt:3: timing error: expected system call return at 6.000000 sec but happened at "
            "5.000000 sec; tolerance 0.250000 sec");
}

TEST(Executor, AnyTimeAcceptsLatePackets) {
  FakeTarget fake;
  fake.on_call = [](FakeTarget& f, const FakeCall& c) -> std::optional<SysResult> {
    if (c.name == "connect") {
      f.send_at(
          at_ms(3700),
          stack_packet({.src_port = 40000, .dst_port = 8080, .seq = 1, .flags = TcpFlags::kSyn}));
      return SysResult::error(EINPROGRESS);
    }
    return std::nullopt;
  };
  const auto r = run(R"(
 0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 connect(3, ..., ...) = -1 EINPROGRESS
 * > S 0:0(0) win 65535
)",
                     fake);
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
}

TEST(Executor, SkipsWithReasons) {
  FakeTarget fake;
  EXPECT_EQ(run("--ip_version=ipv6\n0 close(3) = 0\n", fake).message, "ipv6");
  EXPECT_EQ(run("0 `sysctl -w net.inet.tcp.frob=1`\n", fake).message,
            "unknown sysctl net.inet.tcp.frob");
  EXPECT_EQ(run("0 `ifconfig lo0 up`\n", fake).message, "unsupported command: ifconfig lo0 up");
  EXPECT_EQ(run("0 < icmp unreachable port_unreachable\n", fake).message, "icmp");
  EXPECT_EQ(run("0 %{ import os }%\n", fake).message, "python: unexpected 'import'");
  EXPECT_EQ(run("0 < S 0:0(0) win 1000 <mss 1460,FO abcd1234>\n", fake).message,
            "TCP Fast Open (RFC 7413) is not implemented");
  EXPECT_EQ(run("0 poll(3, 1) = 0\n", fake).message, "unsupported system call poll");
  EXPECT_EQ(run("0 getsockopt(3, IPPROTO_TCP, TCP_INFO, ..., ...) = 0\n", fake).message,
            "unsupported socket option TCP_INFO");
  EXPECT_EQ(fake.resets, 0);  // nothing ran
  fake.rejected_knobs.insert(Knob::kInsecureRst);
  const auto r = run(
      "0 `sysctl -w net.inet.tcp.rfc1323=1`\n+0 `sysctl -w net.inet.tcp.insecure_rst=1`\n", fake);
  EXPECT_EQ(r.outcome, Outcome::kSkip);
  EXPECT_EQ(r.message, "unsupported sysctl net.inet.tcp.insecure_rst");
  EXPECT_EQ(r.line, 2);
  ASSERT_EQ(fake.knobs.size(), 2u);
  EXPECT_EQ(fake.knobs[0], std::make_pair(Knob::kRfc1323, std::int64_t{1}));
  fake.unsupported_options.insert(SockOpt::kNoOpt);
  const auto noopt = run(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, IPPROTO_TCP, TCP_NOOPT, [1], "
      "4) = 0\n",
      fake);
  EXPECT_EQ(noopt.outcome, Outcome::kSkip);
  EXPECT_EQ(noopt.message, "target does not support socket option TCP_NOOPT");
}

TEST(Executor, SockstatAndTcpdrop) {
  FakeTarget fake;
  fake.connection_count = 1;
  const std::string ok =
      "0 `sockstat -4 -P tcp -s | grep packetdril | grep -c TIME_WAIT | grep 1`\n"
      "+0 `tcpdrop -s TIME_WAIT`\n";
  EXPECT_EQ(run(ok, fake).outcome, Outcome::kPass);
  EXPECT_EQ(fake.time_wait_drops, 1);
  const auto r = run("0 `sockstat -4 -P tcp -s -p 8080 | grep -c SYN_RCVD | grep 0`\n", fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message,
            "x.pkt:1: error executing `sockstat -4 -P tcp -s -p 8080 | grep -c SYN_RCVD | grep 0` "
            "command: expected 0 connection(s) in SYN_RCVD, found 1");
  fake.connection_count.reset();
  EXPECT_EQ(run(ok, fake).outcome, Outcome::kSkip);
}

TEST(Executor, TcpInfoAsserts) {
  FakeTarget fake;
  fake.info = TcpInfo{tcp::State::kEstablished, 0};
  const std::string prefix = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
  EXPECT_EQ(run(prefix + "+0 %{ assert tcpi_state == TCPI_ESTABLISHED }%\n"
                         "+0 %{ assert tcpi_options == 0 }%\n",
                fake)
                .outcome,
            Outcome::kPass);
  const auto r = run(prefix + "+0 %{ assert tcpi_state == TCPI_LISTEN }%\n", fake);
  ASSERT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message,
            "x.pkt:2: assertion failed: tcpi_state == TCPI_LISTEN (tcpi_state is "
            "TCPI_ESTABLISHED)");
  fake.info = TcpInfo{tcp::State::kEstablished, 7};
  EXPECT_EQ(run(prefix + "+0 %{ assert tcpi_options == 0}%\n", fake).message,
            "x.pkt:2: assertion failed: tcpi_options == 0 (tcpi_options is 7)");
  EXPECT_EQ(run("0 %{ assert tcpi_options == 0 }%\n", fake).message,
            "x.pkt:1: error in Python code: no socket under test");
}

TEST(Executor, CallResultMismatches) {
  FakeTarget fake;
  fake.sockopt_values[SockOpt::kRcvBuf] = 65700;
  fake.sockopt_values[SockOpt::kError] = ECONNREFUSED;
  const std::string prefix = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
  EXPECT_EQ(
      run(prefix + "+0 getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0\n", fake).message,
      "x.pkt:2: runtime error in getsockopt call: Bad getsockopt optval: expected: 65536 "
      "actual: 65700");
  EXPECT_EQ(
      run(prefix + "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0\n", fake).message,
      "x.pkt:2: runtime error in getsockopt call: Bad getsockopt optval: expected: "
      "ECONNRESET actual: ECONNREFUSED");
  EXPECT_EQ(
      run(prefix + "+0 getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65700], [4]) = 0\n", fake).outcome,
      Outcome::kPass);
  EXPECT_EQ(run(prefix + "+0 connect(3, ..., ...) = -1 EINPROGRESS\n", fake).message,
            "x.pkt:2: runtime error in connect call: Expected result -1 but got 0 with errno 0");
  fake.on_call = [](FakeTarget&, const FakeCall& c) -> std::optional<SysResult> {
    if (c.name == "recv") return SysResult::error(ECONNRESET);
    return std::nullopt;
  };
  const auto r = run(prefix + "+0 read(3, ..., 100) = -1 EWOULDBLOCK\n", fake);
  EXPECT_NE(r.message.find("x.pkt:2: runtime error in read call: Expected errno EAGAIN"),
            std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("but got ECONNRESET"), std::string::npos) << r.message;
}

TEST(Executor, NonBlockingCallThatBlocksFails) {
  FakeTarget fake;
  fake.on_call = [](FakeTarget&, const FakeCall& c) -> std::optional<SysResult> {
    if (c.name == "accept") return SysResult::blocked();
    return std::nullopt;
  };
  const auto r =
      run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 accept(3, ..., ...) = 4\n", fake);
  EXPECT_EQ(r.message, "x.pkt:2: runtime error in accept call: call blocked");
}

TEST(Executor, MtuAndTraceAndPersonality) {
  FakeTarget fake;
  std::vector<std::string> lines;
  RunOptions options;
  options.personality = Personality::kLinux;
  options.trace = [&lines](const std::string& l) { lines.push_back(l); };
  const auto r =
      run("--mtu=9000\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
          "+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0\n"
          "+0 fcntl(3, F_GETFL) = 0x802\n",
          fake, options);
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
  EXPECT_EQ(fake.setup.mtu, 9000u);
  EXPECT_EQ(fake.setup.personality, Personality::kLinux);
  EXPECT_EQ(lines.size(), 3u);
}

TEST(Executor, SyntaxErrorIsAFailure) {
  FakeTarget fake;
  const auto r = run_file("/nonexistent/x.pkt", fake);
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.message, "/nonexistent/x.pkt: cannot read file");
}

}  // namespace
}  // namespace synack::drill

namespace synack::drill {
namespace {

// A write the fake answers with three 1000-byte segments (PSH on the last),
// as a stack without TSO sends what a Linux TSO device hands over as one.
void write_three_segments(FakeTarget& fake) {
  answer_syn(fake);
  fake.on_call = [](FakeTarget& f, const FakeCall& c) -> std::optional<SysResult> {
    if (c.name != "send") return std::nullopt;
    for (std::uint32_t i = 0; i < 3; ++i) {
      StackSegment s{
          .seq = kIsn + 1 + 1000 * i,
          .ack = 1,
          .flags = static_cast<std::uint16_t>(TcpFlags::kAck | (i == 2 ? TcpFlags::kPsh : 0)),
          .payload = 1000};
      f.send_at(f.now(), stack_packet(s));
    }
    return SysResult::ok(3000);
  };
}

constexpr std::string_view kTsoWrite = R"(--tolerance_usecs=10000
 0.00 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0.00 bind(3, ..., ...) = 0
+0.00 listen(3, 1) = 0
+0.10 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0>
+0.00 > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 100>
+0.10 < . 1:1(0) ack 1 win 65535 <nop,nop,TS val 101 ecr 1>
+0.00 accept(3, ..., ...) = 4
+0.00 write(4, ..., 3000) = 3000
+0.00 > P. 1:3001(3000) ack 1 <...>
)";

TEST(Executor, LinuxPersonalityCoalescesSegmentsAsTso) {
  FakeTarget fake;
  write_three_segments(fake);
  RunOptions linux_run;
  linux_run.personality = Personality::kLinux;
  const auto r = run(kTsoWrite, fake, linux_run);
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;

  FakeTarget bsd;  // the FreeBSD personality compares packet by packet
  write_three_segments(bsd);
  const auto f = run(kTsoWrite, bsd);
  EXPECT_EQ(f.outcome, Outcome::kFail);
  EXPECT_NE(f.message.find("actual packet: 0.200000 . 1:1001(1000) ack 1"), std::string::npos)
      << f.message;
}

TEST(Executor, EthtoolTsoOffStopsCoalescing) {
  FakeTarget fake;
  write_three_segments(fake);
  RunOptions linux_run;
  linux_run.personality = Personality::kLinux;
  std::string script(kTsoWrite);
  script.insert(script.find('\n') + 1, "`ethtool -K tun0 tso off gso off`\n");
  const auto r = run(script, fake, linux_run);
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_NE(r.message.find("actual packet: 0.200000 . 1:1001(1000) ack 1"), std::string::npos)
      << r.message;
}

TEST(Executor, PythonBlocksReadNamedTcpInfoFields) {
  FakeTarget fake;
  fake.info = TcpInfo{tcp::State::kEstablished, 7, {{"tcpi_snd_cwnd", 10}}};
  const std::string open = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
  EXPECT_EQ(
      run(open + "+0 %{ cwnd = 8 }%\n+0 %{ cwnd += 2; assert tcpi_snd_cwnd == cwnd }%\n", fake)
          .outcome,
      Outcome::kPass);
  const auto bad = run(open + "+0 %{ assert 11 <= tcpi_snd_cwnd, tcpi_snd_cwnd }%\n", fake);
  EXPECT_EQ(bad.message, "x.pkt:2: assertion failed: 11 <= tcpi_snd_cwnd (tcpi_snd_cwnd is 10)");
  const auto missing = run(open + "+0 %{ assert tcpi_lost == 0 }%\n", fake);
  EXPECT_EQ(missing.outcome, Outcome::kSkip);
  EXPECT_EQ(missing.message, "tcp_info field tcpi_lost not available");
}

}  // namespace
}  // namespace synack::drill
