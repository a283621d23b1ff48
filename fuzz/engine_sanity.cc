// SPDX-License-Identifier: Apache-2.0
// Fuzz target engine_sanity: one tcp::Connection driven by a structured segment
// generator, user calls and timers, with the TCB invariants checked after every
// step (tcp/sanity.hpp: SND.UNA ≤ SND.NXT, flight covered by the send buffer,
// SND.WND ≤ MAX.SND.WND, buffer accounting, RCV.NXT = IRS + 1 + delivered,
// reassembly and SACK scoreboard well-formed) and every state change checked
// against the RFC 9293 diagram (SanitySink).
//
// Both byte streams are deterministic functions of their stream offset, so:
//  * every byte the application reads must be the peer's byte at the read
//    offset — nothing delivered twice, out of order or corrupted;
//  * every payload byte we send (first transmission or retransmission) must be
//    our byte at its offset from ISS + 1.
//
// Input program (InputReader): first byte = configuration and open mode, then
// operations: 0 segment (seq relative to RCV.NXT or raw, ack relative to
// SND.UNA / SND.NXT or raw, flags, window, options, payload length), 1 time,
// 2 send, 3 receive, 4 close / abort / options, 5 drain output.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "input_reader.hpp"
#include "tcp/connection.hpp"
#include "tcp/sanity.hpp"

using namespace synack;
using namespace synack::tcp;
using fuzz::InputReader;

namespace {

constexpr SeqNum kIss{0xfffff000u};  // near the wrap: sequence arithmetic is exercised

std::byte peer_byte(std::uint64_t k) {
  return static_cast<std::byte>((k * 131 + 7) & 0xff);
}
std::byte our_byte(std::uint64_t k) {
  return static_cast<std::byte>((k * 29 + 3) & 0xff);
}

struct Driver {
  SanitySink sink;
  Connection conn;
  FourTuple tuple{{Ipv4Addr::from_octets(10, 0, 0, 2), 80},
                  {Ipv4Addr::from_octets(10, 0, 0, 1), 40000}};
  Instant now{};
  std::uint64_t written = 0;  // bytes of our stream handed to SEND
  std::uint64_t read = 0;     // bytes of the peer's stream read by the application
  std::vector<std::byte> payload;

  explicit Driver(const Config& cfg) : conn(cfg, &sink, 1) {}

  void check(const char* after) {
    const std::string broken = sanity(conn);
    if (!broken.empty() || !sink.violation().empty()) {
      std::fprintf(stderr, "after %s in %s: %s%s\n", after,
                   std::string(to_string(conn.state())).c_str(), broken.c_str(),
                   sink.violation().c_str());
      std::abort();
    }
  }

  void drain() {
    for (int i = 0; i < 256; ++i) {
      auto s = conn.poll_transmit(now);
      if (!s) break;
      // Our payload bytes are our stream at their offset (first copy or retransmission).
      const auto off = static_cast<std::uint32_t>(s->seq - (kIss + 1));
      for (std::size_t j = 0; j < s->payload.size(); ++j) {
        FUZZ_CHECK(s->payload[j] == our_byte(off + j));
      }
      FUZZ_CHECK(off + s->payload.size() <= written || s->payload.empty());
    }
    check("output");
  }

  TcpOptions options(InputReader& in) {
    TcpOptions o;
    const std::uint8_t which = in.u8();
    if (which & 1) o.mss(in.u16());
    if (which & 2) o.window_scale(in.u8() % 16);
    if (which & 4) o.sack_permitted();
    if (which & 8) o.nop().nop().timestamps(in.u32(), in.u32());
    if (which & 16) {
      SackBlock b[3];
      const std::size_t n = 1 + in.u8() % 3;
      for (std::size_t i = 0; i < n; ++i) {
        b[i].left =
            conn.sender().snd.una + static_cast<SeqLen>(static_cast<std::int16_t>(in.u16()));
        b[i].right = b[i].left + (in.u16() % 8192);
      }
      o.nop().nop().sack(std::span(b, n));
    }
    return o;
  }

  TcpSegment segment(InputReader& in) {
    TcpSegment s;
    s.src_port = tuple.remote.port;
    s.dst_port = tuple.local.port;
    const std::uint8_t mode = in.u8();
    s.flags.bits = in.u8();
    const auto delta = [&] { return static_cast<SeqLen>(static_cast<std::int16_t>(in.u16())); };
    s.seq = (mode & 3) == 0 ? SeqNum(in.u32())
                            : conn.receiver().rcv.nxt + ((mode & 3) == 1 ? 0 : delta());
    const SeqNum ack_base = (mode & 4) ? conn.sender().snd.nxt : conn.sender().snd.una;
    s.ack = (mode & 24) == 0 ? SeqNum(in.u32()) : ack_base + ((mode & 8) ? 0 : delta());
    s.window = in.u16();
    s.options = options(in);
    // The peer's bytes at their stream offsets (from IRS + 1, or this SYN's seq + 1).
    const SeqNum base = is_synchronized(conn.state()) ? conn.receiver().rcv.irs + 1 : s.seq + 1;
    const auto off = static_cast<std::uint32_t>(s.seq + (s.flags.syn() ? 1 : 0) - base);
    payload.resize(in.u16() % 3000);
    for (std::size_t j = 0; j < payload.size(); ++j) payload[j] = peer_byte(off + j);
    s.payload = payload;
    return s;
  }

  void receive_all(std::size_t max) {
    std::vector<std::byte> out(max);
    auto r = conn.receive(out, now);
    if (!r) return;
    for (std::size_t j = 0; j < *r; ++j) {
      if (out[j] != peer_byte(read + j)) {
        std::fprintf(stderr, "read byte %llu wrong: delivered twice, out of order or corrupted\n",
                     static_cast<unsigned long long>(read + j));
        std::abort();
      }
    }
    read += *r;
  }

  void time(InputReader& in) {
    const Instant target = now + milliseconds(in.u16()) * (in.flag() ? 1000 : 1);
    for (int guard = 0; guard < 1000; ++guard) {
      const Instant d = conn.next_deadline();
      if (d > target) break;
      now = std::max(now, d);
      conn.on_timeout(now);
      check("timer");
      drain();
    }
    now = target;
  }

  void send(InputReader& in) {
    std::vector<std::byte> data(in.u16() % 20000);
    for (std::size_t j = 0; j < data.size(); ++j) data[j] = our_byte(written + j);
    if (auto r = conn.send(data, now)) written += *r;
  }

  void user(InputReader& in) {
    switch (in.u8() % 5) {
      case 0:
        (void)conn.close(now);
        break;
      case 1:
        (void)conn.abort(now);
        break;
      case 2:
        conn.detach(now);
        break;
      case 3:
        conn.set_nodelay(in.flag());
        break;
      default:
        conn.set_keepalive(in.flag(), now);
        break;
    }
  }
};

Config config_for(std::uint8_t choice) {
  Config c = (choice & 3) == 1   ? Config::linux_defaults()
             : (choice & 3) == 2 ? Config::freebsd_defaults()
                                 : Config{};
  c.rcv_buf = (choice & 4) ? 4096 : 65536;
  c.snd_buf = (choice & 8) ? 4096 : 32768;
  c.timestamps = (choice & 16) != 0;
  c.sack = (choice & 32) != 0;
  c.delayed_ack = (choice & 64) ? milliseconds(40) : Duration::zero();
  c.fixed_iss = kIss.raw();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  InputReader in(data, size);
  const std::uint8_t choice = in.u8();
  const Config cfg = config_for(choice);
  Driver d(cfg);
  if (choice & 128) {  // passive: a listener child built from the peer's SYN
    TcpSegment syn = d.segment(in);
    syn.flags.bits = TcpFlags::kSyn;
    syn.payload = {};
    d.conn = Connection::accept_syn(cfg, &d.sink, 1, d.tuple, syn, kIss, d.now);
  } else {
    (void)d.conn.open_active(d.tuple, kIss, d.now);
  }
  d.check("open");
  d.drain();
  for (int ops = 0; ops < 512 && !in.empty(); ++ops) {
    switch (in.u8() % 6) {
      case 0: {
        const TcpSegment s = d.segment(in);
        d.conn.on_segment(s, d.now);
        d.check("segment");
        break;
      }
      case 1:
        d.time(in);
        break;
      case 2:
        d.send(in);
        d.check("send");
        break;
      case 3:
        d.receive_all(in.u16() % 70000);
        d.check("receive");
        break;
      case 4:
        d.user(in);
        d.check("user call");
        break;
      default:
        d.drain();
        break;
    }
  }
  d.drain();
  d.receive_all(1 << 20);
  return 0;
}
