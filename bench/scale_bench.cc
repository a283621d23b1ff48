// SPDX-License-Identifier: Apache-2.0
// Memory and scale: one synack stack (bench::Server) holding N idle
// ESTABLISHED connections opened by hand-made client segments, then the same N
// in TIME-WAIT. Prints bytes per connection (RSS delta / N: TCB, socket entry,
// demux slot, timer node, buffers as allocated), sizeof(tcp::Connection) and
// sizeof(tcp::TimeWaitEntry), and the per-segment cost (one 64-byte data
// segment to a random connection: receive, ACK out, recv) at N connections.
// Usage: scale_bench --n N [--time-wait] [--open-seconds S] (one N per process)
#include <malloc.h>

#include <cstdlib>
#include <random>

#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"

namespace synack::bench {
namespace {

double per_segment_ns(Server& s, std::size_t segments) {
  std::mt19937 rng(7);
  const std::size_t n = s.established();
  std::vector<std::uint32_t> order(segments);
  for (auto& o : order) o = static_cast<std::uint32_t>(rng() % n);
  std::size_t unacked = 0;
  const auto start = Clock::now();
  for (std::uint32_t i : order) unacked += s.data_segment(i, 64) ? 0 : 1;
  const double ns = seconds_since(start) * 1e9 / static_cast<double>(segments);
  if (unacked != 0) std::fprintf(stderr, "scale_bench: %zu segments not ACKed\n", unacked);
  return ns;
}

// `n`: the connections asked for; rows are named after it. When opening them
// takes longer than `open_limit_s`, the run goes on with those opened so far
// and the rows say how many (`connections`) in a note.
void run(std::size_t n, bool time_wait, double open_limit_s) {
  const std::string N = std::to_string(n);
  Server s(n, /*reserve_only=*/true);
  malloc_trim(0);
  const std::size_t rss0 = rss_bytes();
  const auto start = Clock::now();
  s.open(n, open_limit_s);
  const double open_s = seconds_since(start);
  const std::size_t opened = s.established();
  if (opened < 1000) return skipped("scale.synack.established." + N, "could not open connections");
  nlohmann::json extra{{"connections", opened},
                       {"open_seconds", open_s},
                       {"sizeof_connection", sizeof(tcp::Connection)}};
  if (opened != n) {
    extra["note"] = "time limit: opened " + std::to_string(opened) + " of " + N + " in " +
                    std::to_string(static_cast<int>(open_s)) + " s";
  }
  n = opened;
  const std::size_t rss1 = rss_bytes();
  extra["rss_delta"] = rss1 - rss0;
  row("scale.synack.established." + N, static_cast<double>(rss1 - rss0) / static_cast<double>(n),
      "B/conn", extra);
  // Per-segment cost: first one segment to every connection (the first data
  // allocates its receive buffer: not steady state), then random ones.
  for (std::size_t i = 0; i < n; ++i) (void)s.data_segment(i, 64);
  const std::size_t segs = 200000;
  row("scale.synack.segment_ns." + N, per_segment_ns(s, segs), "ns/seg",
      {{"segments", segs}, {"connections", n}});
  if (!time_wait) return;
  const std::size_t rss2 = rss_bytes();
  s.to_time_wait();
  malloc_trim(0);
  const std::size_t rss3 = rss_bytes();
  const std::size_t tw = s.stack.time_wait_count();
  row("scale.synack.time_wait." + N,
      static_cast<double>(rss3 > rss0 ? rss3 - rss0 : 0) / static_cast<double>(n), "B/conn",
      {{"time_wait_entries", tw},
       {"connections", n},
       {"tcbs_left", s.stack.tcb_count()},
       {"rss_before_close", rss2 - rss0},
       {"sizeof_time_wait_entry", sizeof(tcp::TimeWaitEntry)},
       {"method", "RSS after malloc_trim over the empty-stack baseline"}});
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"bytes per idle ESTABLISHED / TIME-WAIT connection and per-segment cost at N",
               "scale_bench"};
  std::size_t n = 10000;
  bool tw = false;
  bool sizes = false;
  synack::Duration open_limit = std::chrono::hours(24 * 365);
  app.add_option("--n", n, "connections (default 10000)")->check(CLI::Range(1, 1 << 21));
  add_seconds_option(app, "--open-seconds", open_limit,
                     "stop opening connections after this long: 90 or 90s (default: no limit)");
  app.add_flag("--time-wait", tw, "also measure N connections in TIME-WAIT");
  app.add_flag("--sizes", sizes, "print sizeof(tcp::Connection) and of a TIME-WAIT entry only");
  parse_or_exit(app, argc, argv);
  if (sizes) {
    row("sizeof.tcp_connection", sizeof(synack::tcp::Connection), "B");
    row("sizeof.time_wait_entry", sizeof(synack::tcp::TimeWaitEntry), "B");
    return 0;
  }
  run(n, tw, to_seconds(open_limit));
}
