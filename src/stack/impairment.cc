// SPDX-License-Identifier: Apache-2.0
#include "stack/impairment.hpp"

namespace synack {

double GilbertElliott::mean_loss() const {
  if (p <= 0.0) return 1.0 - k;
  const double pi_bad = p / (p + r);
  return pi_bad * (1.0 - h) + (1.0 - pi_bad) * (1.0 - k);
}

bool ImpairmentConfig::any() const {
  return loss > 0.0 || burst.p > 0.0 || burst.k < 1.0 || duplicate > 0.0 || reorder > 0.0 ||
         corrupt > 0.0 || delay != Duration{} || jitter != Duration{};
}

void Corruption::apply(MutableBytes packet) const {
  if (!active() || offset >= packet.size()) return;
  packet[offset] ^= static_cast<std::byte>(xor_mask);
}

Impairment::Impairment(ImpairmentConfig config, std::uint64_t seed) : config_(config), rng_(seed) {}

PacketFate Impairment::decide(std::size_t size) {
  // Fixed draw order: loss, GE loss, GE transition, duplicate, then two
  // copies' worth (see the header on common random numbers).
  PacketFate fate;
  const bool random_loss = rng_.bernoulli(config_.loss);
  const bool ge_loss = !rng_.bernoulli(bad_ ? config_.burst.h : config_.burst.k);
  const bool flip = rng_.bernoulli(bad_ ? config_.burst.r : config_.burst.p);
  const bool duplicate = rng_.bernoulli(config_.duplicate);
  bad_ = flip ? !bad_ : bad_;
  fate.copy[0] = decide_copy(size);
  fate.copy[1] = decide_copy(size);
  if (random_loss) {
    fate.drop = ImpairmentDrop::kRandomLoss;
  } else if (ge_loss) {
    fate.drop = ImpairmentDrop::kBurstLoss;
  }
  fate.copies = fate.dropped() ? 0 : (duplicate ? 2 : 1);
  return fate;
}

CopyFate Impairment::decide_copy(std::size_t size) {
  CopyFate c;
  c.reordered = rng_.bernoulli(config_.reorder);
  const bool corrupt = rng_.bernoulli(config_.corrupt);
  const std::size_t skip = config_.corrupt_skip;
  const std::uint64_t offset = rng_.uniform(size > skip ? size - skip : 0) + skip;
  const std::uint64_t bits = rng_.next_u64();
  const Duration jitter = rng_.uniform_duration(config_.jitter);
  c.extra_delay = config_.delay + jitter + (c.reordered ? config_.reorder_delay : Duration{});
  if (c.extra_delay < Duration{}) c.extra_delay = Duration{};
  if (corrupt && size > skip) {
    c.corruption.offset = offset;
    c.corruption.xor_mask =
        config_.corrupt_kind == CorruptionKind::kBitFlip
            ? static_cast<std::uint8_t>(1u << (bits % 8))
            : static_cast<std::uint8_t>(1 + bits % 255);  // a different byte value
  }
  return c;
}

std::string to_string(ImpairmentDrop d) {
  switch (d) {
    case ImpairmentDrop::kNone:
      return "none";
    case ImpairmentDrop::kRandomLoss:
      return "random-loss";
    case ImpairmentDrop::kBurstLoss:
      return "burst-loss";
  }
  return "unknown";
}

}  // namespace synack
