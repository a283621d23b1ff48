// SPDX-License-Identifier: Apache-2.0
// Sequence numbers: 32-bit modular points on the TCP sequence space.
//
// RFC 9293 §3.4: all sequence arithmetic is modulo 2^32. `SeqNum` is a point;
// distances are plain integers (bytes of sequence space). There is deliberately
// no operator< — modular comparison is not transitive, so callers must say
// which comparison they mean (seq_lt, seq_le, in_window ...), and each is only
// meaningful for points less than 2^31 apart.
//
// Buffers and the reassembler work in 64-bit absolute stream offsets; `wrap`
// and `unwrap` convert at the edge (CS144's Wrap32 idea).
#pragma once

#include <cstdint>
#include <functional>

namespace synack {

/// Length of a stretch of sequence space, in bytes (SYN and FIN count as 1).
using SeqLen = std::uint32_t;

/// A point in the 32-bit TCP sequence space (RFC 9293 §3.4).
class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(std::uint32_t raw) : raw_(raw) {}

  /// The value as it appears on the wire.
  [[nodiscard]] constexpr std::uint32_t raw() const { return raw_; }

  constexpr SeqNum& operator+=(SeqLen n) {
    raw_ += n;
    return *this;
  }
  constexpr SeqNum& operator-=(SeqLen n) {
    raw_ -= n;
    return *this;
  }
  friend constexpr SeqNum operator+(SeqNum a, SeqLen n) { return SeqNum(a.raw_ + n); }
  friend constexpr SeqNum operator-(SeqNum a, SeqLen n) { return SeqNum(a.raw_ - n); }
  /// Signed distance a − b in bytes, in [−2^31, 2^31).
  friend constexpr std::int32_t operator-(SeqNum a, SeqNum b) {
    return static_cast<std::int32_t>(a.raw_ - b.raw_);
  }
  friend constexpr bool operator==(SeqNum, SeqNum) = default;

 private:
  std::uint32_t raw_ = 0;
};

/// a precedes b (RFC 9293 §3.4 "<" on sequence numbers).
[[nodiscard]] constexpr bool seq_lt(SeqNum a, SeqNum b) {
  return (a - b) < 0;
}
/// a precedes or equals b.
[[nodiscard]] constexpr bool seq_le(SeqNum a, SeqNum b) {
  return (a - b) <= 0;
}
/// a follows b.
[[nodiscard]] constexpr bool seq_gt(SeqNum a, SeqNum b) {
  return (a - b) > 0;
}
/// a follows or equals b.
[[nodiscard]] constexpr bool seq_ge(SeqNum a, SeqNum b) {
  return (a - b) >= 0;
}
/// The later of two points.
[[nodiscard]] constexpr SeqNum seq_max(SeqNum a, SeqNum b) {
  return seq_lt(a, b) ? b : a;
}
/// The earlier of two points.
[[nodiscard]] constexpr SeqNum seq_min(SeqNum a, SeqNum b) {
  return seq_lt(a, b) ? a : b;
}

/// left <= x < left + len, modulo 2^32. An empty window (len 0) contains nothing.
/// This is the half-open window test of RFC 9293 §3.4 ("RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND").
[[nodiscard]] constexpr bool in_window(SeqNum x, SeqNum left, SeqLen len) {
  return static_cast<std::uint32_t>(x.raw() - left.raw()) < len;
}

/// The sequence number of absolute stream offset `abs` (0 = the ISN itself).
[[nodiscard]] constexpr SeqNum wrap(std::uint64_t abs, SeqNum isn) {
  return isn + static_cast<SeqLen>(abs);
}

/// The absolute stream offset of `seq` closest to `checkpoint` (an absolute
/// offset known to be near, e.g. the next expected byte). Offsets are ≥ 0:
/// near the start of the stream a result is never wrapped below zero.
[[nodiscard]] constexpr std::uint64_t unwrap(SeqNum seq, SeqNum isn, std::uint64_t checkpoint) {
  constexpr std::uint64_t kSpan = std::uint64_t{1} << 32;
  const std::uint64_t offset = static_cast<std::uint32_t>(seq.raw() - isn.raw());
  // Candidate in the same 2^32 block as the checkpoint, then its neighbours.
  const std::uint64_t base = checkpoint & ~(kSpan - 1);
  std::uint64_t best = base + offset;
  const auto dist = [&](std::uint64_t v) {
    return v > checkpoint ? v - checkpoint : checkpoint - v;
  };
  if (best >= kSpan && dist(best - kSpan) < dist(best)) best -= kSpan;
  if (dist(best + kSpan) < dist(best)) best += kSpan;
  return best;
}

}  // namespace synack

template <>
struct std::hash<synack::SeqNum> {
  std::size_t operator()(synack::SeqNum s) const noexcept { return s.raw(); }
};
