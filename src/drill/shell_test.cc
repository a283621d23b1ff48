// SPDX-License-Identifier: Apache-2.0
// Backtick commands read without a shell (shell.hpp): Linux sysctls, the
// suite's defaults.sh, no-op commands and what is refused.
#include "drill/shell.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace synack::drill {
namespace {

std::vector<KnobCommand> knobs_of(const std::vector<ShellStep>& steps) {
  std::vector<KnobCommand> out;
  for (const auto& s : steps) {
    if (const auto* k = std::get_if<KnobCommand>(&s)) out.push_back(*k);
  }
  return out;
}

TEST(Shell, LinuxSysctlTriplesGiveThreeKnobs) {
  const auto k = linux_sysctl("net.ipv4.tcp_rmem", "4096 540000 15728640");
  ASSERT_TRUE(k.has_value());
  ASSERT_EQ(k->size(), 3u);
  EXPECT_EQ((*k)[1].knob, Knob::kRmemDefault);
  EXPECT_EQ((*k)[1].value, 540000);
  EXPECT_EQ((*k)[2].knob, Knob::kRmemMax);
  EXPECT_EQ((*k)[2].value, 15728640);
  EXPECT_EQ(linux_sysctl("net.ipv4.tcp_frobnicate", "1").error(),
            "unknown sysctl net.ipv4.tcp_frobnicate");
  EXPECT_EQ(linux_sysctl("net.ipv4.tcp_rmem", "4096").error(),
            "bad value for net.ipv4.tcp_rmem: 4096");
  EXPECT_EQ(linux_sysctl("net.ipv4.tcp_fastopen", "0x70403")->front().value, 0x70403);
  EXPECT_EQ(linux_sysctl("net.ipv4.tcp_congestion_control", "cubic")->front().value, 1);
}

TEST(Shell, SysctlAndSetSysctlsWithContinuationsAndComments) {
  const auto s = parse_shell(
      "sysctl -q net.ipv4.tcp_timestamps=0 # off\n"
      " ../common/set_sysctls.py /proc/sys/net/ipv4/tcp_wmem=\"4096 50000 4194304\" \\\n"
      "   /proc/sys/net/ipv4/tcp_syn_retries=3",
      ".");
  ASSERT_TRUE(s.has_value()) << s.error();
  const auto k = knobs_of(*s);
  ASSERT_EQ(k.size(), 5u);
  EXPECT_EQ(k[0].knob, Knob::kTimestamps);
  EXPECT_EQ(k[0].value, 0);
  EXPECT_EQ(k[2].knob, Knob::kWmemDefault);
  EXPECT_EQ(k[2].value, 50000);
  EXPECT_EQ(k[4].knob, Knob::kSynRetries);
  EXPECT_FALSE(k[4].lenient);
}

TEST(Shell, FreeBsdCommandsStillParse) {
  const auto s = parse_shell("sysctl -w net.inet.tcp.rfc1323=1", ".");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(std::get<SysctlCommand>(s->at(0)).key, "net.inet.tcp.rfc1323");
  EXPECT_TRUE(
      std::holds_alternative<TcpdropCommand>(parse_shell("tcpdrop -s TIME_WAIT", ".")->at(0)));
}

TEST(Shell, DefaultsFileIsReadAndLenient) {
  const auto dir = std::filesystem::temp_directory_path() / "synack_shell_test";
  std::filesystem::create_directories(dir / "common");
  std::filesystem::create_directories(dir / "family");
  std::ofstream(dir / "common" / "defaults.sh")
      << "#!/bin/bash\n# comment\nip tcp_metrics flush all > /dev/null 2>&1\n"
         "sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"\n"
         "sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1\n"
         "tc qdisc add dev tun0 root pfifo\nfrobnicate --hard\n";
  const auto s = parse_shell("../common/defaults.sh\nsysctl -q net.ipv4.tcp_ecn=1", dir / "family");
  ASSERT_TRUE(s.has_value()) << s.error();
  const auto k = knobs_of(*s);
  ASSERT_EQ(k.size(), 6u);
  EXPECT_EQ(k[2].value, 15 * 1024 * 1024);  // $((...)) expanded
  EXPECT_TRUE(k[3].lenient);                // from defaults.sh
  EXPECT_FALSE(k[5].lenient);               // the script's own
  int notes = 0;
  bool unknown_listed = false;
  for (const auto& step : *s) {
    if (const auto* n = std::get_if<NoteCommand>(&step)) {
      ++notes;
      unknown_listed |= n->text == "defaults.sh: not modelled: frobnicate --hard";
    }
  }
  EXPECT_EQ(notes, 3);  // tcp_metrics, tc qdisc, frobnicate
  EXPECT_TRUE(unknown_listed);
  // Written for upstream's deeper tree: the nearest common/defaults.sh above.
  const auto flat = parse_shell("../../common/defaults.sh", dir / "family");
  ASSERT_TRUE(flat.has_value()) << flat.error();
  EXPECT_EQ(knobs_of(*flat).size(), 5u);
  std::filesystem::remove_all(dir);
  const auto none = std::filesystem::temp_directory_path() / "synack_shell_test_none";
  std::filesystem::create_directories(none);
  const auto missing = parse_shell("../nowhere/defaults.sh", none);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), "cannot read " + (none / "../nowhere/defaults.sh").string());
  std::filesystem::remove_all(none);
}

TEST(Shell, NoOpsAndTsoOff) {
  const auto s = parse_shell(
      "/tmp/sysctl_restore_${PPID}.sh\nnstat > /dev/null\nethtool -K tun0 tso off gso off", ".");
  ASSERT_TRUE(s.has_value()) << s.error();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_TRUE(std::holds_alternative<NoteCommand>(s->at(0)));
  EXPECT_TRUE(std::holds_alternative<NoteCommand>(s->at(1)));
  EXPECT_FALSE(std::get<TsoCommand>(s->at(2)).on);
}

TEST(Shell, RefusesWhatItCannotEmulate) {
  EXPECT_EQ(parse_shell("tc qdisc replace dev tun0 root fq", ".").error(),
            "unsupported command: tc qdisc replace dev tun0 root fq");
  EXPECT_EQ(parse_shell("echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect", ".").error(),
            "unsupported command: echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect");
  EXPECT_EQ(parse_shell("nstat | grep TcpExtOutOfWindowIcmps > /dev/null", ".").error(),
            "unsupported command: nstat | grep TcpExtOutOfWindowIcmps > /dev/null");
  EXPECT_FALSE(parse_shell("sysctl -q net.ipv4.tcp_bogus=1", ".").has_value());
  // A || B: the first part understood wins.
  EXPECT_TRUE(parse_shell("frobnicate || ip tcp_metrics flush all", ".").has_value());
}

}  // namespace
}  // namespace synack::drill
