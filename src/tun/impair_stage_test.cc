// SPDX-License-Identifier: Apache-2.0
// The impairment stage under a fake clock: no device, no real time.
#include "tun/impair_stage.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace synack {
namespace {

std::string text(Bytes b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

Instant at_ms(int ms) {
  return Instant{} + milliseconds(ms);
}

/// A model that returns fates from a script (then "deliver now" forever).
struct ScriptedModel {
  std::deque<PacketFate> script;
  PacketFate decide(std::size_t) {
    if (script.empty()) return PacketFate{};
    PacketFate f = script.front();
    script.pop_front();
    return f;
  }
};

PacketFate deliver_after(Duration d) {
  PacketFate f;
  f.copy[0].extra_delay = d;
  return f;
}

PacketFate drop() {
  PacketFate f;
  f.drop = ImpairmentDrop::kRandomLoss;
  f.copies = 0;
  return f;
}

struct Delivery {
  std::string packet;
  Instant at;
  friend bool operator==(const Delivery&, const Delivery&) = default;
};

template <class Model>
struct Harness {
  std::vector<Delivery> out;
  ImpairStage<Model> stage;
  explicit Harness(Model m, std::size_t capacity = 16)
      : stage(
            std::move(m),
            [this](Bytes p, Instant t) {
              out.push_back({text(p), t});
            },
            capacity, 64) {}
};

TEST(ImpairStage, ScriptedFatesAreCarriedOutExactly) {
  ScriptedModel model;
  model.script = {deliver_after(milliseconds(10)), PacketFate{}, drop(),
                  deliver_after(milliseconds(3))};
  Harness h(std::move(model));
  h.stage.push(as_bytes("A"), at_ms(0));  // held until 10 ms
  h.stage.push(as_bytes("B"), at_ms(1));  // now: overtakes A (reordering)
  h.stage.push(as_bytes("C"), at_ms(2));  // dropped
  h.stage.push(as_bytes("D"), at_ms(2));  // held until 5 ms
  EXPECT_EQ(h.stage.next_deadline(), at_ms(5));
  h.stage.release(at_ms(4));
  ASSERT_EQ(h.out.size(), 1u) << "nothing due before 5 ms";
  h.stage.release(at_ms(5));
  EXPECT_EQ(h.stage.next_deadline(), at_ms(10));
  h.stage.release(at_ms(10));
  EXPECT_EQ(h.stage.next_deadline(), kNever);
  const std::vector<Delivery> expected{{"B", at_ms(1)}, {"D", at_ms(5)}, {"A", at_ms(10)}};
  EXPECT_EQ(h.out, expected);
  EXPECT_EQ(h.stage.stats().dropped_random, 1u);
  EXPECT_EQ(h.stage.stats().delayed, 2u);
  EXPECT_EQ(h.stage.stats().delivered, 3u);
}

TEST(ImpairStage, DuplicatesAndCorruptsCopies) {
  PacketFate dup;
  dup.copies = 2;
  dup.copy[1].extra_delay = milliseconds(1);
  dup.copy[1].corruption = Corruption{.offset = 1, .xor_mask = 0x01};
  ScriptedModel model;
  model.script = {dup};
  Harness h(std::move(model));
  h.stage.push(as_bytes("xyz"), at_ms(0));
  h.stage.release(at_ms(1));
  const std::vector<Delivery> expected{{"xyz", at_ms(0)}, {"xxz", at_ms(1)}};  // 'y' ^ 1 == 'x'
  EXPECT_EQ(h.out, expected);
  EXPECT_EQ(h.stage.stats().duplicated, 1u);
  EXPECT_EQ(h.stage.stats().corrupted, 1u);
}

TEST(ImpairStage, EqualReleaseTimesKeepPushOrder) {
  ScriptedModel model;
  for (int i = 0; i < 5; ++i) model.script.push_back(deliver_after(milliseconds(5 - i)));
  Harness h(std::move(model));
  for (int i = 0; i < 5; ++i) h.stage.push(as_bytes(std::to_string(i)), at_ms(i));
  h.stage.release(at_ms(100));
  std::string order;
  for (const auto& d : h.out) order += d.packet;
  EXPECT_EQ(order, "01234") << "all due at 5 ms: ties in push order";
}

TEST(ImpairStage, HoldQueueIsBoundedAndCounted) {
  ScriptedModel model;
  for (int i = 0; i < 5; ++i) model.script.push_back(deliver_after(milliseconds(1)));
  Harness h(std::move(model), /*capacity=*/3);
  for (int i = 0; i < 5; ++i) h.stage.push(as_bytes("p"), at_ms(0));
  EXPECT_EQ(h.stage.held(), 3u);
  EXPECT_EQ(h.stage.stats().dropped_overflow, 2u);
  h.stage.release(at_ms(1));
  EXPECT_EQ(h.out.size(), 3u);
  EXPECT_EQ(h.stage.held(), 0u);
}

TEST(ImpairStage, PushReleasesWhatIsDueFirst) {
  ScriptedModel model;
  model.script = {deliver_after(milliseconds(1))};
  Harness h(std::move(model));
  h.stage.push(as_bytes("late"), at_ms(0));
  h.stage.push(as_bytes("now"), at_ms(2));  // the loop has not released "late" yet
  ASSERT_EQ(h.out.size(), 2u);
  EXPECT_EQ(h.out[0].packet, "late");
}

// The shared seeded model: same seed → the same deliveries, to the ns.
std::vector<Delivery> run_real(std::uint64_t seed, const ImpairmentConfig& config, int packets) {
  Harness<Impairment> h(Impairment(config, seed), 4096);
  for (int i = 0; i < packets; ++i) {
    h.stage.push(as_bytes("packet-" + std::to_string(i)), at_ms(i));
    h.stage.release(at_ms(i));
  }
  h.stage.release(kNever - seconds(1));
  return h.out;
}

TEST(ImpairStage, RealModelIsDeterministicPerSeed) {
  ImpairmentConfig config;
  config.loss = 0.1;
  config.duplicate = 0.05;
  config.reorder = 0.1;
  config.reorder_delay = milliseconds(5);
  config.jitter = milliseconds(2);
  const std::uint64_t seed = 0x5eed;
  std::printf("seed = %#llx\n", static_cast<unsigned long long>(seed));
  const auto a = run_real(seed, config, 500);
  const auto b = run_real(seed, config, 500);
  const auto c = run_real(seed + 1, config, 500);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ImpairStage, RealModelLossAndReorderRatesAreAsConfigured) {
  ImpairmentConfig config;
  config.loss = 0.2;
  config.reorder = 0.1;
  config.reorder_delay = milliseconds(3);
  const std::uint64_t seed = 42;
  std::printf("seed = %llu\n", static_cast<unsigned long long>(seed));
  Harness<Impairment> h(Impairment(config, seed), 4096);
  constexpr int kPackets = 10'000;
  for (int i = 0; i < kPackets; ++i) {
    h.stage.push(as_bytes(std::to_string(i)), at_ms(i));
  }
  h.stage.release(at_ms(kPackets + 10));
  const auto& s = h.stage.stats();
  EXPECT_EQ(s.pushed, static_cast<std::uint64_t>(kPackets));
  EXPECT_NEAR(static_cast<double>(s.dropped_random) / kPackets, 0.2, 0.02);
  EXPECT_EQ(s.delivered + s.dropped_random, static_cast<std::uint64_t>(kPackets));
  // A reordered packet (3 ms late) is overtaken by the next ones (1 ms apart).
  int inversions = 0;
  for (std::size_t i = 1; i < h.out.size(); ++i) {
    if (std::stoi(h.out[i].packet) < std::stoi(h.out[i - 1].packet)) ++inversions;
  }
  EXPECT_GT(inversions, 0);
  EXPECT_LE(static_cast<std::uint64_t>(inversions), s.reordered);
}

TEST(ImpairStage, PerfectNetworkIsTheIdentity) {
  Harness<Impairment> h(Impairment(ImpairmentConfig{}, 7));
  for (int i = 0; i < 100; ++i) h.stage.push(as_bytes(std::to_string(i)), at_ms(i));
  ASSERT_EQ(h.out.size(), 100u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(h.out[static_cast<std::size_t>(i)], (Delivery{std::to_string(i), at_ms(i)}));
  EXPECT_EQ(h.stage.held(), 0u);
}

}  // namespace
}  // namespace synack
