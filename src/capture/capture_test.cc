// SPDX-License-Identifier: Apache-2.0
// The capture reader on real captures (tests/capture/data, recorded by
// tests/capture/make_captures.sh from Linux connections in a namespace), on
// synthetic ones, and on truncated and corrupted files.
#include <gtest/gtest.h>

#include <pcap/dlt.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "capture/link.hpp"
#include "capture/scan.hpp"
#include "viz/analysis.hpp"
#include "viz/render.hpp"
#include "wire/pcap.hpp"
#include "wire/tcp.hpp"

namespace synack::capture {
namespace {

using tcp::State;

const std::string kData = "tests/capture/data/";

std::vector<std::byte> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

Selection stream(std::size_t n) {
  Selection s;
  s.stream = n;
  return s;
}

Selection port(std::uint16_t p) {
  Selection s;
  s.port = p;
  return s;
}

CaptureResult read_ok(const std::string& file, Selection sel = {}) {
  auto r = read_capture(kData + file, sel, false);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return r ? *r : CaptureResult{};
}

// The last state the run gives endpoint e (its initial state if none).
State final_state(const viz::Run& run, viz::EndpointId e) {
  State s = *run.initial_state(e);
  for (const auto& ev : run.events) {
    if (const auto* st = std::get_if<viz::StateEvent>(&ev); st && st->endpoint == e) s = st->to;
  }
  return s;
}

TEST(Capture, EveryLinkTypeListsTheSameConversations) {
  // lo.pcap: Ethernet; the others are the same traffic as pcapng, raw IP, BSD null.
  const auto lo = read_ok("lo.pcap");
  ASSERT_EQ(lo.conversations.size(), 4u);
  EXPECT_EQ(lo.stats.segments, lo.stats.frames);
  for (const char* other : {"lo.pcapng", "raw.pcap", "null.pcap"}) {
    const auto r = read_ok(other);
    ASSERT_EQ(r.conversations.size(), lo.conversations.size()) << other;
    for (std::size_t i = 0; i < r.conversations.size(); ++i) {
      EXPECT_EQ(r.conversations[i].packets, lo.conversations[i].packets) << other << " " << i;
      EXPECT_EQ(r.conversations[i].bytes, lo.conversations[i].bytes) << other << " " << i;
      EXPECT_EQ(r.conversations[i].b.port, lo.conversations[i].b.port) << other << " " << i;
    }
  }
  // Linux cooked v2 (any.pcap) and v1 (sll1.pcap): own recordings of the same programs.
  const auto any = read_ok("any.pcap");
  ASSERT_GE(any.conversations.size(), 3u);
  EXPECT_EQ(any.conversations[0].b.port, 5001);
  EXPECT_EQ(read_ok("sll1.pcap").conversations.at(0).b.port, 5001);
}

TEST(Capture, ClientClosesFirst) {
  const auto r = read_ok("lo.pcap", stream(0));
  const auto& run = *r.run;
  EXPECT_EQ(run.endpoints[1].port, 5001);
  EXPECT_EQ(run.endpoints[0].name, "client");
  EXPECT_EQ(final_state(run, 0), State::kTimeWait);
  EXPECT_EQ(final_state(run, 1), State::kClosed);
  EXPECT_TRUE(r.conversations[0].complete());
  EXPECT_EQ(r.conversations[0].ending(), "FIN both ways");
  // Relative sequence numbers: the SYNs are 0, nothing is negative.
  const auto a = viz::analyze(run);
  ASSERT_FALSE(a.packets.empty());
  EXPECT_EQ(a.packets[0].seq, 0);
  for (const auto& p : a.packets) {
    EXPECT_GE(p.seq, 0);
    EXPECT_GE(p.ack, 0);
  }
  EXPECT_EQ(r.conversations[0].bytes, 1100u);  // 1000 request + 100 reply
}

TEST(Capture, ServerClosesFirst) {
  const auto r = read_ok("lo.pcap", stream(1));
  EXPECT_EQ(final_state(*r.run, 1), State::kTimeWait);
  EXPECT_EQ(final_state(*r.run, 0), State::kClosed);
}

TEST(Capture, ResetAndRefused) {
  const auto rst = read_ok("lo.pcap", stream(2));
  EXPECT_EQ(rst.conversations[2].ending(), "RST");
  EXPECT_EQ(final_state(*rst.run, 0), State::kClosed);
  EXPECT_EQ(final_state(*rst.run, 1), State::kClosed);
  const auto refused = read_ok("lo.pcap", port(5004));
  EXPECT_EQ(refused.run->packet_count(), 2u);  // SYN, RST ACK
  EXPECT_EQ(refused.run->endpoints[1].port, 5004);
  EXPECT_EQ(refused.run->initial_state(1), State::kClosed);  // nothing listened
  EXPECT_EQ(read_ok("lo.pcap", stream(0)).run->initial_state(1), State::kListen);
}

TEST(Capture, SelectionErrorsNameTheProblem) {
  auto r = read_capture(kData + "lo.pcap", stream(9), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), kData + "lo.pcap: no TCP stream 9 (the capture has 4: 0..3)");
  r = read_capture(kData + "missing.pcap", {}, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), kData + "missing.pcap: cannot open: No such file or directory");
  Selection s;
  s.host = "10.9.9.9";
  r = read_capture(kData + "lo.pcap", s, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), kData + "lo.pcap: no TCP conversation with address 10.9.9.9");
  s.host = "127.0.0.1";
  s.port = 9;
  r = read_capture(kData + "lo.pcap", s, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), kData + "lo.pcap: no TCP conversation with address 127.0.0.1 and port 9");
}

// --host: the first conversation with the address at either end; with --port, both.
TEST(Capture, SelectionByAddress) {
  Selection s;
  s.host = "10.77.0.2";  // the server side of the TUN capture
  const auto lossy = read_ok("lossy.pcap", s);
  ASSERT_TRUE(lossy.run);
  EXPECT_EQ(lossy.run->endpoints[1].addr, "10.77.0.2");
  s.host = "127.0.0.1";
  s.port = 5003;
  const auto third = read_ok("lo.pcap", s);
  ASSERT_TRUE(third.run);
  EXPECT_EQ(third.run->endpoints[1].port, 5003);
}

TEST(Capture, BulkTransferCollapsesIntoSummaryRows) {
  // bulk.pcap: 2 MiB over loopback, captured with a 96-byte snap length.
  Selection sel;
  sel.collect.head = 10;
  sel.collect.context = 3;
  const auto r = read_ok("bulk.pcap", sel);
  const auto& conv = r.conversations.at(0);
  // Lengths come from the IP header, not the 96-byte snap: 2 MiB plus one
  // retransmitted segment of 14,875 bytes, as tshark sums tcp.len.
  EXPECT_EQ(conv.bytes, 2112027u);
  EXPECT_LT(r.run->packet_count(), conv.packets);
  bool summary = false;
  for (const auto& ev : r.run->events) {
    if (const auto* n = std::get_if<viz::NoteEvent>(&ev)) {
      summary = summary || n->text.starts_with("… ");
    }
  }
  EXPECT_TRUE(summary);
  EXPECT_EQ(final_state(*r.run, 0), State::kTimeWait);  // the FINs are always drawn
  sel.collect.expand = true;
  EXPECT_EQ(read_ok("bulk.pcap", sel).run->packet_count(), conv.packets);
}

// A synthetic capture (raw IP, as PcapWriter writes it) of one long transfer.
std::string synthetic(std::size_t data_segments) {
  std::ostringstream out;
  PcapWriter w(out);
  const Ipv4Addr c = Ipv4Addr::from_octets(10, 0, 0, 1), s = Ipv4Addr::from_octets(10, 0, 0, 2);
  std::vector<std::byte> buf(2000);
  std::vector<std::byte> payload(1000);
  std::uint32_t cseq = 1000, sseq = 5000;
  auto put = [&](bool from_c, TcpFlags f, std::size_t len, Instant t) {
    TcpSegment seg;
    seg.src_port = from_c ? 40000 : 80;
    seg.dst_port = from_c ? 80 : 40000;
    seg.seq = SeqNum(from_c ? cseq : sseq);
    seg.ack = SeqNum(from_c ? sseq : cseq);
    seg.flags = f;
    seg.window = 65535;
    seg.payload = Bytes(payload).first(len);
    Ipv4Header ip;
    ip.src = from_c ? c : s;
    ip.dst = from_c ? s : c;
    const auto n = emit_ipv4_tcp(buf, ip, seg);
    w.write(t, Bytes(buf).first(n));
    (from_c ? cseq : sseq) += static_cast<std::uint32_t>(seg.seg_len());
  };
  using F = TcpFlags;
  Instant t{};
  const auto us = std::chrono::microseconds(10);
  put(true, F{F::kSyn}, 0, t += us);
  put(false, F{static_cast<std::uint16_t>(F::kSyn | F::kAck)}, 0, t += us);
  put(true, F{F::kAck}, 0, t += us);
  for (std::size_t i = 0; i < data_segments; ++i) {
    put(true, F{F::kAck}, 1000, t += us);
    if (i % 2 == 1) put(false, F{F::kAck}, 0, t += us);
  }
  put(true, F{static_cast<std::uint16_t>(F::kFin | F::kAck)}, 0, t += us);
  put(false, F{static_cast<std::uint16_t>(F::kFin | F::kAck)}, 0, t += us);
  put(true, F{F::kAck}, 0, t += us);
  return out.str();
}

TEST(Capture, MemoryGrowsWithConversationsNotPackets) {
  // 150,000 segments of one conversation draw as a bounded number of events.
  const std::string cap = synthetic(100000);
  const Bytes bytes(reinterpret_cast<const std::byte*>(cap.data()), cap.size());
  auto r = read_capture_memory(bytes, "synthetic", {}, false);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->conversations.size(), 1u);
  EXPECT_EQ(r->conversations[0].packets, 150006u);
  EXPECT_LT(r->run->events.size(), 150u);
  EXPECT_EQ(final_state(*r->run, 0), State::kTimeWait);
  EXPECT_EQ(final_state(*r->run, 1), State::kClosed);
}

TEST(Capture, TruncatedFilesStopAtTheRecordTheyCut) {
  // Every cut of lo.pcap: nothing before the file header reads; a cut inside
  // a record names that record's frame number and byte offset.
  const auto whole = slurp(kData + "lo.pcap");
  std::vector<std::size_t> starts;  // byte offset of each record
  for (std::size_t at = 24; at + 16 <= whole.size();) {
    starts.push_back(at);
    std::uint32_t incl = 0;
    std::memcpy(&incl, whole.data() + at + 8, 4);
    at += 16 + incl;
  }
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    const Bytes part = Bytes(whole).first(cut);
    const auto r = read_capture_memory(part, "cut.pcap", {}, true);
    if (cut < 24) {
      EXPECT_FALSE(r) << cut;
      continue;
    }
    const auto frame = std::ranges::upper_bound(starts, cut) - starts.begin();  // records begun
    const bool clean = std::ranges::binary_search(starts, cut);
    if (clean) {
      ASSERT_TRUE(r) << cut;
      EXPECT_FALSE(r->stats.error) << cut;
      continue;
    }
    // Cut inside record `frame` (1-based), which starts at starts[frame - 1].
    if (frame == 1) {
      ASSERT_FALSE(r) << cut;
      EXPECT_NE(r.error().find("cut.pcap: stopped at frame 1 (byte offset 24): "),
                std::string::npos)
          << r.error();
      continue;
    }
    ASSERT_TRUE(r) << cut;
    ASSERT_TRUE(r->stats.error) << cut;
    EXPECT_EQ(r->stats.error->frame, static_cast<std::uint64_t>(frame)) << cut;
    EXPECT_EQ(r->stats.error->offset, starts[frame - 1]) << cut;
    EXPECT_EQ(r->stats.frames, static_cast<std::uint64_t>(frame - 1)) << cut;
  }
}

TEST(Capture, CorruptedFilesNeverCrash) {
  const std::uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  for (const char* file : {"lo.pcap", "lo.pcapng", "any.pcap", "null.pcap"}) {
    const auto whole = slurp(kData + file);
    for (int round = 0; round < 200; ++round) {
      auto bytes = whole;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < flips; ++i) {
        bytes[rng() % bytes.size()] = static_cast<std::byte>(rng());
      }
      const auto r = read_capture_memory(bytes, file, {}, false);
      if (r && r->run) (void)viz::render(viz::Format::kText, *r->run, {});
      if (!r) {
        EXPECT_EQ(r.error().find('\n'), std::string::npos) << r.error();
      }
    }
  }
}

TEST(Capture, NotACaptureIsOneLine) {
  const std::string text = "{\"format\": \"synack-run\"}";
  const Bytes b(reinterpret_cast<const std::byte*>(text.data()), text.size());
  const auto r = read_capture_memory(b, "run.json", {}, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().find('\n'), std::string::npos);
  EXPECT_TRUE(r.error().starts_with("run.json: ")) << r.error();
}

TEST(CaptureLink, HeadersOfEveryLinkType) {
  std::vector<std::byte> ip(20, std::byte{0});
  ip[0] = std::byte{0x45};
  auto frame = [&](std::vector<int> head) {
    std::vector<std::byte> f;
    for (int b : head) f.push_back(static_cast<std::byte>(b));
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
  };
  const auto check = [&](int dlt, const std::vector<std::byte>& f, NetProto want) {
    const auto n = strip_link(dlt, f);
    ASSERT_TRUE(n) << link_name(dlt);
    EXPECT_EQ(n->proto, want) << link_name(dlt);
    if (want == NetProto::kIpv4) {
      EXPECT_EQ(n->bytes.size(), ip.size()) << link_name(dlt);
    }
  };
  std::vector<int> eth(12, 0);
  eth.insert(eth.end(), {0x08, 0x00});
  check(DLT_EN10MB, frame(eth), NetProto::kIpv4);
  std::vector<int> vlan(12, 0);
  vlan.insert(vlan.end(), {0x81, 0x00, 0x00, 0x05, 0x08, 0x00});
  check(DLT_EN10MB, frame(vlan), NetProto::kIpv4);
  std::vector<int> sll(14, 0);
  sll.insert(sll.end(), {0x08, 0x00});
  check(DLT_LINUX_SLL, frame(sll), NetProto::kIpv4);
  std::vector<int> sll2 = {0x86, 0xdd};
  sll2.resize(20, 0);
  check(DLT_LINUX_SLL2, frame(sll2), NetProto::kIpv6);
  check(DLT_NULL, frame({2, 0, 0, 0}), NetProto::kIpv4);  // little-endian host
  check(DLT_NULL, frame({0, 0, 0, 2}), NetProto::kIpv4);  // big-endian host
  check(DLT_LOOP, frame({0, 0, 0, 2}), NetProto::kIpv4);
  check(DLT_RAW, frame({}), NetProto::kIpv4);
  EXPECT_FALSE(strip_link(DLT_LINUX_SLL2, std::vector<std::byte>(19)));
  EXPECT_FALSE(strip_link(147, frame({})));
  EXPECT_FALSE(link_supported(147));
  EXPECT_EQ(link_name(147), "DLT 147");
}

}  // namespace
}  // namespace synack::capture
