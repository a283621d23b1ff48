// SPDX-License-Identifier: Apache-2.0
// Micro benchmarks of the wire layer (Google Benchmark). Run: scripts/bench.sh.
//
//   BM_Checksum/N      RFC 1071 checksum over N bytes (bytes/s → GB/s)
//   BM_Memcpy/N        memcpy of N bytes: the baseline the checksum should be
//                      "invisible next to"
//   BM_ParseIpv4Tcp    full validation of a 1500-byte IPv4+TCP segment with
//                      options (IP and TCP checksums included), ns per packet
//   BM_ParseHeaders    the same without the TCP checksum (views + options)
//   BM_EmitIpv4Tcp     building that segment (both checksums), ns per packet
//   BM_FormatSegment   the one-line printer, ns per line
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>

#include "base/checksum.hpp"
#include "wire/format.hpp"
#include "wire/tcp.hpp"

namespace synack {
namespace {

std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(i * 131 + 7);
  return v;
}

void BM_Checksum(benchmark::State& state) {
  const auto buf = pattern(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(buf.data());
    std::uint16_t c = internet_checksum(buf);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Checksum)->Arg(1500)->Arg(64 * 1024);

void BM_Memcpy(benchmark::State& state) {
  const auto src = pattern(static_cast<std::size_t>(state.range(0)));
  std::vector<std::byte> dst(src.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(src.data());
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Memcpy)->Arg(1500)->Arg(64 * 1024);

// A 1500-byte IPv4 packet: 20 IP + 32 TCP (nop,nop,TS) ... plus SACK would not
// fit with TS in a typical data segment, so: <nop,nop,TS val ecr>, 1448 payload.
std::vector<std::byte> full_segment() {
  static const auto payload = pattern(1448);
  TcpSegment seg;
  seg.src_port = 443;
  seg.dst_port = 51000;
  seg.seq = SeqNum(0x12345678);
  seg.ack = SeqNum(0x9abcdef0);
  seg.flags.bits = TcpFlags::kAck | TcpFlags::kPsh;
  seg.window = 501;
  seg.options.nop().nop().timestamps(0x01020304, 0x05060708);
  seg.payload = payload;
  Ipv4Header ip;
  ip.src = Ipv4Addr::from_octets(10, 0, 0, 1);
  ip.dst = Ipv4Addr::from_octets(10, 0, 0, 2);
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  emit_ipv4_tcp(out, ip, seg);
  return out;
}

void BM_ParseIpv4Tcp(benchmark::State& state) {
  const auto pkt = full_segment();
  if (pkt.size() != 1500 || !parse_ipv4_tcp(pkt)) state.SkipWithError("bad test packet");
  for (auto _ : state) {
    benchmark::DoNotOptimize(pkt.data());
    auto r = parse_ipv4_tcp(pkt);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(pkt.size()));
}
BENCHMARK(BM_ParseIpv4Tcp);

void BM_ParseHeaders(benchmark::State& state) {
  const auto pkt = full_segment();
  for (auto _ : state) {
    benchmark::DoNotOptimize(pkt.data());
    auto ip = Ipv4View::parse(pkt);
    auto view = TcpView::parse(ip->payload());
    auto seg = TcpSegment::parse(*view);
    benchmark::DoNotOptimize(seg);
  }
}
BENCHMARK(BM_ParseHeaders);

void BM_EmitIpv4Tcp(benchmark::State& state) {
  const auto pkt = full_segment();
  const auto parsed = parse_ipv4_tcp(pkt);
  const Ipv4Header ip = Ipv4Header::from(parsed->ip);
  std::vector<std::byte> out(pkt.size());
  for (auto _ : state) {
    const std::size_t n = emit_ipv4_tcp(out, ip, parsed->tcp);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(pkt.size()));
}
BENCHMARK(BM_EmitIpv4Tcp);

void BM_FormatSegment(benchmark::State& state) {
  const auto pkt = full_segment();
  const auto parsed = parse_ipv4_tcp(pkt);
  for (auto _ : state) {
    auto line = format_segment(parsed->tcp);
    benchmark::DoNotOptimize(line);
  }
}
BENCHMARK(BM_FormatSegment);

}  // namespace
}  // namespace synack
