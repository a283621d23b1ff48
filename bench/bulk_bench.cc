// SPDX-License-Identifier: Apache-2.0
// Bulk throughput: two synack stacks in one thread over a zero-delay
// in-memory link in wire order (bench::Link: each ACK reaches the sender
// right after the data it answers; the receiver ACKs every second segment),
// one connection, bytes one way, at MTU 1500, 9000 and 65535. Data is copied
// in by send() and out by recv(); every checksum is computed and verified.
// Prints Gbit/s of application payload, wall ns per data segment (a→b
// packets) and data segments per ACK (b→a packets). Usage: bulk_bench [--quick]
//
// Both sockets get 4 MiB buffers (Linux loopback autotunes to about that).
// For profiling one size: bulk_bench --mtu 1500 [--bytes N].
#include <cstdlib>
#include <cstring>

#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"

namespace synack::bench {
namespace {

void run(std::uint16_t mtu, std::uint64_t total, double time_limit_s) {
  constexpr std::uint32_t kBuf = 4u << 20;
  Link link(stack_config(kAddrA, mtu, kBuf), stack_config(kAddrB, mtu, kBuf));
  const Fd lfd = link.listen(5001);
  auto [cfd, sfd] = link.connect(lfd, 5001);
  const std::string id = "bulk.synack." + std::to_string(mtu);
  if (cfd < 0) return skipped(id, "connection did not open");
  const auto src = pattern(256 * 1024);
  std::vector<std::byte> dst(256 * 1024);
  std::uint64_t sent = 0, received = 0;
  const std::uint64_t packets0 = link.packets_ab, acks0 = link.packets_ba;
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  std::uint64_t loops = 0;
  while (received < total) {
    while (sent < total) {
      const std::size_t want = std::min<std::uint64_t>(src.size(), total - sent);
      auto n = link.a.send(cfd, Bytes(src).first(want), link.now);
      if (!n || *n == 0) break;
      sent += *n;
    }
    link.pump();
    for (;;) {
      auto n = link.b.recv(sfd, dst, 0, link.now);
      if (!n || *n == 0) break;
      received += *n;
    }
    if ((++loops & 63) == 0 && seconds_since(start) > time_limit_s) break;
  }
  const double secs = seconds_since(start);
  const std::uint64_t segs = link.packets_ab - packets0, acks = link.packets_ba - acks0;
  row(id, static_cast<double>(received) * 8 / secs / 1e9, "Gbit/s",
      {{"bytes", received},
       {"seconds", secs},
       {"cpu_seconds", cpu_seconds() - cpu0},
       {"segments", segs},
       {"ns_per_segment", secs * 1e9 / static_cast<double>(std::max<std::uint64_t>(segs, 1))},
       {"acks", acks},
       {"segments_per_ack", segments_per_ack(segs, acks)},
       {"complete", received >= total}});
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"bulk one way between two synack stacks in one thread; one JSON row per MTU",
               "bulk_bench"};
  bool quick = false;
  std::uint64_t total = 0;
  std::uint16_t mtu = 0;
  add_quick_flag(app, quick);
  add_bytes_option(app, "--bytes", total, "bytes per run (default 1GiB, --quick 32MiB)");
  app.add_option("--mtu", mtu, "one MTU instead of 1500, 9000 and 65535")
      ->check(CLI::Range(576, 65535));
  parse_or_exit(app, argc, argv);
  if (total == 0) total = quick ? (32ull << 20) : (1ull << 30);
  const double limit = quick ? 5 : 60;
  const std::vector<std::uint16_t> mtus =
      mtu != 0 ? std::vector<std::uint16_t>{mtu} : std::vector<std::uint16_t>{1500, 9000, 65535};
  for (std::uint16_t m : mtus) run(m, total, limit);
}
