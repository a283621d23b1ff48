// Send and receive byte buffers of the simple data path, bounded by the
// configured sizes. Small seams: the byte ring and reassembler of the next
// issue replace the internals without touching Connection.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/byte_ring.hpp"
#include "base/bytes.hpp"
#include "tcp/reassembly.hpp"
#include "tcp/sack.hpp"

namespace synack::tcp {

/// Bytes the user has SENT that are not yet acknowledged: [snd.una-data, end).
/// Offsets are relative to the first unacknowledged byte.
class SendBuffer {
 public:
  explicit SendBuffer(std::size_t capacity) : capacity_(capacity) {}
  /// Appends up to free() bytes of `data`; returns how many were taken.
  std::size_t write(Bytes data);
  /// Drops `n` acknowledged bytes from the front (n ≤ size()).
  void acknowledge(std::size_t n);
  /// Up to `len` bytes starting `offset` bytes after the front. Valid until the
  /// next non-const call.
  [[nodiscard]] Bytes peek(std::size_t offset, std::size_t len) const;
  [[nodiscard]] std::size_t size() const { return data_.size() - head_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] std::size_t free() const { return capacity_ - size(); }
  void clear() {
    data_.clear();
    head_ = 0;
  }

 private:
  std::vector<std::byte> data_;
  std::size_t head_ = 0;
  std::size_t capacity_;
};

/// Received bytes: a ByteRing holding the in-order bytes not yet read plus the
/// out-of-order bytes the Reassembler keeps (bounded, first copy wins), and the
/// SACK/D-SACK state (RFC 2018 §4, RFC 2883 §4). Stream offsets are 64-bit,
/// offset 0 = IRS + 1; `next_offset()` is RCV.NXT as an offset. Capacity
/// (bytes, the configured RCV.BUFF) bounds RCV.WND; the ring is rounded up to a
/// power of two and its extra room is slack. No allocation per segment.
class ReceiveBuffer {
 public:
  explicit ReceiveBuffer(std::size_t capacity);
  /// Appends up to free() bytes at next_offset(); returns how many were taken.
  std::size_t push(Bytes data);
  /// Stores `data` at stream `offset` (RFC 9293 §3.10.7.4 seventh, SHLD-31):
  /// bytes below next_offset() are duplicates, bytes at or past `window_end`
  /// (RCV.NXT + RCV.WND as an offset) are dropped. Updates the SACK state.
  InsertResult insert(std::uint64_t offset, Bytes data, std::uint64_t window_end);
  /// Moves up to out.size() bytes to `out`; returns how many.
  std::size_t read(MutableBytes out);
  /// Copies up to out.size() bytes to `out` without consuming them.
  std::size_t peek(MutableBytes out) const;
  /// Bytes ready for RECEIVE.
  [[nodiscard]] std::size_t size() const { return ring_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  /// capacity() − size(): the window to offer (out-of-order bytes lie inside it).
  [[nodiscard]] std::size_t free() const { return capacity_ - std::min(capacity_, size()); }
  /// RCV.NXT as a stream offset.
  [[nodiscard]] std::uint64_t next_offset() const { return ring_.tail(); }
  [[nodiscard]] const Reassembler& reassembler() const { return reasm_; }
  /// SACK blocks (stream offsets) for the next ACK, at most `max_blocks` (RFC 2018 §4 order).
  [[nodiscard]] SackRanges sack_blocks(std::size_t max_blocks) const {
    return sack_.build(reasm_.intervals(), ring_.tail(), max_blocks);
  }
  /// An ACK went out: a D-SACK block is reported once (RFC 2883 §4).
  void sack_sent() { sack_.ack_sent(); }
  /// Drops everything, readable and held (reset/abort).
  void clear();

 private:
  ByteRing ring_;
  Reassembler reasm_;
  SackGenerator sack_;
  std::size_t capacity_;
};

}  // namespace synack::tcp
