// SPDX-License-Identifier: Apache-2.0
#include "stack/impairment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "stack/rng.hpp"

namespace synack {
namespace {

constexpr int kTrials = 100'000;
constexpr std::uint64_t kSeed = 0x5eed'0001;

// Tolerance for a rate measured over n Bernoulli trials: 5 standard errors.
double tolerance(double p, int n) {
  return 5.0 * std::sqrt(p * (1.0 - p) / n) + 1e-9;
}

struct Rates {
  int random_loss = 0, burst_loss = 0, duplicated = 0, reordered = 0, corrupted = 0;
};

Rates run(const ImpairmentConfig& cfg, std::uint64_t seed, int n, std::size_t size = 100) {
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  Impairment model(cfg, seed);
  Rates r;
  for (int i = 0; i < n; ++i) {
    const PacketFate f = model.decide(size);
    r.random_loss += f.drop == ImpairmentDrop::kRandomLoss;
    r.burst_loss += f.drop == ImpairmentDrop::kBurstLoss;
    r.duplicated += f.copies == 2;
    for (int c = 0; c < f.copies; ++c) {
      r.reordered += f.copy[c].reordered;
      r.corrupted += f.copy[c].corruption.active();
    }
  }
  return r;
}

TEST(Rng, KnownSequenceForSeed) {
  // Pinned values: any change to the generator breaks every recorded trace.
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
  Rng c(0);
  EXPECT_EQ(c.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_NE(Rng(1).next_u64(), Rng(2).next_u64());
}

TEST(Rng, UniformStaysInRangeAndCoversIt) {
  Rng rng(kSeed);
  std::vector<int> hits(7);
  for (int i = 0; i < 70'000; ++i) {
    const auto v = rng.uniform(7);
    ASSERT_LT(v, 7u);
    ++hits[v];
  }
  for (int h : hits) EXPECT_NEAR(h, 10'000, 500);
  for (int i = 0; i < 1000; ++i) {
    const auto d = rng.uniform_duration(milliseconds(3));
    ASSERT_GE(d, Duration{});
    ASSERT_LE(d, milliseconds(3));
    const double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_EQ(rng.uniform(0), 0u);
  EXPECT_EQ(rng.uniform_between(5, 5), 5);
}

TEST(Rng, DerivedSeedsDiffer) {
  EXPECT_NE(derive_seed(1, 0), derive_seed(1, 1));
  EXPECT_NE(derive_seed(1, 0), derive_seed(2, 0));
  EXPECT_EQ(derive_seed(7, 3), derive_seed(7, 3));
}

TEST(Impairment, PerfectNetworkIsIdentity) {
  ImpairmentConfig cfg;
  EXPECT_FALSE(cfg.any());
  const Rates r = run(cfg, kSeed, 10'000);
  EXPECT_EQ(r.random_loss + r.burst_loss + r.duplicated + r.reordered + r.corrupted, 0);
  Impairment m(cfg, kSeed);
  const PacketFate f = m.decide(1500);
  EXPECT_EQ(f.copies, 1);
  EXPECT_EQ(f.copy[0].extra_delay, Duration{});
}

TEST(Impairment, RandomLossRate) {
  ImpairmentConfig cfg{.loss = 0.1};
  const Rates r = run(cfg, kSeed, kTrials);
  EXPECT_NEAR(r.random_loss / double(kTrials), 0.1, tolerance(0.1, kTrials));
  EXPECT_EQ(r.burst_loss, 0);
}

TEST(Impairment, DuplicateReorderCorruptRates) {
  ImpairmentConfig cfg{.duplicate = 0.05, .reorder = 0.2, .corrupt = 0.01};
  const Rates r = run(cfg, kSeed, kTrials);
  EXPECT_NEAR(r.duplicated / double(kTrials), 0.05, tolerance(0.05, kTrials));
  const double copies = kTrials + r.duplicated;
  EXPECT_NEAR(r.reordered / copies, 0.2, tolerance(0.2, kTrials));
  EXPECT_NEAR(r.corrupted / copies, 0.01, tolerance(0.01, kTrials));
}

TEST(Impairment, GilbertElliottMeanLossAndBurstiness) {
  // p=0.01, r=0.25, h=0: π_B = 0.01/0.26 ≈ 3.85 % loss, mean burst 4 packets.
  ImpairmentConfig cfg{.burst = {.p = 0.01, .r = 0.25, .k = 1.0, .h = 0.0}};
  EXPECT_NEAR(cfg.burst.mean_loss(), 0.01 / 0.26, 1e-12);
  Impairment model(cfg, kSeed);
  std::printf("seed=%llu\n", static_cast<unsigned long long>(kSeed));
  int lost = 0, bursts = 0;
  bool prev = false;
  const int n = 400'000;
  for (int i = 0; i < n; ++i) {
    const bool l = model.decide(100).drop == ImpairmentDrop::kBurstLoss;
    lost += l;
    bursts += l && !prev;
    prev = l;
  }
  EXPECT_NEAR(lost / double(n), cfg.burst.mean_loss(), 0.004);
  EXPECT_NEAR(lost / double(bursts), 4.0, 0.3);  // mean burst length 1/r
}

TEST(Impairment, GilbertElliottLossInGoodState) {
  ImpairmentConfig cfg{.burst = {.p = 0.0, .r = 1.0, .k = 0.9, .h = 0.0}};
  EXPECT_TRUE(cfg.any());
  const Rates r = run(cfg, kSeed, kTrials);
  EXPECT_NEAR(r.burst_loss / double(kTrials), 0.1, tolerance(0.1, kTrials));
}

TEST(Impairment, DelayJitterAndReorderDelay) {
  ImpairmentConfig cfg{.reorder = 0.5,
                       .reorder_delay = milliseconds(7),
                       .delay = milliseconds(10),
                       .jitter = milliseconds(2)};
  Impairment model(cfg, kSeed);
  Duration min = Duration::max(), max = Duration::min();
  for (int i = 0; i < 10'000; ++i) {
    const CopyFate c = model.decide(100).copy[0];
    const Duration base = c.extra_delay - (c.reordered ? milliseconds(7) : Duration{});
    ASSERT_GE(base, milliseconds(10));
    ASSERT_LE(base, milliseconds(12));
    min = std::min(min, base);
    max = std::max(max, base);
  }
  EXPECT_LT(min, milliseconds(10) + microseconds(10));  // jitter spans its range
  EXPECT_GT(max, milliseconds(12) - microseconds(10));
}

TEST(Impairment, CorruptionStaysPastSkipAndChangesTheByte) {
  for (auto kind : {CorruptionKind::kBitFlip, CorruptionKind::kByteOverwrite}) {
    ImpairmentConfig cfg{.corrupt = 1.0, .corrupt_kind = kind, .corrupt_skip = 20};
    Impairment model(cfg, kSeed);
    for (int i = 0; i < 5000; ++i) {
      const Corruption c = model.decide(60).copy[0].corruption;
      ASSERT_TRUE(c.active());
      ASSERT_GE(c.offset, 20u);
      ASSERT_LT(c.offset, 60u);
      if (kind == CorruptionKind::kBitFlip) {
        ASSERT_EQ(std::popcount(c.xor_mask), 1);
      }
      std::vector<std::byte> pkt(60, std::byte{0xab});
      c.apply(pkt);
      ASSERT_NE(pkt[c.offset], std::byte{0xab});
    }
    // A packet no longer than the skip is never corrupted.
    EXPECT_FALSE(model.decide(20).copy[0].corruption.active());
  }
}

TEST(Impairment, SameSeedSameFatesDifferentSeedDifferent) {
  ImpairmentConfig cfg{
      .loss = 0.1, .duplicate = 0.1, .reorder = 0.1, .corrupt = 0.1, .jitter = milliseconds(1)};
  auto trace = [&](std::uint64_t seed) {
    Impairment m(cfg, seed);
    std::vector<std::int64_t> t;
    for (int i = 0; i < 2000; ++i) {
      const PacketFate f = m.decide(100);
      t.push_back(static_cast<int>(f.drop) * 10 + f.copies);
      t.push_back(f.copy[0].extra_delay.count());
      t.push_back(static_cast<std::int64_t>(f.copy[0].corruption.offset));
    }
    return t;
  };
  EXPECT_EQ(trace(kSeed), trace(kSeed));
  EXPECT_NE(trace(kSeed), trace(kSeed + 1));
}

TEST(Impairment, CommonRandomNumbersAcrossLossRates) {
  // Raising the loss rate only turns deliveries into drops.
  ImpairmentConfig lo{.loss = 0.05}, hi{.loss = 0.2};
  Impairment a(lo, kSeed), b(hi, kSeed);
  for (int i = 0; i < 10'000; ++i) {
    const bool da = a.decide(100).dropped(), db = b.decide(100).dropped();
    ASSERT_TRUE(!da || db) << "packet " << i;
  }
}

}  // namespace
}  // namespace synack
