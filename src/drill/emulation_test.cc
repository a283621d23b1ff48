// SPDX-License-Identifier: Apache-2.0
// Emulation tests: sysctl table, shell commands, constants.
#include "drill/emulation.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace synack::drill {
namespace {

TEST(Emulation, SysctlKeysOfTheCorpusAreKnown) {
  for (const char* key : {"net.inet.tcp.insecure_rst",
                          "net.inet.tcp.insecure_syn",
                          "net.inet.tcp.drop_synfin",
                          "net.inet.tcp.rfc1323",
                          "net.inet.tcp.sack.enable",
                          "net.inet.tcp.ecn.enable",
                          "net.inet.tcp.recvspace",
                          "net.inet.tcp.sendspace",
                          "kern.ipc.maxsockbuf",
                          "net.inet.tcp.rexmit_initial",
                          "net.inet.tcp.rexmit_slop",
                          "net.inet.tcp.rexmit_drop_options",
                          "net.inet.tcp.keepinit",
                          "net.inet.tcp.keepidle",
                          "net.inet.tcp.keepintvl",
                          "net.inet.tcp.keepcnt",
                          "net.inet.tcp.delacktime",
                          "net.inet.tcp.syncookies",
                          "net.inet.tcp.blackhole",
                          "net.inet.tcp.hostcache.purgenow",
                          "net.inet.tcp.ecn.maxretries",
                          "net.inet.tcp.syncookies_only",
                          "net.inet.tcp.tolerate_missing_ts"}) {
    EXPECT_TRUE(knob_for_sysctl(key)) << key;
  }
  EXPECT_EQ(knob_for_sysctl("net.inet.tcp.insecure_rst"), Knob::kInsecureRst);
  EXPECT_FALSE(knob_for_sysctl("net.inet.tcp.bogus"));
}

TEST(Emulation, ParsesSysctl) {
  const auto c = parse_command("sysctl -w net.inet.tcp.recvspace=65536");
  ASSERT_TRUE(c.has_value());
  const auto& s = std::get<SysctlCommand>(*c);
  EXPECT_EQ(s.key, "net.inet.tcp.recvspace");
  EXPECT_EQ(s.value, 65536);
  EXPECT_EQ(parse_command("sysctl -w net.inet.tcp.frobnicate=1").error(),
            "unknown sysctl net.inet.tcp.frobnicate");
  EXPECT_EQ(parse_command("sysctl -w net.inet.tcp.rfc1323=yes").error(),
            "non-numeric sysctl value in net.inet.tcp.rfc1323=yes");
}

TEST(Emulation, ParsesSockstat) {
  const auto a =
      parse_command("sockstat -4 -P tcp -s | grep packetdril | grep -c TIME_WAIT | grep 1");
  ASSERT_TRUE(a.has_value());
  const auto& s = std::get<SockstatCommand>(*a);
  EXPECT_EQ(s.port, std::nullopt);
  EXPECT_EQ(s.state, tcp::State::kTimeWait);
  EXPECT_EQ(s.expected, 1);
  const auto b = parse_command("sockstat -4 -P tcp -s -p 8080 | grep -c SYN_RCVD | grep 0");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(std::get<SockstatCommand>(*b).port, 8080);
  EXPECT_EQ(std::get<SockstatCommand>(*b).state, tcp::State::kSynReceived);
  EXPECT_FALSE(parse_command("sockstat -l | grep -c LISTEN | grep 1").has_value());
  EXPECT_FALSE(parse_command("sockstat -4 -P tcp | grep -c NOSUCH | grep 1").has_value());
}

TEST(Emulation, OtherCommands) {
  EXPECT_TRUE(std::holds_alternative<TcpdropCommand>(*parse_command("tcpdrop -s TIME_WAIT")));
  EXPECT_EQ(parse_command("ifconfig lo0 mtu 1500").error(),
            "unsupported command: ifconfig lo0 mtu 1500");
}

TEST(Emulation, Constants) {
  EXPECT_EQ(constant_value("O_NONBLOCK", Personality::kFreeBsd), 0x4);
  EXPECT_EQ(constant_value("O_NONBLOCK", Personality::kLinux), 0x800);
  EXPECT_EQ(constant_value("O_RDWR", Personality::kFreeBsd), 2);
  EXPECT_EQ(constant_value("ECONNRESET", Personality::kFreeBsd), ECONNRESET);
  EXPECT_EQ(errno_value("EWOULDBLOCK"), EAGAIN);
  EXPECT_EQ(errno_name(ECONNREFUSED), "ECONNREFUSED");
  EXPECT_EQ(sockopt_for("SO_RCVBUF"), SockOpt::kRcvBuf);
  EXPECT_EQ(sockopt_for("TCP_INFO"), std::nullopt);
  EXPECT_EQ(tcpi_state("TCPI_SYN_RECEIVED"), tcp::State::kSynReceived);
  EXPECT_EQ(tcpi_state("TCPI_FIN_WAIT_1"), tcp::State::kFinWait1);
  EXPECT_EQ(tcpi_name(tcp::State::kTimeWait), "TCPI_TIME_WAIT");
  EXPECT_EQ(bsd_state("CLOSED"), tcp::State::kClosed);
}

}  // namespace
}  // namespace synack::drill
