// SPDX-License-Identifier: Apache-2.0
// A byte ring addressed by 64-bit absolute stream offsets: the send buffer
// (retransmission queue) and the receive buffer of one connection.
//
// The ring holds the bytes [head, tail) of a stream. Offsets never wrap (2^64
// bytes is forever); positions inside the storage are `offset & (capacity-1)`.
// Capacity is fixed at construction (rounded up to a power of two). Storage is
// taken when the ring first stores a byte and given back with release() when
// the ring is empty, so an idle connection holds no buffer (docs/architecture.md
// "Memory is bounded"); storage comes from and returns to the
// thread's base/buffer_pool.hpp cache, so there is no allocation per segment.
//
// A ring built with `linear_slack` > 0 can also hand out any range of up to
// that many bytes as ONE contiguous span (peek_contiguous(): a range that
// wraps is completed by copying its wrapped part into slack bytes after the
// end of the storage) — the send side, whose segments point into the ring.
//
// Send side:    append() at the tail, peek()/copy_out() for (re)transmission,
//               consume_to(snd.una offset) when data is acknowledged.
// Receive side: write_at() places out-of-order bytes inside the window
//               [tail, head + capacity) without making them readable;
//               extend_tail() makes a contiguous prefix readable (the
//               reassembler does both); the application reads with
//               peek()/copy_out() and consume_to().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.hpp"

namespace synack {

/// Up to two contiguous pieces of ring storage that together form one range
/// of the stream, in order. `second` is empty unless the range wraps.
struct RingSpans {
  Bytes first;
  Bytes second;
  /// Total bytes in both pieces.
  [[nodiscard]] std::size_t size() const { return first.size() + second.size(); }
};

class ByteRing {
 public:
  /// The largest capacity a ring accepts (larger requests are clamped):
  /// 2^30 bytes, the largest TCP window (65535 << 14, RFC 7323 §2.3) rounded up.
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;

  /// A ring for `capacity` bytes (rounded up to a power of two, clamped to
  /// kMaxCapacity; 0 makes a ring that accepts nothing) whose first byte will
  /// be stream offset `start`. Allocates nothing.
  /// `linear_slack`: the longest range peek_contiguous() must serve (bytes,
  /// clamped to the capacity; 0 = none); the storage is that much larger.
  explicit ByteRing(std::size_t capacity, std::uint64_t start = 0, std::size_t linear_slack = 0);

  ByteRing(ByteRing&& other) noexcept;
  ByteRing& operator=(ByteRing&& other) noexcept;
  ByteRing(const ByteRing&) = delete;
  ByteRing& operator=(const ByteRing&) = delete;
  ~ByteRing();

  /// Bytes the ring can hold (a power of two, or 0).
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  /// Absolute offset of the first held byte.
  [[nodiscard]] std::uint64_t head() const { return head_; }
  /// Absolute offset one past the last readable byte.
  [[nodiscard]] std::uint64_t tail() const { return tail_; }
  /// Readable bytes held: tail − head.
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(tail_ - head_); }
  /// Bytes that can still be appended: capacity − size.
  [[nodiscard]] std::size_t free() const { return capacity_ - size(); }
  [[nodiscard]] bool empty() const { return tail_ == head_; }
  [[nodiscard]] bool full() const { return size() == capacity_; }
  /// One past the last offset the ring can store now: head + capacity.
  [[nodiscard]] std::uint64_t limit() const { return head_ + capacity_; }
  /// Whether storage is currently allocated.
  [[nodiscard]] bool allocated() const { return storage_ != nullptr; }

  /// Appends as much of `data` as fits at the tail; returns the bytes accepted
  /// (less than data.size() means the ring is full: back-pressure).
  [[nodiscard]] std::size_t append(Bytes data);

  /// Stores `data` at absolute offset `offset` without making it readable.
  /// Only the part inside [tail, limit()) is written (bytes before the tail
  /// are already readable and are never overwritten). Returns the bytes
  /// written. The caller makes them readable with extend_tail().
  std::size_t write_at(std::uint64_t offset, Bytes data);

  /// Makes [tail, new_tail) readable: bytes written by write_at(). new_tail is
  /// clamped to limit(); a value below the tail is ignored. Returns the new tail.
  std::uint64_t extend_tail(std::uint64_t new_tail);

  /// The readable bytes [offset, offset+n) clipped to [head, tail), as at most
  /// two spans into the ring (valid until the ring is next modified).
  [[nodiscard]] RingSpans peek(std::uint64_t offset, std::size_t n) const;

  /// The readable bytes [offset, offset+n) clipped to [head, tail) and to the
  /// ring's linear slack, as one span (valid until the ring is next modified
  /// or peeked again). Needs a ring built with linear_slack > 0; n beyond the
  /// slack is clipped to it.
  [[nodiscard]] Bytes peek_contiguous(std::uint64_t offset, std::size_t n);

  /// Copies the readable bytes from `offset` into `out` (clipped like peek());
  /// returns the bytes copied.
  std::size_t copy_out(std::uint64_t offset, MutableBytes out) const;

  /// Drops the bytes before `offset` (clamped to [head, tail]); returns the
  /// bytes dropped. Storage is kept (see release()).
  std::size_t consume_to(std::uint64_t offset);
  /// Drops up to n bytes from the head; returns the bytes dropped.
  std::size_t consume(std::size_t n) { return consume_to(head_ + n); }

  /// Frees the storage if the ring holds nothing (no readable bytes and
  /// nothing written past the tail). Returns whether storage is now released.
  bool release();

  /// Empties the ring and restarts it at `start` (e.g. after a reset). Keeps
  /// storage; call release() to free it.
  void reset(std::uint64_t start);

 private:
  void ensure_storage();
  [[nodiscard]] std::size_t index(std::uint64_t offset) const {
    return static_cast<std::size_t>(offset) & (capacity_ - 1);
  }
  // Copies `data` into storage starting at `offset` (the caller has checked
  // that the whole range lies within [head, limit())).
  void store(std::uint64_t offset, Bytes data);

  void free_storage() noexcept;

  std::byte* storage_ = nullptr;  // capacity_ + slack_ bytes from buffer_pool, or null
  std::size_t capacity_ = 0;
  std::size_t slack_ = 0;  // linear slack after the ring (peek_contiguous)
  std::uint64_t head_ = 0;
  std::uint64_t tail_ = 0;
  std::uint64_t written_end_ = 0;  // one past the highest byte stored (≥ tail)
};

}  // namespace synack
