// SPDX-License-Identifier: Apache-2.0
// The stack adapter against the real stack (built with SYNACK_DRILL_STACK=ON):
// corpus scripts the stack is known to pass, run through make_stack_target().
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "drill/corpus.hpp"
#include "drill/executor.hpp"
#include "drill/stack_target.hpp"

namespace synack::drill {
namespace {

const std::filesystem::path kCorpus = kFreeBsdCorpus;

class StackTargetTest : public ::testing::TestWithParam<const char*> {};

TEST_P(StackTargetTest, Passes) {
  ASSERT_TRUE(std::filesystem::is_directory(kCorpus)) << "vendored corpus missing: " << kCorpus;
  auto target = make_stack_target();
  ASSERT_NE(target, nullptr);
  const auto r = run_file(kCorpus / GetParam(), *target);
  EXPECT_EQ(r.outcome, Outcome::kPass) << r.message;
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, StackTargetTest,
    ::testing::Values(
        "snd-syn/snd-syn-with-default-options-ipv4.pkt",
        "snd-syn/snd-syn-mss-inherited-from-mtu-9000-ipv4.pkt",
        "snippets/syn-rcvd-via-listen-ipv4.pkt", "snippets/listen-ipv4.pkt",
        "snippets/closed-initially-ipv4.pkt",
        "state-event-engine/rcv-ack-listen/rcv-ack-without-data-listen-ipv4.pkt",
        "state-event-engine/rcv-rst-syn-sent/rcv-rst-with-data-syn-sent-ipv4.pkt",
        // SO_RCVBUF rounded up to 45·MSS = 65700; RCV.WND for
        // acceptability is that buffer, the field says 65535.
        "snippets/established-ipv4.pkt",
        "state-event-engine/rcv-rst-established/"
        "rcv-rst-established-right-edge-secure-ipv4.pkt",
        "state-event-engine/rcv-rst-syn-rcvd/"
        "rcv-rst-syn-rcvd-via-syn-sent-right-edge-secure-ipv4.pkt",
        "state-event-engine/rcv-rst-syn-rcvd/"
        "rcv-rst-syn-rcvd-via-listen-right-edge-secure-ipv4.pkt",
        // ack_resends_fin: the ACK of the peer's FIN resends ours.
        "snippets/closing-ipv4.pkt",
        "state-event-engine/rcv-rst-closing/rcv-rst-closing-right-edge-secure-ipv4.pkt",
        // RST in LAST-ACK → ECONNRESET; insecure SYN → R. <SND.NXT, RCV.NXT>.
        "state-event-engine/rcv-rst-last-ack/rcv-rst-last-ack-left-edge-secure-ipv4.pkt",
        "state-event-engine/rcv-syn-last-ack/"
        "rcv-syn-last-ack-left-edge-insecure-ipv4.pkt",
        // time_wait_twcheck and listen_drop_synack.
        "state-event-engine/rcv-syn-time-wait/"
        "rcv-syn-time-wait-using-shutdown-left-edge-secure-ipv4.pkt",
        "state-event-engine/rcv-fin-time-wait/"
        "rcv-fin-time-wait-using-shutdown-outside-left-ipv4.pkt",
        "state-event-engine/rcv-ack-time-wait/"
        "rcv-ack-time-wait-using-shutdown-middle-ipv4.pkt",
        "state-event-engine/rcv-syn-ack-listen/"
        "rcv-syn-ack-without-data-listen-ipv4.pkt"));

// A passive open under the linux personality: fd 4 is the connection.
constexpr std::string_view kLinuxAccept = R"(
 0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>
+.01 < . 1:1(0) ack 1 win 514
+0 accept(3, ..., ...) = 4
)";

// TCP_INQ (Linux): recvmsg's TCP_CM_INQ control message carries the bytes
// left to read, 1 when only the peer's FIN is left (tcp_inq_hint).
constexpr std::string_view kInqScript = R"(
+0 setsockopt(4, SOL_TCP, TCP_INQ, [1], 4) = 0
+0 getsockopt(4, SOL_TCP, TCP_INQ, [1], [4]) = 0
+0 < P. 1:3001(3000) ack 1 win 514
+0 > . 1:1(0) ack 3001
+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0,
     msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=INQ1}]}, 0) = 1000
+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 2000}], msg_flags=0,
     msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=0}]}, 0) = 2000
+0 < F. 3001:3001(0) ack 1 win 514
+0 > . 1:1(0) ack 3002
+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 100}], msg_flags=0,
     msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=1}]}, 0) = 0
)";

// kLinuxAccept then `script` with each `placeholder` replaced by `value`, run under
// the linux personality.
ScriptResult run_linux(std::string_view script, std::string_view placeholder,
                       std::string_view value) {
  std::string text = std::string(kLinuxAccept) + std::string(script);
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at)) {
    text.replace(at, placeholder.size(), value);
  }
  auto target = make_stack_target();
  RunOptions options;
  options.personality = Personality::kLinux;
  return run_script(parse_script(text, "linux.pkt"), *target, options);
}

TEST(StackTarget, TcpInqControlMessage) {
  const auto pass = run_linux(kInqScript, "INQ1", "2000");
  EXPECT_EQ(pass.outcome, Outcome::kPass) << pass.message;
  const auto wrong = run_linux(kInqScript, "INQ1", "1999");
  EXPECT_EQ(wrong.outcome, Outcome::kFail);
  EXPECT_NE(wrong.message.find("Bad TCP_CM_INQ: expected: 1999 actual: 2000"), std::string::npos)
      << wrong.message;
}

// TCP_NOTSENT_LOWAT (Linux): "no limit" (0xffffffff, or 0 = the sysctl's
// unlimited default) is what synack does; another value SKIPs.
constexpr std::string_view kLowatScript = R"(
+0 setsockopt(4, SOL_TCP, TCP_NOTSENT_LOWAT, [@V], 4) = 0
+0 getsockopt(4, SOL_TCP, TCP_NOTSENT_LOWAT, [@V], [4]) = 0
+0 write(4, ..., 1000) = 1000
+0 > P. 1:1001(1000) ack 1
)";

TEST(StackTarget, NotsentLowatOnlyUnlimited) {
  for (const char* unlimited : {"0", "0xffffffff"}) {
    const auto r = run_linux(kLowatScript, "@V", unlimited);
    EXPECT_EQ(r.outcome, Outcome::kPass) << unlimited << ": " << r.message;
  }
  const auto limited = run_linux(kLowatScript, "@V", "4000");
  EXPECT_EQ(limited.outcome, Outcome::kSkip);
  EXPECT_EQ(limited.message, "TCP_NOTSENT_LOWAT 4000: synack has no not-sent low-water mark");
}

// epoll in the runner: level-triggered entries report at every wait, EPOLLET
// ones after new data only; ADD of a registered fd is EEXIST.
constexpr std::string_view kEpollScript = R"(
+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0 epoll_create(1) = 5
+0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLOUT, fd=4}) = 0
+0 epoll_wait(5, {events=FIRST, fd=4}, 1, 0) = 1
+0 epoll_wait(5, {events=EPOLLOUT, fd=4}, 1, 0) = 1
+0 epoll_ctl(5, EPOLL_CTL_MOD, 4, {events=EPOLLIN|EPOLLET, ptr=77}) = 0
+0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
+0 < P. 1:1001(1000) ack 1 win 514
+0 > . 1:1(0) ack 1001
+0 epoll_wait(5, {events=EPOLLIN, ptr=77}, 1, 0) = 1
+0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
+0 read(4, ..., 500) = 500
+0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
+0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN, fd=4}) = -1 EEXIST (File exists)
+0 close(5) = 0
)";

TEST(StackTarget, EpollLevelAndEdge) {
  const auto pass = run_linux(kEpollScript, "FIRST", "EPOLLOUT");
  EXPECT_EQ(pass.outcome, Outcome::kPass) << pass.message;
  const auto wrong = run_linux(kEpollScript, "FIRST", "EPOLLIN|EPOLLOUT");
  EXPECT_EQ(wrong.outcome, Outcome::kFail);
  EXPECT_NE(wrong.message.find("Bad epoll_event: expected: {events=EPOLLIN|EPOLLOUT, fd=4} "
                               "actual: {events=EPOLLOUT, fd=4}"),
            std::string::npos)
      << wrong.message;
}

TEST(StackTarget, Ipv6IsSkipped) {
  ASSERT_TRUE(std::filesystem::is_directory(kCorpus)) << "vendored corpus missing: " << kCorpus;
  auto target = make_stack_target();
  const auto r = run_file(kCorpus / "snippets/listen-ipv6.pkt", *target);
  EXPECT_EQ(r.outcome, Outcome::kSkip);
  EXPECT_EQ(r.message, "ipv6");
}

}  // namespace
}  // namespace synack::drill
