// SPDX-License-Identifier: Apache-2.0
// External judges (label `tools`): xmllint on every scenario's SVG and HTML,
// tshark's expert analysis on the pcap of every clean-link scenario.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "scenarios/capture.hpp"
#include "scenarios/scenario.hpp"
#include "viz/render.hpp"
#include "viz/tool_test_util.hpp"

namespace synack::scenarios {
namespace {

using viz::testing::have_tool;
using viz::testing::run_command;
using viz::testing::TempDir;

TEST(ScenarioTools, SvgAndHtmlAreWellFormed) {
  if (!have_tool("xmllint")) GTEST_SKIP() << "xmllint not installed";
  TempDir dir("synack-scenarios-xml-");
  for (const auto& s : all()) {
    const Result r = s.run({});
    for (auto [ext, format] :
         {std::pair{"svg", viz::Format::kSvg}, std::pair{"html", viz::Format::kHtml}}) {
      const auto path = dir.path() / (std::string(s.name) + "." + ext);
      std::ofstream(path) << viz::render(format, r.run, {});
      const auto res = run_command("xmllint --noout '" + path.string() + "'");
      EXPECT_EQ(res.status, 0) << s.name << "." << ext << ": " << res.output;
    }
  }
}

TEST(ScenarioTools, CleanLinkPcapsAreCleanForWireshark) {
  if (!have_tool("tshark")) GTEST_SKIP() << "tshark not installed";
  TempDir dir("synack-scenarios-pcap-");
  int judged = 0;
  for (const auto& s : all()) {
    if (!s.clean_link) continue;
    const Result r = s.run({});
    const auto path = dir.path() / (std::string(s.name) + ".pcap");
    {
      std::ofstream f(path, std::ios::binary);
      ASSERT_TRUE(write_pcap(r, f));
    }
    const auto res =
        run_command("tshark -r '" + path.string() + "' -o tcp.check_checksum:TRUE -z expert -q");
    ASSERT_EQ(res.status, 0) << res.output;
    EXPECT_EQ(res.output.find("Malformed"), std::string::npos) << s.name << ":\n" << res.output;
    EXPECT_EQ(res.output.find("Bad checksum"), std::string::npos) << s.name << ":\n" << res.output;
    EXPECT_EQ(res.output.find("Errors ("), std::string::npos) << s.name << ":\n" << res.output;
    for (const char* bad : {"Previous segment", "ACKed segment that wasn't captured",
                            "Retransmission", "Out-Of-Order", "Dup ACK", "Zero window"}) {
      EXPECT_EQ(res.output.find(bad), std::string::npos) << s.name << ": " << bad << "\n"
                                                         << res.output;
    }
    // Wireshark's heuristic calls the SYN-ACK of a simultaneous open a "suspected
    // retransmission" of the SYN (same sequence number); anywhere else it is a bug.
    if (s.name != "simultaneous-open") {
      EXPECT_EQ(res.output.find("retransmission"), std::string::npos) << s.name << ":\n"
                                                                      << res.output;
    }
    ++judged;
  }
  EXPECT_GE(judged, 5);
}

TEST(ScenarioTools, PcapngCommentsCarryTheStateTransitions) {
  if (!have_tool("tshark")) GTEST_SKIP() << "tshark not installed";
  TempDir dir("synack-scenarios-pcapng-");
  const Result r = find("handshake")->run({});
  const auto path = dir.path() / "handshake.pcapng";
  {
    std::ofstream f(path, std::ios::binary);
    ASSERT_TRUE(write_pcapng(r, f));
  }
  const auto res = run_command("tshark -r '" + path.string() + "' -T fields -e frame.comment");
  ASSERT_EQ(res.status, 0) << res.output;
  EXPECT_NE(res.output.find("client: CLOSED -> SYN-SENT"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("server: LISTEN -> SYN-RECEIVED"), std::string::npos) << res.output;
  EXPECT_NE(res.output.find("client: FIN-WAIT-2 -> TIME-WAIT"), std::string::npos) << res.output;
}

}  // namespace
}  // namespace synack::scenarios
