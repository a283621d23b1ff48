// SPDX-License-Identifier: Apache-2.0
// Latency: 1-byte ping-pong between two synack stacks in one thread
// (bench::Link, zero-delay link in wire order, delayed ACK on: each byte's
// ACK rides on the answer). One round trip = send on a, deliver, recv on b,
// send on b, deliver, recv on a (ACKs included). Prints p50 and p99 of
// the wall time per round trip in ns. Usage: latency_bench [--quick]
#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"

namespace synack::bench {
namespace {

void run(std::size_t rounds) {
  Link link(stack_config(kAddrA, 1500, 65536), stack_config(kAddrB, 1500, 65536));
  const Fd lfd = link.listen(7);
  auto [cfd, sfd] = link.connect(lfd, 7);
  if (cfd < 0) return skipped("pingpong.synack.p50", "connection did not open");
  const std::byte one[1] = {std::byte{1}};
  std::byte buf[16];
  std::vector<double> ns;
  ns.reserve(rounds);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < rounds + rounds / 10; ++i) {
    const auto t0 = Clock::now();
    (void)link.a.send(cfd, one, link.now);
    link.pump();
    bad += link.b.recv(sfd, buf, 0, link.now).value_or(0) == 1 ? 0 : 1;
    (void)link.b.send(sfd, one, link.now);
    link.pump();
    bad += link.a.recv(cfd, buf, 0, link.now).value_or(0) == 1 ? 0 : 1;
    const auto t1 = Clock::now();
    if (i >= rounds / 10) ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  const double p99 = percentile(ns, 0.99);
  const double p50 = percentile(ns, 0.50);
  row("pingpong.synack.p50", p50, "ns", {{"rounds", rounds}, {"errors", bad}});
  row("pingpong.synack.p99", p99, "ns", {{"rounds", rounds}, {"errors", bad}});
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"1-byte ping-pong latency (p50, p99) between two synack stacks", "latency_bench"};
  bool quick = false;
  add_quick_flag(app, quick);
  parse_or_exit(app, argc, argv);
  run(quick ? 20000 : 500000);
}
