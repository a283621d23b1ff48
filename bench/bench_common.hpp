// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the synack benchmark programs (bench/*.cc): a two-stack
// in-memory link and a one-stack "server" fed by hand-made client segments.
// Result rows, timing and the byte pattern are in bench/bench_rows.hpp.
// Benchmarks only: everything here may read clocks.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "bench/bench_rows.hpp"
#include "stack/stack.hpp"
#include "wire/tcp.hpp"

namespace synack::bench {

/// Delayed ACK of the in-process benchmarks' receivers: Linux's TCP_DELACK_MIN
/// and FreeBSD's delacktime (the engine's default, 0, ACKs every segment). With
/// it every second full-sized segment is ACKed at once (RFC 5681 §4.2), as by
/// Linux and lwIP do, so the ACK frequency is a real wire's (bench::Link).
inline constexpr Duration kBenchDelayedAck = milliseconds(40);

/// Stack configurations for the in-process benchmarks: fixed secrets, MSS
/// from the MTU, buffers of `buf` bytes each way, delayed ACK kBenchDelayedAck.
inline StackConfig stack_config(Ipv4Addr addr, std::uint16_t mtu, std::uint32_t buf) {
  StackConfig c;
  c.address = addr;
  c.mtu = mtu;
  c.secret = SipKey{1, 2};
  c.tcp.isn_secret = SipKey{3, 4};
  c.tcp.mss = static_cast<std::uint16_t>(mtu - 40);
  c.tcp.rcv_buf = buf;
  c.tcp.snd_buf = buf;
  c.tcp.delayed_ack = kBenchDelayedAck;
  c.max_connections = 1u << 21;
  c.max_time_wait = 1u << 21;
  return c;
}

inline const Ipv4Addr kAddrA = Ipv4Addr::from_octets(10, 0, 0, 1);
inline const Ipv4Addr kAddrB = Ipv4Addr::from_octets(10, 0, 0, 2);

/// Two stacks joined by a zero-delay in-memory link in one thread, in wire
/// order: pump() moves one packet a→b, then one b→a, and so on until both are
/// quiet, so a receiver's answer (its ACK, by its delayed-ACK policy) reaches
/// the sender before the sender's next packet, as on a real wire with zero
/// propagation delay. Each packet goes straight from one stack's
/// poll_transmit() to the other's receive() (no copy, no queue). Virtual time
/// advances by `tick` per pump() and due timers fire then, so RTT samples and
/// timers stay sane.
class Link {
 public:
  Link(StackConfig config_a, StackConfig config_b)
      : a(std::move(config_a)), b(std::move(config_b)) {}
  Stack a, b;
  Instant now = Instant{} + std::chrono::seconds(1);
  Duration tick = microseconds(10);
  std::uint64_t packets_ab = 0, packets_ba = 0;

  /// Moves packets until neither stack has output; returns packets moved.
  std::uint64_t pump() {
    std::uint64_t moved = 0;
    for (bool busy = true; busy;) {
      busy = false;
      if (auto p = a.poll_transmit(now)) {
        b.receive(*p, now);
        ++packets_ab;
        ++moved;
        busy = true;
      }
      if (auto p = b.poll_transmit(now)) {
        a.receive(*p, now);
        ++packets_ba;
        ++moved;
        busy = true;
      }
    }
    now += tick;
    if (a.next_deadline() <= now) a.on_timeout(now);
    if (b.next_deadline() <= now) b.on_timeout(now);
    return moved;
  }

  /// Connects a client socket on `a` to a listener `lfd` on `b` (port `port`);
  /// returns {client fd, server fd} or {-1, -1}.
  std::pair<Fd, Fd> connect(Fd lfd, std::uint16_t port) {
    auto fd = a.socket();
    if (!fd) return {-1, -1};
    (void)a.connect(*fd, {kAddrB, port}, now);
    for (int i = 0; i < 100; ++i) {
      pump();
      if (auto s = b.accept(lfd)) return {*fd, *s};
    }
    return {-1, -1};
  }

  /// A listening socket on `b`, or -1.
  Fd listen(std::uint16_t port) {
    auto fd = b.socket();
    if (!fd || !b.bind(*fd, {Ipv4Addr{}, port}) || !b.listen(*fd, 4096, now)) return -1;
    return *fd;
  }
};

/// Tuples of `n` distinct connections as the server 10.0.0.2:80 sees them:
/// remote addresses 11.0.0.0/8, 16 ports each.
inline std::vector<tcp::FourTuple> server_tuples(std::size_t n) {
  std::vector<tcp::FourTuple> t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = {{kAddrB, 80},
            {Ipv4Addr{(11u << 24) | static_cast<std::uint32_t>(i >> 4)},
             static_cast<std::uint16_t>(20000 + (i & 15))}};
  }
  return t;
}

/// One stack (10.0.0.2) listening on port 80, driven by hand-made client
/// segments: `n` connections are opened (SYN, SYN-ACK read back, ACK,
/// accept()), after which single data segments can be sent to any of them.
/// The clients are not stacks: 16 bytes of state each, allocated up front.
class Server {
 public:
  explicit Server(std::size_t n, bool reserve_only = false)
      : stack(server_config()), tuples_(server_tuples(n)), clients_(n) {
    auto fd = stack.socket();
    (void)stack.bind(*fd, {Ipv4Addr{}, 80});
    (void)stack.listen(*fd, 4096, now);
    listen_fd_ = *fd;
    payload_ = pattern(1460);
    sink_.resize(65536);
    if (!reserve_only) open(n);
  }

  Stack stack;
  Instant now = Instant{} + std::chrono::seconds(1);

  /// The server's configuration: every segment ACKed at once (no delayed
  /// ACK), so data_segment() reads one ACK back per segment.
  static StackConfig server_config() {
    StackConfig c = stack_config(kAddrB, 1500, 65536);
    c.tcp.delayed_ack = Duration::zero();
    return c;
  }

  /// Opens connections [established(), n), stopping early after `limit_s`
  /// seconds of wall time (checked every 1024 connections).
  void open(std::size_t n, double limit_s = 1e9) {
    const auto start = Clock::now();
    for (std::size_t i = established_; i < n && i < clients_.size(); ++i) {
      if ((i & 1023) == 0 && i != 0 && seconds_since(start) > limit_s) return;
      Client& c = clients_[i];
      c.snd_nxt = SeqNum(static_cast<std::uint32_t>(i * 7919u));
      TcpSegment syn = base(i, TcpFlags::kSyn);
      syn.window = 65535;
      syn.options.mss(1460).sack_permitted().nop().window_scale(7);
      inject(i, syn);
      auto synack = take_reply();
      if (!synack || !synack->flags.syn()) return;
      c.snd_nxt = c.snd_nxt + 1;
      c.rcv_nxt = synack->seq + 1;
      inject(i, base(i, TcpFlags::kAck));
      drain();
      auto s = stack.accept(listen_fd_);
      if (!s) return;
      c.fd = *s;
      established_ = i + 1;
    }
  }
  [[nodiscard]] std::size_t established() const { return established_; }

  /// One `len`-byte data segment to connection `i`, its ACK read back, the
  /// data read with recv(). Returns false if the stack did not ACK it.
  bool data_segment(std::size_t i, std::size_t len) {
    Client& c = clients_[i];
    TcpSegment seg = base(i, TcpFlags::kAck | TcpFlags::kPsh);
    seg.payload = Bytes(payload_).first(len);
    inject(i, seg);
    c.snd_nxt = c.snd_nxt + static_cast<SeqLen>(len);
    bool acked = false;
    while (auto p = stack.poll_transmit(now)) acked = true;
    (void)stack.recv(c.fd, sink_, 0, now);
    return acked;
  }

  /// Takes every established connection to TIME-WAIT on the server side:
  /// close() (FIN), the client ACKs it and sends its own FIN.
  void to_time_wait() {
    for (std::size_t i = 0; i < established_; ++i) {
      Client& c = clients_[i];
      (void)stack.close(c.fd, now);
      auto fin = take_reply();
      if (!fin) continue;
      c.rcv_nxt = fin->seq + fin->seg_len();
      inject(i, base(i, TcpFlags::kAck | TcpFlags::kFin));
      c.snd_nxt = c.snd_nxt + 1;
      drain();
    }
  }

 private:
  struct Client {
    SeqNum snd_nxt, rcv_nxt;
    Fd fd = -1;
  };

  TcpSegment base(std::size_t i, std::uint16_t flags) const {
    TcpSegment s;
    s.src_port = tuples_[i].remote.port;
    s.dst_port = 80;
    s.seq = clients_[i].snd_nxt;
    s.ack = clients_[i].rcv_nxt;
    s.flags.bits = flags;
    s.window = 65535;
    return s;
  }
  void inject(std::size_t i, const TcpSegment& seg) {
    Ipv4Header ip;
    ip.src = std::get<Ipv4Addr>(tuples_[i].remote.addr);
    ip.dst = kAddrB;
    const std::size_t n = emit_ipv4_tcp(packet_, ip, seg);
    stack.receive(Bytes(packet_).first(n), now);
  }
  std::optional<TcpSegment> take_reply() {
    std::optional<TcpSegment> first;
    while (auto p = stack.poll_transmit(now)) {
      if (first) continue;
      auto parsed = parse_ipv4_tcp(*p);
      if (parsed) {
        first = parsed->tcp;
        first->payload = {};  // points into the stack's buffer
      }
    }
    return first;
  }
  void drain() {
    while (stack.poll_transmit(now)) {
    }
  }

  std::vector<tcp::FourTuple> tuples_;
  std::vector<Client> clients_;
  std::size_t established_ = 0;
  Fd listen_fd_ = -1;
  std::vector<std::byte> payload_, sink_;
  std::array<std::byte, 2048> packet_{};
};

}  // namespace synack::bench
