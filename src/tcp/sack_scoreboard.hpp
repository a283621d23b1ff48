// SPDX-License-Identifier: Apache-2.0
// Sender-side SACK scoreboard (RFC 6675 §3): which bytes above SND.UNA the
// peer's SACK blocks (RFC 2018) say it holds, as a small sorted set of
// disjoint sequence ranges. Fixed capacity, no allocation; ranges below
// SND.UNA are pruned as the cumulative ACK passes them. Used by the engine's
// SACK-based loss recovery (sender_recovery.cc).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/seq.hpp"
#include "wire/tcp_options.hpp"

namespace synack::tcp {

/// A byte range [left, right) in sequence space.
struct SeqRange {
  SeqNum left;
  SeqNum right;
};

class SackScoreboard {
 public:
  /// Ranges kept; a block that would need more is ignored (conservative: the
  /// sender then retransmits a little more).
  static constexpr std::size_t kMaxRanges = 16;

  /// Records the blocks of one ACK. `snd_una` is the cumulative ACK after this
  /// segment, `snd_nxt` the highest sequence number sent; blocks outside
  /// (snd_una, snd_nxt] (D-SACK reports, RFC 2883, and bogus blocks) are skipped.
  void on_ack(std::span<const SackBlock> blocks, SeqNum snd_una, SeqNum snd_nxt);
  /// Forgets everything below `snd_una`.
  void prune(SeqNum snd_una);
  void clear() { count_ = 0; }

  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] std::span<const SeqRange> ranges() const { return {ranges_.data(), count_}; }
  /// One past the highest SACKed byte (meaningful only if !empty()).
  [[nodiscard]] SeqNum highest() const { return ranges_[count_ - 1].right; }
  /// SACKed bytes in [from, to).
  [[nodiscard]] std::uint32_t sacked_between(SeqNum from, SeqNum to) const;
  /// Whether `seq` is SACKed.
  [[nodiscard]] bool is_sacked(SeqNum seq) const;
  /// The first hole (unSACKed bytes) at or after `from` and below highest():
  /// [start, end), or nullopt.
  [[nodiscard]] std::optional<SeqRange> next_hole(SeqNum from) const;
  /// SACK blocks not recorded because all kMaxRanges were in use (a peer
  /// SACKing more disjoint ranges than the bound, e.g. SACK Panic-style
  /// scoreboard growth). Monotonic: clear() and prune() keep it.
  [[nodiscard]] std::uint64_t ignored_blocks() const { return ignored_blocks_; }

 private:
  void insert(SeqRange r);
  std::array<SeqRange, kMaxRanges> ranges_{};
  std::size_t count_ = 0;
  std::uint64_t ignored_blocks_ = 0;
};

}  // namespace synack::tcp
