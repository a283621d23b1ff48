// SPDX-License-Identifier: Apache-2.0
// Reads a fuzz input as a stream of small integers and byte runs (a
// FuzzedDataProvider that also builds with g++ for the corpus replay). Past the
// end every read returns zero / empty, so any input is a complete program.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace synack::fuzz {

class InputReader {
 public:
  InputReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  [[nodiscard]] bool empty() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((u8() << 8) | u8()); }
  std::uint32_t u32() { return (std::uint32_t{u16()} << 16) | u16(); }
  bool flag() { return (u8() & 1) != 0; }
  /// Up to `max` bytes (fewer at the end of the input).
  std::span<const std::byte> bytes(std::size_t max) {
    const std::size_t n = std::min(max, size_ - std::min(pos_, size_));
    const auto* p = reinterpret_cast<const std::byte*>(data_ + pos_);
    pos_ += n;
    return {p, n};
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace synack::fuzz
