// SPDX-License-Identifier: Apache-2.0
#include "tcp/sack.hpp"

#include <algorithm>

namespace synack::tcp {
namespace {

// The held interval containing `off`, or an empty range.
ByteRange containing(std::span<const ByteRange> held, std::uint64_t off) {
  auto it = std::upper_bound(held.begin(), held.end(), off,
                             [](std::uint64_t x, ByteRange iv) { return x < iv.begin; });
  if (it == held.begin()) return {};
  --it;
  return it->contains(off) ? *it : ByteRange{};
}

}  // namespace

SackList to_sack_blocks(const SackRanges& ranges, SeqNum data_isn) {
  SackList out;
  for (const ByteRange r : ranges.view()) {
    out.blocks[out.count++] = SackBlock{wrap(r.begin, data_isn), wrap(r.end, data_isn)};
  }
  return out;
}

void SackGenerator::clear() {
  duplicate_ = {};
  recent_.clear();
}

void SackGenerator::on_segment(const InsertResult& result, std::span<const ByteRange> held) {
  if (dsack_ && !result.duplicate.empty()) duplicate_ = result.duplicate;
  if (recent_.capacity() == 0 && !held.empty())
    recent_.reserve(std::max<std::size_t>(32, held.size()));
  // The segment's interval goes first (RFC 2018 §4); then the others in the
  // order they were last touched, each once, dropping delivered ones.
  if (!result.segment.empty()) recent_.insert(recent_.begin(), result.segment.begin);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < recent_.size(); ++i) {
    const ByteRange iv = containing(held, recent_[i]);
    if (iv.empty()) continue;  // delivered (below rcv.nxt) or no longer held
    const bool seen =
        std::any_of(recent_.begin(), recent_.begin() + static_cast<std::ptrdiff_t>(kept),
                    [&](std::uint64_t e) { return iv.contains(e); });
    if (!seen) recent_[kept++] = recent_[i];
  }
  recent_.resize(kept);
}

SackRanges SackGenerator::build(std::span<const ByteRange> held, std::uint64_t rcv_nxt,
                                std::size_t max_blocks) const {
  SackRanges out;
  const std::size_t limit = std::clamp<std::size_t>(max_blocks, 1, 4);
  const auto included = [&](ByteRange iv) {
    for (std::size_t i = out.dsack ? 1 : 0; i < out.count; ++i) {
      if (out.blocks[i] == iv) return true;
    }
    return false;
  };
  const auto add = [&](ByteRange iv) {
    if (out.count < limit && !iv.empty() && iv.begin >= rcv_nxt && !included(iv)) {
      out.blocks[out.count++] = iv;
    }
  };
  if (dsack_ && !duplicate_.empty()) {
    out.blocks[out.count++] = duplicate_;  // RFC 2883 §4 (1)
    out.dsack = true;
    const ByteRange outer = containing(held, duplicate_.begin);
    if (outer.covers(duplicate_)) add(outer);  // RFC 2883 §4 (2)
  }
  for (const std::uint64_t e : recent_) add(containing(held, e));
  // Intervals never reported through on_segment(): newest (highest) first.
  for (auto it = held.rbegin(); it != held.rend(); ++it) add(*it);
  return out;
}

}  // namespace synack::tcp
