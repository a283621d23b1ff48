// SPDX-License-Identifier: Apache-2.0
#include "base/checksum.hpp"

#include <bit>
#include <cstring>

namespace synack {
namespace {

std::uint16_t fold(std::uint64_t acc) {
  acc = (acc & 0xffffffff) + (acc >> 32);
  acc = (acc & 0xffffffff) + (acc >> 32);
  acc = (acc & 0xffff) + (acc >> 16);
  acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(acc);
}

// One's-complement sum of `data` read as native-order 16-bit words, folded to 16
// bits. On a little-endian host this is the byte-swap of the big-endian sum
// (RFC 1071 §2(B)); the caller swaps it back.
std::uint16_t native_sum(Bytes data) {
  const std::byte* p = data.data();
  std::size_t n = data.size();
  // Four independent lanes of 32-bit halves into 64-bit accumulators: no carry
  // chain between iterations, so the compiler can pipeline or vectorise it.
  std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  while (n >= 32) {
    std::uint64_t w[4];
    std::memcpy(w, p, sizeof w);
    a0 += (w[0] & 0xffffffff) + (w[0] >> 32);
    a1 += (w[1] & 0xffffffff) + (w[1] >> 32);
    a2 += (w[2] & 0xffffffff) + (w[2] >> 32);
    a3 += (w[3] & 0xffffffff) + (w[3] >> 32);
    p += 32;
    n -= 32;
  }
  std::uint64_t acc = fold(a0) + std::uint64_t{fold(a1)} + fold(a2) + fold(a3);
  while (n >= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);
    acc += w;
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // The odd byte is the high-order byte of a word padded with zero; in a
    // native little-endian load that is the low byte.
    const auto last = static_cast<std::uint16_t>(std::to_integer<std::uint8_t>(*p));
    acc +=
        std::endian::native == std::endian::little ? last : static_cast<std::uint16_t>(last << 8);
  }
  return fold(acc);
}

std::uint16_t to_big_endian_domain(std::uint16_t native) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::uint16_t>((native << 8) | (native >> 8));
  } else {
    return native;
  }
}

}  // namespace

Checksum& Checksum::add(Bytes piece) {
  std::uint16_t s = to_big_endian_domain(native_sum(piece));
  if (odd_) s = static_cast<std::uint16_t>((s << 8) | (s >> 8));  // RFC 1071 §2(B) swap
  acc_ += s;
  odd_ ^= (piece.size() & 1) != 0;
  return *this;
}

Checksum& Checksum::add_be16(std::uint16_t word) {
  acc_ += odd_ ? static_cast<std::uint16_t>((word << 8) | (word >> 8)) : word;
  return *this;
}

Checksum& Checksum::add_be32(std::uint32_t word) {
  add_be16(static_cast<std::uint16_t>(word >> 16));
  return add_be16(static_cast<std::uint16_t>(word));
}

std::uint16_t Checksum::sum() const {
  return fold(acc_);
}

std::uint16_t internet_checksum(Bytes data) {
  return Checksum().add(data).finish();
}

Checksum pseudo_header_ipv4(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                            std::uint16_t length) {
  Checksum c;
  c.add_be32(src).add_be32(dst).add_be16(protocol).add_be16(length);
  return c;
}

std::uint16_t checksum_update16(std::uint16_t old_checksum, std::uint16_t old_word,
                                std::uint16_t new_word) {
  std::uint64_t acc = static_cast<std::uint16_t>(~old_checksum);
  acc += static_cast<std::uint16_t>(~old_word);
  acc += new_word;
  return static_cast<std::uint16_t>(~fold(acc));
}

std::uint16_t checksum_update32(std::uint16_t old_checksum, std::uint32_t old_value,
                                std::uint32_t new_value) {
  const auto hi = checksum_update16(old_checksum, static_cast<std::uint16_t>(old_value >> 16),
                                    static_cast<std::uint16_t>(new_value >> 16));
  return checksum_update16(hi, static_cast<std::uint16_t>(old_value),
                           static_cast<std::uint16_t>(new_value));
}

}  // namespace synack
