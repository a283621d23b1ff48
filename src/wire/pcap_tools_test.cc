// SPDX-License-Identifier: Apache-2.0
// Captures read back by the real tcpdump and tshark (ctest label `tools`):
// every packet dissects, no checksum is bad, nothing is malformed, and the
// pcapng per-packet comment is visible (tshark 4.0 field: frame.comment).
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "wire/pcap.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

namespace fs = std::filesystem;

// Runs a shell command, returns its stdout (stderr, e.g. tshark's "running as
// root" notice and tcpdump's "reading from file", is discarded).
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += c == '\n';
  return n;
}

class CaptureTools : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("command -v tcpdump").empty() || run("command -v tshark").empty()) {
      GTEST_SKIP() << "tcpdump/tshark not installed (scripts/install-deps.sh)";
    }
    dir_ =
        fs::temp_directory_path() /
        ("synack-wire-tools-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // The five golden packets plus two hand-made ones (options, payload).
  static std::vector<test::Buffer> packets() {
    std::vector<test::Buffer> v;
    for (const char* name : {"syn", "synack", "data", "fin", "rst"}) {
      v.push_back(test::linux_golden().at(name));
    }
    v.push_back(test::sample_syn(false));
    v.push_back(test::sample_syn(true));
    return v;
  }
  static std::string tshark(const fs::path& f, const std::string& args) {
    return run("tshark -n -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -r '" + f.string() +
               "' " + args);
  }
  fs::path dir_;
};

void expect_clean(const std::string& tshark_verbose) {
  EXPECT_EQ(tshark_verbose.find("Malformed"), std::string::npos) << tshark_verbose;
  EXPECT_EQ(tshark_verbose.find("[Bad]"), std::string::npos) << tshark_verbose;
  EXPECT_EQ(tshark_verbose.find("incorrect"), std::string::npos) << tshark_verbose;
}

TEST_F(CaptureTools, PcapReadsCleanlyInTcpdumpAndTshark) {
  const fs::path f = dir_ / "wire.pcap";
  const auto pkts = packets();
  {
    PcapWriter w(f);
    for (std::size_t k = 0; k < pkts.size(); ++k) w.write(Instant(milliseconds(10 * k)), pkts[k]);
    ASSERT_TRUE(w.ok());
  }
  const std::string td = run("tcpdump -n -vv -r '" + f.string() + "'");
  EXPECT_NE(td.find("10.77.0.1.53486 > 10.77.0.2.8080: Flags [S]"), std::string::npos) << td;
  EXPECT_EQ(td.find("bad cksum"), std::string::npos) << td;
  EXPECT_EQ(td.find("incorrect"), std::string::npos) << td;
  EXPECT_EQ(td.find("truncated"), std::string::npos) << td;
  EXPECT_EQ(count_lines(tshark(f, "")), pkts.size());
  expect_clean(tshark(f, "-V"));
  // The checksum verifications actually ran and passed.
  const std::string status = tshark(f, "-T fields -e tcp.checksum.status -e ip.checksum.status");
  EXPECT_EQ(count_lines(status), pkts.size());
  EXPECT_EQ(status.find("0"), std::string::npos) << status;  // 0 = bad, 1 = good, 2 = unverified
  EXPECT_EQ(tshark(f, "-Y 'tcp.checksum.status != 1 || ip.checksum.status != 1 || _ws.malformed'"),
            "");
}

TEST_F(CaptureTools, PcapngCommentsAreVisibleAndPacketsClean) {
  const fs::path f = dir_ / "wire.pcapng";
  const auto pkts = packets();
  {
    PcapngWriter w(f);
    for (std::size_t k = 0; k < pkts.size(); ++k) {
      w.write(Instant(milliseconds(10 * k) + nanoseconds(7)), pkts[k],
              k == 0 ? "RFC 9293 §3.5: active open, SYN sent" : "");
    }
    ASSERT_TRUE(w.ok());
  }
  const std::string td = run("tcpdump -n -r '" + f.string() + "'");
  EXPECT_EQ(count_lines(td), pkts.size()) << td;
  expect_clean(tshark(f, "-V"));
  EXPECT_EQ(tshark(f, "-Y 'tcp.checksum.status != 1 || ip.checksum.status != 1 || _ws.malformed'"),
            "");
  const std::string comments = tshark(f, "-T fields -e frame.comment");
  EXPECT_EQ(comments.substr(0, comments.find('\n')), "RFC 9293 §3.5: active open, SYN sent")
      << comments;
  // Nanosecond timestamps survive (if_tsresol = 9).
  const std::string t = tshark(f, "-T fields -e frame.time_epoch -c 2");
  EXPECT_NE(t.find("0.010000007"), std::string::npos) << t;
}

// IPv6 in both formats (LINKTYPE_RAW carries either family): the Linux
// packets, fragments and ICMPv6 errors included, plus one built by synack.
TEST_F(CaptureTools, Ipv6PacketsReadCleanly) {
  std::vector<test::Buffer> pkts;
  for (const auto& [name, bytes] : test::linux_golden_ipv6()) pkts.push_back(bytes);
  pkts.push_back(test::sample_syn6(true));
  for (const bool ng : {false, true}) {
    const fs::path f = dir_ / (ng ? "wire6.pcapng" : "wire6.pcap");
    if (ng) {
      PcapngWriter w(f);
      for (std::size_t k = 0; k < pkts.size(); ++k) {
        w.write(Instant(milliseconds(k)), pkts[k], k == 0 ? "ipv6" : "");
      }
      ASSERT_TRUE(w.ok());
    } else {
      PcapWriter w(f);
      for (std::size_t k = 0; k < pkts.size(); ++k) w.write(Instant(milliseconds(k)), pkts[k]);
      ASSERT_TRUE(w.ok());
    }
    const std::string td = run("tcpdump -n -vv -r '" + f.string() + "'");
    EXPECT_NE(td.find("fd77::1.47396 > fd77::2.8080: Flags [S]"), std::string::npos) << td;
    EXPECT_NE(td.find("packet too big, mtu 1280"), std::string::npos) << td;
    EXPECT_EQ(td.find("bad"), std::string::npos) << td;
    EXPECT_EQ(td.find("truncated"), std::string::npos) << td;
    const std::string opts = "-o udp.check_checksum:TRUE ";
    EXPECT_EQ(count_lines(tshark(f, opts)), pkts.size());
    expect_clean(tshark(f, opts + "-V"));
    // The checksums were verified, and verified good: 1 = good (0 = bad, 2 = unverified).
    const std::string status = tshark(f, opts + "-Y 'tcp' -T fields -e tcp.checksum.status");
    EXPECT_EQ(count_lines(status), 6u) << status;
    EXPECT_EQ(status.find_first_not_of("1\n"), std::string::npos) << status;
    const std::string icmp = tshark(f, opts + "-Y 'icmpv6' -T fields -e icmpv6.checksum.status");
    // An error's quoted ICMPv6 message, cut short, may be unverified (2): none is bad.
    EXPECT_GE(count_lines(icmp), 6u) << icmp;
    EXPECT_EQ(icmp.find('0'), std::string::npos) << icmp;
    EXPECT_EQ(tshark(f, opts + "-Y 'tcp.checksum.status == 0 || icmpv6.checksum.status == 0 || "
                               "udp.checksum.status == 0 || _ws.malformed'"),
              "");
  }
}

}  // namespace
}  // namespace synack
