// SPDX-License-Identifier: Apache-2.0
// Sequence-number wrap and PAWS (issue 4, "Proof"): ISS 0xFFFFFFF0 on both
// sides (tcp::Config::fixed_iss) and an 8 GiB one-way transfer with
// timestamps, so the client's sequence numbers wrap twice (at stream offsets
// 15 and 2^32 + 15). Byte-exact (SHA-256 of both directions), both sides
// closed as scripted.
//
// PAWS (RFC 7323 §5): a data segment captured early in the transfer is
// replayed to the server once the sequence space has wrapped and its sequence
// number lies inside the receive window again. Its bytes belong to stream
// offset o but now name offset o + 2^32, whose pattern bytes differ (asserted):
// accepting it would corrupt the stream. It must be dropped with the PAWS
// drop reason (its TSval is older than TS.Recent), and the delivered stream
// must stay byte-exact.
//
// Label `slow`; `make test` runs it from the non-sanitized optimised build
// (docs/simulator.md "Proof runs").
#include <gtest/gtest.h>

#include <vector>

#include "sim/transfer_harness.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"
#include "wire/tcp_options.hpp"

namespace synack::sim {
namespace {

constexpr std::uint32_t kIss = 0xFFFFFFF0u;
constexpr std::uint64_t kGiB = 1024 * kMiB;
constexpr std::uint64_t kSpan = std::uint64_t{1} << 32;
constexpr std::uint64_t kClientStream = 1;  // ClientOptions::stream_seed default

struct Segment {
  Bytes ip;
  TcpView tcp;
  TcpOptionSummary options;
};

std::optional<Segment> parse(Bytes ip_packet) {
  auto ip = Ipv4View::parse(ip_packet, false);
  if (!ip) return std::nullopt;
  auto tcp = TcpView::parse(ip->payload());
  if (!tcp) return std::nullopt;
  auto options = TcpOptions::parse(tcp->options());
  return Segment{ip_packet, *tcp, options ? options->summarize() : TcpOptionSummary{}};
}

// Watches the wire: both ISSs and timestamps in the handshake, the client's
// sequence wraps, the server's last ACK and window; captures one early data
// segment and replays it to the server after the wrap.
struct WrapWatch {
  NodeId client = kNoNode;
  Host* server = nullptr;
  EventLoop* loop = nullptr;

  std::optional<SeqNum> client_iss, server_iss;
  bool client_syn_ts = false, server_syn_ts = false;
  std::uint8_t server_wscale = 0;
  SeqNum client_high{};  // highest end of client data sent
  int wraps = 0;         // times client_high passed 2^32 → 0
  std::uint64_t data_segments = 0;
  SeqNum server_ack{};  // the server's last ACK and window (bytes)
  std::uint32_t server_wnd = 0;

  std::vector<std::byte> captured;  // the early segment (IPv4 packet)
  SeqNum captured_seq{};
  std::uint64_t captured_offset = 0;  // stream offset of its first byte
  std::vector<std::byte> captured_payload;
  std::uint32_t captured_tsval = 0;

  bool injected = false;
  bool in_window_at_injection = false;
  std::uint32_t latest_tsval = 0;  // TSval of the client's latest data segment

  void on_client_sent(const Segment& s) {
    if (s.tcp.flags().syn()) {
      client_iss = s.tcp.seq();
      client_syn_ts = s.options.timestamps.has_value();
      client_high = s.tcp.seq() + 1;
      return;
    }
    if (s.tcp.payload().empty()) return;
    if (s.options.timestamps) latest_tsval = s.options.timestamps->val;
    const SeqNum end = s.tcp.seq() + static_cast<SeqLen>(s.tcp.payload().size());
    if (seq_gt(end, client_high)) {
      if (end.raw() < client_high.raw()) ++wraps;
      client_high = end;
    }
  }

  void on_server_sent(const Segment& s) {
    if (s.tcp.flags().syn()) {
      server_iss = s.tcp.seq();
      server_syn_ts = s.options.timestamps.has_value();
      server_wscale = s.options.window_scale.value_or(0);
      return;
    }
    server_ack = s.tcp.ack();
    server_wnd = std::uint32_t{s.tcp.window()} << server_wscale;
  }

  void on_delivered_to_server(const Segment& s) {
    if (s.tcp.payload().empty()) return;
    ++data_segments;
    if (data_segments == 100) capture(s);
    if (captured.empty() || injected || wraps < 2) return;
    // Past the second wrap the captured number comes round again: replay the
    // old segment as soon as the server's next expected byte is just below it.
    const SeqNum end = s.tcp.seq() + static_cast<SeqLen>(s.tcp.payload().size());
    const std::int32_t ahead = captured_seq - end;
    if (ahead >= 0 && ahead < 16 * 1024) {
      injected = true;  // once
      loop->schedule(loop->now(), [this] { replay(); });
    }
  }

  void capture(const Segment& s) {
    captured.assign(s.ip.begin(), s.ip.end());
    captured_seq = s.tcp.seq();
    captured_offset = static_cast<std::uint32_t>(captured_seq - (*client_iss + 1));
    captured_payload.assign(s.tcp.payload().begin(), s.tcp.payload().end());
    captured_tsval = s.options.timestamps ? s.options.timestamps->val : 0;
  }

  // Runs after the triggering segment was processed (and ACKed) by the server.
  void replay() {
    in_window_at_injection = in_window(captured_seq, server_ack, server_wnd);
    server->on_packet(captured, loop->now());
  }

  void observe(const PacketEvent& e) {
    if (e.kind != PacketEventKind::kSent && e.kind != PacketEventKind::kDelivered) return;
    auto s = parse(e.bytes);
    if (!s) return;
    if (e.kind == PacketEventKind::kSent) {
      if (e.from == client) {
        on_client_sent(*s);
      } else {
        on_server_sent(*s);
      }
    } else if (e.to == server->id()) {
      on_delivered_to_server(*s);
    }
  }
};

TEST(SequenceWrap, EightGiBFromIss0xFFFFFFF0WithTimestampsAndPaws) {
  WrapWatch w;
  TransferSpec spec{
      .name = "wrap: ISS 0xFFFFFFF0, 8 GiB one-way, timestamps, PAWS replay",
      .seed = 401,
      .client_bytes = 8 * kGiB,
      .fixed_iss = kIss,
      .setup =
          [&w](Network& net, Host& client, Host& server) {
            w.client = client.id();
            w.server = &server;
            w.loop = &net.loop();
            net.add_observer([&w](const PacketEvent& e) { w.observe(e); });
          },
  };
  const TransferResult r = run_transfer(spec);
  expect_byte_exact(r, spec);
  expect_closed_as_scripted(r);

  // ISS on both sides, timestamps negotiated, two wraps of the client's sequence space.
  ASSERT_TRUE(w.client_iss && w.server_iss);
  EXPECT_EQ(w.client_iss->raw(), kIss);
  EXPECT_EQ(w.server_iss->raw(), kIss);
  EXPECT_TRUE(w.client_syn_ts);
  EXPECT_TRUE(w.server_syn_ts);
  EXPECT_EQ(w.wraps, 2);
  EXPECT_EQ(w.client_high, SeqNum(kIss) + 1 + static_cast<SeqLen>(8 * kGiB % kSpan));

  // The replayed segment: old bytes whose sequence number now names other bytes.
  ASSERT_FALSE(w.captured.empty());
  ASSERT_TRUE(w.injected) << "the captured sequence number never came round again";
  std::vector<std::byte> now_there(w.captured_payload.size());
  fill_pattern(kClientStream, w.captured_offset + kSpan, now_there);
  EXPECT_NE(now_there, w.captured_payload) << "the replay would not change the stream";
  EXPECT_TRUE(w.in_window_at_injection) << "seq " << w.captured_seq.raw() << " not in ["
                                        << w.server_ack.raw() << ", +" << w.server_wnd << ")";
  std::printf("replayed seq %u (stream offset %llu, TSval %u) at TSval %u: PAWS drops %llu\n",
              w.captured_seq.raw(), static_cast<unsigned long long>(w.captured_offset),
              w.captured_tsval, w.latest_tsval,
              static_cast<unsigned long long>(r.server_trace.drops[tcp::DropReason::kPaws]));
  EXPECT_LT(w.captured_tsval, w.latest_tsval);
  // Dropped by PAWS, exactly once (no other old duplicate exists on a clean
  // link); the byte-exact check above shows the delivered bytes are unchanged.
  EXPECT_EQ(r.server_trace.drops[tcp::DropReason::kPaws], 1u);
}

}  // namespace
}  // namespace synack::sim
