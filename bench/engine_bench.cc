// SPDX-License-Identifier: Apache-2.0
// Micro benchmarks of the engine and the stack's tables (Google Benchmark).
// Run: scripts/bench.sh (all of `make bench`) or build/bench/bench/engine_bench.
//
//   BM_SegmentArrival        one in-order 1448-byte data segment into an
//                            ESTABLISHED tcp::Connection: on_segment, the ACK
//                            from poll_transmit, and the RECEIVE that drains it
//                            (ns per segment)
//   BM_TimerWheel/insert_cancel  schedule + cancel of one timer among 10k armed
//   BM_TimerWheel/expire     schedule one timer 1 tick ahead, advance: fires it
//   BM_DemuxLookup/N         FlatMap<FourTuple, slot, TupleHash> find() among N
//                            connections (the stack's demux table), random keys
//   BM_StackReceive/N        Stack::receive of a 64-byte data segment for one of
//                            N established connections, plus its ACK and recv()
//                            (see scale_bench for the 1M-connection run)
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "base/flat_map.hpp"
#include "base/timer_wheel.hpp"
#include "bench/bench_common.hpp"
#include "stack/stack.hpp"
#include "tcp/connection.hpp"

namespace synack {
namespace {

const tcp::FourTuple kTuple{{Ipv4Addr::from_octets(10, 0, 0, 1), 40000},
                            {Ipv4Addr::from_octets(10, 0, 0, 2), 80}};

// A client connection taken to ESTABLISHED by hand: SYN out, SYN-ACK in.
tcp::Connection established(SeqNum iss, SeqNum irs) {
  tcp::Config cfg;
  cfg.rcv_buf = 1 << 20;
  tcp::Connection c(cfg);
  (void)c.open_active(kTuple, iss, Instant{});
  while (c.poll_transmit(Instant{})) {
  }
  TcpSegment synack;
  synack.src_port = kTuple.remote.port;
  synack.dst_port = kTuple.local.port;
  synack.seq = irs;
  synack.ack = iss + 1;
  synack.flags.bits = TcpFlags::kSyn | TcpFlags::kAck;
  synack.window = 65535;
  synack.options.mss(1460).sack_permitted().nop().window_scale(7);
  c.on_segment(synack, Instant{});
  while (c.poll_transmit(Instant{})) {
  }
  return c;
}

void BM_SegmentArrival(benchmark::State& state) {
  const SeqNum iss(1000), irs(5000);
  tcp::Connection c = established(iss, irs);
  if (c.state() != tcp::State::kEstablished) state.SkipWithError("not ESTABLISHED");
  const auto payload = bench::pattern(1448);
  std::vector<std::byte> sink(4096);
  TcpSegment seg;
  seg.src_port = kTuple.remote.port;
  seg.dst_port = kTuple.local.port;
  seg.ack = iss + 1;
  seg.flags.bits = TcpFlags::kAck | TcpFlags::kPsh;
  seg.window = 65535 >> 7;
  seg.payload = payload;
  SeqNum next = irs + 1;
  Instant now{};
  for (auto _ : state) {
    seg.seq = next;
    c.on_segment(seg, now);
    while (auto out = c.poll_transmit(now)) benchmark::DoNotOptimize(out->ack);
    auto got = c.receive(sink, now);
    benchmark::DoNotOptimize(got);
    next = next + 1448;
    now += microseconds(1);
  }
  if (c.state() != tcp::State::kEstablished) state.SkipWithError("left ESTABLISHED");
  state.SetBytesProcessed(state.iterations() * 1448);
}
BENCHMARK(BM_SegmentArrival);

void BM_TimerWheelInsertCancel(benchmark::State& state) {
  TimerWheel wheel;
  constexpr std::uint32_t kArmed = 10000;
  for (std::uint32_t i = 0; i < kArmed; ++i)
    wheel.schedule(i, Instant{} + milliseconds(1 + i % 5000));
  std::uint32_t id = kArmed;
  std::int64_t ms = 1;
  for (auto _ : state) {
    wheel.schedule(id, Instant{} + milliseconds(ms));
    wheel.cancel(id);
    ms = ms % 100000 + 7;
  }
  benchmark::DoNotOptimize(wheel.size());
}
BENCHMARK(BM_TimerWheelInsertCancel)->Name("BM_TimerWheel/insert_cancel");

void BM_TimerWheelExpire(benchmark::State& state) {
  TimerWheel wheel;
  Instant now{};
  std::uint64_t fired = 0;
  for (auto _ : state) {
    wheel.schedule(1, now + milliseconds(1));
    now += milliseconds(1);
    wheel.advance(now, [&](TimerWheel::Id) { ++fired; });
  }
  if (fired != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("missed expiry");
}
BENCHMARK(BM_TimerWheelExpire)->Name("BM_TimerWheel/expire");

void BM_DemuxLookup(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto tuples = bench::server_tuples(n);
  FlatMap<tcp::FourTuple, std::uint32_t, TupleHash> map(16, TupleHash{0x0123, 0x4567});
  for (std::size_t i = 0; i < n; ++i) map.insert(tuples[i], static_cast<std::uint32_t>(i));
  std::vector<std::uint32_t> order(1 << 16);
  std::mt19937 rng(42);
  for (auto& o : order) o = static_cast<std::uint32_t>(rng() % n);
  std::size_t k = 0;
  for (auto _ : state) {
    const std::uint32_t* v = map.find(tuples[order[k++ & 0xffff]]);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_DemuxLookup)->Arg(1000)->Arg(1000000);

void BM_StackReceive(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  // Built once per size: Google Benchmark calls this function several times.
  static std::map<std::size_t, std::unique_ptr<bench::Server>> servers;
  auto& slot = servers[n];
  if (!slot) slot = std::make_unique<bench::Server>(n);
  bench::Server& server = *slot;
  if (server.established() != n) state.SkipWithError("could not open the connections");
  std::mt19937 rng(7);
  for (auto _ : state) server.data_segment(rng() % n, 64);
  state.counters["connections"] = static_cast<double>(server.established());
}
BENCHMARK(BM_StackReceive)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace synack
