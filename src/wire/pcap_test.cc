// SPDX-License-Identifier: Apache-2.0
// pcap / pcapng writers: the bytes they lay down (the `tools` tests feed the
// same files to tcpdump and tshark).
#include "wire/pcap.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "wire/test_util.hpp"

namespace synack {
namespace {

std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(s[at + k]);
  return v;
}
std::uint16_t le16(const std::string& s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    (static_cast<unsigned char>(s[at + 1]) << 8));
}

TEST(PcapWriter, HeaderAndRecord) {
  std::ostringstream out;
  PcapWriter w(out);
  const auto pkt = test::sample_syn();
  w.write(Instant(seconds(3) + nanoseconds(250)), pkt);
  EXPECT_TRUE(w.ok());
  const std::string s = out.str();
  ASSERT_EQ(s.size(), 24 + 16 + pkt.size());
  EXPECT_EQ(le32(s, 0), 0xa1b23c4du);
  EXPECT_EQ(le16(s, 4), 2);
  EXPECT_EQ(le16(s, 6), 4);
  EXPECT_EQ(le32(s, 16), kPcapSnaplen);
  EXPECT_EQ(le32(s, 20), kLinktypeRaw);
  EXPECT_EQ(le32(s, 24), 3u);    // seconds
  EXPECT_EQ(le32(s, 28), 250u);  // nanoseconds
  EXPECT_EQ(le32(s, 32), pkt.size());
  EXPECT_EQ(le32(s, 36), pkt.size());
  EXPECT_EQ(s.substr(40), std::string(reinterpret_cast<const char*>(pkt.data()), pkt.size()));
}

TEST(PcapWriter, NegativeInstantIsZero) {
  std::ostringstream out;
  PcapWriter w(out);
  w.write(Instant(nanoseconds(-5)), test::sample_syn());
  EXPECT_EQ(le32(out.str(), 24), 0u);
  EXPECT_EQ(le32(out.str(), 28), 0u);
}

// Walks pcapng blocks: every block's two length fields agree and are multiples of 4.
std::vector<std::pair<std::uint32_t, std::string>> blocks(const std::string& s) {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  std::size_t at = 0;
  while (at < s.size()) {
    EXPECT_LE(at + 12, s.size());
    const std::uint32_t type = le32(s, at);
    const std::uint32_t len = le32(s, at + 4);
    EXPECT_EQ(len % 4, 0u);
    EXPECT_LE(at + len, s.size());
    EXPECT_EQ(le32(s, at + len - 4), len);
    out.emplace_back(type, s.substr(at + 8, len - 12));
    at += len;
  }
  return out;
}

TEST(PcapngWriter, SectionInterfaceAndPacketBlocks) {
  std::ostringstream out;
  PcapngWriter w(out);
  const auto pkt = test::sample_syn();  // 60 bytes
  w.write(Instant(nanoseconds(0x1'0000'0005)), pkt, "RFC 9293 §3.5: SYN");
  w.write(Instant(seconds(1)), pkt);
  const auto b = blocks(out.str());
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].first, 0x0A0D0D0Au);
  EXPECT_EQ(le32(b[0].second, 0), 0x1A2B3C4Du);
  EXPECT_EQ(b[1].first, 1u);
  EXPECT_EQ(le16(b[1].second, 0), kLinktypeRaw);
  EXPECT_EQ(le16(b[1].second, 8), 9);  // if_tsresol
  EXPECT_EQ(le16(b[1].second, 10), 1);
  EXPECT_EQ(b[1].second[12], 9);  // 10^-9
  EXPECT_EQ(b[2].first, 6u);
  const std::string& epb = b[2].second;
  EXPECT_EQ(le32(epb, 4), 1u);  // timestamp high
  EXPECT_EQ(le32(epb, 8), 5u);  // timestamp low
  EXPECT_EQ(le32(epb, 12), pkt.size());
  const std::size_t opt = 20 + ((pkt.size() + 3) & ~std::size_t{3});
  EXPECT_EQ(le16(epb, opt), 1);  // opt_comment
  const std::string comment = "RFC 9293 §3.5: SYN";
  EXPECT_EQ(le16(epb, opt + 2), comment.size());
  EXPECT_EQ(epb.substr(opt + 4, comment.size()), comment);
  EXPECT_EQ(b[3].second.size(), opt);  // no comment: no options at all
  EXPECT_EQ(le32(b[3].second, 8), 1'000'000'000u);
}

TEST(PcapWriter, FileThatCannotBeOpenedIsNotOk) {
  PcapWriter w(std::filesystem::path("/nonexistent-dir/x.pcap"));
  EXPECT_FALSE(w.ok());
  PcapngWriter n(std::filesystem::path("/nonexistent-dir/x.pcapng"));
  EXPECT_FALSE(n.ok());
}

}  // namespace
}  // namespace synack
