// Send and receive byte buffers of the simple data path, bounded by the
// configured sizes. Small seams: the byte ring and reassembler of the next
// issue replace the internals without touching Connection.
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

#include "base/bytes.hpp"

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

/// In-order bytes received and not yet read by the user. Capacity bounds RCV.WND.
class ReceiveBuffer {
 public:
  explicit ReceiveBuffer(std::size_t capacity) : capacity_(capacity) {}
  /// Appends up to free() bytes; returns how many were taken.
  std::size_t push(Bytes data);
  /// Moves up to out.size() bytes to `out`; returns how many.
  std::size_t read(MutableBytes out);
  /// Copies up to out.size() bytes to `out` without consuming them.
  std::size_t peek(MutableBytes out) const;
  [[nodiscard]] std::size_t size() const { return data_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] std::size_t free() const { return capacity_ - data_.size(); }
  void clear() { data_.clear(); }

 private:
  std::deque<std::byte> data_;
  std::size_t capacity_;
};

}  // namespace synack::tcp
