// SPDX-License-Identifier: Apache-2.0
// Connection lifecycle rate: connect + accept + 1-byte request + 1-byte
// response + close (client first, so the client keeps a TIME-WAIT entry),
// repeated between two synack stacks in one thread (bench::Link: wire order,
// delayed ACK on, so the 1-byte response carries the ACK of the request).
// Prints connections per second (one core).
//
// TIME-WAIT entries are kept: virtual time advances by 2·MSL / 16384 per
// connection, so in steady state about 16k entries are alive (the ephemeral
// port range holds 28k) and each expires through the timer wheel after 2·MSL.
// Usage: lifecycle_bench [--quick] [--count N]
#include <cstdlib>

#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"

namespace synack::bench {
namespace {

void run(std::uint64_t count, double time_limit_s) {
  Link link(stack_config(kAddrA, 1500, 65536), stack_config(kAddrB, 1500, 65536));
  const Fd lfd = link.listen(80);
  const Duration step = 2 * link.a.config().tcp.msl / 16384;
  const std::byte req[1] = {std::byte{'?'}};
  std::byte buf[16];
  std::uint64_t done = 0, failed = 0;
  std::size_t max_tw = 0;
  const auto start = Clock::now();
  const double cpu0 = cpu_seconds();
  while (done < count && failed < 100) {
    auto [cfd, sfd] = link.connect(lfd, 80);
    if (cfd < 0) {
      ++failed;
      link.now += step;
      continue;
    }
    bool ok = link.a.send(cfd, req, link.now).value_or(0) == 1;
    link.pump();
    ok = ok && link.b.recv(sfd, buf, 0, link.now).value_or(0) == 1;
    ok = ok && link.b.send(sfd, req, link.now).value_or(0) == 1;
    link.pump();
    ok = ok && link.a.recv(cfd, buf, 0, link.now).value_or(0) == 1;
    (void)link.a.close(cfd, link.now);
    link.pump();
    ok = ok && link.b.recv(sfd, buf, 0, link.now).value_or(1) == 0;  // EOF
    (void)link.b.close(sfd, link.now);
    link.pump();
    failed += ok ? 0 : 1;
    ++done;
    link.now += step;
    if (link.a.next_deadline() <= link.now) link.a.on_timeout(link.now);
    if (link.b.next_deadline() <= link.now) link.b.on_timeout(link.now);
    max_tw = std::max(max_tw, link.a.time_wait_count());
    if ((done & 255) == 0 && seconds_since(start) > time_limit_s) break;
  }
  const double secs = seconds_since(start);
  row("lifecycle.synack", static_cast<double>(done) / secs, "conn/s",
      {{"connections", done},
       {"failed", failed},
       {"seconds", secs},
       {"cpu_seconds", cpu_seconds() - cpu0},
       {"time_wait_max", max_tw},
       {"time_wait_end", link.a.time_wait_count()},
       {"tcbs_end", link.a.tcb_count() + link.b.tcb_count()},
       {"packets", link.packets_ab + link.packets_ba}});
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"connect + request + response + close rate of one synack stack pair",
               "lifecycle_bench"};
  bool quick = false;
  std::uint64_t count = 0;
  add_quick_flag(app, quick);
  app.add_option("--count", count, "connections (default 2000000, --quick 5000)")
      ->check(CLI::PositiveNumber);
  parse_or_exit(app, argc, argv);
  if (count == 0) count = quick ? 5000 : 2000000;
  run(count, quick ? 3 : 8);
}
