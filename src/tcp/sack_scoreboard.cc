// SPDX-License-Identifier: Apache-2.0
#include "tcp/sack_scoreboard.hpp"

#include <algorithm>

namespace synack::tcp {

void SackScoreboard::on_ack(std::span<const SackBlock> blocks, SeqNum snd_una, SeqNum snd_nxt) {
  prune(snd_una);
  for (const SackBlock& b : blocks) {
    if (!seq_lt(b.left, b.right) || !seq_gt(b.right, snd_una) || seq_gt(b.right, snd_nxt)) {
      continue;  // D-SACK (below SND.UNA), empty, or beyond what was sent
    }
    insert({seq_lt(b.left, snd_una) ? snd_una : b.left, b.right});
  }
}

void SackScoreboard::insert(SeqRange r) {
  // Merge with every overlapping or adjacent range, keep the array sorted.
  std::size_t i = 0;
  while (i < count_ && seq_lt(ranges_[i].right, r.left)) ++i;
  std::size_t j = i;
  while (j < count_ && seq_le(ranges_[j].left, r.right)) {
    if (seq_lt(ranges_[j].left, r.left)) r.left = ranges_[j].left;
    if (seq_gt(ranges_[j].right, r.right)) r.right = ranges_[j].right;
    ++j;
  }
  const std::size_t merged = j - i;  // ranges replaced by r
  if (merged == 0) {
    if (count_ == kMaxRanges) {
      ++ignored_blocks_;
      return;
    }
    std::move_backward(ranges_.begin() + static_cast<std::ptrdiff_t>(i),
                       ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
                       ranges_.begin() + static_cast<std::ptrdiff_t>(count_ + 1));
    ranges_[i] = r;
    ++count_;
    return;
  }
  ranges_[i] = r;
  std::move(ranges_.begin() + static_cast<std::ptrdiff_t>(j),
            ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
            ranges_.begin() + static_cast<std::ptrdiff_t>(i + 1));
  count_ -= merged - 1;
}

void SackScoreboard::prune(SeqNum snd_una) {
  std::size_t drop = 0;
  while (drop < count_ && seq_le(ranges_[drop].right, snd_una)) ++drop;
  if (drop > 0) {
    std::move(ranges_.begin() + static_cast<std::ptrdiff_t>(drop),
              ranges_.begin() + static_cast<std::ptrdiff_t>(count_), ranges_.begin());
    count_ -= drop;
  }
  if (count_ > 0 && seq_lt(ranges_[0].left, snd_una)) ranges_[0].left = snd_una;
}

std::uint32_t SackScoreboard::sacked_between(SeqNum from, SeqNum to) const {
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const SeqNum l = seq_gt(ranges_[i].left, from) ? ranges_[i].left : from;
    const SeqNum r = seq_lt(ranges_[i].right, to) ? ranges_[i].right : to;
    if (seq_lt(l, r)) n += static_cast<std::uint32_t>(r - l);
  }
  return n;
}

bool SackScoreboard::is_sacked(SeqNum seq) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (seq_le(ranges_[i].left, seq) && seq_lt(seq, ranges_[i].right)) return true;
  }
  return false;
}

std::optional<SeqRange> SackScoreboard::next_hole(SeqNum from) const {
  SeqNum at = from;
  for (std::size_t i = 0; i < count_; ++i) {
    if (seq_le(ranges_[i].right, at)) continue;
    if (seq_lt(at, ranges_[i].left)) return SeqRange{at, ranges_[i].left};
    at = ranges_[i].right;  // `at` is inside this range: skip past it
  }
  return std::nullopt;  // nothing unSACKed below highest()
}

}  // namespace synack::tcp
