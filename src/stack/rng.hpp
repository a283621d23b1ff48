// SPDX-License-Identifier: Apache-2.0
// A small seeded PRNG whose output is identical on every machine and standard
// library: xoshiro256** (Blackman & Vigna, 2018) seeded through splitmix64.
//
// Used by the impairment model (shared by the simulator and the TUN backend),
// so it lives in `stack`, below both. Never std::random_device, never the
// std::*_distribution templates (their output differs between libraries):
// the helpers below are our own and use only integer or exact IEEE arithmetic.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "base/time.hpp"

namespace synack {

/// One step of splitmix64 (Steele, Lea & Flood 2014): advances `state` and
/// returns a well-mixed 64-bit value. Also used to derive independent seeds.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A seed for sub-stream `stream` of `seed` (e.g. one per link), so adding a
/// stream never shifts the numbers another stream sees.
[[nodiscard]] constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  (void)splitmix64(s);
  return splitmix64(s);
}

/// xoshiro256**: 256 bits of state, period 2^256 − 1. Deterministic for a seed.
class Rng {
 public:
  /// Any seed is fine (0 included): the state is filled by splitmix64.
  constexpr explicit Rng(std::uint64_t seed = 0) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  /// The next 64 uniformly distributed bits.
  constexpr std::uint64_t next_u64() {
    const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits (exact: k × 2^-53).
  constexpr double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, bound); 0 when bound is 0. Unbiased: draws below
  /// 2^64 mod bound are rejected (arc4random_uniform's method). Consumes one
  /// draw (another only with probability < bound / 2^64), also when bound is 0.
  constexpr std::uint64_t uniform(std::uint64_t bound) {
    if (bound == 0) return (void)next_u64(), 0;
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t x = next_u64();
      if (x >= threshold) return x % bound;
    }
  }

  /// Uniform integer in [lo, hi] (inclusive); lo when hi ≤ lo (still one draw).
  constexpr std::int64_t uniform_between(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return (void)next_u64(), lo;
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == UINT64_MAX) return static_cast<std::int64_t>(next_u64());
    return lo + static_cast<std::int64_t>(uniform(span + 1));
  }

  /// Uniform duration in [0, max] at ns resolution; zero when max ≤ 0.
  constexpr Duration uniform_duration(Duration max) {
    return Duration{uniform_between(0, max.count())};
  }

  /// True with probability p (p ≤ 0: never, p ≥ 1: always). Always consumes
  /// exactly one draw, so changing p never shifts later numbers.
  constexpr bool bernoulli(double p) { return uniform01() < p; }

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace synack
