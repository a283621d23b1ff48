// SPDX-License-Identifier: Apache-2.0
// SYN flood: spoofed SYNs at `--rate` per second of virtual time (default
// 100,000) against a listener with backlog 128 (default configuration: SYN
// cookies when the SYN queue is full, RFC 4987 §3.6) while a legitimate client
// stack opens `--legit-rate` connections per second (default 200). Every
// spoofed source is different (198.18.0.0/15, RFC 2544 benchmark space) and
// never answers; the server's SYN-ACKs to them are discarded.
//
// Reports the share of legitimate handshakes completed (client ESTABLISHED and
// the server's accept() returned it, within 3 s of the connect), and memory:
// RSS and the server's tables (SYN queue, TCBs) after the first quarter and at
// the end — flat means the flood costs no state beyond the bounded SYN queue.
// Usage: synflood_bench [--quick] [--seconds S] [--rate N] [--legit-rate N]
#include <cstdlib>
#include <deque>

#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"

namespace synack::bench {
namespace {

struct Options {
  double seconds = 10;
  std::uint64_t rate = 100000;
  std::uint64_t legit_rate = 200;
};

std::vector<std::byte> spoofed_syn(std::uint64_t i) {
  TcpSegment s;
  const auto src = Ipv4Addr{(198u << 24) | (18u << 16) | static_cast<std::uint32_t>(i & 0x1ffff)};
  s.src_port = static_cast<std::uint16_t>(1024 + (i * 7919) % 60000);
  s.dst_port = 80;
  s.seq = SeqNum(static_cast<std::uint32_t>(i * 2654435761u));
  s.flags = TcpFlags{TcpFlags::kSyn};
  s.window = 65535;
  s.options.mss(1460).sack_permitted().nop().window_scale(7);
  std::vector<std::byte> p(Ipv4Header::kSize + s.wire_size());
  emit_ipv4_tcp(p, Ipv4Header{.src = src, .dst = kAddrB}, s);
  return p;
}

struct Pending {
  Fd fd;
  Instant started;
};

void run(const Options& o) {
  StackConfig server_cfg = stack_config(kAddrB, 1500, 65536);
  server_cfg.max_connections = 1u << 16;
  Link link(stack_config(kAddrA, 1500, 65536), server_cfg);
  Stack& client = link.a;
  Stack& server = link.b;
  const Fd lfd = *server.socket();
  (void)server.bind(lfd, {Ipv4Addr{}, 80});
  (void)server.listen(lfd, 128, link.now);

  const Duration step = microseconds(1'000'000 / static_cast<std::int64_t>(o.rate));
  const auto steps = static_cast<std::uint64_t>(o.seconds * static_cast<double>(o.rate));
  const std::uint64_t legit_every = std::max<std::uint64_t>(1, o.rate / o.legit_rate);
  const Duration deadline = seconds(3);
  std::deque<Pending> pending;
  std::uint64_t legit = 0, completed = 0, late = 0, accepted = 0;
  std::size_t rss_quarter = 0, syn_queue_quarter = 0, tcb_quarter = 0, max_syn_queue = 0;
  const auto start = Clock::now();
  Instant now = link.now;
  for (std::uint64_t i = 0; i < steps; ++i) {
    now += step;
    server.receive(spoofed_syn(i), now);
    if (i % legit_every == 0) {
      const Fd fd = *client.socket();
      (void)client.connect(fd, {kAddrB, 80}, now);
      pending.push_back({fd, now});
      ++legit;
    }
    // The wire: client ↔ server at once; the server's packets to spoofed
    // sources go nowhere.
    for (int round = 0; round < 8; ++round) {
      bool moved = false;
      while (auto p = client.poll_transmit(now)) {
        server.receive(*p, now);
        moved = true;
      }
      while (auto p = server.poll_transmit(now)) {
        if (auto ip = Ipv4View::parse(*p); ip && ip->dst() == kAddrA) client.receive(*p, now);
        moved = true;
      }
      if (!moved) break;
    }
    if (client.next_deadline() <= now) client.on_timeout(now);
    if (server.next_deadline() <= now) server.on_timeout(now);
    while (auto s = server.accept(lfd)) {
      ++accepted;
      (void)server.close(*s, now);
    }
    while (!pending.empty()) {
      Pending& p = pending.front();
      const bool up = (client.poll(p.fd) & kPollOut) != 0;
      if (!up && now - p.started < deadline) break;
      if (up)
        ++completed;
      else
        ++late;
      (void)client.close(p.fd, now);
      pending.pop_front();
    }
    max_syn_queue = std::max(max_syn_queue, server.count_in_state(tcp::State::kSynReceived));
    if (i == steps / 4) {
      rss_quarter = rss_bytes();
      syn_queue_quarter = server.count_in_state(tcp::State::kSynReceived);
      tcb_quarter = server.tcb_count();
    }
  }
  const double wall = seconds_since(start);
  const std::uint64_t judged = completed + late;
  std::uint64_t cookies = 0;
  for (const auto& [name, v] : server.stats()) {
    if (name == "syn_cookies_sent") cookies = v;
  }
  row("synflood.synack.legit_completed",
      judged ? 100.0 * static_cast<double>(completed) / static_cast<double>(judged) : 0, "%",
      {{"spoofed_syns", steps},
       {"spoofed_per_virtual_s", o.rate},
       {"virtual_seconds", o.seconds},
       {"backlog", 128},
       {"legit_attempts", legit},
       {"legit_judged", judged},
       {"legit_completed", completed},
       {"server_accepted", accepted},
       {"syn_cookies_sent", cookies},
       {"max_syn_queue", max_syn_queue},
       {"syn_queue_quarter", syn_queue_quarter},
       {"syn_queue_end", server.count_in_state(tcp::State::kSynReceived)},
       {"tcb_quarter", tcb_quarter},
       {"tcb_end", server.tcb_count()},
       {"rss_quarter_mib", static_cast<double>(rss_quarter) / (1 << 20)},
       {"rss_end_mib", static_cast<double>(rss_bytes()) / (1 << 20)},
       {"wall_seconds", wall},
       {"spoofed_per_wall_s", static_cast<double>(steps) / wall}});
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"spoofed SYN flood vs a listener with backlog 128, legitimate clients alongside",
               "synflood_bench"};
  Options o;
  bool quick = false;
  add_quick_flag(app, quick);
  app.add_option("--seconds", o.seconds, "virtual seconds of flood (default 10, --quick 1)")
      ->check(CLI::PositiveNumber);
  app.add_option("--rate", o.rate, "spoofed SYNs per virtual second (default 100000)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--legit-rate", o.legit_rate,
                 "legitimate connections per virtual second (default 200)")
      ->check(CLI::Range(1, 100000));
  parse_or_exit(app, argc, argv);
  if (quick && app.count("--seconds") == 0) o.seconds = 1;
  run(o);
}
