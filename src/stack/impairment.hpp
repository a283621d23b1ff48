// SPDX-License-Identifier: Apache-2.0
// A pure, seeded model of what an imperfect network does to each packet:
// independent loss, Gilbert–Elliott burst loss, reordering, duplication,
// corruption, delay and jitter. Shared by the simulator's links and the TUN
// backend. It never touches packet bytes or clocks: `decide()` takes a
// packet's size and returns a `PacketFate`; the caller applies it.
//
// Determinism: every decide() consumes the same number of random draws
// whatever the configuration (common random numbers), so for a given seed
// the n-th packet's draws never depend on the probabilities configured;
// raising the loss rate turns some deliveries into drops without reshuffling
// everything else.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "stack/rng.hpp"

namespace synack {

/// The 4-parameter Gilbert–Elliott channel (Gilbert 1960, Elliott 1963; the
/// parametrisation of Linux netem `loss gemodel p r 1-h 1-k`). Two states,
/// Good and Bad; after each packet the chain moves Good→Bad with probability
/// `p` and Bad→Good with probability `r`. A packet is delivered with
/// probability `k` in Good and `h` in Bad. Disabled while p == 0 and the
/// chain is in Good with k == 1. Mean burst length in Bad: 1/r packets.
struct GilbertElliott {
  double p = 0.0;  ///< P(Good → Bad) per packet, [0, 1]
  double r = 1.0;  ///< P(Bad → Good) per packet, [0, 1]
  double k = 1.0;  ///< P(delivered | Good), [0, 1]; 1 − k is the loss in Good
  double h = 0.0;  ///< P(delivered | Bad), [0, 1]; 1 − h is the loss in Bad

  /// Long-run loss probability: π_B·(1−h) + π_G·(1−k), π_B = p/(p+r).
  [[nodiscard]] double mean_loss() const;
};

/// How a corrupted copy is damaged.
enum class CorruptionKind : std::uint8_t {
  kBitFlip,        ///< one random bit of one random byte flipped
  kByteOverwrite,  ///< one random byte replaced by a different random value
};

/// Impairment settings. All probabilities are per packet, in [0, 1]; values
/// outside are clamped by behaviour (≤ 0 never, ≥ 1 always). Defaults: a
/// perfect network (nothing lost, nothing added).
struct ImpairmentConfig {
  double loss = 0.0;                          ///< independent (Bernoulli) loss
  GilbertElliott burst{};                     ///< correlated burst loss, applied after `loss`
  double duplicate = 0.0;                     ///< a second copy is delivered
  double reorder = 0.0;                       ///< a copy is held back by `reorder_delay`
  Duration reorder_delay = milliseconds(10);  ///< extra delay of a reordered copy
  double corrupt = 0.0;                       ///< a copy gets one damaged byte
  CorruptionKind corrupt_kind = CorruptionKind::kBitFlip;
  /// Bytes at the front never corrupted (20 = spare the IPv4 header, so the
  /// damage reaches TCP and its checksum must catch it). 0 = anywhere.
  std::size_t corrupt_skip = 0;
  Duration delay{};   ///< fixed extra one-way delay added to every copy
  Duration jitter{};  ///< uniform extra delay in [0, jitter] per copy

  /// True if any impairment is configured (false: decide() is the identity).
  [[nodiscard]] bool any() const;
};

/// Why the model dropped a packet.
enum class ImpairmentDrop : std::uint8_t {
  kNone,        ///< delivered
  kRandomLoss,  ///< independent loss (`loss`)
  kBurstLoss,   ///< Gilbert–Elliott loss (`burst`)
};

/// A one-byte corruption: `packet[offset] ^= xor_mask` (mask never 0, so the
/// byte always changes; a single-bit mask for kBitFlip).
struct Corruption {
  std::size_t offset = 0;     ///< byte index into the packet
  std::uint8_t xor_mask = 0;  ///< 0 = no corruption

  [[nodiscard]] bool active() const { return xor_mask != 0; }
  /// Applies the damage to `packet` (no-op if inactive or offset out of range).
  void apply(MutableBytes packet) const;
};

/// What happens to one copy of a packet.
struct CopyFate {
  Duration extra_delay{};   ///< delay + jitter (+ reorder_delay if reordered), ≥ 0
  bool reordered = false;   ///< held back: later packets may overtake it
  Corruption corruption{};  ///< damage to apply to this copy (maybe none)
};

/// The fate of one packet: dropped, or delivered as 1 or 2 copies.
struct PacketFate {
  ImpairmentDrop drop = ImpairmentDrop::kNone;
  std::uint8_t copies = 1;  ///< 0 when dropped, 2 when duplicated
  std::array<CopyFate, 2> copy{};

  [[nodiscard]] bool dropped() const { return drop != ImpairmentDrop::kNone; }
};

/// The seeded model. One instance per direction of a path (it carries the
/// Gilbert–Elliott state). Not thread-safe; cheap to copy.
class Impairment {
 public:
  explicit Impairment(ImpairmentConfig config = {}, std::uint64_t seed = 0);

  /// Decides the fate of the next packet of `size` bytes (corruption offsets
  /// fall in [corrupt_skip, size); none if size ≤ corrupt_skip).
  PacketFate decide(std::size_t size);

  [[nodiscard]] const ImpairmentConfig& config() const { return config_; }
  /// Changes the settings mid-run; the random stream and the Gilbert–Elliott
  /// state carry on (a link that "gets worse" stays reproducible).
  void set_config(const ImpairmentConfig& config) { config_ = config; }
  /// True while the Gilbert–Elliott chain is in its Bad state.
  [[nodiscard]] bool in_bad_state() const { return bad_; }

 private:
  CopyFate decide_copy(std::size_t size);

  ImpairmentConfig config_;
  Rng rng_;
  bool bad_ = false;
};

/// "random-loss", "burst-loss" or "none".
[[nodiscard]] std::string to_string(ImpairmentDrop d);

}  // namespace synack
