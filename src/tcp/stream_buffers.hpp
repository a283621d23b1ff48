// SPDX-License-Identifier: Apache-2.0
// Send and receive byte buffers of a connection: byte rings indexed by stream
// offset (base/byte_ring.hpp), bounded by the configured sizes, holding
// storage only while they hold data.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/byte_ring.hpp"
#include "base/bytes.hpp"
#include "base/out_of_line.hpp"
#include "tcp/reassembly.hpp"
#include "tcp/sack.hpp"

namespace synack::tcp {

/// Bytes the user has SENT that are not yet acknowledged: the send buffer
/// and retransmission queue in one ByteRing (RFC 9293 §3.3.1 SND.UNA..end of
/// queued data). Offsets are relative to the first unacknowledged byte.
/// Capacity (bytes, Config::snd_buf / SO_SNDBUF) bounds what SEND accepts.
/// The ring's storage is taken on the first write and given back whenever
/// everything has been acknowledged (no buffer while idle; base/buffer_pool
/// keeps that cheap). No allocation per segment.
class SendBuffer {
 public:
  /// The longest range peek() returns as one span: a segment's payload
  /// (Eff.snd.MSS ≤ 65495 bytes on a 65535-byte MTU).
  static constexpr std::size_t kMaxPeek = 65536;

  explicit SendBuffer(std::size_t capacity)
      : ring_(std::max<std::size_t>(capacity, 1), 0, std::min(capacity, kMaxPeek)),
        capacity_(capacity) {}
  /// Appends up to free() bytes of `data`; returns how many were taken.
  std::size_t write(Bytes data);
  /// Drops `n` acknowledged bytes from the front (clamped to size()).
  void acknowledge(std::size_t n);
  /// Up to `len` (≤ kMaxPeek) bytes starting `offset` bytes after the front,
  /// contiguous. Valid until the next non-const call.
  [[nodiscard]] Bytes peek(std::size_t offset, std::size_t len);
  [[nodiscard]] std::size_t size() const { return ring_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] std::size_t free() const { return capacity_ - std::min(capacity_, size()); }
  /// Whether the ring currently holds storage (false when idle).
  [[nodiscard]] bool allocated() const { return ring_.allocated(); }
  /// Drops everything and gives the storage back.
  void clear();

 private:
  ByteRing ring_;
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
  [[nodiscard]] const Reassembler& reassembler() const { return ooo_.get().reasm; }
  /// Whether the ring currently holds storage (false when nothing is buffered).
  [[nodiscard]] bool allocated() const { return ring_.allocated(); }
  /// SACK blocks (stream offsets) for the next ACK, at most `max_blocks` (RFC 2018 §4 order).
  [[nodiscard]] SackRanges sack_blocks(std::size_t max_blocks) const {
    return ooo_.get().sack.build(ooo_.get().reasm.intervals(), ring_.tail(), max_blocks);
  }
  /// An ACK went out: a D-SACK block is reported once (RFC 2883 §4).
  void sack_sent() {
    if (ooo_) ooo_.mut().sack.ack_sent();
  }
  /// Drops everything, readable and held (reset/abort).
  void clear();

 private:
  ByteRing ring_;
  // Out-of-order bookkeeping, allocated with the first data (an idle
  // connection holds one pointer): held intervals, their counters, SACK blocks.
  struct OutOfOrder {
    Reassembler reasm;
    SackGenerator sack;
  };
  OutOfLine<OutOfOrder> ooo_;
  std::size_t capacity_;
};

}  // namespace synack::tcp
