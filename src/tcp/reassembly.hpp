// SPDX-License-Identifier: Apache-2.0
// The receiver's reassembler: out-of-order segments into a bounded interval set
// over 64-bit absolute stream offsets (RFC 9293 §3.10.7.4 "seventh, process the
// segment text"; §3.4 / §3.8.6: only bytes inside the receive window are kept).
//
// Bytes are written straight into the receive ByteRing at their offsets (no
// per-segment allocation, no copy later). The ring's tail is rcv.nxt: bytes
// become readable when the contiguous prefix reaches them. What the
// reassembler remembers is only *which* ranges beyond rcv.nxt it holds.
//
// Rules:
//  * the first copy of a byte wins: bytes already held or already delivered
//    are never overwritten by a retransmission (RFC 9293 §3.10.7.4 leaves this
//    open; keeping the first copy is what Linux and the BSDs do);
//  * bytes outside [rcv.nxt, window_end) are dropped and counted;
//  * at most `max_intervals` out-of-order intervals are held; a segment that
//    would open one more is dropped and counted (Linux prunes its out-of-order
//    queue instead; with an interval bound the two behave alike for SACK).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/byte_ring.hpp"
#include "base/bytes.hpp"

namespace synack::tcp {

/// A half-open range [begin, end) of absolute stream offsets.
struct ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] constexpr std::uint64_t size() const { return end - begin; }
  [[nodiscard]] constexpr bool empty() const { return end <= begin; }
  [[nodiscard]] constexpr bool contains(std::uint64_t off) const {
    return begin <= off && off < end;
  }
  /// Whether `r` lies entirely inside this range.
  [[nodiscard]] constexpr bool covers(ByteRange r) const {
    return begin <= r.begin && r.end <= end;
  }
  friend constexpr bool operator==(ByteRange, ByteRange) = default;
};

/// Tunables of the reassembler.
struct ReassemblyConfig {
  /// Out-of-order intervals held at most (holes + 1). 32 keeps the bookkeeping
  /// at 512 bytes per connection; Linux's out-of-order queue is bounded by
  /// memory instead. Range 1..1024.
  std::size_t max_intervals = 32;
};

/// Bytes dropped or ignored, by reason. Monotonic counters.
struct ReassemblyCounters {
  std::uint64_t duplicate_bytes = 0;          ///< already delivered or already held
  std::uint64_t beyond_window_bytes = 0;      ///< at or past window_end (RFC 9293 §3.10.7.4 first)
  std::uint64_t no_buffer_bytes = 0;          ///< inside the window but past the ring's limit
  std::uint64_t interval_limit_bytes = 0;     ///< segment would exceed max_intervals
  std::uint64_t interval_limit_segments = 0;  ///< segments dropped for that reason
  std::uint64_t out_of_order_segments = 0;    ///< segments that stored bytes beyond rcv.nxt
};

/// What one insert() did.
struct InsertResult {
  std::uint64_t rcv_nxt = 0;  ///< contiguous prefix end after the insert (= ring.tail())
  std::size_t delivered = 0;  ///< bytes that became readable (rcv.nxt advance)
  std::size_t stored = 0;     ///< new bytes written to the ring (in order or not)
  /// The first contiguous piece of the segment that was already received (a
  /// duplicate), for D-SACK (RFC 2883 §4). Empty if none.
  ByteRange duplicate{};
  /// The segment's bytes that are held out of order after the insert
  /// (clipped to the window), for choosing the first SACK block (RFC 2018 §4).
  ByteRange segment{};
  bool dropped_interval_limit = false;  ///< the whole segment was dropped for the bound
};

class Reassembler {
 public:
  explicit Reassembler(ReassemblyConfig config = {});

  /// Accepts the segment text `data` whose first byte is stream offset
  /// `offset`. `ring.tail()` is rcv.nxt; `window_end` is rcv.nxt + rcv.wnd as
  /// an offset (the right edge the receiver advertised). Bytes are written to
  /// `ring` and the ring's tail is advanced over every byte that is now
  /// contiguous. Never fails: what cannot be kept is dropped and counted.
  InsertResult insert(std::uint64_t offset, Bytes data, std::uint64_t window_end, ByteRing& ring);

  /// The out-of-order intervals, ascending, disjoint and non-adjacent, all
  /// beyond rcv.nxt (each at least one byte past it).
  [[nodiscard]] std::span<const ByteRange> intervals() const { return intervals_; }
  /// Bytes held out of order (sum of the intervals' sizes).
  [[nodiscard]] std::uint64_t held_bytes() const { return held_; }
  [[nodiscard]] bool empty() const { return intervals_.empty(); }
  [[nodiscard]] const ReassemblyCounters& counters() const { return counters_; }
  [[nodiscard]] const ReassemblyConfig& config() const { return config_; }

  /// Forgets everything held (connection reset/abort). Counters are kept.
  void clear();

 private:
  // Adds [r.begin, r.end) to the interval set, merging neighbours.
  void add_interval(ByteRange r);
  // Whether adding `r` would open a new interval (touching none).
  [[nodiscard]] bool opens_new_interval(ByteRange r) const;
  // Writes the bytes of `r` not covered by held intervals; returns the bytes
  // written and records the first covered piece in `dup`.
  std::size_t write_gaps(ByteRange r, std::uint64_t offset, Bytes data, ByteRing& ring,
                         ByteRange& dup);

  ReassemblyConfig config_;
  std::vector<ByteRange> intervals_;  // reserved to max_intervals on first use
  std::uint64_t held_ = 0;
  ReassemblyCounters counters_;
};

}  // namespace synack::tcp
