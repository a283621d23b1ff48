// SPDX-License-Identifier: Apache-2.0
// Result rows of the benchmark programs (bench/*.cc, bench/peers/*): wall-clock
// timing, one JSON object per line on stdout, percentiles and the byte pattern
// every bulk run sends. No synack headers, so the peer harnesses (lwIP) use it
// too. Benchmarks only: everything here may read clocks.
//
//   {"id": "bulk.synack.1500", "value": 1.23, "unit": "Gbit/s", ...extra}
//
// scripts/bench.sh runs every program SYNACK_BENCH_ROUNDS times (default 3) and
// bench/table.py reports the median of the rows with the same id.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace synack::bench {

using Clock = std::chrono::steady_clock;

/// Seconds since `start` on the wall clock.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// CPU seconds this process has used (all threads, user + system). On a
/// shared machine the wall clock counts the time others had the CPU; the
/// rows carry both ("seconds", "cpu_seconds"), bench/table.py shows both.
inline double cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// A deterministic byte pattern of `n` bytes.
inline std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(i * 131 + 7);
  return v;
}

/// Prints one result row (see the file comment). `extra` fields are merged in.
inline void row(std::string_view id, double value, std::string_view unit,
                nlohmann::json extra = nlohmann::json::object()) {
  extra["id"] = id;
  extra["value"] = value;
  extra["unit"] = unit;
  std::printf("%s\n", extra.dump().c_str());
  std::fflush(stdout);
}

/// A row saying a measurement was skipped, and why.
inline void skipped(std::string_view id, std::string_view why) {
  nlohmann::json j{{"id", id}, {"value", nullptr}, {"unit", ""}, {"note", why}};
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

/// Data segments per ACK: `data` segments carrying payload one way, `acks`
/// packets the other way (a real wire with delayed ACKs, RFC 5681 §4.2: ≈ 2).
inline double segments_per_ack(std::uint64_t data, std::uint64_t acks) {
  return static_cast<double>(data) / static_cast<double>(std::max<std::uint64_t>(acks, 1));
}

/// Resident set size of this process in bytes (from /proc/self/statm).
inline std::size_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * 4096;
}

/// Percentile `p` (0..1) of `v` (sorted in place).
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace synack::bench
