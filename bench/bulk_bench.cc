// Bulk throughput: two synack stacks in one thread over a zero-delay
// in-memory link (bench::Link), one connection, bytes one way, at MTU 1500,
// 9000 and 65535. Prints Gbit/s of application payload and wall ns per data
// segment (a→b packets). Usage: bulk_bench [--quick]
//
// Both sockets get 4 MiB buffers (Linux loopback autotunes to about that).
// For profiling one size: bulk_bench --mtu 1500 [--bytes N].
#include <cstdlib>
#include <cstring>

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
  const std::uint64_t packets0 = link.packets_ab;
  const auto start = Clock::now();
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
  const std::uint64_t segs = link.packets_ab - packets0;
  row(id, static_cast<double>(received) * 8 / secs / 1e9, "Gbit/s",
      {{"bytes", received},
       {"seconds", secs},
       {"segments", segs},
       {"ns_per_segment", secs * 1e9 / static_cast<double>(std::max<std::uint64_t>(segs, 1))},
       {"acks", link.packets_ba},
       {"complete", received >= total}});
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  const bool quick = quick_mode(argc, argv);
  std::uint64_t total = quick ? (32ull << 20) : (1ull << 30);
  const double limit = quick ? 5 : 60;
  std::vector<std::uint16_t> mtus{1500, 9000, 65535};
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--mtu") mtus = {static_cast<std::uint16_t>(std::strtoul(argv[i + 1], nullptr, 10))};
    if (a == "--bytes") total = std::strtoull(argv[i + 1], nullptr, 10);
  }
  for (std::uint16_t mtu : mtus) {
    if (mtu < 576) {
      std::fprintf(stderr, "bulk_bench: --mtu must be in 576..65535\n");
      return 2;
    }
    run(mtu, total, limit);
  }
}
